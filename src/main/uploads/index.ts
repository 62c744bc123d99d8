export { checkUploadFile, DEFAULT_MAX_UPLOAD_BYTES, type UploadCheck, type UploadCheckOptions } from './check';
export { PendingUpload, SqlitePendingUploadStore, type PendingUploadStore } from './pending-store';
export { UploadRunner, type UploadRequest, type UploadRunnerOptions } from './runner';
export { isMp4, sniffImageType, sniffMediaType, type ImageType } from './sniff';
