import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { boardButton, boardCounts, cell, expectGallery, galleryCount, galleryGrid, resetUi, useE2e, viewer } from './harness';
import { boardsBySize, countsText, plural, viewImages, viewNames } from './expected';

/**
 * Stars, selection and bulk actions, with the mouse and the keyboard; every change is checked on
 * the stand-in, where another InvokeAI client would see it.
 */
const e2e = useE2e({ server: { images: 300, seed: 11, queueItems: 20 } });

beforeEach(async () => {
  await resetUi(e2e().page);
});

const selectionBar = (page: Page) => page.getByRole('toolbar', { name: 'Selection' });

async function selectedNames(page: Page): Promise<string[]> {
  return galleryGrid(page).evaluate((grid) =>
    [...grid.querySelectorAll('[role=gridcell][aria-selected=true]')].map((element) => element.getAttribute('aria-label') ?? ''),
  );
}

function starredOnServer(e: ReturnType<typeof e2e>, names: readonly string[]): boolean[] {
  return names.map((name) => e.server.state.gallery.getImage(name)?.starred ?? false);
}

/** A small board to act on as a whole. */
function smallBoard(e: ReturnType<typeof e2e>, min: number, max: number) {
  const board = boardsBySize(e.server).find((candidate) => !candidate.archived && candidate.size >= min && candidate.size <= max);
  if (!board) throw new Error(`No board of ${min}–${max} images`);
  return board;
}

describe('stars', () => {
  it('stars and unstars one image with its star button', async () => {
    const e = e2e();
    const { page } = e;
    const names = viewNames(e.server);
    await expectGallery(page, names);
    const name = viewImages(e.server)
      .slice(0, 10)
      .find((image) => !image.starred)!.image_name;

    await cell(page, name)
      .getByRole('button', { name: `Star ${name}` })
      .click();
    await cell(page, name)
      .getByRole('button', { name: `Unstar ${name}`, pressed: true })
      .waitFor();
    await expect.poll(() => starredOnServer(e, [name])).toEqual([true]);

    await cell(page, name)
      .getByRole('button', { name: `Unstar ${name}` })
      .click();
    await cell(page, name)
      .getByRole('button', { name: `Star ${name}`, pressed: false })
      .waitFor();
    await expect.poll(() => starredOnServer(e, [name])).toEqual([false]);
  });

  it('stars and unstars the focused image with the “.” key', async () => {
    const e = e2e();
    const { page } = e;
    const names = viewNames(e.server);
    await expectGallery(page, names);
    const name = viewImages(e.server)
      .slice(0, 10)
      .find((image) => !image.starred)!.image_name;

    await cell(page, name).click();
    await galleryGrid(page).press('.');
    await expect.poll(() => starredOnServer(e, [name])).toEqual([true]);
    await cell(page, name)
      .getByRole('button', { name: `Unstar ${name}`, pressed: true })
      .waitFor();

    await galleryGrid(page).press('.');
    await expect.poll(() => starredOnServer(e, [name])).toEqual([false]);
    await cell(page, name)
      .getByRole('button', { name: `Star ${name}`, pressed: false })
      .waitFor();
  });
});

