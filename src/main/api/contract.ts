import type {
  BatchInput,
  BoardChanges,
  BoardDTO,
  DeleteImagesResult,
  EnqueueBatchResult,
  ImageDTO,
  ImageNamesResult,
  ModelConfig,
  SessionQueueItem,
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

export interface RequestOptions {
  signal?: AbortSignal;
  /** Overrides the client's per-attempt timeout for this call. */
  timeoutMs?: number;
}

export interface InvokeApi {
  readonly baseUrl: string;
  version(options?: RequestOptions): Promise<string>;

  listBoards(includeArchived: boolean, options?: RequestOptions): Promise<BoardDTO[]>;
  createBoard(name: string): Promise<BoardDTO>;
  updateBoard(boardId: string, changes: BoardChanges): Promise<BoardDTO>;
  deleteBoard(boardId: string, includeImages: boolean): Promise<void>;
  addImagesToBoard(boardId: string, imageNames: readonly string[]): Promise<string[]>;
  removeImagesFromBoard(imageNames: readonly string[]): Promise<string[]>;

  imageNames(query: ImageNamesQuery, options?: RequestOptions): Promise<ImageNamesResult>;
  /**
   * DTOs in the order asked; missing names are dropped. Any number of names: the server takes
   * at most 1000 a call, so larger lists are split.
   */
  imagesByNames(imageNames: readonly string[], options?: RequestOptions): Promise<ImageDTO[]>;
  image(imageName: string, options?: RequestOptions): Promise<ImageDTO>;
  /** The stored metadata object, or null when the image has none. */
  imageMetadata(imageName: string, options?: RequestOptions): Promise<Record<string, unknown> | null>;
  thumbnail(imageName: string, options?: RequestOptions): Promise<Uint8Array>;
  fullImage(imageName: string, options?: RequestOptions): Promise<Uint8Array>;
  starImages(imageNames: readonly string[]): Promise<string[]>;
  unstarImages(imageNames: readonly string[]): Promise<string[]>;
  deleteImages(imageNames: readonly string[]): Promise<DeleteImagesResult>;
  uploadImage(input: UploadInput, options?: RequestOptions): Promise<ImageDTO>;

  queueItemIds(options?: RequestOptions): Promise<number[]>;
  /** Full items in the order asked (missing ids dropped); larger lists are split by 1000. */
  queueItemsByIds(itemIds: readonly number[], options?: RequestOptions): Promise<SessionQueueItem[]>;
  cancelQueueItem(itemId: number): Promise<SessionQueueItem>;
  enqueueBatch(batch: BatchInput, options?: RequestOptions): Promise<EnqueueBatchResult>;

  /** Every model config; one the app cannot read is skipped, never fatal to the list. */
  models(options?: RequestOptions): Promise<ModelConfig[]>;
}
