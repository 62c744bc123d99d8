import { beforeEach, describe, expect, it } from 'vitest';
import type { ImageRecord } from '../server/store';
import { UI_TIMEOUT, expectGallery, galleryCount, resetUi, statusBar, useE2e } from './harness';
import { plural, viewImages, viewNames } from './expected';
import { formatTerm } from '../../src/shared/query';

/**
 * The search language in the search box: terms become chips, a term it cannot read is a marked
 * chip saying why, chips remove their term, and autocomplete offers field names and the values
 * the cache holds. Expectations are plain filters over the stand-in's own metadata.
 */
const e2e = useE2e({ server: { images: 300, seed: 11, queueItems: 10 } });

beforeEach(async () => {
  await resetUi(e2e().page);
});

interface Meta {
  positive_prompt?: string;
  model?: { name?: string };
  steps?: number;
  loras?: { model: { name: string } }[];
}
const meta = (image: ImageRecord): Meta => (image.metadata ? (JSON.parse(image.metadata) as Meta) : {});

describe('search fields', () => {
  it('completes a model from the cache, shows the term as a chip and filters by it', async () => {
    const { page, server } = e2e();
    const images = viewImages(server);
    const model = meta(images.find((image) => meta(image).model?.name)!).model!.name!;
    const box = page.getByRole('searchbox', { name: 'Search prompts and names' });

    await box.click();
    await box.pressSequentially('mod');
    const suggestions = page.getByRole('listbox', { name: 'Suggestions' });
    await suggestions.getByRole('option', { name: /^model:/ }).waitFor({ timeout: UI_TIMEOUT });
    await box.press('Enter');
    await expect.poll(() => box.inputValue()).toBe('model:');

    await box.pressSequentially(model.slice(0, 3));
    const option = suggestions.getByRole('option', { name: model, exact: true });
    await option.waitFor({ timeout: UI_TIMEOUT });
    await option.click();
    const term = model.includes(' ') ? `model:"${model}"` : `model:${model}`;
    await expect.poll(() => box.inputValue()).toBe(`${term} `);

    const wanted = images.filter((image) => meta(image).model?.name?.toLowerCase().startsWith(model.toLowerCase()));
    expect(wanted.length).toBeGreaterThan(0);
    await expectGallery(
      page,
      wanted.map((image) => image.image_name),
    );
    const chips = page.getByRole('list', { name: 'Search terms' });
    await chips.getByText(term, { exact: true }).waitFor();

    // Steps narrow it further; removing the model chip leaves the steps term alone.
    await box.pressSequentially('steps:>=30');
    const both = wanted.filter((image) => (meta(image).steps ?? 0) >= 30);
    await expectGallery(
      page,
      both.map((image) => image.image_name),
    );
    await chips.getByRole('button', { name: `Remove ${term}` }).click();
    await expect.poll(() => box.inputValue()).toBe('steps:>=30');
    await expectGallery(
      page,
      images.filter((image) => (meta(image).steps ?? 0) >= 30).map((image) => image.image_name),
    );
  });

  it('marks a term it cannot read, says why, and leaves it out instead of emptying the gallery', async () => {
    const { page, server } = e2e();
    const box = page.getByRole('searchbox', { name: 'Search prompts and names' });
    await box.fill('steps:many colour:red');
    const chips = page.getByRole('list', { name: 'Search terms' });
    const steps = chips.locator('.search-chip-invalid', { hasText: 'steps:many' });
    await steps.waitFor();
    expect(await steps.getAttribute('title')).toMatch(/^steps: takes a whole number/);
    expect(await chips.locator('.search-chip-invalid', { hasText: 'colour:red' }).getAttribute('title')).toMatch(
      /There is no field “colour:”/,
    );
    const all = viewImages(server);
    await expectGallery(
      page,
      all.map((image) => image.image_name),
    );
    expect(await galleryCount(page)).toContain(plural(all.length, 'image'));
    await page.screenshot({ path: '/tmp/ivk-search-invalid.png' });
  });

  it('finds images by a LoRA they were made with', async () => {
    const { page, server } = e2e();
    const images = viewImages(server);
    const withLora = images.filter((image) => meta(image).loras?.some((lora) => lora.model.name.toLowerCase().startsWith('pixel')));
    expect(withLora.length).toBeGreaterThan(0);
    await page.getByRole('searchbox', { name: 'Search prompts and names' }).fill('lora:pixel');
    await expectGallery(
      page,
      withLora.map((image) => image.image_name),
    );
  });

  it('completes field names with Tab and shows chips for every term', async () => {
    const { page } = e2e();
    const box = page.getByRole('searchbox', { name: 'Search prompts and names' });
    await box.click();
    await box.pressSequentially('fox OR owl sch');
    await page
      .getByRole('listbox', { name: 'Suggestions' })
      .getByRole('option', { name: /^scheduler:/ })
      .waitFor();
    await box.press('Tab');
    await expect.poll(() => box.inputValue()).toBe('fox OR owl scheduler:');
    await box.pressSequentially('eul');
    await page.getByRole('listbox', { name: 'Suggestions' }).getByRole('option').first().waitFor();
    await page.screenshot({ path: '/tmp/ivk-search-autocomplete.png' });
    await box.press('Escape');
    await page.getByRole('listbox', { name: 'Suggestions' }).waitFor({ state: 'hidden' });
    const chips = page.getByRole('list', { name: 'Search terms' });
    await expect.poll(() => chips.getByRole('listitem').allTextContents()).toEqual(['fox', 'ORowl', 'scheduler:eul']);
  });

  it('counts the view per model in the facet panel, and a click adds and removes the model term', async () => {
    const { page, server } = e2e();
    const images = viewImages(server);
    const perModel = new Map<string, number>();
    for (const image of images) {
      const name = meta(image).model?.name;
      if (name) perModel.set(name, (perModel.get(name) ?? 0) + 1);
    }
    const [model, count] = [...perModel].sort((a, b) => b[1] - a[1])[0]!;
    const panel = page.getByRole('complementary', { name: 'Facets' });
    const models = panel.getByRole('region', { name: 'Model' });
    const button = models.getByRole('button', { name: new RegExp(`^${model.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) });
    await expect.poll(() => button.textContent(), { timeout: UI_TIMEOUT }).toBe(`${model}${count}`);
    expect(await button.getAttribute('aria-pressed')).toBe('false');

    await button.click();
    const term = model.includes(' ') ? `model:"${model}"` : `model:${model}`;
    const box = page.getByRole('searchbox', { name: 'Search prompts and names' });
    await expect.poll(() => box.inputValue()).toBe(term);
    const wanted = images.filter((image) => meta(image).model?.name?.toLowerCase().startsWith(model.toLowerCase()));
    await expectGallery(
      page,
      wanted.map((image) => image.image_name),
    );
    await expect.poll(() => button.getAttribute('aria-pressed')).toBe('true');
    await page.screenshot({ path: '/tmp/ivk-search-facets.png' });

    await button.click();
    await expect.poll(() => box.inputValue()).toBe('');
    await expectGallery(
      page,
      images.map((image) => image.image_name),
    );
  });

  it('shows images per model and LoRA in the Models view, and a name searches for it', async () => {
    const { page, server } = e2e();
    const images = viewImages(server);
    const perModel = new Map<string, number>();
    const perLora = new Map<string, number>();
    for (const image of images) {
      const m = meta(image);
      if (m.model?.name) perModel.set(m.model.name, (perModel.get(m.model.name) ?? 0) + 1);
      for (const lora of m.loras ?? []) perLora.set(lora.model.name, (perLora.get(lora.model.name) ?? 0) + 1);
    }
    await page.getByRole('complementary', { name: 'Facets' }).getByRole('button', { name: 'Models and LoRAs…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Models and LoRAs' });
    const models = dialog.getByRole('table', { name: 'Models' });
    await models.waitFor();
    const rows = async (table: typeof models) => (await table.getByRole('row').allTextContents()).slice(1);
    const [model, count] = [...perModel].sort((a, b) => b[1] - a[1])[0]!;
    expect(await rows(models)).toHaveLength(perModel.size);
    const modelRow = models.getByRole('row').filter({ has: page.getByRole('rowheader', { name: model, exact: true }) });
    expect(await modelRow.getByRole('cell').allTextContents()).toEqual([expect.any(String), String(count), 'Installed']);
    const loras = dialog.getByRole('table', { name: 'LoRAs' });
    expect(await rows(loras)).toHaveLength(perLora.size);
    await page.screenshot({ path: '/tmp/ivk-search-models.png' });

    await models.getByRole('button', { name: model, exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    const term = model.includes(' ') ? `model:"${model}"` : `model:${model}`;
    await expect.poll(() => page.getByRole('searchbox', { name: 'Search prompts and names' }).inputValue()).toBe(term);
    await expectGallery(
      page,
      images.filter((image) => meta(image).model?.name?.toLowerCase().startsWith(model.toLowerCase())).map((image) => image.image_name),
    );
  });

  it('stacks images by exact prompt in the Prompts view, by count or date, narrowed by words; a stack opens as a search', async () => {
    const { page, server } = e2e();
    // The stand-in's prompts are all different: the same prompt again, three times and once
    // (as "Invoke" again would), so stacks differ in size. This is the file's last test.
    const [first, second] = viewImages(server).filter((image) => meta(image).positive_prompt);
    for (const source of [first!, first!, first!, second!]) {
      const { image_origin, image_category, width, height, is_intermediate, board_id, session_id, node_id, metadata } = source;
      server.state.gallery.addImage({
        ...{ image_origin, image_category, width, height, is_intermediate, board_id, session_id, node_id, metadata },
        workflow: null,
        graph: null,
        source: source.source,
      });
      // A millisecond apart, so creation order is one order on both sides.
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    await statusBar(page).getByRole('button', { name: 'Sync now' }).click();
    await expectGallery(page, viewNames(server));
    const stacks = new Map<string, ImageRecord[]>();
    for (const image of viewImages(server, { categories: [] })) {
      const prompt = meta(image).positive_prompt;
      if (prompt) stacks.set(prompt, [...(stacks.get(prompt) ?? []), image]);
    }
    const created = (image: ImageRecord) => Date.parse(`${image.created_at.replace(' ', 'T')}Z`);
    const newest = (images: ImageRecord[]) => Math.max(...images.map(created));
    const byCount = [...stacks].sort((a, b) => b[1].length - a[1].length || newest(b[1]) - newest(a[1]));
    const byDate = [...stacks].sort((a, b) => newest(b[1]) - newest(a[1]));

    await page.getByRole('complementary', { name: 'Facets' }).getByRole('button', { name: 'Prompts…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Prompts' });
    const list = dialog.getByRole('list', { name: 'Prompt stacks' });
    await list.waitFor({ timeout: UI_TIMEOUT });
    const shown = async () => {
      const items = list.getByRole('listitem');
      return Promise.all(
        (await items.all()).map(async (item) => [
          await item.locator('.prompt-text').textContent(),
          await item.locator('.prompt-count').textContent(),
        ]),
      );
    };
    const want = (entries: [string, ImageRecord[]][], count = 60) =>
      entries.slice(0, count).map(([prompt, images]) => [prompt, plural(images.length, 'image')]);
    await expect.poll(shown).toEqual(want(byCount));
    await page.screenshot({ path: '/tmp/ivk-search-prompts.png' });
    await dialog.getByRole('button', { name: 'More prompts' }).click();
    await expect.poll(shown).toEqual(want(byCount, 120));

    await dialog.getByLabel('Sort').selectOption('recent');
    await expect.poll(shown).toEqual(want(byDate));
    const word = byCount[0]![0].split(/\s+/).find((w) => /^[a-z]{4,}$/i.test(w))!;
    await dialog.getByRole('searchbox', { name: 'Find prompts containing' }).fill(word);
    await expect.poll(shown).toEqual(want(byDate.filter(([prompt]) => prompt.toLowerCase().includes(word.toLowerCase()))));

    const [prompt, images] = byCount[0]!;
    expect(images).toHaveLength(4);
    await dialog.getByRole('searchbox', { name: 'Find prompts containing' }).fill('');
    await dialog.getByLabel('Sort').selectOption('count');
    await expect.poll(shown).toEqual(want(byCount));
    await list.getByRole('listitem').first().getByRole('button').click();
    await dialog.waitFor({ state: 'detached' });
    await expect
      .poll(() => page.getByRole('searchbox', { name: 'Search prompts and names' }).inputValue())
      .toBe(formatTerm('prompt', prompt));
    // The grid keeps its view (general images here): the stack's images within it.
    await expectGallery(
      page,
      viewImages(server)
        .filter((image) => meta(image).positive_prompt === prompt)
        .map((image) => image.image_name),
    );
  });
});
