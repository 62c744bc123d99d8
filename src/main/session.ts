import { DatabaseSync } from 'node:sqlite';
import { Actions } from './actions';
import { ApiError, InvokeClient, InvokeEvents, describeApiError } from './api';
import { openCache, profileKeyFor, type Cache } from './cache';
import { SyncEngine } from './sync';
import { SqlitePendingUploadStore, UploadRunner } from './uploads';
import type { AppStatus, EventName, EventPayload, SyncProgress, SyncSummary } from '../shared/ipc';
import { IvkJob, jobStatusFromWire, JobStatus } from '../shared/models';

/**
 * Everything the app does for one InvokeAI server: the HTTP client and live events, that
 * server's cache, sync, actions and uploads, and the connection state that ties them together.
 * The app holds one session at a time and builds a new one when the server address changes.
 */
export interface SessionOptions {
  serverUrl: string;
  cacheDir: string;
  getToken: () => string | null;
  setToken: (token: string) => void;
  emit: <E extends EventName>(event: E, payload: EventPayload<E>) => void;
  /** How often an online session syncs to catch changes the server sends no event for. */
  syncIntervalMs?: number;
  /** How often an offline session checks whether the server is back. */
  probeIntervalMs?: number;
  /** Timeout of the liveness probe (`/app/version`). */
  probeTimeoutMs?: number;
}

const DEFAULT_SYNC_INTERVAL_MS = 60_000;
const DEFAULT_PROBE_INTERVAL_MS = 5_000;

export class ServerSession {
  readonly api: InvokeClient;
  readonly events: InvokeEvents;
  readonly cache: Cache;
  readonly sync: SyncEngine;
  readonly uploads: UploadRunner;
  readonly actions: Actions;
  private readonly uploadsDb: DatabaseSync;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly unsubscribers: (() => void)[] = [];
  private connection: AppStatus['connection'] = 'connecting';
  private offlineSince: Date | null = null;
  private serverVersion: string | null = null;
  private message: string | null = null;
  private stopped = false;

  constructor(private readonly options: SessionOptions) {
    const { serverUrl, getToken, setToken, emit } = options;
    this.api = new InvokeClient({ baseUrl: serverUrl, getToken, onTokenRefreshed: setToken });
    this.events = new InvokeEvents({ baseUrl: serverUrl, getToken });
    this.cache = openCache({ dataDir: options.cacheDir, profileKey: profileKeyFor(serverUrl) });
    this.sync = new SyncEngine({
      api: this.api,
      cache: this.cache,
      onProgress: () => this.statusChanged(),
      onBackgroundError: (error) => this.noteFailure(error),
    });
    // A second connection to the cache file: the upload queue keeps its own small table.
    this.uploadsDb = new DatabaseSync(this.cache.dbPath, { timeout: 5_000 });
    this.uploads = new UploadRunner({
      api: this.api,
      store: new SqlitePendingUploadStore(this.uploadsDb),
      onUploaded: (dto) => {
        this.cache.upsertImages([dto]);
        emit('gallery.changed', { images: true, boards: true, jobs: false });
      },
      onChange: (items) => emit('uploads.changed', items),
    });
    this.actions = new Actions({
      api: this.api,
      cache: this.cache,
      isOnline: () => this.connection === 'online',
      onUnreachable: (error) => this.wentOffline(error),
      onNotice: (level, message) => emit('notice', { level, message }),
      onChanged: (what) => {
        emit('gallery.changed', what);
        this.statusChanged();
      },
      onConflict: () => this.requestSync(),
    });
  }

  get serverUrl(): string {
    return this.options.serverUrl;
  }

  get isOnline(): boolean {
    return this.connection === 'online';
  }

  status(): AppStatus {
    const progress: SyncProgress = this.sync.progress;
    return {
      server_url: this.options.serverUrl,
      server_version: this.serverVersion,
      connection: this.connection,
      offline_since: this.offlineSince,
      last_sync: this.sync.lastSummary(),
      sync: progress,
      outbox: this.actions.pending,
      message: this.message,
    };
  }

