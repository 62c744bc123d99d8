import { z } from 'zod';
import {
  AddImagesToBoardResult,
  AddVideosToBoardResult,
  BatchInput,
  BatchStatus,
  BoardChanges,
  BoardDTO,
  BoardImageNames,
  CanceledResult,
  DeleteBoardResult,
  DeletedResult,
  DeleteImagesResult,
  DeleteVideosResult,
  EnqueueBatchResult,
  ImageDTO,
  ImageDTOList,
  ImageNamesResult,
  LoginResult,
  LogoutResult,
  ModelConfig,
  ModelsList,
  OffsetPaginatedVideoDTOs,
  QueueItemIds,
  RemoveImagesFromBoardResult,
  RemoveVideosFromBoardResult,
  RetryItemsResult,
  SessionProcessorStatus,
  SessionQueueAndProcessorStatus,
  SessionQueueItem,
  SetupStatus,
  StarredImagesResult,
  StarredVideosResult,
  UnstarredImagesResult,
  UnstarredVideosResult,
  UserDTO,
  VideoChanges,
  VideoDTO,
  VideoNamesResult,
} from '../../shared/invokeai';
import type {
  BoardImageNamesQuery,
  ImageNamesQuery,
  InvokeApi,
  RequestOptions,
  UploadInput,
  VideoPageQuery,
  VideoUploadInput,
} from './contract';
import { ApiError, isJsonType } from './errors';
import { DEFAULT_BASE_URL, Http, type Call, type TokenSource } from './http';
import { DEFAULT_RETRY, type RetryPolicy } from './retry';
import { multipartWithProgress } from './upload-body';

const QUEUE = 'api/v1/queue/default';
/** The server's cap on `images_by_names` and `items_by_ids` (422 above it). */
export const MAX_NAMES_PER_CALL = 1000;

export interface InvokeClientOptions {
  /** Defaults to http://127.0.0.1:9090; a base path (a proxy's `/invoke`) is kept. */
  baseUrl?: string;
  /** Read before every request, so a token kept elsewhere (safeStorage) is never copied here. */
  getToken?: TokenSource;
  /** Multi-user servers return a fresh token on mutating calls; store it for the next ones. */
  onTokenRefreshed?: (token: string) => void;
  /** Per attempt; default 20 s. */
  timeoutMs?: number;
  /** Per upload attempt; default 5 minutes. */
  uploadTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
}

const Version = z.object({ version: z.string() });
const Metadata = z.record(z.string(), z.unknown()).nullable();

const isImage = (mediaType: string) => mediaType.startsWith('image/');
const isMp4 = (mediaType: string) => mediaType === 'video/mp4';

/** The InvokeAI HTTP API over Node's fetch, validated at the boundary with the wire schemas. */
export class InvokeClient implements InvokeApi {
  readonly baseUrl: string;
  private readonly http: Http;
  private readonly uploadTimeoutMs: number;

  constructor(options: InvokeClientOptions = {}) {
    this.http = new Http({
      baseUrl: options.baseUrl ?? DEFAULT_BASE_URL,
      getToken: options.getToken,
      onTokenRefreshed: options.onTokenRefreshed,
      timeoutMs: options.timeoutMs ?? 20_000,
      retry: { ...DEFAULT_RETRY, ...options.retry },
    });
    this.baseUrl = this.http.baseUrl;
    this.uploadTimeoutMs = options.uploadTimeoutMs ?? 300_000;
  }

  /** The liveness probe: the only route that needs no login, even on multi-user servers. */
  async version(options?: RequestOptions): Promise<string> {
    const { version } = await this.http.json(get('api/v1/app/version', {}, options), Version, 'AppVersion');
    return version;
  }

  authStatus(options?: RequestOptions): Promise<SetupStatus> {
    return this.http.json(get('api/v1/auth/status', {}, options), SetupStatus, 'SetupStatusResponse');
  }

  login(email: string, password: string, rememberMe: boolean): Promise<LoginResult> {
    // Never retried: a wrong password must not count twice against the account.
    const body = jsonBody({ email, password, remember_me: rememberMe });
    return this.http.json({ method: 'POST', route: 'api/v1/auth/login', body }, LoginResult, 'LoginResponse');
  }

  me(options?: RequestOptions): Promise<UserDTO> {
    return this.http.json(get('api/v1/auth/me', {}, options), UserDTO, 'UserDTO');
  }

