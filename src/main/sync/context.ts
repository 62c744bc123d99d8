import type { Viewer } from '../account/access';
import type { InvokeApi } from '../api/contract';
import type { Cache } from '../cache';
import type { SyncProgress } from '../../shared/ipc';

export type SyncPhase = SyncProgress['phase'];

/** What every step of a sync run works with. */
export interface RunContext {
  api: InvokeApi;
  cache: Cache;
  signal: AbortSignal;
  report(phase: SyncPhase, done: number, total: number): void;
  /** WAL checkpoints move off the main thread until the returned release (bulk writes: checkpoints.ts). */
  holdCheckpoints?: () => () => void;
  /** The signed-in user of a multi-user server (null: single-user, or nobody signed in). */
  viewer?: Viewer | null;
}
