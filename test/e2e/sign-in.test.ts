import type { Locator, Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { memoryTokens, type TokenStore } from '../../src/main/settings/settings';
import { cell, expectGallery, resetUi, statusBar, useE2e } from './harness';
import { viewImages, viewNames } from './expected';

/** A multi-user server: who is signed in, signing out and in, and a sign-in that expires with changes queued. */
const ADMIN = { email: 'admin@example.com', password: 'correct horse battery', display_name: 'Ada Admin', is_admin: true };

let tokens: TokenStore;
const e2e = useE2e({
  server: { images: 60, seed: 21, queueItems: 6, users: [ADMIN] },
  tokens: (server) => {
    tokens = memoryTokens(server.accounts!.issue(server.accounts!.byEmail(ADMIN.email)!, false));
    return tokens;
  },
});

beforeEach(async () => {
  await resetUi(e2e().page);
});

const settingsDialog = (page: Page) => page.getByRole('dialog', { name: 'Settings' });
const signInBanner = (page: Page) =>
  page
    .getByRole('main')
    .getByRole('alert')
    .filter({ hasText: /^Sign-in needed/ });

/** The text of the focused element (the page's DOM types are not in this project's lib). */
function focusedText(page: Page): Promise<string | null> {
  return page.evaluate(
    () =>
      (globalThis as unknown as { document: { activeElement: { textContent: string | null } | null } }).document.activeElement
        ?.textContent ?? null,
  );
}

async function openSettings(page: Page) {
  await statusBar(page).getByRole('button', { name: 'Settings' }).click();
  return settingsDialog(page);
}

async function signInThroughTheForm(page: Page, password: string) {
  const dialog = settingsDialog(page);
  await dialog.getByRole('textbox', { name: 'E-mail' }).fill(ADMIN.email);
  await dialog.getByLabel('Password', { exact: true }).fill(password);
  await dialog.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** The account line in Settings ("Signed in as Ada (ada@…) · administrator"), not the notice the sign-in also shows in the dialog. */
const accountLine = (dialog: Locator) => dialog.getByText(/^Signed in as .+ \(/);

describe('signing in to a server with user accounts', () => {
  it('shows who is signed in; signing out forgets the token, closes the user’s cache and asks for a sign-in', async () => {
    const { page } = e2e();
    const dialog = await openSettings(page);
    await accountLine(dialog).waitFor();
    expect(await accountLine(dialog).textContent()).toBe(`Signed in as ${ADMIN.display_name} (${ADMIN.email}) · administrator`);
    // With accounts, the sign-in replaces the pasted token.
    expect(await dialog.getByLabel('Access token').count()).toBe(0);

    await dialog.getByRole('button', { name: 'Sign out…' }).click();
    const choices = dialog.getByRole('group', { name: 'Sign out' });
    // Keyboard users land on the safe choice.
    await expect.poll(() => focusedText(page)).toBe('Stay signed in');
    await page.screenshot({ path: '/tmp/ivk-sign-out.png' });
    await choices.getByRole('button', { name: 'Sign out, keep the cache' }).click();
    await dialog.getByRole('textbox', { name: 'E-mail' }).waitFor();
    expect(tokens.get()).toBeNull();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await signInBanner(page).getByText('You are signed out of this server.', { exact: false }).waitFor();
    // The next person at this computer does not see the user's cached gallery.
    await expectGallery(page, []);
  });

  it('refuses a wrong password beside the fields, then signs in with the right one', async () => {
    const { page, server } = e2e();
    await signInBanner(page).getByRole('button', { name: 'Sign in…' }).click();
    await signInThroughTheForm(page, 'not the password');
    const dialog = settingsDialog(page);
    await dialog.getByRole('alert').getByText('The e-mail or the password is not right.', { exact: false }).waitFor();
    expect(tokens.get()).toBeNull();

    await signInThroughTheForm(page, ADMIN.password);
    await accountLine(dialog).waitFor();
    expect(server.accounts!.verify(tokens.get())).toHaveProperty('user.email', ADMIN.email);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await signInBanner(page).waitFor({ state: 'detached' });
    // The kept cache is the user's again.
    await expectGallery(page, viewNames(server));
  });

  it('keeps a change made after the sign-in expired, prompts once, and sends it after signing in again', async () => {
    const { page, server } = e2e();
    await expectGallery(page, viewNames(server));
    const name = viewImages(server)
      .slice(0, 10)
      .find((image) => !image.starred)!.image_name;
    tokens.set(server.accounts!.issue(server.accounts!.byEmail(ADMIN.email)!, false, -60));

    await cell(page, name)
      .getByRole('button', { name: `Star ${name}` })
      .click();
    const banner = signInBanner(page);
    await banner.getByText('Kept until then: 1 change.', { exact: false }).waitFor();
    expect(await banner.textContent()).toContain('no longer accepts your sign-in');
    // One prompt: the status bar does not repeat it.
    expect(await statusBar(page).getByText('no longer accepts your sign-in', { exact: false }).count()).toBe(0);
    await cell(page, name)
      .getByRole('button', { name: `Unstar ${name}`, pressed: true })
      .waitFor();
    expect(server.state.gallery.getImage(name)?.starred).toBe(false);
    await page.screenshot({ path: '/tmp/ivk-sign-in-banner.png' });

    await banner.getByRole('button', { name: 'Sign in…' }).click();
    const dialog = settingsDialog(page);
    await dialog.getByText('no longer accepts your sign-in', { exact: false }).waitFor();
    await page.screenshot({ path: '/tmp/ivk-sign-in-dialog.png' });
    await signInThroughTheForm(page, ADMIN.password);
    await accountLine(dialog).waitFor();
    await expect.poll(() => server.state.gallery.getImage(name)?.starred).toBe(true);
    await banner.waitFor({ state: 'detached' });
  });
});
