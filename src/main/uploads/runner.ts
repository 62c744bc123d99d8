import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import type { ImageDTO, VideoDTO } from '../../shared/invokeai';
import type { UploadItem } from '../../shared/ipc';
import type { ImageCategory } from '../../shared/models';
import type { InvokeApi } from '../api/contract';
import { ApiError, describeApiError } from '../api/errors';
import { checkUploadFile } from './check';
import type { PendingUpload, PendingUploadStore } from './pending-store';

export interface UploadRequest {
  paths: readonly string[];
  /** A board id; null or `none` for Uncategorized. */
  board_id: string | null;
  /** Default `user`: uploads land among the Assets, as in InvokeAI's own UI. */
  category?: ImageCategory;
}

export interface UploadRunnerOptions {
  api: Pick<InvokeApi, 'uploadImage' | 'uploadVideo'>;
  store: PendingUploadStore;
  /** Called with each uploaded image's DTO (main puts it into the cache). */
  onUploaded: (dto: ImageDTO) => void | Promise<void>;
  /** Called with each uploaded MP4's DTO (InvokeAI 6.14+). */
  onVideoUploaded?: (dto: VideoDTO) => void | Promise<void>;
  /** The server accepted a file (2xx) but its answer could not be read: a sync brings the image in. */
  onUploadedUnread?: () => void;
  /** A file waits because the server is absent, failing or refuses the token (the session shows why). */
  onServerAbsent?: (error: unknown) => void;
  /** Every item, after any of them changes state or makes progress. */
  onChange?: (items: UploadItem[]) => void;
  /** Uploads at once; default 3. More only fights over the same server. */
  concurrency?: number;
  /** Default 50 MB. */
  maxBytes?: number;
  /** Default 1 GB, the server's own cap on a video. */
  maxVideoBytes?: number;
}

/** Progress is reported in steps of this much, so a big file does not flood the UI. */
const PROGRESS_STEP = 0.05;
/** A file the server keeps failing (5xx) while it otherwise answers is given up after this many tries. */
const MAX_SERVER_FAILURES = 5;

/**
 * Uploads files with bounded concurrency. Each file is checked locally first (a bad one is
 * refused with its reason while the others go on); each accepted one waits in the pending store
 * until the server has answered for it, so that a server that cannot be reached or failing, or a
 * quit mid-upload, leaves it queued for `retryPending` rather than lost. (A quit, a cut connection
 * or a 5xx at the instant the server stored the file may upload it twice; losing a file the user
 * dropped is the worse failure.)
 */
export class UploadRunner {
  private readonly items = new Map<string, UploadItem>();
  private readonly waiting: PendingUpload[] = [];
  private readonly running = new Set<string>();
  private readonly idleWaiters: (() => void)[] = [];
  private readonly concurrency: number;
  /** Server failures per upload in this run of the app. */
  private readonly failures = new Map<string, number>();
  /**
   * Why files wait, once an upload found the server absent or failing: files still waiting are
   * checked locally (a bad one is refused at once) and then wait too, instead of each costing a
   * timeout.
   */
  private serverAbsent: string | null = null;
  /** The end of the last video upload queued (see oneVideoAtATime). */
  private videoTurn: Promise<void> = Promise.resolve();

  constructor(private readonly options: UploadRunnerOptions) {
    this.concurrency = Math.max(1, options.concurrency ?? 3);
    for (const pending of options.store.list()) {
      this.items.set(pending.id, newItem(pending, WAITING_FOR_SERVER));
    }
  }

  /** Queues the files and returns their items at once; the uploads go on in the background. */
  start(request: UploadRequest): UploadItem[] {
    const boardId = request.board_id === 'none' ? null : request.board_id;
    const queuedAt = new Date().toISOString();
    const pending = request.paths.map((path): PendingUpload => ({
      id: randomUUID(),
      path,
      file_name: basename(path),
      board_id: boardId,
      category: request.category ?? 'user',
      queued_at: queuedAt,
    }));
    this.options.store.add(...pending);
    const started = pending.map((upload) => this.enqueue(upload));
    this.changed();
    this.pump();
    return started.map((item) => ({ ...item }));
  }

