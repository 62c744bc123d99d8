import type { Page, WebSocket } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { decodeWire } from '../../src/shared/wire-json';
import { boardButton, expectGallery, resetUi, useE2e, waitForPainted } from './harness';
import { boardsBySize, viewNames } from './expected';

/**
 * Start-up: the window asks main for the first page of the view it last showed before the app's
 * code has loaded (src/renderer/src/app/firstScreen.ts), and the store takes that answer instead
 * of asking again; a remembered page that no longer fits the view is never shown.
 */
const e2e = useE2e({ server: { images: 300, seed: 11 } });

beforeEach(async () => {
  await resetUi(e2e().page);
});

interface PageRead {
  board: string;
}

/** Reloads the window and returns the first-page reads (`images.page` at offset 0) it sent to main until painted. */
async function reloadCountingFirstPages(page: Page): Promise<PageRead[]> {
  const reads: PageRead[] = [];
  const onSocket = (socket: WebSocket) =>
    socket.on('framesent', ({ payload }) => {
      const message = decodeWire(String(payload)) as { type?: string; channel?: string; input?: { offset?: number; query?: PageRead } };
      if (message.type === 'invoke' && message.channel === 'images.page' && message.input?.offset === 0) reads.push(message.input.query!);
    });
  page.on('websocket', onSocket);
  try {
    await page.reload();
    await waitForPainted(page);
  } finally {
    page.off('websocket', onSocket);
  }
  return reads;
}

type WithStorage = { localStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void } };
const REMEMBERED_KEY = 'ivk-first-page';

function remembered(page: Page): Promise<string | null> {
  return page.evaluate((key) => (globalThis as unknown as WithStorage).localStorage.getItem(key), REMEMBERED_KEY);
}

function setRemembered(page: Page, value: string): Promise<void> {
  return page.evaluate(([key, stored]) => (globalThis as unknown as WithStorage).localStorage.setItem(key, stored), [
    REMEMBERED_KEY,
    value,
  ] as const);
}

describe('start-up', () => {
  it('asks for the first page once, early, and paints it', async () => {
    const { page, server } = e2e();
    const reads = await reloadCountingFirstPages(page);
    expect(reads.map((read) => read.board)).toEqual(['all']);
    await expectGallery(page, viewNames(server));
  });

  it('asks early for the board shown last time', async () => {
    const { page, server } = e2e();
    const board = boardsBySize(server).find((candidate) => !candidate.archived)!;
    await boardButton(page, board.board_name).click();
    await expectGallery(page, viewNames(server, { board: board.board_id }));
    const reads = await reloadCountingFirstPages(page);
    expect(reads.map((read) => read.board)).toEqual([board.board_id]);
    await expectGallery(page, viewNames(server, { board: board.board_id }));
  });

  it('does not show a remembered page that no longer fits the view', async () => {
    const { page, server } = e2e();
    // What a window closed on Uncategorized might have left, while the stored view says All images.
    const stored = JSON.parse((await remembered(page))!);
    expect(stored.input.query.board).toBe('all');
    await setRemembered(page, JSON.stringify({ ...stored, input: { ...stored.input, query: { ...stored.input.query, board: 'none' } } }));
    const reads = await reloadCountingFirstPages(page);
    // The early read goes unclaimed; the store asks for its own view.
    expect(reads.map((read) => read.board)).toEqual(['none', 'all']);
    await expectGallery(page, viewNames(server));
  });

  it('starts normally from a remembered page it cannot read', async () => {
    const { page, server } = e2e();
    for (const stored of ['{not json', JSON.stringify({ input: 5, thumbnailSize: 180 }), JSON.stringify({ thumbnailSize: 'big' })]) {
      await setRemembered(page, stored);
      await page.reload();
      await waitForPainted(page);
      await expectGallery(page, viewNames(server));
    }
  });
});
