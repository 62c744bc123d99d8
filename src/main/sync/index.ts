export { SyncEngine, type SyncEngineOptions } from './engine';
export type { JobStatusChange } from '../cache';
