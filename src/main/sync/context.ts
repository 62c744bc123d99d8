import type { Viewer } from '../account/access';
import type { InvokeApi } from '../api/contract';
import type { Cache } from '../cache';
import type { ListedImages, SyncProgress } from '../../shared/ipc';
import type { SyncWrites } from './writer';

export type SyncPhase = SyncProgress['phase'];

/** What every step of a sync run works with. */
export interface RunContext {
  api: InvokeApi;
  cache: Cache;
  signal: AbortSignal;
  report(phase: SyncPhase, done: number, total: number): void;
  /** Where the run's DTO writes go: the writer thread while held (writer.ts); the main connection without one. */
  writes?: SyncWrites;
  /**
   * For bulk writes (`bulkFrom` rows or more): writes and WAL checkpoints move off the main thread
   * until the returned release (writer.ts, checkpoints.ts).
   */
  holdBulk?: () => () => void;
  bulkFrom?: number;
  /** The signed-in user of a multi-user server (null: single-user, or nobody signed in). */
  viewer?: Viewer | null;
  /** The name lists' counts, once they are in: the status reports them until the run ends. */
  listed?(images: ListedImages): void;
}