  async logout(): Promise<void> {
    await this.http.json({ method: 'POST', route: 'api/v1/auth/logout' }, LogoutResult, 'LogoutResponse');
  }

  listBoards(includeArchived: boolean, options?: RequestOptions): Promise<BoardDTO[]> {
    // Paged mode reports a wrong `total`; `all=true` is the reliable list.
    const call = get('api/v1/boards/', { all: true, include_archived: includeArchived }, options);
    return this.http.json(call, z.array(BoardDTO), 'BoardDTO');
  }

  createBoard(name: string): Promise<BoardDTO> {
    return this.http.json({ method: 'POST', route: 'api/v1/boards/', query: { board_name: name } }, BoardDTO, 'BoardDTO');
  }

  updateBoard(boardId: string, changes: BoardChanges): Promise<BoardDTO> {
    const body = BoardChanges.parse(changes);
    return this.http.json({ method: 'PATCH', route: `api/v1/boards/${seg(boardId)}`, body: jsonBody(body) }, BoardDTO, 'BoardDTO');
  }

  async deleteBoard(boardId: string, includeImages: boolean): Promise<void> {
    const call: Call = { method: 'DELETE', route: `api/v1/boards/${seg(boardId)}`, query: { include_images: includeImages } };
    await this.http.json(call, DeleteBoardResult, 'DeleteBoardResult');
  }

  async addImagesToBoard(boardId: string, imageNames: readonly string[]): Promise<string[]> {
    const body = jsonBody({ board_id: boardId, image_names: imageNames });
    const result = await this.http.json(
      { method: 'POST', route: 'api/v1/board_images/batch', body },
      AddImagesToBoardResult,
      'AddImagesToBoardResult',
    );
    return result.added_images;
  }

  async removeImagesFromBoard(imageNames: readonly string[]): Promise<string[]> {
    const body = jsonBody({ image_names: imageNames });
    const call: Call = { method: 'POST', route: 'api/v1/board_images/batch/delete', body };
    const result = await this.http.json(call, RemoveImagesFromBoardResult, 'RemoveImagesFromBoardResult');
    return result.removed_images;
  }

  imageNames(query: ImageNamesQuery, options?: RequestOptions): Promise<ImageNamesResult> {
    return this.http.json(get('api/v1/images/names', { ...query }, options), ImageNamesResult, 'ImageNamesResult');
  }

  boardImageNames(boardId: string, query: BoardImageNamesQuery, options?: RequestOptions): Promise<string[]> {
    return this.http.json(get(`api/v1/boards/${seg(boardId)}/image_names`, { ...query }, options), BoardImageNames, 'list[str]');
  }

  async imagesByNames(imageNames: readonly string[], options?: RequestOptions): Promise<ImageDTO[]> {
    const dtos: ImageDTO[] = [];
    for (const names of chunks(imageNames, MAX_NAMES_PER_CALL)) {
      dtos.push(...(await this.http.json(imagesByNamesCall(names, options), ImageDTOList, 'ImageDTO')));
    }
    return dtos;
  }

  imageBatchBody(imageNames: readonly string[], options?: RequestOptions): Promise<Uint8Array> {
    if (imageNames.length > MAX_NAMES_PER_CALL) {
      throw new RangeError(`imageBatchBody takes at most ${MAX_NAMES_PER_CALL} names a call (got ${imageNames.length}).`);
    }
    return this.http.bytes(imagesByNamesCall(imageNames, options), isJsonType);
  }

  image(imageName: string, options?: RequestOptions): Promise<ImageDTO> {
    return this.http.json(get(`api/v1/images/i/${seg(imageName)}`, {}, options), ImageDTO, 'ImageDTO');
  }

  imageMetadata(imageName: string, options?: RequestOptions): Promise<Record<string, unknown> | null> {
    return this.http.json(get(`api/v1/images/i/${seg(imageName)}/metadata`, {}, options), Metadata, 'MetadataField');
  }

  thumbnail(imageName: string, options?: RequestOptions): Promise<Uint8Array> {
    return this.http.bytes(get(`api/v1/images/i/${seg(imageName)}/thumbnail`, {}, options), isImage);
  }

  fullImage(imageName: string, options?: RequestOptions): Promise<Uint8Array> {
    return this.http.bytes(get(`api/v1/images/i/${seg(imageName)}/full`, {}, options), isImage);
  }

