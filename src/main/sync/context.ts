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
}
