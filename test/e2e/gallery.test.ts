import { beforeEach, describe, expect, it } from 'vitest';
import { UI_TIMEOUT, boardButton, boardCounts, expectGallery, galleryCount, resetUi, sidebarBoards, useE2e } from './harness';
import { ASSETS, boardNamed, boardsBySize, countsText, plural, promptWords, viewImages, viewNames } from './expected';

/**
 * Browsing: boards and their counts, the filters, search, and board management. Every
 * expectation is computed from the stand-in's data; every change is checked on the stand-in.
 */
const e2e = useE2e({ server: { images: 300, seed: 7, queueItems: 20 } });

beforeEach(async () => {
  await resetUi(e2e().page);
});

describe('boards', () => {
  it('lists All images, Uncategorized and every board with the server’s counts, and shows each one’s images', async () => {
    const { page, server } = e2e();
    await expectGallery(page, viewNames(server));
    expect(await galleryCount(page)).toBe(plural(viewImages(server).length, 'image'));
    await expect.poll(() => boardCounts(page, 'All images')).toBe(countsText(server, 'all'));
    expect(await boardCounts(page, 'Uncategorized')).toBe(countsText(server, 'none'));

    const boards = boardsBySize(server);
    const listed = boards.filter((board) => !board.archived);
    for (const board of listed)
      expect(await boardCounts(page, board.board_name), board.board_name).toBe(countsText(server, board.board_id));
    // The archived board stays out of the list until asked for.
    const archived = boards.find((board) => board.archived)!;
    await expect.poll(() => boardButton(page, archived.board_name).count()).toBe(0);

    await boardButton(page, 'Uncategorized').click();
    await expectGallery(page, viewNames(server, { board: 'none' }));
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Uncategorized');

    for (const board of [listed[0]!, listed.at(-1)!]) {
      await boardButton(page, board.board_name).click();
      await expectGallery(page, viewNames(server, { board: board.board_id }));
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(board.board_name);
      expect(await boardButton(page, board.board_name).getAttribute('aria-current')).toBe('true');
      expect(await galleryCount(page)).toBe(plural(board.size, 'image'));
    }
  });

  it('shows archived boards only with “Show archived”, marked as archived', async () => {
    const { page, server } = e2e();
    const archived = boardsBySize(server).find((board) => board.archived)!;
    const toggle = page.getByRole('button', { name: 'Show archived' });
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    await toggle.click();
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    const entry = sidebarBoards(page)
      .getByRole('listitem')
      .filter({ has: page.getByRole('button', { name: archived.board_name, exact: true }) });
    await entry.getByText('Archived', { exact: true }).waitFor();
    await boardButton(page, archived.board_name).click();
    await expectGallery(page, viewNames(server, { board: archived.board_id }));
    await toggle.click();
    await boardButton(page, archived.board_name).waitFor({ state: 'detached' });
  });

  it('filters the board list by name', async () => {
    const { page, server } = e2e();
    const filter = page.getByRole('searchbox', { name: 'Filter boards' });
    const visible = boardsBySize(server).filter((board) => !board.archived);
    await filter.fill('AR');
    const expected = visible.filter((board) => board.board_name.toLowerCase().includes('ar')).map((board) => board.board_name);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(visible.length);
    await expect
      .poll(() =>
        sidebarBoards(page)
          .getByRole('button', { name: /^Actions for board / })
          .count(),
      )
      .toBe(expected.length);
    for (const name of expected) await boardButton(page, name).waitFor();
    // All images and Uncategorized are not boards: they stay.
    await boardButton(page, 'All images').waitFor();
    await boardButton(page, 'Uncategorized').waitFor();

    await filter.fill('no board is called this');
    await sidebarBoards(page).getByText('No board matches “no board is called this”.').waitFor();
    await filter.fill('');
    await expect
      .poll(() =>
        sidebarBoards(page)
          .getByRole('button', { name: /^Actions for board / })
          .count(),
      )
      .toBe(visible.length);
  });
});

