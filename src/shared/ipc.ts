import { z } from 'zod';
import { ImageCategorySchema, IvkImage, IvkJob, IvkVideo, JobStatusSchema } from './models';

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

export const FacetName = z.enum(['model', 'base', 'scheduler', 'lora', 'size', 'month']);
export type FacetName = z.infer<typeof FacetName>;

/** Image counts per value of each facet, for the current view; most used first. */
export const Facets = z.object({
  facets: z.array(z.object({ facet: FacetName, values: z.array(z.object({ value: z.string(), count: z.number().int() })) })),
  /** Set when a searched view had more matches than were counted: the counts cover its newest this many. */
  sampled: z.number().int().nullable(),
});
export type Facets = z.infer<typeof Facets>;

/** What the gallery was made with: images per model (with its base) and per LoRA, most used first. */
export const ModelUsage = z.object({
  models: z.array(z.object({ name: z.string(), base: z.string().nullable(), images: z.number().int(), on_server: z.boolean() })),
  loras: z.array(z.object({ name: z.string(), images: z.number().int(), on_server: z.boolean() })),
});
export type ModelUsage = z.infer<typeof ModelUsage>;

/** A page of the Prompts view: stacks of images sharing one exact positive prompt. */
export const PromptStacksQuery = z
  .object({
    /** Words every listed prompt contains (any case). */
    search: z.string().max(1000),
    sort: z.enum(['count', 'recent']),
    offset: z.number().int().min(0),
    limit: z.number().int().min(1).max(500),
  })
  .strict();
export type PromptStacksQuery = z.infer<typeof PromptStacksQuery>;
export const PromptStacks = z.object({
  stacks: z.array(
    z.object({
      prompt: z.string(),
      images: z.number().int(),
      /** For the thumbnail. */
      newest_image: z.string(),
      first_used: z.date(),
      last_used: z.date(),
    }),
  ),
  /** Whether stacks follow this page. */
  more: z.boolean(),
});
export type PromptStacks = z.infer<typeof PromptStacks>;

/**
 * One item of the gallery: an image or (InvokeAI 6.14+) a video, told apart by `kind`. Both keep
 * their model's field names (`image_name` / `video_name`); `itemName` reads either.
 */
export const GalleryItem = z.discriminatedUnion('kind', [
  IvkImage.schema.extend({ kind: z.literal('image') }),
  IvkVideo.schema.extend({ kind: z.literal('video') }),
]);
export type GalleryItem = z.infer<typeof GalleryItem>;

export { itemName } from './item-name';

/**
 * A board's access for the signed-in user (src/main/account/access.ts): `full` (own board, an
 * admin, a single-user server), `contribute` (another user's public board: its images may change,
 * the board may not), `read_only` (another user's shared board).
 */
export const BoardAccess = z.enum(['full', 'contribute', 'read_only']);
export type BoardAccess = z.infer<typeof BoardAccess>;

export const Board = z.object({
  board_id: z.string(),
  board_name: z.string(),
  archived: z.boolean(),
  cover_image_name: z.string().nullable(),
  image_count: z.number().int(),
  asset_count: z.number().int(),
  /** Non-intermediate videos of any category, as the server counts them (6.14+). */
  video_count: z.number().int(),
  created_at: z.date().nullable(),
  /** True while a create/rename/archive made offline waits in the outbox. */
  pending: z.boolean(),
  /** What the signed-in user may do here (multi-user servers; always `full` otherwise). */
  access: BoardAccess,
  /** Why access is limited, shown with the lock and on every disabled action; null when full. */
  access_reason: z.string().nullable(),
});
export type Board = z.infer<typeof Board>;

const Counts = z.object({ image_count: z.number().int(), asset_count: z.number().int(), video_count: z.number().int() });

export const BoardList = z.object({
  boards: z.array(Board),
  all: Counts,
  uncategorized: Counts,
});
export type BoardList = z.infer<typeof BoardList>;

export const ImagePage = z.object({
  items: z.array(GalleryItem),
  total: z.number().int(),
});
export type ImagePage = z.infer<typeof ImagePage>;