  async starImages(imageNames: readonly string[]): Promise<string[]> {
    const call: Call = { method: 'POST', route: 'api/v1/images/star', body: jsonBody({ image_names: imageNames }) };
    return (await this.http.json(call, StarredImagesResult, 'StarredImagesResult')).starred_images;
  }

  async unstarImages(imageNames: readonly string[]): Promise<string[]> {
    const call: Call = { method: 'POST', route: 'api/v1/images/unstar', body: jsonBody({ image_names: imageNames }) };
    return (await this.http.json(call, UnstarredImagesResult, 'UnstarredImagesResult')).unstarred_images;
  }

  deleteImages(imageNames: readonly string[]): Promise<DeleteImagesResult> {
    const call: Call = { method: 'POST', route: 'api/v1/images/delete', body: jsonBody({ image_names: imageNames }) };
    return this.http.json(call, DeleteImagesResult, 'DeleteImagesResult');
  }

  uploadImage(input: UploadInput, options?: RequestOptions): Promise<ImageDTO> {
    const call: Call = {
      method: 'POST',
      route: 'api/v1/images/upload',
      query: {
        image_category: input.image_category,
        is_intermediate: input.is_intermediate ?? false,
        // The server answers 404 to `none`; Uncategorized is the absence of a board.
        board_id: input.board_id === 'none' ? undefined : input.board_id,
      },
      body: () =>
        multipartWithProgress({ bytes: input.bytes, fileName: input.file_name, contentType: input.content_type }, {}, input.onProgress),
      timeoutMs: options?.timeoutMs ?? this.uploadTimeoutMs,
      signal: options?.signal,
    };
    return this.http.json(call, ImageDTO, 'ImageDTO');
  }

  async videoPage(query: VideoPageQuery, options?: RequestOptions): Promise<OffsetPaginatedVideoDTOs | null> {
    const call = get('api/v1/videos/', { ...query, limit: Math.min(query.limit, MAX_NAMES_PER_CALL) }, options);
    try {
      return await this.http.json(call, OffsetPaginatedVideoDTOs, 'OffsetPaginatedResults_VideoDTO_');
    } catch (error) {
      if (isSpaFallback(error)) return null;
      throw error;
    }
  }

  async videoNames(query: ImageNamesQuery, options?: RequestOptions): Promise<VideoNamesResult | null> {
    try {
      return await this.http.json(get('api/v1/videos/names', { ...query }, options), VideoNamesResult, 'VideoNamesResult');
    } catch (error) {
      if (isSpaFallback(error)) return null;
      throw error;
    }
  }

  video(videoName: string, options?: RequestOptions): Promise<VideoDTO> {
    return this.http.json(get(`api/v1/videos/i/${seg(videoName)}`, {}, options), VideoDTO, 'VideoDTO');
  }

  videoMetadata(videoName: string, options?: RequestOptions): Promise<Record<string, unknown> | null> {
    return this.http.json(get(`api/v1/videos/i/${seg(videoName)}/metadata`, {}, options), Metadata, 'MetadataField');
  }

  videoThumbnail(videoName: string, options?: RequestOptions): Promise<Uint8Array> {
    return this.http.bytes(get(`api/v1/videos/i/${seg(videoName)}/thumbnail`, {}, options), isImage);
  }

  fullVideo(videoName: string, options?: RequestOptions): Promise<Uint8Array> {
    const call = { ...get(`api/v1/videos/i/${seg(videoName)}/full`, {}, options), timeoutMs: options?.timeoutMs ?? this.uploadTimeoutMs };
    return this.http.bytes(call, isMp4);
  }

  async starVideos(videoNames: readonly string[]): Promise<string[]> {
    const starred: string[] = [];
    for (const names of chunks(videoNames, MAX_NAMES_PER_CALL)) {
      const call: Call = { method: 'POST', route: 'api/v1/videos/star', body: jsonBody({ video_names: names }) };
      starred.push(...(await this.http.json(call, StarredVideosResult, 'StarredVideosResult')).starred_videos);
    }
    return starred;
  }

