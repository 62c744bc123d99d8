import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import type { Locator, Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { memoryTokens } from '../../src/main/settings/settings';
import type { StandIn } from '../server';
import type { BoardVisibility } from '../server/store';
import { boardButton, cell, description, galleryGrid, isOnTop, resetUi, sidebarBoards, useE2e, waitForPainted } from './harness';

/**
 * A member of a multi-user server sees the admin's shared board as the server lets them: its
 * images, marked read-only with the reason, and every action that would fail disabled with it
 * (the board's menu, the images' context menu, the selection bar, a drop onto the board).
 */
const ADMIN = { email: 'ada@example.com', password: 'correct horse battery', display_name: 'Ada Admin', is_admin: true };
const MEMBER = { email: 'max@example.com', password: 'staple battery horse', display_name: 'Max Member', is_admin: false };
const SHARED = 'Team references';
const SCREENSHOT = process.env.UPDATE_SCREENSHOTS
  ? resolve('docs/screenshots/read-only-board.png')
  : join(tmpdir(), 'ivk-read-only-board.png');

const made: { shared: string[]; own: string[] } = { shared: [], own: [] };

function prepare(server: StandIn): void {
  const { gallery } = server.state;
  const adminId = server.accounts!.byEmail(ADMIN.email)!.user_id;
  const memberId = server.accounts!.byEmail(MEMBER.email)!.user_id;
  const board = (name: string, owner: string, visibility: BoardVisibility) => {
    const id = gallery.createBoard(name, owner).board_id;
    gallery.updateBoard(id, { board_visibility: visibility });
    return id;
  };
  const image = (owner: string, boardId: string | null, seed: number) =>
    gallery.addImage({
      image_origin: 'internal',
      image_category: 'general',
      width: 512,
      height: 512,
      is_intermediate: false,
      board_id: boardId,
      session_id: null,
      node_id: null,
      metadata: JSON.stringify({ positive_prompt: `study ${seed}`, seed }),
      workflow: null,
      graph: null,
      source: { kind: 'pattern', seed },
      user_id: owner,
    }).image_name;
  const shared = board(SHARED, adminId, 'shared');
  const open = board('Open wall', adminId, 'public');
  const own = board('Max drafts', memberId, 'private');
  board('Ada private', adminId, 'private');
  image(adminId, open, 901);
  for (let seed = 1; seed <= 6; seed++) made.own.push(image(memberId, own, 100 + seed));
  for (let seed = 1; seed <= 9; seed++) made.shared.push(image(adminId, shared, 200 + seed));
}

const e2e = useE2e({
  server: { images: 8, seed: 41, queueItems: 2, users: [ADMIN, MEMBER] },
  prepare,
  tokens: (server) => memoryTokens(server.accounts!.issue(server.accounts!.byEmail(MEMBER.email)!, false)),
});

beforeEach(async () => {
  await resetUi(e2e().page);
});

const contextMenu = (page: Page) => page.getByRole('menu', { name: /^Actions for / });
const item = (menu: Locator, name: string) => menu.getByRole('menuitem', { name, exact: true });

async function openShared(page: Page): Promise<void> {
  await boardButton(page, SHARED).click();
  await cell(page, made.shared.at(-1)!).waitFor();
  await waitForPainted(page);
}

describe("another user's shared board, for a member", () => {
  it('lists the boards the server shows the member, the shared one marked read-only with the reason', async () => {
    const { page } = e2e();
    const names = await sidebarBoards(page).locator('.board-name').allTextContents();
    expect(names.map((name) => name.replace(/(Read-only|Public)$/, '')).sort()).toEqual(
      ['All images', 'Max drafts', 'Open wall', SHARED, 'Uncategorized'].sort(),
    );
    const entry = sidebarBoards(page)
      .getByRole('listitem')
      .filter({ has: page.getByRole('button', { name: SHARED, exact: true }) });
    await entry.getByText('Read-only', { exact: true }).waitFor();
    expect(await description(boardButton(page, SHARED))).toMatch(/9 images “Team references” is shared with you read-only by another user/);
    expect(await entry.locator('.board-tag-access').getAttribute('title')).toMatch(
      /only its owner or an admin can add, remove, star or delete/,
    );
    // The public board says what the member may do there.
    const open = sidebarBoards(page)
      .getByRole('listitem')
      .filter({ has: page.getByRole('button', { name: 'Open wall', exact: true }) });
    await open.getByText('Public', { exact: true }).waitFor();
  });

  it("disables the board's rename, archive and delete with the reason, and keeps export", async () => {
    const { page } = e2e();
    await page.getByRole('button', { name: `Actions for board ${SHARED}` }).click();
    const menu = page.getByRole('menu', { name: `Actions for board ${SHARED}` });
    for (const name of ['Rename…', 'Archive', 'Delete…']) {
      const entry = item(menu, name);
      expect(await entry.isDisabled(), name).toBe(true);
      expect(await entry.getAttribute('aria-description')).toMatch(/^“Team references” is shared with you read-only/);
      expect(await entry.textContent()).toContain('Owner or admin only');
    }
    expect(await item(menu, 'Export…').isDisabled()).toBe(false);
    await page.keyboard.press('Escape');
  });

  it('shows its images and disables what would change them, in the context menu and the selection bar', async () => {
    const { page, server } = e2e();
    await openShared(page);
    const name = made.shared.at(-1)!;
    await cell(page, name).click({ button: 'right' });
    const menu = contextMenu(page);
    for (const label of ['Star', 'Move to board', 'Remove from board', 'Delete…']) {
      const entry = item(menu, label);
      expect(await entry.isDisabled(), label).toBe(true);
      expect(await entry.getAttribute('title')).toMatch(/^“Team references” is shared with you read-only/);
    }
    expect(await item(menu, 'Copy all parameters').isDisabled()).toBe(false);
    expect(await item(menu, 'Export…').isDisabled()).toBe(false);
    await page.screenshot({ path: SCREENSHOT });
    await page.keyboard.press('Escape');

    // Keyboard: a selection of the board's images offers no change either, and says why.
    await cell(page, name).click();
    const bar = page.getByRole('toolbar', { name: 'Selection' });
    await bar.getByText('Read-only board').waitFor();
    await page.screenshot({ path: join(tmpdir(), 'ivk-read-only-selection.png') });
    // aria-disabled, as in the menus: focusable, its reason read out, and a click does nothing.
    for (const label of ['Star', 'Unstar', 'Move to board', 'Delete…']) {
      const button = bar.getByRole('button', { name: label, exact: true });
      expect(await button.isDisabled(), label).toBe(true);
      expect(await button.getAttribute('aria-disabled'), label).toBe('true');
      expect(await button.getAttribute('aria-description'), label).toMatch(/^“Team references” is shared with you read-only/);
      expect(await button.getAttribute('title'), label).toMatch(/^“Team references” is shared with you read-only/);
      await button.focus();
      expect(await button.evaluate((el) => el === el.ownerDocument.activeElement), label).toBe(true);
      await button.click({ force: true });
      await page.keyboard.press('Enter');
      if (label === 'Move to board') await page.keyboard.press('ArrowDown');
    }
    expect(await page.getByRole('menu', { name: 'Move to board' }).count()).toBe(0);
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(await bar.isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    expect(server.state.gallery.getImage(name)).toMatchObject({ starred: false });
  });

  it('keeps the disabled menu items reachable with the arrows, each with its reason, and picks nothing', async () => {
    const { page, server } = e2e();
    await openShared(page);
    const name = made.shared.at(-1)!;
    await cell(page, name).click();
    await page.keyboard.press('Shift+F10');
    const menu = contextMenu(page);
    // The menu opens on its first usable item; ↑ from the top wraps round to the last items, ↓ walks all.
    const focused = () =>
      page.evaluate(() => {
        const { document } = globalThis as unknown as { document: { activeElement: { textContent: string | null } | null } };
        return document.activeElement?.textContent ?? '';
      });
    await expect.poll(focused).toBe('Open');
    await page.keyboard.press('ArrowDown');
    expect(await focused()).toMatch(/^StarRead-only board$/);
    const star = item(menu, 'Star');
    expect(await star.getAttribute('aria-disabled')).toBe('true');
    expect(await star.evaluate((element) => element.hasAttribute('disabled'))).toBe(false);
    expect(await star.getAttribute('aria-description')).toMatch(/^“Team references” is shared with you read-only/);
    await page.keyboard.press('ArrowDown');
    expect(await focused()).toMatch(/^Move to board/);
    // → does not open the boards of a locked "Move to board"; Enter on a locked item does nothing.
    await page.keyboard.press('ArrowRight');
    expect(await page.getByRole('menu', { name: 'Boards' }).count()).toBe(0);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    expect(await menu.isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    expect(server.state.gallery.getImage(name)).toMatchObject({ starred: false });
  });

  it('answers the grid’s star and delete keys with the reason as a notice, and sends nothing', async () => {
    const { page, server } = e2e();
    await openShared(page);
    const name = made.shared.at(-1)!;
    await cell(page, name).click();
    await page.keyboard.press('.');
    const notice = page.getByRole('status').filter({ hasText: /“Team references” is shared with you read-only/ });
    await notice.first().waitFor();
    await page.keyboard.press('Delete');
    await expect.poll(() => notice.count()).toBeGreaterThanOrEqual(1);
    // No delete dialog asked to confirm a delete the server would refuse.
    expect(await page.getByRole('dialog', { name: /Delete/ }).count()).toBe(0);
    expect(server.state.gallery.getImage(name)).toMatchObject({ starred: false });
  });

  it('disables the viewer’s star with the reason, its click and `.` saying why instead of starring', async () => {
    const { page, server } = e2e();
    await openShared(page);
    const name = made.shared.at(-1)!;
    await cell(page, name).dblclick();
    const dialog = page.getByRole('dialog', { name: 'Image viewer' });
    const star = dialog.getByRole('button', { name: 'Star', exact: true });
    await expect.poll(() => star.getAttribute('aria-disabled')).toBe('true');
    expect(await description(star)).toMatch(/^“Team references” is shared with you read-only/);
    expect(await star.getAttribute('title')).toMatch(/only its owner or an admin can add, remove, star or delete/);
    // Said where the star is too, before anyone presses it.
    await dialog.locator('.viewer-lock').getByText('Read-only board').waitFor();
    // Playwright takes aria-disabled for disabled and would wait; a user can still click it.
    await star.click({ force: true });
    // The notice shows over the modal viewer (inside it, so not inert), and the focus stays on the star.
    const notice = dialog.getByRole('status').filter({ hasText: /“Team references” is shared with you read-only/ });
    await notice.first().waitFor();
    expect(await isOnTop(notice.first())).toBe(true);
    expect(await star.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    await page.screenshot({ path: join(tmpdir(), 'ivk-read-only-viewer.png') });
    await notice.first().getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(() => notice.count()).toBe(0);
    await dialog.locator('.viewer-body').focus();
    await page.keyboard.press('.');
    await expect.poll(() => notice.count()).toBe(1);
    expect(await isOnTop(notice.first())).toBe(true);
    expect(await dialog.locator('.viewer-body').evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    expect(await star.getAttribute('aria-pressed')).toBe('false');
    expect(server.state.gallery.getImage(name)).toMatchObject({ starred: false });
    await page.keyboard.press('Escape');
  });

  it('takes no drop of the member’s own images, and moves nothing', async () => {
    const { page, server } = e2e();
    await boardButton(page, 'Max drafts').click();
    const mine = made.own.at(-1)!;
    await cell(page, mine).waitFor();
    await cell(page, mine).dragTo(boardButton(page, SHARED));
    await galleryGrid(page).waitFor();
    // Nothing was asked of the server, and the image is where it was, in the app and on the server.
    await cell(page, mine).waitFor();
    expect(server.state.gallery.getImage(mine)?.board_id).toBe(server.state.gallery.getImage(made.own[0]!)?.board_id);
    expect(await page.getByRole('status').filter({ hasText: /Moved/ }).count()).toBe(0);
  });
});
