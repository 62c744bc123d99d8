import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { QueueItemRecord } from '../server/queue-store';
import { boardButton, enqueueBlank, expectGallery, serverApi, useE2e } from './harness';
import { plural, viewNames } from './expected';

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
  return header.replace(/^Job #\d+/, '').replace(/Cancel job$/, '');
}

async function jobsCount(page: Page): Promise<string> {
  return (
    (await page
      .getByRole('main', { name: 'Job history' })
      .getByText(/^(\d+ jobs?|Loading…)$/)
      .textContent()) ?? ''
  );
}

async function openJobHistory(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Job history' }).click();
  await page.getByRole('main', { name: 'Job history' }).waitFor();
  await jobList(page).waitFor();
}

describe('job history', () => {
  it('lists the server’s jobs newest first, and filters them by every status', async () => {
    const e = e2e();
    const { page } = e;
    await openJobHistory(page);
    const jobs = serverJobs(e);
    await expect.poll(() => jobsCount(page)).toBe(plural(jobs.length, 'job'));
    const first = await shownJobs(page);
    expect(first.length).toBe(Math.min(50, jobs.length));
    expect(first).toEqual(jobs.slice(0, first.length).map((job) => ({ id: job.item_id, status: LABELS[job.status] })));
    // More than a page: the pager says where we are and goes on.
    const pager = page.getByRole('navigation', { name: 'Job pages' });
    await pager.getByText(`1–50 of ${jobs.length}`).waitFor();
    await pager.getByRole('button', { name: 'Older jobs' }).click();
    await expect.poll(() => shownJobs(page)).toEqual(jobs.slice(50, 100).map((job) => ({ id: job.item_id, status: LABELS[job.status] })));
    await pager.getByRole('button', { name: 'Newer jobs' }).click();
    await expect.poll(async () => (await shownJobs(page))[0]?.id).toBe(jobs[0]!.item_id);

    for (const label of ['Pending', 'Completed', 'Failed', 'Cancelled'] as Label[]) {
      const expected = jobs.filter((job) => LABELS[job.status] === label);
      expect(expected.length, `seeded ${label} jobs`).toBeGreaterThan(0);
      const toggle = statusFilter(page).getByRole('button', { name: label, exact: true });
      await toggle.click();
      expect(await toggle.getAttribute('aria-pressed')).toBe('true');
      await expect.poll(() => jobsCount(page)).toBe(plural(expected.length, 'job'));
      await expect.poll(() => shownJobs(page)).toEqual(expected.slice(0, 50).map((job) => ({ id: job.item_id, status: label })));
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
    // The row says it too.
    await jobRow(page, failed.item_id).getByText(error, { exact: true }).waitFor();
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
      await jobRow(page, id!).getByText('ImageRecordNotFoundException: Image record not found', { exact: true }).waitFor();
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
