import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { encodePng, renderSolid } from '../server/data/png';
import type { StandIn } from '../server';
import { until } from './support/app';
import { boardButton, cell, galleryGrid, resetUi, useE2e, viewer, waitForPainted } from '../e2e/harness';

/**
 * Names and metadata are data, never markup: a board name, an image name, an uploaded file's name
 * and the prompt inside a PNG, each holding HTML and script, in the real UI (the built renderer in
 * Chromium, the real services behind it through the test host). Each must show as the literal
 * text, create no element, run nothing (no dialog, no flag set), and trip no CSP violation.
 */
const IMG = '<img src=x onerror="window.__pwned=1;alert(1)">';
const SCRIPT = '<script>window.__pwned=2;alert(2)</script>';
const BOARD_NAME = `${IMG} board`;
/** A file name cannot hold "/", so no closing tags here. */
const FILE_NAME = '<img src=x onerror=alert(3)>.png';
const PROMPT = `${SCRIPT}${IMG} a fox`;
const NEGATIVE = '<iframe src="javascript:alert(4)"></iframe>';
/** An image the server names with markup (a hostile or broken server). */
const SERVER_IMAGE_NAME = '<svg onload=alert(5)>.png';

/** Renames one of the server's images behind the app's back, before it first syncs. */
function hostileImageName(server: StandIn): void {
  const gallery = server.state.gallery;
  const record = gallery.queryImages({ is_intermediate: false, categories: ['general'] }).images[0]!;
  gallery.images.delete(record.image_name);
  record.image_name = SERVER_IMAGE_NAME;
  gallery.images.set(SERVER_IMAGE_NAME, record);
}

const e2e = useE2e({ server: { images: 60, seed: 4, queueItems: 4 }, prepare: hostileImageName });

interface Probe {
  dialogs: string[];
  pwned: unknown;
  violations: string[];
  /** Elements a payload would have made: images pointing at "x", inline handlers, inline scripts, frames. */
  injected: number;
}

async function probe(page: Page, dialogs: string[]): Promise<Probe> {
  const state = await galleryGrid(page).evaluate((grid) => {
    const doc = grid.ownerDocument;
    const win = doc.defaultView as unknown as { __pwned?: unknown; __violations?: string[] };
    return {
      pwned: win.__pwned ?? null,
      violations: win.__violations ?? ['the violation listener is missing'],
      injected: doc.querySelectorAll('img[src="x"], [onerror], [onload], script:not([src]), iframe, svg[onload]').length,
    };
  });
  // zod probes once whether it may compile validators with `new Function` (the CSP says no, and it
  // falls back): that is the app's own bundle asking for eval, not injected markup running.
  const ownEvalProbe = /^script-src eval \S+\/assets\/[\w-]+\.js:\d+ $/;
  return { dialogs: [...dialogs], ...state, violations: state.violations.filter((violation) => !ownEvalProbe.test(violation)) };
}