describe('bulk actions', () => {
  it('selects with click, shift-click and ctrl-click, then stars, unstars and moves the selection', async () => {
    const e = e2e();
    const { page, server } = e;
    const names = viewNames(server);
    await expectGallery(page, names);

    await cell(page, names[0]!).click();
    await cell(page, names[3]!).click({ modifiers: ['Shift'] });
    await expect.poll(() => selectedNames(page)).toEqual(names.slice(0, 4));
    await cell(page, names[6]!).click({ modifiers: ['Control'] });
    await cell(page, names[1]!).click({ modifiers: ['Control'] });
    const chosen = [names[0]!, names[2]!, names[3]!, names[6]!];
    await expect.poll(() => selectedNames(page)).toEqual(chosen);
    await selectionBar(page).getByText('4 images selected').waitFor();
    expect(await galleryCount(page)).toBe(`${plural(names.length, 'image')} · 4 selected`);

    await selectionBar(page).getByRole('button', { name: 'Star', exact: true }).click();
    await expect.poll(() => starredOnServer(e, chosen)).toEqual([true, true, true, true]);
    for (const name of chosen)
      await cell(page, name)
        .getByRole('button', { name: `Unstar ${name}` })
        .waitFor();

    await selectionBar(page).getByRole('button', { name: 'Unstar', exact: true }).click();
    await expect.poll(() => starredOnServer(e, chosen)).toEqual([false, false, false, false]);

    const target = boardsBySize(server)
      .filter((board) => !board.archived)
      .at(-1)!;
    await selectionBar(page).getByRole('button', { name: 'Move to board' }).click();
    await page.getByRole('menu', { name: 'Move to board' }).getByRole('menuitem', { name: target.board_name, exact: true }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Moved 4 images to “${target.board_name}”.` })
      .waitFor();
    await expect.poll(() => chosen.map((name) => server.state.gallery.getImage(name)?.board_id)).toEqual(chosen.map(() => target.board_id));
    await selectionBar(page).waitFor({ state: 'detached' });
    await expect.poll(() => boardCounts(page, target.board_name)).toBe(countsText(server, target.board_id));
    await boardButton(page, target.board_name).click();
    await expectGallery(page, viewNames(server, { board: target.board_id }));
  });

  it('selects every image of the view with Ctrl+A, acts on all of them, and Escape clears the selection', async () => {
    const e = e2e();
    const { page, server } = e;
    const board = smallBoard(e, 3, 12);
    const names = viewNames(server, { board: board.board_id });
    await boardButton(page, board.board_name).click();
    await expectGallery(page, names);

    await galleryGrid(page).focus();
    await galleryGrid(page).press('Control+a');
    await selectionBar(page)
      .getByText(`${plural(names.length, 'image')} selected`)
      .waitFor();
    await selectionBar(page).getByRole('button', { name: 'Star', exact: true }).click();
    await expect.poll(() => starredOnServer(e, names)).toEqual(names.map(() => true));

    await selectionBar(page).getByRole('button', { name: 'Unstar', exact: true }).click();
    await expect.poll(() => starredOnServer(e, names)).toEqual(names.map(() => false));

    await galleryGrid(page).press('Escape');
    await selectionBar(page).waitFor({ state: 'detached' });
    expect(await selectedNames(page)).toEqual([]);
    expect(await galleryCount(page)).toBe(plural(names.length, 'image'));
  });

  it('moves the selection by dragging it onto a board in the sidebar', async () => {
    const e = e2e();
    const { page, server } = e;
    const names = viewNames(server, { board: 'none' });
    const target = boardsBySize(server).filter((board) => !board.archived)[1]!;
    const before = viewImages(server, { board: target.board_id }).length;
    await boardButton(page, 'Uncategorized').click();
    await expectGallery(page, names);

    await cell(page, names[1]!).click();
    await cell(page, names[3]!).click({ modifiers: ['Shift'] });
    const moved = names.slice(1, 4);
    await expect.poll(() => selectedNames(page)).toEqual(moved);
    await cell(page, names[2]!).dragTo(boardButton(page, target.board_name));

    await page
      .getByRole('status')
      .filter({ hasText: `Moved 3 images to “${target.board_name}”.` })
      .waitFor();
    await expect.poll(() => moved.map((name) => server.state.gallery.getImage(name)?.board_id)).toEqual(moved.map(() => target.board_id));
    expect(viewImages(server, { board: target.board_id }).length).toBe(before + 3);
    // They leave Uncategorized at once, and the board's count follows.
    await expectGallery(page, viewNames(server, { board: 'none' }));
    await expect.poll(() => boardCounts(page, target.board_name)).toBe(countsText(server, target.board_id));
  });

  it('deletes the selection after a confirmation that says how many', async () => {
    const e = e2e();
    const { page, server } = e;
    const names = viewNames(server);
    await expectGallery(page, names);
    await cell(page, names[2]!).click();
    await cell(page, names[4]!).click({ modifiers: ['Control'] });
    const doomed = [names[2]!, names[4]!];

    await selectionBar(page).getByRole('button', { name: 'Delete…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete 2 images' });
    await dialog.getByText('2 images will be deleted from the InvokeAI server and from this computer.', { exact: false }).waitFor();
    // Cancel keeps them.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(doomed.every((name) => server.state.gallery.getImage(name))).toBe(true);

    await selectionBar(page).getByRole('button', { name: 'Delete…' }).click();
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Deleted 2 images.' }).waitFor();
    await expect.poll(() => doomed.filter((name) => server.state.gallery.getImage(name)).length).toBe(0);
    await expectGallery(page, viewNames(server));
    expect(viewNames(server)).toEqual(names.filter((name) => !doomed.includes(name)));
  });
});

describe('keyboard', () => {
  it('moves with the arrows, opens with Enter, closes with Escape and clears with Escape', async () => {
    const e = e2e();
    const { page, server } = e;
    const names = viewNames(server);
    await expectGallery(page, names);
    const grid = galleryGrid(page);
    const columns = Number(await grid.getAttribute('aria-colcount'));
    expect(columns).toBeGreaterThan(1);

    await cell(page, names[0]!).click();
    const focused = async () => {
      const id = await grid.getAttribute('aria-activedescendant');
      return id ? page.locator(`#${id}`).getAttribute('aria-label') : null;
    };
    await grid.press('ArrowRight');
    await expect.poll(focused).toBe(names[1]);
    await expect.poll(() => selectedNames(page)).toEqual([names[1]]);
    await grid.press('ArrowDown');
    await expect.poll(focused).toBe(names[1 + columns]);
    await grid.press('ArrowLeft');
    await expect.poll(focused).toBe(names[columns]);
    await grid.press('ArrowUp');
    await expect.poll(focused).toBe(names[0]);
    await grid.press('Shift+ArrowRight');
    await grid.press('Shift+ArrowRight');
    await expect.poll(() => selectedNames(page)).toEqual(names.slice(0, 3));

    await grid.press('Enter');
    await viewer(page).waitFor();
    await viewer(page).getByText(names[2]!, { exact: true }).first().waitFor();
    await page.keyboard.press('Escape');
    await viewer(page).waitFor({ state: 'detached' });
    // The focus is back on the grid, the selection kept; Escape again clears it.
    expect(await grid.evaluate((element) => element === element.ownerDocument.activeElement)).toBe(true);
    expect(await selectedNames(page)).toEqual(names.slice(0, 3));
    await grid.press('Escape');
    await expect.poll(() => selectedNames(page)).toEqual([]);
  });

  it('deletes the focused image with the Delete key, after confirming', async () => {
    const e = e2e();
    const { page, server } = e;
    const names = viewNames(server);
    await expectGallery(page, names);
    const grid = galleryGrid(page);
    await cell(page, names[0]!).click();
    await grid.press('ArrowRight');
    await expect.poll(() => selectedNames(page)).toEqual([names[1]]);

    await grid.press('Delete');
    const dialog = page.getByRole('dialog', { name: 'Delete 1 image' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect.poll(() => server.state.gallery.getImage(names[1]!)).toBeUndefined();
    expect(server.state.gallery.getImage(names[0]!)).toBeDefined();
    await expectGallery(page, viewNames(server));
    expect(await cell(page, names[1]!).count()).toBe(0);
  });
});
