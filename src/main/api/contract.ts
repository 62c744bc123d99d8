import type {
  BatchInput,
  BatchStatus,
  BoardChanges,
  BoardDTO,
  DeleteImagesResult,
  EnqueueBatchResult,
  SessionProcessorStatus,
  SessionQueueAndProcessorStatus,
  ImageDTO,
  ImageNamesResult,
  LoginResult,
  ModelConfig,
  SessionQueueItem,
  SetupStatus,
  UserDTO,
  DeleteVideosResult,
  OffsetPaginatedVideoDTOs,
  VideoChanges,
  VideoDTO,
  VideoNamesResult,
} from '../../shared/invokeai';
import type { ImageCategory } from '../../shared/models';

/**
 * What the rest of the main process needs from an InvokeAI server. `InvokeClient` (client.ts)
 * implements it over HTTP; sync, actions and uploads depend only on this interface.
 *
 * Every method rejects with an `ApiError` (errors.ts) whose `kind` says what went wrong
 * (unreachable, timeout, http status with the server's detail, invalid payload naming the field,
 * aborted), so the UI can put it into words.
 */
export interface ImageNamesQuery {
  /** A board id, `none` for Uncategorized; leave out for every board. */
  board_id?: string;
  categories?: readonly ImageCategory[];
  is_intermediate?: boolean;
  starred_first?: boolean;
  order_dir?: 'ASC' | 'DESC';
  search_term?: string;
}

export type BoardImageNamesQuery = Pick<ImageNamesQuery, 'categories' | 'is_intermediate'>;

export interface UploadInput {
  bytes: Uint8Array;
  file_name: string;
  /** Must start with `image/`: the server refuses other part types with 415. */
  content_type: string;
  image_category: ImageCategory;
  /** A real board id; leave out for Uncategorized (the server answers 404 to `none`). */
  board_id?: string;
  is_intermediate?: boolean;
  /** Bytes sent so far, for per-file progress. */
  onProgress?: (sent: number, total: number) => void;
}

/** One page of `GET /videos/` (the server caps `limit` at 1000). */
export interface VideoPageQuery {
  offset: number;
  limit: number;
  /** A board id, `none` for Uncategorized; leave out for every board. */
  board_id?: string;
  is_intermediate?: boolean;
  starred_first?: boolean;
  order_dir?: 'ASC' | 'DESC';
}

export interface VideoUploadInput {
  bytes: Uint8Array;
  file_name: string;
  video_category: ImageCategory;
  /** A real board id; leave out for Uncategorized. */
  board_id?: string;
  is_intermediate?: boolean;
  onProgress?: (sent: number, total: number) => void;
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** Overrides the client's per-attempt timeout for this call. */
  timeoutMs?: number;
}

export interface InvokeApi {
  readonly baseUrl: string;
  version(options?: RequestOptions): Promise<string>;

  /** Whether the server is multi-user; answers without a token in either mode. */
  authStatus(options?: RequestOptions): Promise<SetupStatus>;
  /** Signs in (multi-user only: single-user servers answer 403); a wrong password is a 401. */
  login(email: string, password: string, rememberMe: boolean): Promise<LoginResult>;
  /** Who the current token stands for; 401 when it is missing, expired or revoked. */
  me(options?: RequestOptions): Promise<UserDTO>;
  /** Tells the server; it does not revoke the token (6.14.2), so the caller must forget it. */
  logout(): Promise<void>;

  listBoards(includeArchived: boolean, options?: RequestOptions): Promise<BoardDTO[]>;
  createBoard(name: string): Promise<BoardDTO>;
  updateBoard(boardId: string, changes: BoardChanges): Promise<BoardDTO>;
  deleteBoard(boardId: string, includeImages: boolean): Promise<void>;
  addImagesToBoard(boardId: string, imageNames: readonly string[]): Promise<string[]>;
  removeImagesFromBoard(imageNames: readonly string[]): Promise<string[]>;

