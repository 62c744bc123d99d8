import type { Page } from 'playwright-core';
import { dispatch } from '../../src/main/ipc/dispatch';
import { beforeEach, describe, expect, it } from 'vitest';
import { UI_TIMEOUT, boardButton, boardCounts, cell, expectGallery, galleryCount, resetUi, statusBar, useE2e } from './harness';
import { boardsBySize, countsText, plural, promptWords, viewImages, viewNames } from './expected';

/** The status bar, the settings dialog, and working offline from the cache. */
const e2e = useE2e({ server: { images: 200, seed: 9, queueItems: 10 } });

beforeEach(async () => {
  await resetUi(e2e().page);
});

const offlineBanner = (page: Page) =>
  page
    .getByRole('main')
    .getByRole('status')
    .filter({ hasText: /^Offline/ });
const settingsDialog = (page: Page) => page.getByRole('dialog', { name: 'Settings' });

describe('status bar', () => {
  it('shows the connection, the server, its version and the last sync', async () => {
    const { page, server } = e2e();
    const bar = statusBar(page);
    await bar.getByText('Online', { exact: true }).waitFor();
    await bar.getByText(server.url, { exact: false }).waitFor();
    await bar.getByText('· InvokeAI 6.14.2').waitFor();
    const synced = bar.getByText(/^Synced \d{1,2}:\d{2}/);
    await synced.waitFor();
    // Its tooltip says what the last sync brought.
    expect(await synced.getAttribute('title')).toMatch(/\S/);
  });

  it('syncs now and shows a change made behind the app’s back', async () => {
    const { page, server } = e2e();
    const names = viewNames(server);
    await expectGallery(page, names);
    const image = viewImages(server)
      .slice(0, 5)
      .find((candidate) => !candidate.starred)!;
    server.state.gallery.setStarred([image.image_name], true);
    await statusBar(page).getByRole('button', { name: 'Sync now' }).click();
    await cell(page, image.image_name)
      .getByRole('button', { name: `Unstar ${image.image_name}`, pressed: true })
      .waitFor();
    server.state.gallery.setStarred([image.image_name], false);
    await statusBar(page).getByRole('button', { name: 'Sync now' }).click();
    await cell(page, image.image_name)
      .getByRole('button', { name: `Star ${image.image_name}`, pressed: false })
      .waitFor();
  });
});

describe('settings', () => {
  it('tests a good and a bad server address without saving, and shows the cache size', async () => {
    const { page, server } = e2e();
    await statusBar(page).getByRole('button', { name: 'Settings' }).click();
    const dialog = settingsDialog(page);
    const url = dialog.getByRole('textbox', { name: 'InvokeAI server URL' });
    expect(await url.inputValue()).toBe(server.url);

    await dialog.getByRole('button', { name: 'Test connection' }).click();
    await dialog.getByRole('status').getByText('Connected to InvokeAI 6.14.2.').waitFor();

    await url.fill('http://127.0.0.1:9');
    await dialog.getByRole('button', { name: 'Test connection' }).click();
    const failed = dialog.getByRole('status').filter({ hasText: /cannot be reached/ });
    await failed.waitFor();
    expect(await failed.textContent()).not.toContain('Connected');

    await url.fill('ftp://example.com');
    await dialog.getByText('Enter an http:// or https:// address.').waitFor();
    expect(await dialog.getByRole('button', { name: 'Test connection' }).isDisabled()).toBe(true);
    expect(await dialog.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);

    // The cache: every visible image of the server, the thumbnails seen so far, a size.
    const cache = dialog.getByRole('region', { name: 'Cache' });
    const images = viewImages(server).length;
    await cache.getByText(new RegExp(`^${plural(images, 'image')}, \\d+ thumbnails?, [\\d.]+ (bytes|KB|MB)$`)).waitFor();

    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    // Nothing was saved: the app still talks to the same server.
    await statusBar(page).getByText('Online', { exact: true }).waitFor();
    await statusBar(page).getByText(server.url, { exact: false }).waitFor();
  });
});

