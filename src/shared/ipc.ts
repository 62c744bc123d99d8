import { z } from 'zod';
import { ImageCategorySchema, IvkImage, IvkJob, JobStatusSchema } from './models';

/**
 * The one IPC contract between the renderer and the main process.
 *
 * Each invoke channel is one narrow, named operation with a zod input and output. Main parses
 * every input before a handler runs; the preload builds `window.ivk` by mapping over these keys,
 * and the test host serves the same map over a WebSocket. Nothing else crosses the boundary.
 */

const BoardId = z.string().min(1).max(200);
const ImageName = z.string().min(1).max(300);
/** Bulk actions take a whole selection; main sends it to the server 1000 names a call. */
const ImageNames = z.array(ImageName).min(1).max(200_000);

/** `all` = every board, `none` = Uncategorized, anything else = a board id. */
export const BoardScope = z.union([z.literal('all'), z.literal('none'), BoardId]);
export type BoardScope = z.infer<typeof BoardScope>;

export const GalleryQuery = z.object({
  board: BoardScope,
  /** Empty = every category. */
  categories: z.array(ImageCategorySchema).max(5),
  starredOnly: z.boolean(),
  starredFirst: z.boolean(),
  search: z.string().max(500),
  order: z.enum(['newest', 'oldest']),
});
export type GalleryQuery = z.infer<typeof GalleryQuery>;

export const Board = z.object({
  board_id: z.string(),
  board_name: z.string(),
  archived: z.boolean(),
  cover_image_name: z.string().nullable(),
  image_count: z.number().int(),
  asset_count: z.number().int(),
  created_at: z.date().nullable(),
  /** True while a create/rename/archive made offline waits in the outbox. */
  pending: z.boolean(),
});
export type Board = z.infer<typeof Board>;

const Counts = z.object({ image_count: z.number().int(), asset_count: z.number().int() });

export const BoardList = z.object({
  boards: z.array(Board),
  all: Counts,
  uncategorized: Counts,
});
export type BoardList = z.infer<typeof BoardList>;

export const ImagePage = z.object({
  items: z.array(IvkImage.schema),
  total: z.number().int(),
});
export type ImagePage = z.infer<typeof ImagePage>;

/** What the viewer's metadata panel shows, read from the cache. */
export const ImageDetails = z.object({
  image: IvkImage.schema,
  board_name: z.string().nullable(),
  positive_prompt: z.string().nullable(),
  negative_prompt: z.string().nullable(),
  seed: z.number().nullable(),
  model_name: z.string().nullable(),
  model_base: z.string().nullable(),
  steps: z.number().nullable(),
  cfg_scale: z.number().nullable(),
  scheduler: z.string().nullable(),
  /** The queue item that made the image, when the cache knows it. */
  job_id: z.string().nullable(),
  /** False until the metadata has been fetched from the server. */
  metadata_loaded: z.boolean(),
});
export type ImageDetails = z.infer<typeof ImageDetails>;

export const JobQuery = z.object({
  statuses: z.array(JobStatusSchema).max(5),
  offset: z.number().int().min(0),
  limit: z.number().int().min(1).max(500),
});
export type JobQuery = z.infer<typeof JobQuery>;

export const JobPage = z.object({ items: z.array(IvkJob.schema), total: z.number().int() });
export type JobPage = z.infer<typeof JobPage>;

export const ConnectionState = z.enum(['connecting', 'online', 'offline']);
export type ConnectionState = z.infer<typeof ConnectionState>;

export const SyncProgress = z.object({
  phase: z.enum(['idle', 'boards', 'names', 'images', 'metadata', 'jobs', 'models']),
  done: z.number().int(),
  total: z.number().int(),
});
export type SyncProgress = z.infer<typeof SyncProgress>;

export const SyncSummary = z.object({
  images: z.number().int(),
  boards: z.number().int(),
  jobs: z.number().int(),
  added: z.number().int(),
  moved: z.number().int(),
  deleted: z.number().int(),
  updated: z.number().int(),
  text: z.string(),
  finished_at: z.date(),
});
export type SyncSummary = z.infer<typeof SyncSummary>;

export const AppStatus = z.object({
  server_url: z.string(),
  server_version: z.string().nullable(),
  connection: ConnectionState,
  /** When the app last went offline; null while online. */
  offline_since: z.date().nullable(),
  last_sync: SyncSummary.nullable(),
  sync: SyncProgress,
  outbox: z.number().int(),
  /** The last problem worth telling the user, in words. */
  message: z.string().nullable(),
});
export type AppStatus = z.infer<typeof AppStatus>;

export const Settings = z.object({
  server_url: z.url({ protocol: /^https?$/ }),
  has_token: z.boolean(),
  cache_dir: z.string(),
});
export type Settings = z.infer<typeof Settings>;

export const CacheStats = z.object({
  images: z.number().int(),
  thumbnails: z.number().int(),
  bytes: z.number().int(),
});

export const UploadState = z.enum(['queued', 'uploading', 'done', 'failed']);
export const UploadItem = z.object({
  id: z.string(),
  file_name: z.string(),
  state: UploadState,
  /** 0..1 of the bytes sent. */
  progress: z.number().min(0).max(1),
  /** Why a file was refused or failed, in words. */
  error: z.string().nullable(),
  image_name: z.string().nullable(),
});
export type UploadItem = z.infer<typeof UploadItem>;