describe('filters', () => {
  it('shows Images, Assets or one category, and counts what it shows', async () => {
    const { page, server } = e2e();
    const category = page.getByRole('radiogroup', { name: 'Category' });

    await category.getByRole('radio', { name: 'Images' }).click();
    const general = viewNames(server, { categories: ['general'] });
    await expectGallery(page, general);
    expect(await galleryCount(page)).toBe(plural(general.length, 'image'));

    await category.getByRole('radio', { name: 'Assets' }).click();
    const assets = viewNames(server, { categories: ASSETS });
    await expectGallery(page, assets);
    expect(await galleryCount(page)).toBe(plural(assets.length, 'image'));
    expect(general.length + assets.length).toBe(viewImages(server).length);

    await page.getByRole('combobox', { name: 'Single category' }).selectOption({ label: 'Control' });
    const control = viewNames(server, { categories: ['control'] });
    expect(control.length).toBeGreaterThan(0);
    await expectGallery(page, control);
    // A single category is finer than the groups: none of them is checked.
    for (const name of ['All', 'Images', 'Assets'])
      expect(await category.getByRole('radio', { name }).getAttribute('aria-checked')).toBe('false');

    await category.getByRole('radio', { name: 'All' }).click();
    await expectGallery(page, viewNames(server));
  });

  it('shows starred images only or first, newest or oldest first, within a board', async () => {
    const { page, server } = e2e();
    const board = boardsBySize(server).find(
      (candidate) => !candidate.archived && viewImages(server, { board: candidate.board_id }).some((image) => image.starred),
    )!;
    await boardButton(page, board.board_name).click();
    await expectGallery(page, viewNames(server, { board: board.board_id }));

    const starredOnly = page.getByRole('button', { name: 'Starred only' });
    await starredOnly.click();
    const starred = viewNames(server, { board: board.board_id, starredOnly: true });
    expect(starred.length).toBeGreaterThan(0);
    await expectGallery(page, starred);
    expect(await galleryCount(page)).toBe(plural(starred.length, 'image'));
    expect(await starredOnly.getAttribute('aria-pressed')).toBe('true');
    await starredOnly.click();

    await page.getByRole('button', { name: 'Starred first' }).click();
    const starredFirst = viewNames(server, { board: board.board_id, starredFirst: true });
    await expectGallery(page, starredFirst);
    // The starred images lead, then the rest newest first.
    expect(starredFirst.slice(0, starred.length).sort()).toEqual([...starred].sort());
    expect(starredFirst).not.toEqual(viewNames(server, { board: board.board_id }));
    await page.getByRole('button', { name: 'Starred first' }).click();

    await page.getByRole('combobox', { name: 'Order' }).selectOption({ label: 'Oldest first' });
    const oldest = viewNames(server, { board: board.board_id, order: 'oldest' });
    await expectGallery(page, oldest);
    expect(oldest).toEqual(viewNames(server, { board: board.board_id }).reverse());

    // Filters combine: the oldest assets of this board.
    await page.getByRole('radiogroup', { name: 'Category' }).getByRole('radio', { name: 'Assets' }).click();
    await expectGallery(page, viewNames(server, { board: board.board_id, order: 'oldest', categories: ASSETS }));
  });

  it('says so, and offers a way out, when a filter leaves nothing', async () => {
    const { page, server } = e2e();
    const board = boardsBySize(server).find(
      (candidate) => !candidate.archived && !viewImages(server, { board: candidate.board_id }).some((image) => image.starred),
    )!;
    expect(board, 'a board without starred images').toBeDefined();
    await boardButton(page, board.board_name).click();
    await page.getByRole('button', { name: 'Starred only' }).click();
    await page.getByRole('heading', { name: 'No starred images here' }).waitFor();
    expect(await galleryCount(page)).toBe('0 images');
    await page.getByRole('button', { name: 'Show every image' }).click();
    await expectGallery(page, viewNames(server, { board: board.board_id }));
  });
});