describe('markup in names and metadata', () => {
  it('shows board names, image names, file names, prompts and notices as text, and runs none of them', async () => {
    const { page, host, server } = e2e();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    // Set up before the app's own scripts run, on every load: CSP violations are recorded.
    await page.context().addInitScript(() => {
      type Violation = { violatedDirective: string; blockedURI: string; sourceFile: string; lineNumber: number; sample: string };
      const win = globalThis as unknown as {
        __violations: string[];
        addEventListener(type: string, listener: (event: Violation) => void): void;
      };
      win.__violations = [];
      win.addEventListener('securitypolicyviolation', (event) =>
        win.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber} ${event.sample}`),
      );
    });
    await resetUi(page);

    // The image the server named with markup is in the grid under its literal name.
    await cell(page, SERVER_IMAGE_NAME).waitFor();

    // A board named with markup, made through the UI.
    await page.getByRole('button', { name: 'Create board' }).click();
    const create = page.getByRole('dialog', { name: 'Create board' });
    await create.getByRole('textbox', { name: 'Board name' }).fill(BOARD_NAME);
    await create.getByRole('button', { name: 'Create' }).click();
    await boardButton(page, BOARD_NAME).waitFor();
    expect(await boardButton(page, BOARD_NAME).textContent()).toContain(BOARD_NAME);
    const board = host.services
      .session()
      .cache.boardList(true)
      .boards.find((candidate) => candidate.board_name === BOARD_NAME)!;
    expect(server.state.gallery.getBoard(board.board_id)?.board_name).toBe(BOARD_NAME);

    // A PNG whose file name and embedded prompt hold markup, uploaded into that board.
    const dir = mkdtempSync(join(tmpdir(), 'ivk-injection-'));
    try {
      const path = join(dir, FILE_NAME);
      const metadata = {
        positive_prompt: PROMPT,
        negative_prompt: NEGATIVE,
        seed: 7,
        model: { name: '<b>bold model</b>', base: 'sdxl' },
        steps: 12,
        cfg_scale: 6,
        scheduler: '<i>euler</i>',
      };
      writeFileSync(
        path,
        encodePng(renderSolid(48, 32, { r: 9, g: 99, b: 199, a: 255 }, 'RGB'), { invokeai_metadata: JSON.stringify(metadata) }),
      );
      await galleryGrid(page).evaluate(
        (grid, request) =>
          (grid.ownerDocument.defaultView as unknown as { ivk: { invoke(channel: string, input: unknown): Promise<unknown> } }).ivk.invoke(
            'uploads.start',
            request,
          ),
        { paths: [path], board_id: board.board_id, category: 'general' },
      );
      // Started outside the UI's own drop handler, so the panel is opened from the status bar.
      const uploads = page.getByRole('region', { name: 'Uploads' });
      const toggle = page.getByRole('contentinfo', { name: 'Status' }).getByRole('button', { name: /^(Uploads|Uploading \d+)$/ });
      await toggle.waitFor();
      if ((await toggle.getAttribute('aria-pressed')) !== 'true') await toggle.click();
      await uploads.getByText(FILE_NAME, { exact: true }).waitFor();
      await uploads.getByText('Uploaded', { exact: true }).waitFor();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const uploaded = [...server.state.gallery.images.values()].find((image) => image.board_id === board.board_id)!;
    expect(JSON.parse(uploaded.metadata!).positive_prompt).toBe(PROMPT);

    // The viewer's details show the prompt and the rest of the metadata literally.
    await boardButton(page, BOARD_NAME).click();
    await cell(page, uploaded.image_name).waitFor();
    await waitForPainted(page);
    await cell(page, uploaded.image_name).dblclick();
    // Opening it asks main for its prompt first; the open viewer does not re-read its details
    // when the prompt arrives (reported, renderer), so it is opened again once it is in.
    await until('the prompt in the cache', () => host.services.session().cache.imageDetails(uploaded.image_name)?.metadata_loaded);
    await viewer(page).getByRole('button', { name: 'Close viewer' }).click();
    await cell(page, uploaded.image_name).dblclick();
    const panel = viewer(page).getByRole('complementary', { name: 'Image details' });
    await panel.getByRole('region', { name: 'Prompt', exact: true }).getByText(PROMPT, { exact: true }).waitFor();
    await panel.getByRole('region', { name: 'Negative prompt' }).getByText(NEGATIVE, { exact: true }).waitFor();
    await panel.getByText('<i>euler</i>', { exact: true }).waitFor();
    await panel.getByText('<b>bold model</b> (sdxl)', { exact: true }).waitFor();
    await panel.getByText(BOARD_NAME, { exact: false }).first().waitFor();
    await viewer(page).getByRole('button', { name: 'Close viewer' }).click();

    // A notice that quotes the markup: a rename the server refuses (the board was deleted elsewhere).
    const doomed = host.services
      .session()
      .cache.boardList(true)
      .boards.find((candidate) => candidate.board_name !== BOARD_NAME && !candidate.pending)!;
    server.state.gallery.deleteBoard(doomed.board_id, false);
    await galleryGrid(page).evaluate(
      (grid, request) =>
        (grid.ownerDocument.defaultView as unknown as { ivk: { invoke(channel: string, input: unknown): Promise<unknown> } }).ivk.invoke(
          'boards.rename',
          request,
        ),
      { board_id: doomed.board_id, name: SCRIPT },
    );
    await page
      .getByRole('alert')
      .filter({ hasText: `Renaming a board to "${SCRIPT}" failed` })
      .waitFor();

    expect(await probe(page, dialogs)).toEqual({ dialogs: [], pwned: null, violations: [], injected: 0 });
  });
});
