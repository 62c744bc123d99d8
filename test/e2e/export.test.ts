import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileSha, serverSha } from '../main/export/support';
import { boardsBySize, viewImages, viewNames } from './expected';
import { boardButton, cell, expectGallery, resetUi, useE2e } from './harness';

/**
 * Export and drag out in the real UI through the test host: files byte for byte as the server's
 * `/full`, progress with cancel and resume, and a cell's drag that still moves onto a board while
 * main is asked (and honestly answers) to drag the files out.
 */
const e2e = useE2e({ server: { images: 200, seed: 31, queueItems: 0 } });
/** Beside the README's other pictures on request (`UPDATE_SCREENSHOTS=1`), else in the temp folder. */
const SCREENSHOT = process.env.UPDATE_SCREENSHOTS
  ? resolve('docs/screenshots/export-progress.png')
  : join(tmpdir(), 'ivk-export-progress.png');

let out: string;

beforeEach(async () => {
  await resetUi(e2e().page);
  out = mkdtempSync(join(tmpdir(), 'ivk-e2e-export-'));
});

afterEach(() => {
  e2e().server.faults.clear();
  rmSync(out, { recursive: true, force: true });
});

const exportsPanel = (page: Page) => page.getByRole('region', { name: 'Exports' });

async function exportTo(page: Page, folder: string, count: number): Promise<void> {
  await page.getByRole('toolbar', { name: 'Selection' }).getByRole('button', { name: 'Export…' }).click();
  const dialog = page.getByRole('dialog', { name: `Export ${count} image${count === 1 ? '' : 's'}` });
  await dialog.getByLabel('Folder').fill(folder);
  await dialog.getByRole('radio', { name: 'Image name' }).click();
  await page.screenshot({ path: join(tmpdir(), 'ivk-export-dialog.png') });
  await dialog.getByRole('button', { name: `Export ${count}` }).click();
  await dialog.waitFor({ state: 'detached' });
}

