import type { Page } from 'playwright-core';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PDF_BYTES, imageBytes } from '../fixtures/images';
import { boardButton, boardCounts, dropFiles, expectGallery, galleryGrid, resetUi, useE2e } from './harness';
import { boardsBySize, countsText, viewNames } from './expected';

/**
 * Drag-and-drop uploads of real files: dropped on the gallery (the current board) and on a board
 * in the sidebar, through the host's bridge (which stages the bytes, as Electron gives paths).
 */
const e2e = useE2e({ server: { images: 150, seed: 3, queueItems: 10 } });

interface DroppedFile {
  name: string;
  type: string;
  bytes: Uint8Array;
}

let png: DroppedFile;
let jpeg: DroppedFile;
let webp: DroppedFile;
let pdfAsPng: DroppedFile;

beforeAll(async () => {
  png = { name: 'sunset.png', type: 'image/png', bytes: await imageBytes('png', 72, 48) };
  jpeg = { name: 'portrait.jpg', type: 'image/jpeg', bytes: await imageBytes('jpeg', 48, 64) };
  webp = { name: 'texture.webp', type: 'image/webp', bytes: await imageBytes('webp', 40, 40) };
  // A PDF renamed .png: the name says image, the bytes do not.
  pdfAsPng = { name: 'invoice.png', type: 'image/png', bytes: PDF_BYTES };
});

beforeEach(async () => {
  await resetUi(e2e().page);
});

const uploadsPanel = (page: Page) => page.getByRole('region', { name: 'Uploads' });
const uploadRow = (page: Page, fileName: string) => uploadsPanel(page).getByRole('listitem').filter({ hasText: fileName });

function imageNames(e: ReturnType<typeof e2e>): Set<string> {
  return new Set(e.server.state.gallery.images.keys());
}

describe('drag-and-drop uploads', () => {
  it('uploads files dropped on the gallery into the current board, with per-file progress and the bad file’s reason', async () => {
    const e = e2e();
    const { page, server } = e;
    const board = boardsBySize(server).filter((candidate) => !candidate.archived)[2]!;
    await boardButton(page, board.board_name).click();
    await expectGallery(page, viewNames(server, { board: board.board_id }));
    const before = imageNames(e);

    // Slow uploads down so that their progress can be seen (the server answers after 1.5 s).
    server.faults.add({ pathPrefix: '/api/v1/images/upload', latencyMs: 1500 });
    try {
      const accepted = await dropFiles(galleryGrid(page), [png, jpeg, webp, pdfAsPng]);
      expect(accepted, 'the window accepts a file drag').toBe(true);
      await uploadsPanel(page).waitFor();
      await uploadsPanel(page)
        .getByRole('progressbar', { name: `Upload of ${png.name}` })
        .waitFor();
      await uploadRow(page, pdfAsPng.name)
        .getByText('It looks like a PDF document, not an image. Only PNG, JPEG and WebP images and MP4 videos can be uploaded.')
        .waitFor();
      await uploadRow(page, pdfAsPng.name).getByText('Failed', { exact: true }).waitFor();

      for (const file of [png, jpeg, webp]) await uploadRow(page, file.name).getByText('Uploaded', { exact: true }).waitFor();
      await uploadsPanel(page).getByText('3 of 4 uploaded, 1 failed').waitFor();
      expect(await uploadsPanel(page).getByRole('progressbar').count()).toBe(0);
    } finally {
      server.faults.clear();
    }

    const added = [...imageNames(e)].filter((name) => !before.has(name)).map((name) => server.state.gallery.getImage(name)!);
    expect(added.map((image) => [image.board_id, image.image_category, image.image_origin])).toEqual(
      added.map(() => [board.board_id, 'user', 'external']),
    );
    expect(added.map((image) => `${image.width}x${image.height}`).sort()).toEqual(['40x40', '48x64', '72x48']);

    // They show in the board at once, newest first, and its count follows.
    const names = viewNames(server, { board: board.board_id });
    expect(new Set(names.slice(0, 3))).toEqual(new Set(added.map((image) => image.image_name)));
    await expectGallery(page, names);
    await expect.poll(() => boardCounts(page, board.board_name)).toBe(countsText(server, board.board_id));

    await uploadsPanel(page).getByRole('button', { name: 'Clear finished' }).click();
    await uploadsPanel(page).waitFor({ state: 'detached' });
  });

  it('uploads files dropped on a board in the sidebar into that board', async () => {
    const e = e2e();
    const { page, server } = e;
    const board = boardsBySize(server)
      .filter((candidate) => !candidate.archived)
      .at(-1)!;
    await expectGallery(page, viewNames(server));
    const before = imageNames(e);

    const accepted = await dropFiles(boardButton(page, board.board_name), [
      { ...png, name: 'to-board.png' },
      { ...webp, name: 'to-board.webp' },
    ]);
    expect(accepted, 'the board accepts a file drag').toBe(true);
    for (const name of ['to-board.png', 'to-board.webp']) await uploadRow(page, name).getByText('Uploaded', { exact: true }).waitFor();

    await expect.poll(() => [...imageNames(e)].filter((name) => !before.has(name)).length).toBe(2);
    const added = [...imageNames(e)].filter((name) => !before.has(name)).map((name) => server.state.gallery.getImage(name)!);
    expect(added.map((image) => [image.board_id, image.image_category])).toEqual([
      [board.board_id, 'user'],
      [board.board_id, 'user'],
    ]);
    await expect.poll(() => boardCounts(page, board.board_name)).toBe(countsText(server, board.board_id));
    // All images is open: they appear at its top without a reload.
    await expectGallery(page, viewNames(server));
    await boardButton(page, board.board_name).click();
    await expectGallery(page, viewNames(server, { board: board.board_id }));
  });

  it('shows files dropped into an empty board without a reload', async () => {
    const e = e2e();
    const { page, server } = e;
    await page.getByRole('button', { name: 'Create board' }).click();
    const create = page.getByRole('dialog', { name: 'Create board' });
    await create.getByRole('textbox', { name: 'Board name' }).fill('E2E Empty Board');
    await create.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: 'No images yet' }).waitFor();
    const board = [...server.state.gallery.boards.values()].find((candidate) => candidate.board_name === 'E2E Empty Board')!;
    expect(board).toBeDefined();

    expect(await dropFiles(galleryGrid(page), [{ ...png, name: 'first-in-board.png' }])).toBe(true);
    await uploadRow(page, 'first-in-board.png').getByText('Uploaded', { exact: true }).waitFor();
    await expect.poll(() => viewNames(server, { board: board.board_id }).length).toBe(1);
    await expect.poll(() => boardCounts(page, 'E2E Empty Board')).toBe(countsText(server, board.board_id));
    // The sidebar counts the image; the open board must show it too.
    await expectGallery(page, viewNames(server, { board: board.board_id }));
  });

  it('hides and shows the uploads panel from the status bar', async () => {
    const { page } = e2e();
    const toggle = page.getByRole('contentinfo', { name: 'Status' }).getByRole('button', { name: 'Uploads' });
    // Earlier uploads are listed (the panel starts closed after a reload).
    await toggle.click();
    await uploadsPanel(page).waitFor();
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    await uploadsPanel(page).getByRole('button', { name: 'Hide uploads' }).click();
    await uploadsPanel(page).waitFor({ state: 'detached' });
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
  });
});
