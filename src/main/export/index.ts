export { ExportRunner, NOT_CACHED_OFFLINE, type ExportSettings, type ImageSupply } from './runner';
export type { FileResult } from './journal';
export { exportPath, folderName, stamp } from './paths';
export { resolveSource, MAX_EXPORT } from './source';
export { exportServices } from './handlers';