  async unstarVideos(videoNames: readonly string[]): Promise<string[]> {
    const unstarred: string[] = [];
    for (const names of chunks(videoNames, MAX_NAMES_PER_CALL)) {
      const call: Call = { method: 'POST', route: 'api/v1/videos/unstar', body: jsonBody({ video_names: names }) };
      unstarred.push(...(await this.http.json(call, UnstarredVideosResult, 'UnstarredVideosResult')).unstarred_videos);
    }
    return unstarred;
  }

  async addVideoToBoard(boardId: string, videoName: string): Promise<string[]> {
    const call: Call = { method: 'POST', route: 'api/v1/videos/board', body: jsonBody({ board_id: boardId, video_name: videoName }) };
    return (await this.http.json(call, AddVideosToBoardResult, 'AddVideosToBoardResult')).added_videos;
  }

  async removeVideoFromBoard(videoName: string): Promise<string[]> {
    const call: Call = { method: 'DELETE', route: 'api/v1/videos/board', body: jsonBody({ video_name: videoName }) };
    return (await this.http.json(call, RemoveVideosFromBoardResult, 'RemoveVideosFromBoardResult')).removed_videos;
  }

  updateVideo(videoName: string, changes: VideoChanges): Promise<VideoDTO> {
    const body = jsonBody(VideoChanges.parse(changes));
    return this.http.json({ method: 'PATCH', route: `api/v1/videos/i/${seg(videoName)}`, body }, VideoDTO, 'VideoDTO');
  }

  async deleteVideos(videoNames: readonly string[]): Promise<DeleteVideosResult> {
    const result: DeleteVideosResult = { deleted_videos: [], failed_videos: [], affected_boards: [] };
    for (const names of chunks(videoNames, MAX_NAMES_PER_CALL)) {
      const call: Call = { method: 'POST', route: 'api/v1/videos/delete', body: jsonBody({ video_names: names }) };
      const some = await this.http.json(call, DeleteVideosResult, 'DeleteVideosResult');
      result.deleted_videos.push(...some.deleted_videos);
      result.failed_videos.push(...some.failed_videos);
      result.affected_boards.push(...some.affected_boards);
    }
    return result;
  }

  uploadVideo(input: VideoUploadInput, options?: RequestOptions): Promise<VideoDTO> {
    const call: Call = {
      method: 'POST',
      route: 'api/v1/videos/upload',
      query: {
        video_category: input.video_category,
        is_intermediate: input.is_intermediate ?? false,
        board_id: input.board_id === 'none' ? undefined : input.board_id,
      },
      body: () => multipartWithProgress({ bytes: input.bytes, fileName: input.file_name, contentType: 'video/mp4' }, {}, input.onProgress),
      timeoutMs: options?.timeoutMs ?? this.uploadTimeoutMs,
      signal: options?.signal,
      // 6.14.2 refuses some uploads before reading the body and closes the connection: without
      // waiting for `100 Continue` the refusal is often lost to a broken pipe.
      expectContinue: true,
    };
    return this.http.json(call, VideoDTO, 'VideoDTO');
  }

  async queueItemIds(options?: RequestOptions): Promise<number[]> {
    return (await this.http.json(get(`${QUEUE}/item_ids`, {}, options), QueueItemIds, 'ItemIdsResult')).item_ids;
  }

  async queueItemsByIds(itemIds: readonly number[], options?: RequestOptions): Promise<SessionQueueItem[]> {
    const items: SessionQueueItem[] = [];
    for (const ids of chunks(itemIds, MAX_NAMES_PER_CALL)) {
      const call = readPost(`${QUEUE}/items_by_ids`, { item_ids: ids }, options);
      items.push(...(await this.http.json(call, z.array(SessionQueueItem), 'SessionQueueItem')));
    }
    return items;
  }

  cancelQueueItem(itemId: number): Promise<SessionQueueItem> {
    return this.http.json({ method: 'PUT', route: `${QUEUE}/i/${itemId}/cancel` }, SessionQueueItem, 'SessionQueueItem');
  }

  async cancelByBatchIds(batchIds: readonly string[]): Promise<number> {
    const call: Call = { method: 'PUT', route: `${QUEUE}/cancel_by_batch_ids`, body: jsonBody({ batch_ids: batchIds }) };
    return (await this.http.json(call, CanceledResult, 'CancelByBatchIDsResult')).canceled;
  }

  async cancelAllExceptCurrent(): Promise<number> {
    return (
      await this.http.json({ method: 'PUT', route: `${QUEUE}/cancel_all_except_current` }, CanceledResult, 'CancelAllExceptCurrentResult')
    ).canceled;
  }

