import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { QueueItemRecord } from '../server/queue-store';
import { boardButton, enqueueBlank, expectGallery, serverApi, startE2e, statusBar, useE2e, viewer, waitForSync } from './harness';
import { plural, viewImages, viewNames } from './expected';

/**
 * Job history against the stand-in's queue: every status, the filter, errors, a pending job
 * cancelled, and jobs run live (progress, then their image in the gallery). The processor starts
 * paused so that seeded pending jobs stay pending until a test resumes it.
 */
const e2e = useE2e({ server: { images: 120, seed: 5, queueItems: 60, paused: true, progressSteps: 20, jobStepMs: 200 } });

const LABELS = {
  pending: 'Pending',
  waiting: 'Pending',
  in_progress: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  canceled: 'Cancelled',
} as const;
type Label = (typeof LABELS)[keyof typeof LABELS];

function serverJobs(e: ReturnType<typeof e2e>): QueueItemRecord[] {
  // Newest first: by creation time, then id (seeded jobs' ids do not follow their times).
  return [...e.server.state.queue.store.items.values()].sort((a, b) =>
    a.created_at === b.created_at ? b.item_id - a.item_id : a.created_at < b.created_at ? 1 : -1,
  );
}

const jobList = (page: Page) => page.getByRole('list', { name: 'Jobs' });
const jobRow = (page: Page, id: number) => jobList(page).getByRole('button', { name: `Job ${id}`, exact: true });
/** The whole row of a job: its thumbnails, main button, batch chip and cancel. */
const jobItem = (page: Page, id: number) =>
  jobList(page)
    .getByRole('listitem')
    .filter({ has: page.getByRole('button', { name: `Job ${id}`, exact: true }) });
const jobDetail = (page: Page, id: number) => page.getByRole('region', { name: `Job ${id} details` });
const statusFilter = (page: Page) => page.getByRole('group', { name: 'Status filter' });

/** The rows shown: id and status badge, top to bottom. */
async function shownJobs(page: Page): Promise<{ id: number; status: string }[]> {
  const texts = await jobList(page)
    .getByRole('button', { name: /^Job \d+$/ })
    .allTextContents();
  return texts.map((text) => {
    const match = /^#(\d+)(Pending|Running|Completed|Failed|Cancelled)/.exec(text);
    return { id: Number(match?.[1] ?? NaN), status: match?.[2] ?? text };
  });
}