  /** Runs again every upload still pending (call it when the server is reachable again). */
  retryPending(): UploadItem[] {
    this.serverAbsent = null;
    const queued = new Set(this.waiting.map((p) => p.id));
    const retried = this.options.store
      .list()
      .filter((pending) => !this.running.has(pending.id) && !queued.has(pending.id))
      .map((pending) => this.enqueue(pending));
    if (retried.length === 0) return [];
    this.changed();
    this.pump();
    return retried.map((item) => ({ ...item }));
  }

  list(): UploadItem[] {
    return [...this.items.values()].map((item) => ({ ...item }));
  }

  /** Resolves once nothing is uploading or waiting for a slot. */
  idle(): Promise<void> {
    if (this.running.size === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private enqueue(pending: PendingUpload): UploadItem {
    const item = newItem(pending, null);
    this.items.set(pending.id, item);
    this.waiting.push(pending);
    return item;
  }

  private pump(): void {
    while (this.running.size < this.concurrency) {
      const next = this.waiting.shift();
      if (!next) break;
      this.running.add(next.id);
      void this.upload(next).finally(() => {
        this.running.delete(next.id);
        this.pump();
        if (this.running.size === 0 && this.waiting.length === 0) {
          for (const resolve of this.idleWaiters.splice(0)) resolve();
        }
      });
    }
  }

  private async upload(pending: PendingUpload): Promise<void> {
    const { store, api } = this.options;
    const check = await checkUploadFile(pending.path, {
      ...(this.options.maxBytes === undefined ? {} : { maxBytes: this.options.maxBytes }),
      ...(this.options.maxVideoBytes === undefined ? {} : { maxVideoBytes: this.options.maxVideoBytes }),
    });
    if (!check.ok) {
      store.remove(pending.id);
      this.update(pending.id, { state: 'failed', error: check.reason });
      return;
    }
    if (this.serverAbsent !== null) {
      this.update(pending.id, { state: 'queued', progress: 0, error: this.serverAbsent });
      return;
    }
    this.update(pending.id, { state: 'uploading', progress: 0, error: null });
    let dto: { kind: 'image'; dto: ImageDTO } | { kind: 'video'; dto: VideoDTO };
    const onProgress = (sent: number, total: number) => this.progress(pending.id, total > 0 ? sent / total : 0);
    const board = pending.board_id ? { board_id: pending.board_id } : {};
    const video = check.contentType === 'video/mp4';
    try {
      dto = video
        ? {
            kind: 'video',
            dto: await this.oneVideoAtATime(() =>
              api.uploadVideo({ bytes: check.bytes, file_name: check.fileName, video_category: pending.category, ...board, onProgress }),
            ),
          }
        : {
            kind: 'image',
            dto: await api.uploadImage({
              bytes: check.bytes,
              file_name: check.fileName,
              content_type: check.contentType,
              image_category: pending.category,
              ...board,
              onProgress,
            }),
          };
    } catch (error) {
      const busy = busyFor(error);
      if (busy !== null) {
        // The server's limit on video uploads at once (429 with Retry-After): this file waits its turn.
        this.update(pending.id, {
          state: 'queued',
          progress: 0,
          error: `The server is busy with other uploads; trying again in ${busy} s.`,
        });
        setTimeout(() => {
          if (this.running.has(pending.id) || this.waiting.some((p) => p.id === pending.id)) return;
          this.enqueue(pending);
          this.changed();
          this.pump();
        }, busy * 1000).unref();
        return;
      }
      if (acceptedUnread(error)) {
        // The server stored the file (it answered 2xx); only its answer was damaged. Sending it
        // again would store it twice.
        store.remove(pending.id);
        this.update(pending.id, { state: 'done', progress: 1, error: null });
        this.options.onUploadedUnread?.();
        return;
      }
      if (signInRefused(error)) {
        // The server refused the token, not the file: it waits, with the others, for a sign-in.
        this.serverAbsent = WAITING_FOR_SIGN_IN;
        this.update(pending.id, { state: 'queued', progress: 0, error: WAITING_FOR_SIGN_IN });
        this.options.onServerAbsent?.(error);
        return;
      }
      // Only a server that answers and fails counts against the file; an absent one does not.
      const failures = (this.failures.get(pending.id) ?? 0) + (serverFailed(error) ? 1 : 0);
      this.failures.set(pending.id, failures);
      if (serverAbsent(error) && failures < MAX_SERVER_FAILURES) {
        this.serverAbsent = serverFailed(error) ? SERVER_FAILING : WAITING_FOR_SERVER;
        this.update(pending.id, { state: 'queued', progress: 0, error: this.serverAbsent });
        this.options.onServerAbsent?.(error);
        return;
      }
      store.remove(pending.id);
      this.update(pending.id, { state: 'failed', error: video ? describeVideoRefusal(error) : describeApiError(error) });
      return;
    }
    store.remove(pending.id);
    this.failures.delete(pending.id);
    const name = dto.kind === 'video' ? dto.dto.video_name : dto.dto.image_name;
    this.update(pending.id, { state: 'done', progress: 1, error: null, image_name: name });
    try {
      if (dto.kind === 'video') await this.options.onVideoUploaded?.(dto.dto);
      else await this.options.onUploaded(dto.dto);
    } catch {
      // The image is on the server whatever the cache did with it; the next sync brings it in.
    }
  }

  /**
   * Runs one video upload after the one before it has ended. The real 6.14.2 takes two video
   * uploads at once from everyone together (one per user in multi-user mode) and answers 429 to
   * more; three side by side from here would make the third wait out Retry-After, and two would
   * leave other clients none.
   */
  private oneVideoAtATime<T>(upload: () => Promise<T>): Promise<T> {
    const turn = this.videoTurn.then(upload);
    this.videoTurn = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }

  private progress(id: string, fraction: number): void {
    const item = this.items.get(id);
    if (!item || item.state !== 'uploading') return;
    const value = Math.min(1, fraction);
    if (value - item.progress >= PROGRESS_STEP || (value === 1 && item.progress < 1)) this.update(id, { progress: value });
  }

  private update(id: string, change: Partial<UploadItem>): void {
    const item = this.items.get(id);
    if (!item) return;
    Object.assign(item, change);
    this.changed();
  }

  private changed(): void {
    this.options.onChange?.(this.list());
  }
}

const WAITING_FOR_SERVER = 'Waiting for the server: it cannot be reached right now. The upload will resume when it is back.';
const WAITING_FOR_SIGN_IN = 'Waiting for you to sign in again: the server no longer accepts your sign-in. The upload resumes then.';
const SERVER_FAILING = 'Waiting for the server: it failed to take the file. The upload will go again shortly.';

function newItem(pending: PendingUpload, error: string | null): UploadItem {
  return { id: pending.id, file_name: pending.file_name, state: 'queued', progress: 0, error, image_name: null };
}

/**
 * Failures that say nothing about the file: the server (or the way to it) is not there, or it
 * failed (5xx). The file waits and goes again, as the class comment explains.
 */
function serverAbsent(error: unknown): boolean {
  if (!(error instanceof ApiError)) return false;
  const { info } = error;
  return info.kind === 'unreachable' || info.kind === 'timeout' || serverFailed(error);
}

/** Seconds to wait when the server says it is busy (429), else null. */
function busyFor(error: unknown): number | null {
  if (!(error instanceof ApiError) || error.info.kind !== 'http' || error.info.status !== 429) return null;
  return Math.min(60, Math.max(1, error.info.retryAfterSeconds ?? 5));
}

/** The server's 413 and 415 for a video, said for a video (the shared sentence speaks of images). */
function describeVideoRefusal(error: unknown): string {
  if (error instanceof ApiError && error.info.kind === 'http') {
    const detail = error.info.detail.replace(/[.\s]+$/, '');
    if (error.info.status === 415) return `The server could not take the video (${detail}): it must be an MP4 file with H.264 video.`;
    if (error.info.status === 413) return `The server refused the video as too large (${detail}).`;
  }
  return describeApiError(error);
}

function signInRefused(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401;
}

function serverFailed(error: unknown): boolean {
  return error instanceof ApiError && error.info.kind === 'http' && error.info.status >= 500;
}

/** A 2xx answer that could not be read (cut JSON, an unexpected shape): the file was stored. */
function acceptedUnread(error: unknown): boolean {
  return error instanceof ApiError && (error.kind === 'invalid_payload' || error.kind === 'not_json');
}