  async retryQueueItems(itemIds: readonly number[]): Promise<number[]> {
    // The body is a bare JSON array, not an object (NOTES §3.1).
    const call: Call = { method: 'PUT', route: `${QUEUE}/retry_items_by_id`, body: jsonBody(itemIds) };
    return (await this.http.json(call, RetryItemsResult, 'RetryItemsResult')).retried_item_ids;
  }

  async pruneQueue(): Promise<number> {
    return (await this.http.json({ method: 'PUT', route: `${QUEUE}/prune` }, DeletedResult, 'PruneResult')).deleted;
  }

  async clearQueue(): Promise<number> {
    return (await this.http.json({ method: 'PUT', route: `${QUEUE}/clear` }, DeletedResult, 'ClearResult')).deleted;
  }

  pauseProcessor(): Promise<SessionProcessorStatus> {
    return this.http.json({ method: 'PUT', route: `${QUEUE}/processor/pause` }, SessionProcessorStatus, 'SessionProcessorStatus');
  }

  resumeProcessor(): Promise<SessionProcessorStatus> {
    return this.http.json({ method: 'PUT', route: `${QUEUE}/processor/resume` }, SessionProcessorStatus, 'SessionProcessorStatus');
  }

  batchStatus(batchId: string, options?: RequestOptions): Promise<BatchStatus> {
    return this.http.json(get(`${QUEUE}/b/${seg(batchId)}/status`, {}, options), BatchStatus, 'BatchStatus');
  }

  queueStatus(options?: RequestOptions): Promise<SessionQueueAndProcessorStatus> {
    return this.http.json(get(`${QUEUE}/status`, {}, options), SessionQueueAndProcessorStatus, 'SessionQueueAndProcessorStatus');
  }

  enqueueBatch(batch: BatchInput, options?: RequestOptions): Promise<EnqueueBatchResult> {
    const call: Call = {
      method: 'POST',
      route: `${QUEUE}/enqueue_batch`,
      body: jsonBody({ batch: BatchInput.parse(batch), prepend: false }),
      ...callOptions(options),
    };
    return this.http.json(call, EnqueueBatchResult, 'EnqueueBatchResult');
  }

  async models(options?: RequestOptions): Promise<ModelConfig[]> {
    const { models } = await this.http.json(get('api/v2/models/', {}, options), ModelsList, 'ModelsList');
    // The config union grows every release: one the app cannot read must not hide the others.
    return models.flatMap((raw) => {
      const parsed = ModelConfig.safeParse(raw);
      return parsed.success ? [parsed.data] : [];
    });
  }
}

/**
 * A server older than 6.14 has no `/videos` routes, and its web UI answers an unknown GET with
 * 200 text/html (NOTES §0): that means "no videos", not a failure.
 */
function isSpaFallback(error: unknown): boolean {
  return error instanceof ApiError && error.info.kind === 'not_json' && error.info.status === 200 && !error.info.broken;
}

function callOptions(options: RequestOptions | undefined): Pick<Call, 'signal' | 'timeoutMs'> {
  return { signal: options?.signal, ...(options?.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }) };
}

function get(route: string, query: Call['query'], options: RequestOptions | undefined): Call {
  return { method: 'GET', route, query, ...callOptions(options) };
}

/** A POST that only reads, so it may be retried like a GET. */
function readPost(route: string, body: unknown, options: RequestOptions | undefined): Call {
  return { method: 'POST', route, body: jsonBody(body), idempotent: true, ...callOptions(options) };
}

/** One `images_by_names` call (at most MAX_NAMES_PER_CALL names): read as DTOs here, or as bytes elsewhere. */
function imagesByNamesCall(imageNames: readonly string[], options: RequestOptions | undefined): Call {
  return readPost('api/v1/images/images_by_names', { image_names: imageNames }, options);
}

function jsonBody(value: unknown): Call['body'] {
  const text = JSON.stringify(value);
  return () => ({ body: text, headers: { 'content-type': 'application/json' } });
}

/** Image names are UUIDs with `.png`, but a path segment is escaped all the same. */
function seg(value: string): string {
  return encodeURIComponent(value);
}

function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let start = 0; start < items.length; start += size) yield items.slice(start, start + size);
}