/** The status badge beside a detail's title. */
async function detailStatus(detail: Locator): Promise<string> {
  const header = (await detail.getByRole('heading', { level: 2 }).locator('..').textContent()) ?? '';
  return header.replace(/^Job #\d+/, '').replace(/(Cancel|Retry) job$/, '');
}

async function jobsCount(page: Page): Promise<string> {
  return (
    (await page
      .getByRole('main', { name: 'Job history' })
      .getByText(/^([\d,]+ jobs?|Loading…)$/)
      .textContent()) ?? ''
  );
}

/** Opens the job history with no filter left over from an earlier test. */
async function openJobHistory(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Job history' }).click();
  await page.getByRole('main', { name: 'Job history' }).waitFor();
  const more = page.getByRole('group', { name: 'More filters' });
  await more.getByRole('searchbox', { name: 'Search job prompts' }).fill('');
  await more.getByLabel('Origin').selectOption('');
  await more.getByLabel('Destination').selectOption('');
  if (await page.getByRole('button', { name: 'Show every batch' }).count())
    await page.getByRole('button', { name: 'Show every batch' }).click();
  await statusFilter(page).getByRole('button', { name: 'Every status' }).click();
  await jobList(page).waitFor();
}

describe('job history', () => {
  it('lists the server’s jobs newest first in one scrolling list, and filters them by every status', async () => {
    const e = e2e();
    const { page } = e;
    await openJobHistory(page);
    const jobs = serverJobs(e);
    await expect.poll(() => jobsCount(page)).toBe(plural(jobs.length, 'job'));
    const first = await shownJobs(page);
    // Only the rows on screen (and a few beyond) exist: no pages, no pager.
    expect(first.length).toBeGreaterThan(5);
    expect(first.length).toBeLessThan(jobs.length);
    expect(first).toEqual(jobs.slice(0, first.length).map((job) => ({ id: job.item_id, status: LABELS[job.status] })));
    expect(await page.getByRole('navigation', { name: 'Job pages' }).count()).toBe(0);
    // Scrolled to the end, the oldest job is there.
    await page.locator('.jobs-scroll').evaluate((el: { scrollTop: number; scrollHeight: number }) => (el.scrollTop = el.scrollHeight));
    await expect.poll(async () => (await shownJobs(page)).at(-1)?.id).toBe(jobs.at(-1)!.item_id);
    await page.locator('.jobs-scroll').evaluate((el: { scrollTop: number }) => (el.scrollTop = 0));

    for (const label of ['Pending', 'Completed', 'Failed', 'Cancelled'] as Label[]) {
      const expected = jobs.filter((job) => LABELS[job.status] === label);
      expect(expected.length, `seeded ${label} jobs`).toBeGreaterThan(0);
      const toggle = statusFilter(page).getByRole('button', { name: label, exact: true });
      await toggle.click();
      expect(await toggle.getAttribute('aria-pressed')).toBe('true');
      await expect.poll(() => jobsCount(page)).toBe(plural(expected.length, 'job'));
      await expect
        .poll(async () => {
          const shown = await shownJobs(page);
          return (
            shown.length > 0 &&
            expected.slice(0, shown.length).every((job, i) => shown[i]!.id === job.item_id && shown[i]!.status === label)
          );
        })
        .toBe(true);
      await toggle.click();
    }
    // Two statuses at once, then every status again.
    await statusFilter(page).getByRole('button', { name: 'Failed', exact: true }).click();
    await statusFilter(page).getByRole('button', { name: 'Cancelled', exact: true }).click();
    const either = jobs.filter((job) => job.status === 'failed' || job.status === 'canceled');
    await expect.poll(() => jobsCount(page)).toBe(plural(either.length, 'job'));
    await statusFilter(page).getByRole('button', { name: 'Every status' }).click();
    expect(await statusFilter(page).getByRole('button', { name: 'Every status' }).getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => jobsCount(page)).toBe(plural(jobs.length, 'job'));
  });

  it('shows in each row what the job made: thumbnails with a count, its prompt and model, origin and destination', async () => {
    const e = e2e();
    const { page, server } = e;
    await openJobHistory(page);
    const images = [...server.state.gallery.images.values()];
    const withImage = serverJobs(e).find(
      (job) => job.status === 'completed' && images.some((image) => image.session_id === job.session_id && image.metadata),
    )!;
    const made = images.filter((image) => image.session_id === withImage.session_id && !image.is_intermediate);
    const metadata = JSON.parse(made[0]!.metadata!) as { positive_prompt: string; model: { name: string } };
    await statusFilter(page).getByRole('button', { name: 'Completed', exact: true }).click();
    await page.getByRole('searchbox', { name: 'Search job prompts' }).fill(metadata.positive_prompt);
    const row = jobItem(page, withImage.item_id);
    await row.getByRole('button', { name: `Open image 1 of job ${withImage.item_id}` }).waitFor();
    await row.getByText(metadata.positive_prompt, { exact: true }).waitFor();
    await row.getByText(metadata.model.name, { exact: true }).waitFor();
    await row.getByText([withImage.origin, withImage.destination].filter(Boolean).join(' → '), { exact: true }).waitFor();
    // Its image opens in the viewer, which steps through this job's images only.
    await row.getByRole('button', { name: `Open image 1 of job ${withImage.item_id}` }).click();
    await viewer(page).getByRole('img', { name: made[0]!.image_name, exact: true }).waitFor();
    await page.keyboard.press('Escape');
    await viewer(page).waitFor({ state: 'detached' });
    await page.getByRole('searchbox', { name: 'Search job prompts' }).fill('');
    await statusFilter(page).getByRole('button', { name: 'Every status' }).click();
  });

  it('shows the images of a job, and of its whole batch, in the gallery across every board', async () => {
    const e = e2e();
    const { page, server } = e;
    await openJobHistory(page);
    const jobs = serverJobs(e);
    const madeBy = (sessions: Set<string>) =>
      viewImages(server)
        .filter((image) => image.session_id !== null && sessions.has(image.session_id))
        .map((image) => image.image_name);
    const sessionsOfBatch = (batchId: string) => new Set(jobs.filter((item) => item.batch_id === batchId).map((item) => item.session_id));
    // A finished job with images whose batch made more than it did.
    const job = jobs.find(
      (item) =>
        item.status === 'completed' &&
        madeBy(new Set([item.session_id])).length > 0 &&
        madeBy(sessionsOfBatch(item.batch_id)).length > madeBy(new Set([item.session_id])).length,
    )!;
    const batchSessions = sessionsOfBatch(job.batch_id);

    await jobRow(page, job.item_id).click();
    await jobDetail(page, job.item_id).getByRole('button', { name: 'Show in the gallery' }).click();
    await expectGallery(page, madeBy(new Set([job.session_id])));
    // Searched across every board, whichever board was open before.
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('All boards');

    await openJobHistory(page);
    await jobRow(page, job.item_id).click();
    await jobDetail(page, job.item_id).getByRole('button', { name: 'Show the batch’s images' }).click();
    await expectGallery(page, madeBy(batchSessions));
    await page.getByRole('searchbox', { name: 'Search prompts and names' }).fill('');
  });

  it('filters by origin and by batch', async () => {
    const e = e2e();
    const { page, server } = e;
    await openJobHistory(page);
    const jobs = serverJobs(e);
    const origin = jobs.find((job) => job.origin)!.origin!;
    await page.getByRole('group', { name: 'More filters' }).getByLabel('Origin').selectOption(origin);
    await expect.poll(() => jobsCount(page)).toBe(plural(jobs.filter((job) => job.origin === origin).length, 'job'));
    await page.getByRole('group', { name: 'More filters' }).getByLabel('Origin').selectOption('');
    // A batch of three, tied together: its chip shows only its jobs.
    const batch = await serverApi<{ item_ids: number[]; batch: { batch_id: string } }>(
      server,
      'POST',
      '/api/v1/queue/default/enqueue_batch',
      {
        prepend: false,
        batch: {
          runs: 3,
          origin: 'e2e',
          graph: { id: 'e2e-batch', nodes: { b: { id: 'b', type: 'blank_image', width: 16, height: 16, use_cache: false } }, edges: [] },
        },
      },
    );
    const chip = jobList(page).getByRole('button', { name: `Show only batch ${batch.batch.batch_id.slice(0, 8)}` });
    await chip.first().click();
    await expect.poll(() => jobsCount(page)).toBe('3 jobs');
    expect((await shownJobs(page)).map((job) => job.id).sort()).toEqual([...batch.item_ids].sort());
    await page.getByRole('button', { name: 'Show every batch' }).click();
    await expect.poll(() => jobsCount(page)).toBe(plural(serverJobs(e).length, 'job'));
  });

  it('shows why a failed job failed', async () => {
    const e = e2e();
    const { page } = e;
    await openJobHistory(page);
    const failed = serverJobs(e).find((job) => job.status === 'failed')!;
    await statusFilter(page).getByRole('button', { name: 'Failed', exact: true }).click();
    await jobRow(page, failed.item_id).click();
    const detail = jobDetail(page, failed.item_id);
    await expect.poll(() => detailStatus(detail)).toBe('Failed');
    const error = `${failed.error_type}: ${failed.error_message}`;
    await detail.getByRole('note', { name: 'Error' }).getByText(error, { exact: true }).waitFor();
    // The row names the error's type.
    await jobRow(page, failed.item_id).getByText(failed.error_type!, { exact: true }).waitFor();
    await detail.getByText('This job made no images.').waitFor();
    await statusFilter(page).getByRole('button', { name: 'Every status' }).click();
  });

  it('shows the error of a job that fails while the page is open', async () => {
    const e = e2e();
    const { page, server } = e;
    await openJobHistory(page);
    // An image node naming an image that does not exist fails on the server ("Image record not found").
    const {
      item_ids: [id],
    } = await serverApi<{ item_ids: number[] }>(server, 'POST', '/api/v1/queue/default/enqueue_batch', {
      prepend: true,
      batch: {
        runs: 1,
        graph: {
          id: 'e2e-fail',
          nodes: {
            load: { id: 'load', type: 'image', image: { image_name: 'no-such-image.png' }, is_intermediate: false, use_cache: false },
          },
          edges: [],
        },
      },
    });
    await expect.poll(async () => (await shownJobs(page))[0]).toEqual({ id, status: 'Pending' });
    await jobRow(page, id!).click();
    const detail = jobDetail(page, id!);
    await serverApi(server, 'PUT', '/api/v1/queue/default/processor/resume');
    try {
      await expect.poll(() => server.state.queue.store.get(id!)?.status, { timeout: 30_000 }).toBe('failed');
      await expect.poll(() => detailStatus(detail)).toBe('Failed');
      await detail
        .getByRole('note', { name: 'Error' })
        .getByText('ImageRecordNotFoundException: Image record not found', { exact: true })
        .waitFor();
      await jobRow(page, id!).getByText('ImageRecordNotFoundException', { exact: true }).waitFor();
    } finally {
      await serverApi(server, 'PUT', '/api/v1/queue/default/processor/pause');
    }
  });

  it('shows a job enqueued elsewhere as pending, and cancels it', async () => {
    const e = e2e();
    const { page, server } = e;
    await openJobHistory(page);
    const id = await enqueueBlank(server);
    // No reload: the new job arrives at the top of the list by itself.
    await expect.poll(async () => (await shownJobs(page))[0]).toEqual({ id, status: 'Pending' });
    await jobRow(page, id).click();
    await expect.poll(() => detailStatus(jobDetail(page, id))).toBe('Pending');

    await jobList(page)
      .getByRole('button', { name: `Cancel job ${id}` })
      .click();
    await expect.poll(() => server.state.queue.store.get(id)?.status).toBe('canceled');
    await expect.poll(async () => (await shownJobs(page))[0]).toEqual({ id, status: 'Cancelled' });
    await expect.poll(() => detailStatus(jobDetail(page, id))).toBe('Cancelled');
    expect(
      await jobList(page)
        .getByRole('button', { name: `Cancel job ${id}` })
        .count(),
    ).toBe(0);
  });

  it('follows a job live: pending, running with a progress bar, completed with its image, which the gallery shows', async () => {
    const e = e2e();
    const { page, server } = e;
    await openJobHistory(page);
    const prompt = 'e2e live job: a teal square at dusk';
    const id = await enqueueBlank(server, {
      width: 160,
      height: 96,
      color: { r: 20, g: 160, b: 150, a: 255 },
      metadata: {
        positive_prompt: prompt,
        negative_prompt: '',
        seed: 4242,
        steps: 12,
        cfg_scale: 6,
        scheduler: 'euler',
        generation_mode: 'txt2img',
      },
    });
    await expect.poll(async () => (await shownJobs(page))[0]).toEqual({ id, status: 'Pending' });
    await jobRow(page, id).click();
    const detail = jobDetail(page, id);
    await expect.poll(() => detailStatus(detail)).toBe('Pending');
    await detail.getByRole('button', { name: 'Cancel job' }).waitFor();

    await serverApi(server, 'PUT', '/api/v1/queue/default/processor/resume');
    // The seeded pending jobs run first; then ours, with a live bar that moves.
    await expect.poll(() => detailStatus(detail), { timeout: 30_000 }).toBe('Running');
    const bar = detail.getByRole('progressbar', { name: `Progress of job ${id}` });
    const valueNow = async () => Number((await bar.getAttribute('aria-valuenow', { timeout: 1000 }).catch(() => null)) ?? -1);
    await expect.poll(valueNow).toBeGreaterThan(0);
    const early = await valueNow();
    await expect.poll(valueNow).toBeGreaterThan(early);
    await jobRow(page, id)
      .getByRole('progressbar', { name: `Progress of job ${id}` })
      .waitFor();
    await page.getByRole('navigation', { name: 'Views' }).getByLabel('1 running').waitFor();
    // The Running filter shows it alone (it runs for about four seconds).
    const running = statusFilter(page).getByRole('button', { name: 'Running', exact: true });
    await running.click();
    await expect.poll(() => shownJobs(page)).toEqual([{ id, status: 'Running' }]);
    expect(await jobsCount(page)).toBe('1 job');
    await running.click();

    await expect.poll(() => detailStatus(detail), { timeout: 30_000 }).toBe('Completed');
    const item = server.state.queue.store.get(id)!;
    expect(item.status).toBe('completed');
    const output = [...server.state.gallery.images.values()].find((image) => image.session_id === item.session_id);
    expect(output, 'the image the job made').toBeDefined();
    expect(output!.width).toBe(160);
    await detail
      .getByRole('list', { name: 'Output images' })
      .getByRole('button', { name: `Open ${output!.image_name}` })
      .waitFor();
    await detail.getByRole('heading', { name: '1 image' }).waitFor();
    await page
      .getByRole('navigation', { name: 'Views' })
      .getByLabel(/running$/)
      .waitFor({ state: 'detached' });

    // The gallery has it at the top, without a reload.
    await boardButton(page, 'All images').click();
    const names = viewNames(server);
    expect(names[0]).toBe(output!.image_name);
    await expectGallery(page, names);
  });

  it('adds the image of a job that finishes while the gallery is open, without a reload', async () => {
    const e = e2e();
    const { page, server } = e;
    await boardButton(page, 'All images').click();
    const before = viewNames(server);
    await expectGallery(page, before);
    const id = await enqueueBlank(server, { width: 80, height: 120, color: { r: 200, g: 60, b: 90, a: 255 } });
    await expect.poll(() => server.state.queue.store.get(id)?.status, { timeout: 30_000 }).toBe('completed');
    const after = viewNames(server);
    expect(after.length).toBe(before.length + 1);
    await expectGallery(page, after);
  });
});

const controls = (page: Page) => page.getByRole('toolbar', { name: 'Queue controls' });
const selectionBar = (page: Page) => page.getByRole('toolbar', { name: 'Selected jobs' });
const confirmDialog = (page: Page, name: string) => page.getByRole('dialog', { name });
const checkbox = (page: Page, id: number) => jobList(page).getByRole('checkbox', { name: `Select job ${id}` });

describe('running the queue from the job history', () => {
  it('pauses and resumes the processor, each after a confirmation, and the header and status bar say so', async () => {
    const e = e2e();
    const { page, server } = e;
    await openJobHistory(page);
    await controls(page).getByRole('button', { name: 'Pause' }).click();
    const pause = confirmDialog(page, 'Pause the queue');
    await pause.getByText(/The server starts no new job until you resume: \d+ jobs? pending will wait/).waitFor();
    await pause.getByRole('button', { name: 'Pause', exact: true }).click();
    await expect.poll(() => server.state.queue.processorStatus().is_started).toBe(false);
    await page.getByRole('main', { name: 'Job history' }).getByText('Paused', { exact: true }).waitFor();
    await statusBar(page).getByText('Paused', { exact: true }).waitFor();

    await controls(page).getByRole('button', { name: 'Resume' }).click();
    await confirmDialog(page, 'Resume the queue').getByRole('button', { name: 'Resume', exact: true }).click();
    await expect.poll(() => server.state.queue.processorStatus().is_started).toBe(true);
    await statusBar(page).getByText('Paused', { exact: true }).waitFor({ state: 'detached' });
  });

  it('cancels a whole batch after saying how many jobs it touches', async () => {
    const e = e2e();
    const { page, server } = e;
    await openJobHistory(page);
    await serverApi(server, 'PUT', '/api/v1/queue/default/processor/pause');
    const batch = await serverApi<{ item_ids: number[]; batch: { batch_id: string } }>(
      server,
      'POST',
      '/api/v1/queue/default/enqueue_batch',
      {
        prepend: false,
        batch: {
          runs: 4,
          origin: 'e2e',
          graph: { id: 'e2e-cancel', nodes: { b: { id: 'b', type: 'blank_image', width: 16, height: 16, use_cache: false } }, edges: [] },
        },
      },
    );
    await jobList(page)
      .getByRole('button', { name: `Show only batch ${batch.batch.batch_id.slice(0, 8)}` })
      .first()
      .click();
    await expect.poll(() => jobsCount(page)).toBe('4 jobs');
    await controls(page).getByRole('button', { name: 'Cancel this batch' }).click();
    const dialog = confirmDialog(page, 'Cancel the batch');
    await dialog
      .getByText(`4 jobs of batch ${batch.batch.batch_id.slice(0, 8)} not finished yet will be cancelled`, { exact: false })
      .waitFor();
    await dialog.getByRole('button', { name: 'Cancel batch' }).click();
    await expect.poll(() => batch.item_ids.map((id) => server.state.queue.store.get(id)?.status)).toEqual(Array(4).fill('canceled'));
    await expect.poll(async () => (await shownJobs(page)).map((job) => job.status)).toEqual(Array(4).fill('Cancelled'));
    await page.getByRole('button', { name: 'Show every batch' }).click();
    await serverApi(server, 'PUT', '/api/v1/queue/default/processor/resume');
  });

  it('selects jobs with click, shift and ctrl, and retries the failed and cancelled ones among them', async () => {
    const e = e2e();
    const { page, server } = e;
    await openJobHistory(page);
    await serverApi(server, 'PUT', '/api/v1/queue/default/processor/pause');
    await statusFilter(page).getByRole('button', { name: 'Failed', exact: true }).click();
    const failed = serverJobs(e).filter((job) => job.status === 'failed');
    expect(failed.length).toBeGreaterThanOrEqual(3);
    await expect.poll(async () => (await shownJobs(page))[0]?.id).toBe(failed[0]!.item_id);
    // Click the first, shift-click the third: three selected; ctrl-click the second: two.
    await jobRow(page, failed[0]!.item_id).click();
    await jobRow(page, failed[2]!.item_id).click({ modifiers: ['Shift'] });
    await selectionBar(page).getByText('3 jobs selected').waitFor();
    await jobRow(page, failed[1]!.item_id).click({ modifiers: ['Control'] });
    await selectionBar(page).getByText('2 jobs selected').waitFor();
    expect(await checkbox(page, failed[1]!.item_id).isChecked()).toBe(false);
    expect(await checkbox(page, failed[2]!.item_id).isChecked()).toBe(true);

    const before = server.state.queue.store.items.size;
    await selectionBar(page)
      .getByRole('button', { name: /^Retry/ })
      .click();
    const dialog = confirmDialog(page, 'Retry jobs');
    await dialog.getByText('2 jobs failed or cancelled will be queued again on the server as new jobs', { exact: false }).waitFor();
    await dialog.getByRole('button', { name: 'Retry 2 jobs' }).click();
    await expect.poll(() => server.state.queue.store.items.size).toBe(before + 2);
    const copies = [...server.state.queue.store.items.values()].filter((item) => item.retried_from_item_id !== null);
    expect(copies.map((item) => item.retried_from_item_id).sort()).toEqual([failed[0]!.item_id, failed[2]!.item_id].sort());
    await statusFilter(page).getByRole('button', { name: 'Every status' }).click();
    for (const copy of copies) {
      await jobItem(page, copy.item_id).getByText(`retry of #${copy.retried_from_item_id}`).waitFor();
    }
    await serverApi(server, 'PUT', '/api/v1/queue/default/processor/resume');
  });

  it('disables the controls that need the server while offline and says why', async () => {
    const e = e2e();
    const { page, server } = e;
    await openJobHistory(page);
    await server.goDown();
    try {
      await statusBar(page).getByText('Offline', { exact: true }).waitFor({ timeout: 30_000 });
      for (const name of ['Pause', 'Cancel pending', 'Prune finished', 'Clear queue']) {
        const button = controls(page).getByRole('button', { name });
        expect(await button.isDisabled(), name).toBe(true);
        expect(await button.getAttribute('title'), name).toBe('Offline: this needs the server');
      }
      await controls(page).getByText('Offline: this needs the server; cancelling chosen jobs still works and is sent later.').waitFor();
      // The summary is the cache's, and says so.
      await page.getByRole('main', { name: 'Job history' }).getByText('(as last seen)').waitFor();
    } finally {
      await server.comeBack();
    }
    await statusBar(page).getByText('Online', { exact: true }).waitFor({ timeout: 30_000 });
    await expect.poll(() => controls(page).getByRole('button', { name: 'Prune finished' }).isDisabled()).toBe(false);
  });

  it('prunes the finished jobs after a confirmation that counts them and says the app keeps them', async () => {
    const e = e2e();
    const { page, server } = e;
    await openJobHistory(page);
    await serverApi(server, 'PUT', '/api/v1/queue/default/processor/pause');
    const finished = serverJobs(e).filter((job) => ['completed', 'failed', 'canceled'].includes(job.status));
    const total = serverJobs(e).length;
    await controls(page).getByRole('button', { name: 'Prune finished' }).click();
    const dialog = confirmDialog(page, 'Prune the queue');
    await dialog.getByText(`The server deletes its ${plural(finished.length, 'job')} that finished`, { exact: false }).waitFor();
    await dialog.getByText('marked “no longer on the server”', { exact: false }).waitFor();
    await dialog.getByRole('button', { name: 'Prune', exact: true }).click();
    await expect.poll(() => serverJobs(e).length).toBe(total - finished.length);
    // The history keeps every job, the pruned ones marked as such.
    await expect.poll(() => jobsCount(page)).toBe(plural(total, 'job'));
    const pruned = finished[0]!;
    await jobItem(page, pruned.item_id).getByText('no longer on the server').waitFor();
    await serverApi(server, 'PUT', '/api/v1/queue/default/processor/resume');
  });
});

describe('a large queue', () => {
  it('scrolls 10,000 jobs in one list, reading only the rows in view', async () => {
    const ctx = await startE2e({ server: { images: 200, seed: 9, queueItems: 10_000, paused: true } });
    try {
      await waitForSync(ctx);
      const { page, server } = ctx;
      await openJobHistory(page);
      const jobs = [...server.state.queue.store.items.values()].sort((a, b) =>
        a.created_at === b.created_at ? b.item_id - a.item_id : a.created_at < b.created_at ? 1 : -1,
      );
      expect(jobs.length).toBe(10_000);
      await expect.poll(() => jobsCount(page), { timeout: 60_000 }).toBe('10,000 jobs');
      const scroller = page.locator('.jobs-scroll');
      for (const fraction of [0.25, 0.5, 0.999]) {
        await scroller.evaluate(
          (el: { scrollTop: number; scrollHeight: number }, f: number) => (el.scrollTop = el.scrollHeight * f),
          fraction,
        );
        // The list renders the new place on the next frame; then its rows arrive from the cache.
        const firstShown = async () => {
          const first = (await shownJobs(page))[0]?.id;
          return jobs.findIndex((job) => job.item_id === first);
        };
        await expect.poll(firstShown).toBeGreaterThan(10_000 * fraction - 40);
        await expect.poll(() => scroller.getAttribute('data-painted')).toBe('true');
        const shown = await shownJobs(page);
        const at = jobs.findIndex((job) => job.item_id === shown[0]!.id);
        expect(shown.map((job) => job.id)).toEqual(jobs.slice(at, at + shown.length).map((job) => job.item_id));
        // The renderer never holds more than a few dozen pages of rows.
        expect(Number(await scroller.getAttribute('data-pages'))).toBeLessThanOrEqual(30);
      }
      expect((await shownJobs(page)).at(-1)!.id).toBe(jobs.at(-1)!.item_id);
      expect(ctx.pageErrors).toEqual([]);
    } finally {
      await ctx.close();
    }
  }, 180_000);
});
