import { z } from 'zod';
import { SyncSummary } from '../../shared/ipc';
import type { Meta } from '../cache';

/** What one run changed, before the cache's totals are added. */
export interface RunChanges {
  added: number;
  moved: number;
  updated: number;
  deleted: number;
  /** Records the server sent in a shape the app cannot read; skipped, tried again next run. */
  unreadable: number;
  newJobs: number;
}

const count = (n: number) => n.toLocaleString('en-US');

/** "+12 new, 3 moved, 1 deleted": what a person wants to know about a sync, in a few words. */
export function summaryText(changes: RunChanges): string {
  const parts: string[] = [];
  if (changes.added) parts.push(`+${count(changes.added)} new`);
  if (changes.moved) parts.push(`${count(changes.moved)} moved`);
  if (changes.deleted) parts.push(`${count(changes.deleted)} deleted`);
  if (changes.updated) parts.push(`${count(changes.updated)} updated`);
  if (changes.newJobs) parts.push(`${count(changes.newJobs)} new ${changes.newJobs === 1 ? 'job' : 'jobs'}`);
  if (changes.unreadable) parts.push(`${count(changes.unreadable)} unreadable (skipped)`);
  return parts.length > 0 ? parts.join(', ') : 'up to date';
}

const LAST_SUMMARY = 'sync.last_summary';
/** Stored as JSON, so the date comes back as a string. */
const StoredSummary = SyncSummary.extend({ finished_at: z.coerce.date() });

export function saveSummary(meta: Meta, summary: SyncSummary): void {
  meta.set(LAST_SUMMARY, summary);
}

/** The last completed sync, also across restarts (the offline banner shows its time). */
export function loadSummary(meta: Meta): SyncSummary | null {
  return meta.get(LAST_SUMMARY, StoredSummary);
}