export const UploadRequest = z.object({
  paths: z.array(z.string().min(1).max(4096)).min(1).max(1000),
  board_id: BoardId.nullable(),
  category: ImageCategorySchema,
});

const Empty = z.object({}).strict();
const Ok = z.object({ ok: z.literal(true) });

/** Invoke channels: name -> input and output schema. */
export const invokeContract = {
  'app.status': { input: Empty, output: AppStatus },
  'app.mediaBase': { input: Empty, output: z.object({ thumbnails: z.string(), images: z.string() }) },
  'settings.get': { input: Empty, output: Settings },
  'settings.update': {
    input: z.object({ server_url: Settings.shape.server_url.optional(), token: z.string().max(8192).nullable().optional() }).strict(),
    output: Settings,
  },
  'settings.testConnection': {
    input: z.object({ server_url: Settings.shape.server_url }).strict(),
    output: z.object({ ok: z.boolean(), version: z.string().nullable(), message: z.string() }),
  },
  'cache.stats': { input: Empty, output: CacheStats },
  'cache.clear': { input: Empty, output: Ok },
  'sync.now': { input: Empty, output: Ok },
  'boards.list': { input: z.object({ include_archived: z.boolean() }).strict(), output: BoardList },
  'boards.create': { input: z.object({ name: z.string().trim().min(1).max(300) }).strict(), output: Board },
  'boards.rename': { input: z.object({ board_id: BoardId, name: z.string().trim().min(1).max(300) }).strict(), output: Ok },
  'boards.archive': { input: z.object({ board_id: BoardId, archived: z.boolean() }).strict(), output: Ok },
  'boards.delete': { input: z.object({ board_id: BoardId, include_images: z.boolean() }).strict(), output: Ok },
  'images.page': {
    input: z.object({ query: GalleryQuery, offset: z.number().int().min(0), limit: z.number().int().min(1).max(1000) }).strict(),
    output: ImagePage,
  },
  /** The names of a range of the view, for selections: ranges and "select all" of 100k images. */
  'images.names': {
    input: z.object({ query: GalleryQuery, offset: z.number().int().min(0), limit: z.number().int().min(1).max(200_000) }).strict(),
    output: z.array(z.string()),
  },
  'images.details': { input: z.object({ image_name: ImageName }).strict(), output: ImageDetails },
  'images.star': { input: z.object({ image_names: ImageNames, starred: z.boolean() }).strict(), output: Ok },
  'images.move': { input: z.object({ image_names: ImageNames, board: z.union([z.literal('none'), BoardId]) }).strict(), output: Ok },
  'images.delete': { input: z.object({ image_names: ImageNames }).strict(), output: Ok },
  'jobs.page': { input: JobQuery.strict(), output: JobPage },
  'jobs.outputs': { input: z.object({ job_id: z.string().min(1).max(100) }).strict(), output: z.array(IvkImage.schema) },
  'jobs.cancel': { input: z.object({ job_id: z.string().min(1).max(100) }).strict(), output: Ok },
  'uploads.start': { input: UploadRequest.strict(), output: z.array(UploadItem) },
  'uploads.list': { input: Empty, output: z.array(UploadItem) },
} as const;

export type InvokeContract = typeof invokeContract;
export type InvokeChannel = keyof InvokeContract;
export type InvokeInput<C extends InvokeChannel> = z.input<InvokeContract[C]['input']>;
export type InvokeOutput<C extends InvokeChannel> = z.output<InvokeContract[C]['output']>;

/** Events pushed from main to the renderer: name -> payload schema. */
export const eventContract = {
  'status.changed': AppStatus,
  /** The cache changed under the current view: refetch what is shown. */
  'gallery.changed': z.object({ boards: z.boolean(), images: z.boolean(), jobs: z.boolean() }),
  'job.progress': z.object({
    job_id: z.string(),
    status: JobStatusSchema,
    progress: z.number().min(0).max(1).nullable(),
    message: z.string().nullable(),
  }),
  'uploads.changed': z.array(UploadItem),
  notice: z.object({ level: z.enum(['info', 'warning', 'error']), message: z.string() }),
} as const;

export type EventContract = typeof eventContract;
export type EventName = keyof EventContract;
export type EventPayload<E extends EventName> = z.output<EventContract[E]>;

/** What an invoke answers on the wire: a value, or an error the UI can put into words. */
export const ErrorCode = z.enum([
  'invalid_input',
  'unknown_channel',
  'forbidden_sender',
  'unreachable',
  'http',
  'invalid_payload',
  'not_found',
  'conflict',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;
export const IpcError = z.object({ code: ErrorCode, message: z.string() });
export type IpcError = z.infer<typeof IpcError>;
export type IpcEnvelope<T> = { ok: true; value: T } | { ok: false; error: IpcError };

/** The API the renderer sees as `window.ivk`, derived from the contract. */
export type IvkBridge = {
  invoke<C extends InvokeChannel>(channel: C, input: InvokeInput<C>): Promise<InvokeOutput<C>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  /**
   * Paths main can read for dropped or picked files: Electron's webUtils gives their real paths;
   * the test host stages the bytes in a temporary folder first. Uploads then take the same road.
   */
  pathsForFiles(files: readonly File[]): Promise<string[]>;
};

export const INVOKE_CHANNEL_PREFIX = 'ivk:invoke:';
export const EVENT_CHANNEL_PREFIX = 'ivk:event:';

/** Raised in the renderer when an invoke fails; carries the main process's error code. */
export class IvkError extends Error {
  override readonly name = 'IvkError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}
