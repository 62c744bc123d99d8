export type { ImageNamesQuery, InvokeApi, RequestOptions, UploadInput } from './contract';
export { InvokeClient, MAX_NAMES_PER_CALL, type InvokeClientOptions } from './client';
export { ApiError, describeApiError, type ApiErrorInfo, type ApiErrorKind, type RequestLabel } from './errors';
export { DEFAULT_BASE_URL, type TokenSource } from './http';
export { DEFAULT_RETRY, type RetryPolicy } from './retry';
export {
  InvokeEvents,
  type ConnectionChange,
  type InvocationCompleted,
  type InvokeEventMap,
  type InvokeEventsOptions,
  type SocketState,
} from './events';
export { outputImageNames } from './invocation-outputs';