  /**
   * Opens the session: the cache is browsable at once; the server is probed, and the socket,
   * sync and outbox follow when it answers. Never throws for an unreachable server: that is
   * offline mode, not an error.
   */
  async start(): Promise<void> {
    this.listenToEvents();
    this.events.connect();
    await this.probe();
    this.every(this.options.syncIntervalMs ?? DEFAULT_SYNC_INTERVAL_MS, () => {
      if (this.isOnline) this.requestSync();
    });
    this.every(this.options.probeIntervalMs ?? DEFAULT_PROBE_INTERVAL_MS, () => {
      if (!this.isOnline) void this.probe();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    this.unsubscribers.forEach((unsubscribe) => unsubscribe());
    this.events.close();
    // An outbox replay in flight finishes the entry it is sending before the cache closes.
    await this.actions.close();
    await this.sync.close();
    this.uploadsDb.close();
    this.cache.close();
  }

  /** Runs a sync now (or right after the current one) and reports its outcome. */
  async syncNow(): Promise<SyncSummary | null> {
    try {
      const summary = await this.sync.sync();
      this.wentOnline();
      this.options.emit('gallery.changed', { images: true, boards: true, jobs: true });
      return summary;
    } catch (error) {
      this.noteFailure(error);
      return null;
    } finally {
      this.statusChanged();
    }
  }

  requestSync(): void {
    void this.syncNow();
  }

  /** Checks the server with the cheapest call there is; the outcome sets the connection state. */
  async probe(): Promise<boolean> {
    try {
      this.serverVersion = await this.api.version({ timeoutMs: this.options.probeTimeoutMs ?? 5_000 });
      this.wentOnline();
      return true;
    } catch (error) {
      this.noteFailure(error);
      return false;
    }
  }

  /** Any failure: an unreachable server means offline; anything else is a message to show. */
  noteFailure(error: unknown): void {
    if (this.stopped) return;
    if (error instanceof ApiError && (error.kind === 'unreachable' || error.kind === 'timeout')) {
      this.wentOffline(error);
      return;
    }
    if (error instanceof ApiError && error.kind === 'aborted') return;
    this.message = describeApiError(error);
    this.statusChanged();
  }

  private async refreshJob(itemId: number): Promise<void> {
    try {
      const items = await this.api.queueItemsByIds([itemId]);
      if (!this.stopped && items.length > 0) {
        this.cache.upsertJobs(items);
        this.options.emit('gallery.changed', { images: false, boards: false, jobs: true });
      }
    } catch (error) {
      this.noteFailure(error);
    }
  }

  private wentOnline(): void {
    if (this.stopped || this.connection === 'online') return;
    this.connection = 'online';
    this.offlineSince = null;
    this.message = null;
    this.statusChanged();
    // Back online: send what waited, then read what changed while we were away.
    void this.actions.replay().then(() => {
      if (this.stopped) return;
      this.uploads.retryPending();
      this.requestSync();
    });
  }

  private wentOffline(error: ApiError): void {
    if (this.stopped) return;
    if (this.connection !== 'offline') {
      this.connection = 'offline';
      this.offlineSince = new Date();
    }
    this.message = describeApiError(error);
    this.statusChanged();
  }

  private statusChanged(): void {
    if (!this.stopped) this.options.emit('status.changed', this.status());
  }

  private every(ms: number, work: () => void): void {
    const timer = setInterval(work, ms);
    timer.unref();
    this.timers.add(timer);
  }

  /** Live events become cache updates and renderer notifications. */
  private listenToEvents(): void {
    const { emit } = this.options;
    const on = this.unsubscribers.push.bind(this.unsubscribers);
    on(
      this.events.on('connection', (change) => {
        if (change.state === 'connected') this.wentOnline();
        // The socket dropping may be the server going away, or only the socket: ask the server.
        else if (change.state === 'disconnected' && this.isOnline) void this.probe();
      }),
    );
    on(
      this.events.on('queue_item_status_changed', (event) => {
        const job = this.sync.applyJobUpdate(event);
        const status = jobStatusFromWire(event.status);
        emit('job.progress', {
          job_id: String(event.item_id),
          status,
          progress: status === JobStatus.COMPLETED ? 1 : null,
          message: event.error_message ?? null,
        });
        if (job) emit('gallery.changed', { images: false, boards: false, jobs: true });
        // The event carries no results: read the finished item once, so the job knows its outputs.
        if (job && IvkJob.isComplete(job)) void this.refreshJob(event.item_id);
        // A finished job is when other clients' changes are most likely: the web UI reconciles
        // here too, since the server announces no star, move or delete.
        if (status === JobStatus.COMPLETED) this.requestSync();
      }),
    );
    on(
      this.events.on('invocation_progress', (event) => {
        emit('job.progress', {
          job_id: String(event.item_id),
          status: JobStatus.RUNNING,
          progress: event.percentage ?? null,
          message: event.message,
        });
      }),
    );
    on(
      this.events.on('invocation_complete', (event) => {
        if (event.output_image_names.length === 0) return;
        void this.sync
          .addImagesByName(event.output_image_names)
          .then(() => emit('gallery.changed', { images: true, boards: true, jobs: true }))
          .catch((error: unknown) => this.noteFailure(error));
      }),
    );
    for (const name of ['batch_enqueued', 'queue_items_canceled', 'queue_cleared'] as const) {
      on(this.events.on(name, () => this.requestSync()));
    }
  }
}