/** What the viewer's metadata panel shows, read from the cache. */
export const ImageDetails = z.object({
  image: GalleryItem,
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

/** The job history list: filters over the cached jobs, newest first. */
export const JobListQuery = z.object({
  /** Empty = every status. */
  statuses: z.array(JobStatusSchema).max(5),
  origin: z.string().max(200).nullable(),
  destination: z.string().max(200).nullable(),
  batch_id: z.string().max(200).nullable(),
  /** Created at or after / before these times (ms since 1970); null = unbounded. */
  from: z.number().int().nullable(),
  to: z.number().int().nullable(),
  /** Words of the prompt (or model) of the job's images. */
  search: z.string().max(500),
});
export type JobListQuery = z.infer<typeof JobListQuery>;

/** One row of the job history: the job and what the cache knows of what it made. */
export const JobListRow = z.object({
  job: IvkJob.schema,
  batch_id: z.string().nullable(),
  origin: z.string().nullable(),
  destination: z.string().nullable(),
  error_type: z.string().nullable(),
  /** False once the server pruned or cleared it: the app keeps it as history. */
  on_server: z.boolean(),
  /** The item this one retried, when it is a retry. */
  retried_from: z.string().nullable(),
  /** The first few output images (names), oldest first, and how many there are. */
  first_outputs: z.array(z.string()),
  output_count: z.number().int(),
  prompt: z.string().nullable(),
  model: z.string().nullable(),
});
export type JobListRow = z.infer<typeof JobListRow>;

export const JobListPage = z.object({ items: z.array(JobListRow), total: z.number().int() });
export type JobListPage = z.infer<typeof JobListPage>;

/** Values the job list's filters can take, read from the cache. */
export const JobFacets = z.object({ origins: z.array(z.string()), destinations: z.array(z.string()) });
export type JobFacets = z.infer<typeof JobFacets>;

/**
 * The queue at a glance. Counts are the server's (its `status` route, then live events) while
 * online, the cache's while offline; `paused` is unknown (null) while offline.
 */
export const QueueSummary = z.object({
  pending: z.number().int(),
  in_progress: z.number().int(),
  completed: z.number().int(),
  failed: z.number().int(),
  cancelled: z.number().int(),
  total: z.number().int(),
  paused: z.boolean().nullable(),
  source: z.enum(['server', 'cache']),
});
export type QueueSummary = z.infer<typeof QueueSummary>;

const JobIds = z.array(z.string().min(1).max(100)).min(1).max(10_000);
const Count = z.object({ count: z.number().int() });

export const ConnectionState = z.enum(['connecting', 'online', 'offline']);
export type ConnectionState = z.infer<typeof ConnectionState>;

/** Images a name list holds, and how many of them are starred. */
export const ListedCount = z.object({ total: z.number().int().min(0), starred: z.number().int().min(0) });
export type ListedCount = z.infer<typeof ListedCount>;

/**
 * What a running sync's name lists say the server holds (non-intermediate images), so the grid of
 * a view they count is as long as the server's gallery before every row is cached.
 */
export const ListedImages = z.object({
  /** The user's own images by category. */
  categories: z.record(ImageCategorySchema, ListedCount),
  /** Images of other users' shared boards (a non-admin on a multi-user server): the lists give no category for them. */
  foreign: ListedCount,
  /** Each board's counts from the server's board list: general images and assets (no stars). */
  boards: z.record(BoardId, z.object({ images: z.number().int().min(0), assets: z.number().int().min(0) })),
});
export type ListedImages = z.infer<typeof ListedImages>;

export const SyncProgress = z.object({
  phase: z.enum(['idle', 'boards', 'names', 'images', 'metadata', 'jobs', 'models']),
  done: z.number().int(),
  total: z.number().int(),
  /** Set from the moment a run's name lists are in until the run ends (succeeded or not). */
  listed: ListedImages.optional(),
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
  /**
   * The server refuses the token (expired or revoked): queued actions and uploads wait, and the
   * UI asks the user to sign in again.
   */
  sign_in_required: z.boolean(),
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

/**
 * The account on a multi-user server (InvokeAI 6.12+). `mode` is what `/auth/status` says, or
 * `unknown` when the server could not be asked; `user` is who the token stands for (`/auth/me`).
 * The token itself never crosses to the renderer.
 */
export const Account = z.object({
  mode: z.enum(['single_user', 'multi_user', 'unknown']),
  user: z.object({ email: z.string(), display_name: z.string().nullable(), is_admin: z.boolean() }).nullable(),
  sign_in_required: z.boolean(),
});
export type Account = z.infer<typeof Account>;

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

/**
 * Export (src/main/export): a selection or a view to a folder, the server's originals byte for byte.
 * `name` = the image name; `board_date_name` = `<board>/<YYYY-MM-DD_HHMMSS>_<name>` (UTC).
 */
export const ExportPattern = z.enum(['name', 'board_date_name']);
export type ExportPattern = z.infer<typeof ExportPattern>;

/** What to export: named images (a selection), or every image of a view (a board, "all in this view") but some. */
export const ExportSource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('names'), image_names: ImageNames }).strict(),
  z.object({ kind: z.literal('query'), query: GalleryQuery, except: z.array(ImageName).max(200_000) }).strict(),
]);
export type ExportSource = z.infer<typeof ExportSource>;