/** Every file under a folder, relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1));
}

describe('export', () => {
  it('exports a selection to a folder, each file byte for byte the server’s /full', async () => {
    const { page, server } = e2e();
    const names = viewNames(server);
    await expectGallery(page, names);
    await cell(page, names[0]!).click();
    await cell(page, names[2]!).click({ modifiers: ['Shift'] });
    await exportTo(page, out, 3);

    await exportsPanel(page).getByRole('listitem', { name: 'Exported 3 images' }).waitFor();
    expect((await filesUnder(out)).sort()).toEqual(names.slice(0, 3).sort());
    for (const name of names.slice(0, 3)) expect(await fileSha(join(out, name))).toBe(await serverSha(server.url, name));
    await exportsPanel(page)
      .getByRole('button', { name: /^Remove “Exported 3 images”/ })
      .click();
    await exportsPanel(page).waitFor({ state: 'detached' });
  });

  it('shows progress with cancel, and resumes a whole board without redoing finished files', async () => {
    const { page, server } = e2e();
    const board = boardsBySize(server).find((candidate) => !candidate.archived && candidate.size >= 16 && candidate.size <= 60)!;
    const names = viewNames(server, { board: board.board_id });
    await boardButton(page, board.board_name).click();
    await expectGallery(page, names);
    // Slow full images, so the export is seen running.
    server.faults.add({ pathPrefix: '/api/v1/images/i/', latencyMs: 250 });
    await cell(page, names[0]!).click();
    await page.keyboard.press('ControlOrMeta+a');
    await exportTo(page, out, names.length);

    const running = exportsPanel(page).getByRole('listitem', { name: /^Exporting \d+ of / });
    await running.waitFor();
    // The export goes on without the selection; the picture shows the panel alone.
    await page.getByRole('toolbar', { name: 'Selection' }).getByRole('button', { name: 'Clear selection' }).click();
    await page.getByRole('toolbar', { name: 'Selection' }).waitFor({ state: 'detached' });
    await exportsPanel(page)
      .getByRole('listitem', { name: /^Exporting ([3-9]|\d\d+) of / })
      .waitFor();
    await page.screenshot({ path: SCREENSHOT });
    await running.getByRole('button', { name: 'Cancel' }).click();
    const cancelled = exportsPanel(page).getByRole('listitem', { name: /^Cancelled at \d+ of / });
    await cancelled.waitFor();
    const first = await filesUnder(out);
    expect(first.length).toBeLessThan(names.length);
    const mtimes = new Map(first.map((file) => [file, statSync(join(out, file)).mtimeMs]));

    server.faults.clear();
    await cancelled.getByRole('button', { name: 'Resume' }).click();
    await exportsPanel(page)
      .getByRole('listitem', { name: `Exported ${names.length} images` })
      .waitFor();
    expect((await filesUnder(out)).sort()).toEqual([...names].sort());
    for (const [file, mtime] of mtimes) expect(statSync(join(out, file)).mtimeMs).toBe(mtime);
    for (const name of names) expect(await fileSha(join(out, name))).toBe(await serverSha(server.url, name));
    await exportsPanel(page)
      .getByRole('button', { name: /^Remove/ })
      .click();
  });
});

describe('board export', () => {
  it('exports a whole board from its menu into board/date_time_name files with JSON sidecars', async () => {
    const { page, server } = e2e();
    const board = boardsBySize(server).find((candidate) => !candidate.archived && candidate.size >= 3 && candidate.size <= 12)!;
    const names = viewNames(server, { board: board.board_id });
    await page.getByRole('button', { name: `Actions for board ${board.board_name}` }).click();
    await page.getByRole('menuitem', { name: 'Export…' }).click();
    const dialog = page.getByRole('dialog', { name: `Export board “${board.board_name}”` });
    await dialog.getByLabel('Folder').fill(out);
    await dialog.getByRole('radio', { name: 'Board / date_time_name' }).click();
    await dialog.getByRole('checkbox', { name: /JSON file with the metadata/ }).check();
    await dialog.getByRole('button', { name: `Export ${names.length}` }).click();

    await exportsPanel(page)
      .getByRole('listitem', { name: `Exported ${names.length} images` })
      .waitFor();
    const files = await filesUnder(out);
    const images = files.filter((file) => !file.endsWith('.json'));
    expect(images).toHaveLength(names.length);
    expect(files.filter((file) => file.endsWith('.json'))).toHaveLength(names.length);
    for (const name of names) {
      const file = images.find((candidate) => candidate.endsWith(`_${name}`));
      expect(file, name).toMatch(/^[^/]+\/\d{4}-\d{2}-\d{2}_\d{6}_/);
      expect(await fileSha(join(out, file!))).toBe(await serverSha(server.url, name));
    }
    await exportsPanel(page)
      .getByRole('button', { name: /^Remove/ })
      .click();
  });
});

describe('drag out', () => {
  it('stages the dragged images’ full files for the system while a drop on a board still moves them', async () => {
    const { page, server, dataDir } = e2e();
    const names = viewNames(server, { board: 'none' });
    const target = boardsBySize(server).filter((board) => !board.archived)[0]!;
    await boardButton(page, 'Uncategorized').click();
    await expectGallery(page, names);
    const dragged = names[1]!;
    await cell(page, dragged).dragTo(boardButton(page, target.board_name));

    await expect.poll(() => server.state.gallery.getImage(dragged)?.board_id).toBe(target.board_id);
    // The host has no system drag; main still staged the full image it would have handed over.
    const staged = (await filesUnder(join(dataDir))).find((file) => file.includes(`/images/`) && file.endsWith(`/${dragged}`));
    expect(staged, 'the dragged image is staged in the cache').toBeDefined();
    expect(await fileSha(join(dataDir, staged!))).toBe(await serverSha(server.url, dragged));
    expect(viewImages(server, { board: target.board_id }).some((image) => image.image_name === dragged)).toBe(true);
  });
});