describe('switching servers', () => {
  it('shows the cached gallery again after switching to another address and back', async () => {
    const { page, server, host } = e2e();
    const names = viewNames(server);
    await expectGallery(page, names);

    try {
      // Another address: a server that is not there, with a cache of its own (empty).
      await statusBar(page).getByRole('button', { name: 'Settings' }).click();
      await settingsDialog(page).getByRole('textbox', { name: 'InvokeAI server URL' }).fill('http://127.0.0.1:9');
      await settingsDialog(page).getByRole('button', { name: 'Save' }).click();
      await settingsDialog(page).waitFor({ state: 'detached' });
      await statusBar(page).getByText('http://127.0.0.1:9', { exact: true }).waitFor();
      await offlineBanner(page).waitFor();
      await expect.poll(() => galleryCount(page)).toBe('0 images');

      // Back to the stand-in: online again, and its gallery is shown again.
      await statusBar(page).getByRole('button', { name: 'Settings' }).click();
      await settingsDialog(page).getByRole('textbox', { name: 'InvokeAI server URL' }).fill(server.url);
      await settingsDialog(page).getByRole('button', { name: 'Save' }).click();
      await statusBar(page).getByText('Online', { exact: true }).waitFor();
      await offlineBanner(page).waitFor({ state: 'detached' });
      await expect.poll(() => boardCounts(page, 'All images')).toBe(countsText(server, 'all'));
      await expectGallery(page, names);
    } finally {
      // Whatever happened, the next tests talk to the stand-in.
      const envelope = await dispatch(
        host.services.handlers,
        'settings.update',
        { server_url: server.url },
        { describeError: host.services.describeError },
      );
      expect(envelope.ok).toBe(true);
    }
  });
});

describe('offline', () => {
  it('browses and searches the cache while the server is down, queues a star, and sends it when the server is back', async () => {
    const e = e2e();
    const { page, server } = e;
    const board = boardsBySize(server).filter((candidate) => !candidate.archived)[0]!;
    const word = promptWords(server, board.board_id).find((candidate) => viewImages(server, { search: candidate }).length >= 2)!;
    const boardNames = viewNames(server, { board: board.board_id });
    // Seen once online, so their thumbnails are in the cache.
    await boardButton(page, board.board_name).click();
    await expectGallery(page, boardNames);
    await boardButton(page, 'All images').click();
    await expectGallery(page, viewNames(server));

    await server.goDown();
    try {
      await offlineBanner(page).waitFor({ timeout: UI_TIMEOUT });
      await offlineBanner(page).getByText('changes you make will be sent when the server is back', { exact: false }).waitFor();
      await statusBar(page).getByText('Offline', { exact: true }).waitFor();

      // Browse: boards and their images, from the cache.
      await boardButton(page, board.board_name).click();
      await expectGallery(page, boardNames);
      // Search prompts, in every board.
      await page.getByRole('searchbox', { name: 'Search prompts and names' }).fill(word);
      await page.getByRole('radiogroup', { name: 'Search in' }).getByRole('radio', { name: 'All boards' }).click();
      const found = viewNames(server, { search: word });
      await expectGallery(page, found);
      expect(await galleryCount(page)).toBe(`${plural(found.length, 'image')} match “${word}”`);
      await page.getByRole('searchbox', { name: 'Search prompts and names' }).press('Escape');
      await expectGallery(page, boardNames);

      // Star: shown at once, queued for the server.
      const image = viewImages(server, { board: board.board_id })
        .slice(0, 5)
        .find((candidate) => !candidate.starred)!;
      await cell(page, image.image_name)
        .getByRole('button', { name: `Star ${image.image_name}` })
        .click();
      await cell(page, image.image_name)
        .getByRole('button', { name: `Unstar ${image.image_name}`, pressed: true })
        .waitFor();
      await statusBar(page).getByText('1 action queued').waitFor();
      await offlineBanner(page).getByText('1 action will be sent when the server is back', { exact: false }).waitFor();
      expect(server.state.gallery.getImage(image.image_name)?.starred).toBe(false);

      await server.comeBack();
      await expect.poll(() => server.state.gallery.getImage(image.image_name)?.starred, { timeout: 20_000 }).toBe(true);
      await offlineBanner(page).waitFor({ state: 'detached', timeout: 20_000 });
      await statusBar(page).getByText('Online', { exact: true }).waitFor();
      await statusBar(page)
        .getByText(/action(s)? queued$/)
        .waitFor({ state: 'detached' });
      await cell(page, image.image_name)
        .getByRole('button', { name: `Unstar ${image.image_name}`, pressed: true })
        .waitFor();
    } finally {
      await server.comeBack();
    }
  });
});
