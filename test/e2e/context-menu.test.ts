import type { Locator, Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { cell, expectGallery, galleryGrid, resetUi, useE2e, viewer } from './harness';
import { boardsBySize, viewImages, viewNames } from './expected';
import type { ImageRecord } from '../server/store';

/**
 * The context menu on a cell, on a selection and in the viewer, by mouse and by keyboard, and the
 * `?` shortcut sheet; every action is checked on the stand-in.
 */
const e2e = useE2e({ server: { images: 300, seed: 23, queueItems: 200 } });

beforeEach(async () => {
  await resetUi(e2e().page);
});

const menu = (page: Page, name: string): Locator => page.getByRole('menu', { name: `Actions for ${name}`, exact: true });
const item = (scope: Locator, name: string): Locator => scope.getByRole('menuitem', { name, exact: true });

/** The name of the focused element (a menu item, the search box, the grid). */
function focusedName(page: Page): Promise<string> {
  return page.evaluate(() => {
    const active = (
      globalThis as unknown as {
        document: { activeElement: { getAttribute(name: string): string | null; textContent: string | null } | null };
      }
    ).document.activeElement;
    return active?.getAttribute('aria-label') ?? active?.textContent?.trim() ?? '';
  });
}

function readClipboard(page: Page): Promise<string> {
  return page.evaluate(() =>
    (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText(),
  );
}

function metadataOf(image: ImageRecord): { positive_prompt: string; seed: number } {
  return JSON.parse(image.metadata!) as { positive_prompt: string; seed: number };
}

describe('the context menu on a cell', () => {
  it('stars the image, moves it through the board submenu searched by typing, and removes it from its board', async () => {
    const { page, server } = e2e();
    const names = viewNames(server);
    await expectGallery(page, names);
    const name = names.find((candidate) => !server.state.gallery.getImage(candidate)!.starred)!;
    const target = boardsBySize(server).find(
      (board) => !board.archived && board.board_id !== server.state.gallery.getImage(name)!.board_id,
    )!;

    await cell(page, name).click({ button: 'right' });
    // Like a file manager, the right-clicked cell becomes the selection.
    expect(await cell(page, name).getAttribute('aria-selected')).toBe('true');
    await item(menu(page, name), 'Star').click();
    await menu(page, name).waitFor({ state: 'detached' });
    await expect.poll(() => server.state.gallery.getImage(name)!.starred).toBe(true);

    await cell(page, name).click({ button: 'right' });
    await item(menu(page, name), 'Unstar').waitFor();
    await item(menu(page, name), 'Move to board').click();
    const search = page.getByRole('searchbox', { name: 'Search boards' });
    await expect.poll(() => focusedName(page)).toBe('Search boards');
    const boards = page.getByRole('menu', { name: 'Boards' });
    const every = await boards.getByRole('menuitem').count();
    await search.fill(target.board_name.slice(0, 5));
    await expect.poll(() => boards.getByRole('menuitem').count()).toBeLessThan(every);
    await item(boards, target.board_name).click();
    await expect.poll(() => server.state.gallery.getImage(name)!.board_id).toBe(target.board_id);
    await page
      .getByRole('status')
      .filter({ hasText: `Moved 1 image to “${target.board_name}”.` })
      .waitFor();

    await expectGallery(page, viewNames(server));
    await cell(page, name).click({ button: 'right' });
    await item(menu(page, name), 'Remove from board').click();
    await expect.poll(() => server.state.gallery.getImage(name)!.board_id).toBeNull();
  });

  it('copies the prompt, the seed and all parameters, hands Copy image to main, and exports the one image', async () => {
    const { page, server } = e2e();
    const images = viewImages(server);
    await expectGallery(
      page,
      images.map((image) => image.image_name),
    );
    const image = images.find((candidate) => candidate.metadata !== null)!;
    const metadata = metadataOf(image);

    await cell(page, image.image_name).click({ button: 'right' });
    await item(menu(page, image.image_name), 'Copy prompt').click();
    await page.getByRole('status').filter({ hasText: 'Prompt copied to the clipboard.' }).waitFor();
    expect(await readClipboard(page)).toBe(metadata.positive_prompt);

    await cell(page, image.image_name).click({ button: 'right' });
    await item(menu(page, image.image_name), 'Copy seed').click();
    await page.getByRole('status').filter({ hasText: 'Seed copied to the clipboard.' }).waitFor();
    expect(await readClipboard(page)).toBe(String(metadata.seed));

    await cell(page, image.image_name).click({ button: 'right' });
    await item(menu(page, image.image_name), 'Copy all parameters').click();
    await page.getByRole('status').filter({ hasText: 'Parameters copied to the clipboard.' }).waitFor();
    const parameters = await readClipboard(page);
    expect(parameters).toContain(`Prompt: ${metadata.positive_prompt}`);
    expect(parameters).toContain(`Seed: ${metadata.seed}`);

    // Copy image goes to main's hand-off, which the browser test host answers with its reason.
    await cell(page, image.image_name).click({ button: 'right' });
    await item(menu(page, image.image_name), 'Copy image').click();
    await page.getByRole('status').filter({ hasText: 'This needs the desktop app' }).first().waitFor();

    // Export… asks about this one image only.
    await cell(page, image.image_name).click({ button: 'right' });
    await item(menu(page, image.image_name), 'Export…').click();
    const exportDialog = page.getByRole('dialog', { name: 'Export 1 image' });
    await exportDialog.waitFor();
    await page.keyboard.press('Escape');
    await exportDialog.waitFor({ state: 'detached' });
  });

  it('acts on the whole selection when a selected cell is right-clicked: star, then delete after confirming', async () => {
    const { page, server } = e2e();
    const names = viewNames(server);
    await expectGallery(page, names);
    const chosen = [names[1]!, names[3]!, names[4]!];
    await cell(page, chosen[0]!).click();
    await cell(page, chosen[1]!).click({ modifiers: ['Control'] });
    await cell(page, chosen[2]!).click({ modifiers: ['Control'] });

    await cell(page, chosen[1]!).click({ button: 'right' });
    const selectionMenu = menu(page, '3 selected images');
    await item(selectionMenu, 'Star 3 images').click();
    await expect.poll(() => chosen.map((name) => server.state.gallery.getImage(name)!.starred)).toEqual([true, true, true]);
    expect(server.state.gallery.getImage(names[2]!)!.starred).toBe(false);

    await cell(page, chosen[0]!).click({ button: 'right' });
    await item(selectionMenu, 'Export 3 images…').click();
    const exportDialog = page.getByRole('dialog', { name: 'Export 3 images' });
    await exportDialog.waitFor();
    await page.keyboard.press('Escape');
    await exportDialog.waitFor({ state: 'detached' });

    await cell(page, chosen[2]!).click({ button: 'right' });
    await item(selectionMenu, 'Compare 3 images').waitFor();
    await item(selectionMenu, 'Delete 3 images…').click();
    const dialog = page.getByRole('dialog', { name: 'Delete 3 images' });
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect.poll(() => chosen.filter((name) => server.state.gallery.getImage(name)).length).toBe(0);
    expect(server.state.gallery.getImage(names[2]!)).toBeDefined();
  });
});

describe('the context menu from the keyboard', () => {
  it('opens with Shift+F10 and the Menu key at the focused cell, walks with the arrows, closes on Escape and gives the focus back', async () => {
    const { page, server } = e2e();
    const names = viewNames(server);
    await expectGallery(page, names);
    const target = boardsBySize(server).find(
      (board) => !board.archived && board.board_id !== server.state.gallery.getImage(names[1]!)!.board_id,
    )!;
    await galleryGrid(page).focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowRight');

    await page.keyboard.press('Shift+F10');
    await menu(page, names[1]!).waitFor();
    await expect.poll(() => focusedName(page)).toBe('Open');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => focusedName(page)).toMatch(/^(Star|Unstar)$/);
    await page.keyboard.press('End');
    await expect.poll(() => focusedName(page)).toBe('Delete…');
    await page.keyboard.press('Escape');
    await menu(page, names[1]!).waitFor({ state: 'detached' });
    await expect.poll(() => focusedName(page)).toBe('Gallery');

    await page.keyboard.press('ContextMenu');
    await menu(page, names[1]!).waitFor();
    // Down to "Move to board", → into its search box, type, Enter takes the first match.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => focusedName(page)).toBe('Move to board');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => focusedName(page)).toBe('Search boards');
    await page.keyboard.type(target.board_name);
    await page.keyboard.press('Enter');
    await expect.poll(() => server.state.gallery.getImage(names[1]!)!.board_id).toBe(target.board_id);
  });

  it('lists every key on “?” and closes on Escape', async () => {
    const { page } = e2e();
    await galleryGrid(page).focus();
    await page.keyboard.press('?');
    const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await sheet.waitFor();
    for (const section of ['Anywhere', 'Gallery', 'Search box', 'Viewer', 'Compare', 'Menus'])
      await sheet.getByRole('region', { name: section }).waitFor();
    const gallery = sheet.getByRole('region', { name: 'Gallery' });
    for (const key of ['Shift+F10', 'Menu key', 'Ctrl+A', 'Space', 'Delete', 'C', 'Alt+click'])
      await gallery.getByText(key, { exact: true }).first().waitFor();
    await sheet.getByRole('region', { name: 'Compare' }).getByText('Swap the first two images').waitFor();
    await page.keyboard.press('Escape');
    await sheet.waitFor({ state: 'detached' });
    // Typed into the search box, "?" is just a character.
    const searchBox = page.getByLabel('Search prompts and names', { exact: true });
    await searchBox.fill('');
    await searchBox.press('?');
    expect(await sheet.count()).toBe(0);
    await searchBox.fill('');
  });
});

describe('the context menu in the viewer', () => {
  it('opens on the image by right-click and Shift+F10, closes on Escape without closing the viewer, and deletes the image shown', async () => {
    const { page, server } = e2e();
    const names = viewNames(server);
    await expectGallery(page, names);
    const name = names[5]!;
    await cell(page, name).dblclick();
    await viewer(page).getByRole('img', { name, exact: true }).waitFor();

    await viewer(page).getByRole('img', { name, exact: true }).click({ button: 'right' });
    const viewerMenu = menu(page, name);
    await item(viewerMenu, 'Open the job that made it').waitFor();
    expect(await item(viewerMenu, 'Open').count()).toBe(0);
    await page.keyboard.press('Escape');
    await viewerMenu.waitFor({ state: 'detached' });
    expect(await viewer(page).isVisible()).toBe(true);

    await page.keyboard.press('Shift+F10');
    await item(viewerMenu, 'Delete…').click();
    await page.getByRole('dialog', { name: 'Delete 1 image' }).getByRole('button', { name: 'Delete', exact: true }).click();
    await expect.poll(() => server.state.gallery.getImage(name)).toBeUndefined();
    await viewer(page).waitFor({ state: 'detached' });
  });
});