export const ExportRequest = z.object({
  source: ExportSource,
  /** An absolute folder; created when missing. */
  out_dir: z.string().min(1).max(4096),
  pattern: ExportPattern,
  /** Also write `<file>.json` with the cached metadata beside each image. */
  sidecar: z.boolean(),
});
export type ExportRequest = z.infer<typeof ExportRequest>;

export const ExportFailure = z.object({ image_name: z.string(), reason: z.string() });
export type ExportFailure = z.infer<typeof ExportFailure>;

export const ExportJob = z.object({
  id: z.string(),
  /** `interrupted` = the app stopped during it; `cancelled` and `interrupted` can be resumed. */
  state: z.enum(['running', 'done', 'cancelled', 'interrupted']),
  out_dir: z.string(),
  total: z.number().int(),
  written: z.number().int(),
  /** A file of that name was already in the folder (never overwritten). */
  skipped: z.number().int(),
  failed: z.number().int(),
  /** Of the failures, how many were neither cached nor fetchable because the server is offline. */
  not_cached: z.number().int(),
  bytes: z.number().int(),
  /** The first failures with their reasons (all of them are in `failed`). */
  failures: z.array(ExportFailure).max(500),
});
export type ExportJob = z.infer<typeof ExportJob>;

/** The answer of the drag, copy and open calls; `done` false with a reason when it could not happen here. */
export const DesktopResult = z.object({
  done: z.boolean(),
  /** The file the call used (a cached full image, or an exported file). */
  path: z.string().nullable(),
  reason: z.string().nullable(),
});
export type DesktopResult = z.infer<typeof DesktopResult>;

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
  /**
   * A page without its total, and the total alone: a searched view asks for its page first and
   * its count after, since counting every match of a broad search at 1M images takes up to a second.
   */
  'images.list': {
    input: z.object({ query: GalleryQuery, offset: z.number().int().min(0), limit: z.number().int().min(1).max(1000) }).strict(),
    output: z.array(GalleryItem),
  },
  'images.count': { input: z.object({ query: GalleryQuery }).strict(), output: z.number().int() },
  'images.details': { input: z.object({ image_name: ImageName }).strict(), output: ImageDetails },
  'search.facets': { input: z.object({ query: GalleryQuery }).strict(), output: Facets },
  'search.models': { input: Empty, output: ModelUsage },
  'search.prompts': { input: PromptStacksQuery, output: PromptStacks },
  /** Autocomplete for the search box: cached values of a field starting with `prefix` (any case). */
  'search.values': {
    input: z.object({ field: z.enum(['model', 'base', 'scheduler', 'lora', 'board']), prefix: z.string().max(200) }).strict(),
    output: z.array(z.string()),
  },
  'images.star': { input: z.object({ image_names: ImageNames, starred: z.boolean() }).strict(), output: Ok },
  'images.move': { input: z.object({ image_names: ImageNames, board: z.union([z.literal('none'), BoardId]) }).strict(), output: Ok },
  'images.delete': { input: z.object({ image_names: ImageNames }).strict(), output: Ok },
  'jobs.page': { input: JobQuery.strict(), output: JobPage },
  'jobs.outputs': { input: z.object({ job_id: z.string().min(1).max(100) }).strict(), output: z.array(IvkImage.schema) },
  'jobs.cancel': { input: z.object({ job_id: z.string().min(1).max(100) }).strict(), output: Ok },
  'jobs.list': {
    input: z.object({ query: JobListQuery, offset: z.number().int().min(0), limit: z.number().int().min(1).max(500) }).strict(),
    output: JobListPage,
  },
  'jobs.facets': { input: Empty, output: JobFacets },
  /** Cancels the named jobs; like one cancel, queued while offline (see docs/ARCHITECTURE.md). */
  'jobs.cancelMany': { input: z.object({ job_ids: JobIds }).strict(), output: Ok },
  /** Enqueues a copy of each failed or cancelled job; answers how many were retried. Online only. */
  'jobs.retry': { input: z.object({ job_ids: JobIds }).strict(), output: Count },
  /** Cancels the unfinished jobs of a batch; answers how many. Online only. */
  'jobs.cancelBatch': { input: z.object({ batch_id: z.string().min(1).max(200) }).strict(), output: Count },
  'queue.summary': { input: Empty, output: QueueSummary },
  /** How many unfinished jobs a batch has on the server now, for the confirmation. */
  'queue.batchPending': { input: z.object({ batch_id: z.string().min(1).max(200) }).strict(), output: Count },
  'queue.cancelAllExceptCurrent': { input: Empty, output: Count },
  'queue.pause': { input: Empty, output: QueueSummary },
  'queue.resume': { input: Empty, output: QueueSummary },
  /** Deletes the finished jobs on the server; the app keeps them, marked no longer on the server. */
  'queue.prune': { input: Empty, output: Count },
  /** Deletes every job on the server (cancelling the running one); the app keeps them as history. */
  'queue.clear': { input: Empty, output: Count },
  'uploads.start': { input: UploadRequest.strict(), output: z.array(UploadItem) },
  'uploads.list': { input: Empty, output: z.array(UploadItem) },
  /** Asks the server whether it has accounts, and who the app is signed in as. */
  'account.get': { input: Empty, output: Account },
  /** Signs in with e-mail and password (`/auth/login`); the token goes to the token store only. */
  'account.signIn': {
    input: z.object({ email: z.string().trim().min(1).max(320), password: z.string().min(1).max(1024), remember_me: z.boolean() }).strict(),
    output: Account,
  },
  /**
   * Forgets the token (the server's logout does not revoke it) and tells the server; the gallery
   * closes that user's cache, which stays on this computer for their next sign-in unless
   * `remove_cache` (then it is deleted, with any changes still queued in it).
   */
  'account.signOut': { input: z.object({ remove_cache: z.boolean() }).strict(), output: Account },
  /** Whether this host can hand files to the desktop (drag out, clipboard image, folder dialog): the Electron app yes, the test host no. */
  'images.desktop': { input: Empty, output: z.object({ available: z.boolean() }) },
  /** The native folder dialog; `available` false where there is none (the test host): then type a path. */
  'images.export.pickFolder': { input: Empty, output: z.object({ available: z.boolean(), path: z.string().nullable() }) },
  'images.export.start': { input: ExportRequest.strict(), output: ExportJob },
  'images.export.cancel': { input: z.object({ id: z.string().min(1).max(100) }).strict(), output: Ok },
  /** Goes on with a cancelled or interrupted export; finished files are not redone. */
  'images.export.resume': { input: z.object({ id: z.string().min(1).max(100) }).strict(), output: ExportJob },
  'images.export.list': { input: Empty, output: z.array(ExportJob) },
  /** Forgets a finished, cancelled or interrupted export (the files stay). */
  'images.export.dismiss': { input: z.object({ id: z.string().min(1).max(100) }).strict(), output: Ok },
  /** Brings the full images into the cache ahead of a drag (call on pointer down on a selected cell). */
  'images.stageForDrag': {
    input: z.object({ image_names: z.array(ImageName).min(1).max(1000) }).strict(),
    output: z.object({ staged: z.number().int(), missing: z.array(z.string()) }),
  },
  /** Starts the OS drag of the staged full images (icon: the first one's thumbnail); call from dragstart. */
  'images.startDrag': { input: z.object({ image_names: z.array(ImageName).min(1).max(1000) }).strict(), output: DesktopResult },
  /** The full image onto the clipboard. */
  'images.copy': { input: z.object({ image_name: ImageName }).strict(), output: DesktopResult },
  /** Prompt, negative prompt, seed, model, steps, CFG, scheduler and size as text, from the cache. */
  'images.parametersText': { input: z.object({ image_name: ImageName }).strict(), output: z.object({ text: z.string() }) },
  /** Shows the image's last exported file in the file manager, else its cached full image. */
  'images.showInFolder': { input: z.object({ image_name: ImageName }).strict(), output: DesktopResult },
  'images.openExternally': { input: z.object({ image_name: ImageName }).strict(), output: DesktopResult },
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
  /** The queue's counts or the processor's state changed. */
  'queue.changed': QueueSummary,
  /** An export moved on (throttled) or changed state. */
  'export.progress': ExportJob,
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
  /** The signed-in user may not do this (a read-only board, another user's image); nothing was changed. */
  'not_allowed',
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