describe('search', () => {
  it('finds a prompt word in one board, then across every board', async () => {
    const { page, server } = e2e();
    // A word from the prompts of a board that other boards' prompts have too.
    const board = boardsBySize(server).filter((candidate) => !candidate.archived)[0]!;
    const word = promptWords(server, board.board_id).find((candidate) => {
      const inBoard = viewImages(server, { board: board.board_id, search: candidate }).length;
      return inBoard >= 2 && viewImages(server, { search: candidate }).length > inBoard;
    });
    expect(word, `a prompt word of ${board.board_name}`).toBeDefined();
    const inBoard = viewNames(server, { board: board.board_id, search: word });
    const everywhere = viewNames(server, { search: word });

    await boardButton(page, board.board_name).click();
    await expectGallery(page, viewNames(server, { board: board.board_id }));
    await page.getByRole('searchbox', { name: 'Search prompts and names' }).fill(word!);
    await expectGallery(page, inBoard);
    expect(await galleryCount(page)).toBe(`${plural(inBoard.length, 'image')} match “${word}”`);

    await page.getByRole('radiogroup', { name: 'Search in' }).getByRole('radio', { name: 'All boards' }).click();
    await expectGallery(page, everywhere);
    expect(await galleryCount(page)).toBe(`${plural(everywhere.length, 'image')} match “${word}”`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('All boards');

    // Escape in the box clears the search and shows the board again.
    await page.getByRole('radiogroup', { name: 'Search in' }).getByRole('radio', { name: 'This board' }).click();
    await page.getByRole('searchbox', { name: 'Search prompts and names' }).press('Escape');
    await expectGallery(page, viewNames(server, { board: board.board_id }));
  });

  it('says nothing matches, and offers to search every board', async () => {
    const { page, server } = e2e();
    const board = boardsBySize(server).filter((candidate) => !candidate.archived)[0]!;
    const word = promptWords(server, 'all').find(
      (candidate) =>
        viewImages(server, { board: board.board_id, search: candidate }).length === 0 &&
        viewImages(server, { search: candidate }).length > 0,
    );
    expect(word, 'a prompt word missing from the board').toBeDefined();
    await boardButton(page, board.board_name).click();
    await page.getByRole('searchbox', { name: 'Search prompts and names' }).fill(word!);
    await page.getByRole('heading', { name: `No image matches “${word}”` }).waitFor();
    await page.getByRole('button', { name: 'Search all boards' }).click();
    await expectGallery(page, viewNames(server, { search: word }));
  });
});

describe('board management', () => {
  it('creates, renames, archives and unarchives a board on the server', async () => {
    const { page, server } = e2e();
    const serverBoard = (name: string) => [...server.state.gallery.boards.values()].find((board) => board.board_name === name);

    await page.getByRole('button', { name: 'Create board' }).click();
    const create = page.getByRole('dialog', { name: 'Create board' });
    await create.getByRole('textbox', { name: 'Board name' }).fill('E2E Sketches');
    await create.getByRole('button', { name: 'Create' }).click();
    await create.waitFor({ state: 'detached' });
    await expect.poll(() => serverBoard('E2E Sketches')?.archived).toBe(false);
    // The new board is selected and empty.
    await boardButton(page, 'E2E Sketches').waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('E2E Sketches');
    await page.getByRole('heading', { name: 'No images yet' }).waitFor();
    const boardId = serverBoard('E2E Sketches')!.board_id;

    await page.getByRole('button', { name: 'Actions for board E2E Sketches' }).click();
    await page.getByRole('menu', { name: 'Actions for board E2E Sketches' }).getByRole('menuitem', { name: 'Rename…' }).click();
    const rename = page.getByRole('dialog', { name: 'Rename board E2E Sketches' });
    await rename.getByRole('textbox', { name: 'Board name' }).fill('E2E Finals');
    await rename.getByRole('button', { name: 'Rename' }).click();
    await boardButton(page, 'E2E Finals').waitFor();
    await expect.poll(() => server.state.gallery.getBoard(boardId)?.board_name).toBe('E2E Finals');

    await page.getByRole('button', { name: 'Actions for board E2E Finals' }).click();
    await page.getByRole('menuitem', { name: 'Archive' }).click();
    await page.getByRole('status').filter({ hasText: 'Archived “E2E Finals”. Turn on “Show archived” to see it.' }).waitFor();
    await boardButton(page, 'E2E Finals').waitFor({ state: 'detached' });
    await expect.poll(() => server.state.gallery.getBoard(boardId)?.archived).toBe(true);

    await page.getByRole('button', { name: 'Show archived' }).click();
    await page.getByRole('button', { name: 'Actions for board E2E Finals' }).click();
    await page.getByRole('menuitem', { name: 'Unarchive' }).click();
    await expect.poll(() => server.state.gallery.getBoard(boardId)?.archived).toBe(false);
    await page.getByRole('button', { name: 'Show archived' }).click();
    await boardButton(page, 'E2E Finals').waitFor();
  });

  it('deletes a board only (its images go to Uncategorized) after saying how many images it holds', async () => {
    const { page, server } = e2e();
    const board = boardNamed(server, 'Textures');
    const images = viewNames(server, { board: board.board_id });
    expect(images.length).toBeGreaterThan(1);
    const uncategorized = viewImages(server, { board: 'none' }).length;

    await page.getByRole('button', { name: `Actions for board ${board.board_name}` }).click();
    await page.getByRole('menuitem', { name: 'Delete…' }).click();
    const dialog = page.getByRole('dialog', { name: `Delete board ${board.board_name}` });
    await dialog.getByText(`${board.board_name} holds ${plural(images.length, 'image')}.`, { exact: false }).waitFor();
    await dialog.getByRole('button', { name: `Delete board and ${plural(images.length, 'image')}` }).waitFor();
    await dialog.getByRole('button', { name: 'Delete board only' }).click();

    await boardButton(page, board.board_name).waitFor({ state: 'detached' });
    await expect.poll(() => server.state.gallery.getBoard(board.board_id)).toBeUndefined();
    for (const name of images) expect(server.state.gallery.getImage(name)?.board_id, name).toBeNull();
    expect(viewImages(server, { board: 'none' }).length).toBe(uncategorized + images.length);
    await expect.poll(() => boardCounts(page, 'Uncategorized'), { timeout: UI_TIMEOUT }).toBe(countsText(server, 'none'));
    await boardButton(page, 'Uncategorized').click();
    await expectGallery(page, viewNames(server, { board: 'none' }));
  });

  it('deletes a board and its images from the server after saying how many', async () => {
    const { page, server } = e2e();
    const board = boardNamed(server, 'Posters');
    const images = viewNames(server, { board: board.board_id });
    expect(images.length).toBeGreaterThan(1);
    const total = viewImages(server).length;

    await boardButton(page, board.board_name).click();
    await expectGallery(page, images);
    await page.getByRole('button', { name: `Actions for board ${board.board_name}` }).click();
    await page.getByRole('menuitem', { name: 'Delete…' }).click();
    const dialog = page.getByRole('dialog', { name: `Delete board ${board.board_name}` });
    await dialog.getByRole('button', { name: `Delete board and ${plural(images.length, 'image')}` }).click();

    await page
      .getByRole('status')
      .filter({ hasText: `Deleted “${board.board_name}” and ${plural(images.length, 'image')}.` })
      .waitFor();
    await expect.poll(() => server.state.gallery.getBoard(board.board_id)).toBeUndefined();
    await expect.poll(() => images.filter((name) => server.state.gallery.getImage(name)).length).toBe(0);
    expect(viewImages(server).length).toBe(total - images.length);
    // The deleted board was open: the gallery falls back to All images, without them.
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('All images');
    await expectGallery(page, viewNames(server));
    await expect.poll(() => boardCounts(page, 'All images')).toBe(countsText(server, 'all'));
  });
});