  imageNames(query: ImageNamesQuery, options?: RequestOptions): Promise<ImageNamesResult>;
  /**
   * The names of one board's images (`none`: Uncategorized, only the caller's in multi-user), in
   * no promised order. On the real 6.14.2 at 100k it answers in 0.04–0.15 s where imageNames
   * filtered by the same board takes 0.5–0.6 s (it sorts the whole gallery).
   */
  boardImageNames(boardId: string, query: BoardImageNamesQuery, options?: RequestOptions): Promise<string[]>;
  /**
   * DTOs in the order asked; missing names are dropped. Any number of names: the server takes
   * at most 1000 a call, so larger lists are split.
   */
  imagesByNames(imageNames: readonly string[], options?: RequestOptions): Promise<ImageDTO[]>;
  /**
   * The images_by_names answer for at most 1000 names as the server sent it, JSON bytes unread,
   * for a reader on another thread (the sync's writer: sync/image-batch.ts reads it).
   */
  imageBatchBody(imageNames: readonly string[], options?: RequestOptions): Promise<Uint8Array>;
  image(imageName: string, options?: RequestOptions): Promise<ImageDTO>;
  /** The stored metadata object, or null when the image has none. */
  imageMetadata(imageName: string, options?: RequestOptions): Promise<Record<string, unknown> | null>;
  thumbnail(imageName: string, options?: RequestOptions): Promise<Uint8Array>;
  fullImage(imageName: string, options?: RequestOptions): Promise<Uint8Array>;
  starImages(imageNames: readonly string[]): Promise<string[]>;
  unstarImages(imageNames: readonly string[]): Promise<string[]>;
  deleteImages(imageNames: readonly string[]): Promise<DeleteImagesResult>;
  uploadImage(input: UploadInput, options?: RequestOptions): Promise<ImageDTO>;

  /**
   * Videos (InvokeAI 6.14+). The listing answers null when the server has no `/videos` routes
   * (older than 6.14): such a server simply has no videos. There is no videos-by-names route;
   * videos are few, so their DTOs are read in pages.
   */
  videoPage(query: VideoPageQuery, options?: RequestOptions): Promise<OffsetPaginatedVideoDTOs | null>;
  videoNames(query: ImageNamesQuery, options?: RequestOptions): Promise<VideoNamesResult | null>;
  video(videoName: string, options?: RequestOptions): Promise<VideoDTO>;
  videoMetadata(videoName: string, options?: RequestOptions): Promise<Record<string, unknown> | null>;
  /** The first frame as WebP. */
  videoThumbnail(videoName: string, options?: RequestOptions): Promise<Uint8Array>;
  /** The MP4 bytes. */
  fullVideo(videoName: string, options?: RequestOptions): Promise<Uint8Array>;
  starVideos(videoNames: readonly string[]): Promise<string[]>;
  unstarVideos(videoNames: readonly string[]): Promise<string[]>;
  /** One video a call: the server's route takes a single name. */
  addVideoToBoard(boardId: string, videoName: string): Promise<string[]>;
  removeVideoFromBoard(videoName: string): Promise<string[]>;
  updateVideo(videoName: string, changes: VideoChanges): Promise<VideoDTO>;
  deleteVideos(videoNames: readonly string[]): Promise<DeleteVideosResult>;
  /** MP4 only (H.264); the server refuses others with 415, over 1 GB with 413, when busy 429. */
  uploadVideo(input: VideoUploadInput, options?: RequestOptions): Promise<VideoDTO>;

  queueItemIds(options?: RequestOptions): Promise<number[]>;
  /** Full items in the order asked (missing ids dropped); larger lists are split by 1000. */
  queueItemsByIds(itemIds: readonly number[], options?: RequestOptions): Promise<SessionQueueItem[]>;
  cancelQueueItem(itemId: number): Promise<SessionQueueItem>;
  /** Cancels every unfinished item of these batches; answers how many. */
  cancelByBatchIds(batchIds: readonly string[]): Promise<number>;
  /** Cancels every pending or waiting item (the running one goes on); answers how many. */
  cancelAllExceptCurrent(): Promise<number>;
  /**
   * Enqueues a copy of each failed or cancelled item (others are skipped). Answers the ids of the
   * items retried, not of the copies: those are found by listing the queue again.
   */
  retryQueueItems(itemIds: readonly number[]): Promise<number[]>;
  /** Deletes every finished item (completed, failed, cancelled); sends no event. */
  pruneQueue(): Promise<number>;
  /** Deletes every item, cancelling the running one. */
  clearQueue(): Promise<number>;
  pauseProcessor(): Promise<SessionProcessorStatus>;
  resumeProcessor(): Promise<SessionProcessorStatus>;
  queueStatus(options?: RequestOptions): Promise<SessionQueueAndProcessorStatus>;
  /** Counts of one batch's items by status (zeros for a batch the server does not know). */
  batchStatus(batchId: string, options?: RequestOptions): Promise<BatchStatus>;
  enqueueBatch(batch: BatchInput, options?: RequestOptions): Promise<EnqueueBatchResult>;

  /** Every model config; one the app cannot read is skipped, never fatal to the list. */
  models(options?: RequestOptions): Promise<ModelConfig[]>;
}
