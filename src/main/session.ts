import { DatabaseSync } from 'node:sqlite';
import { viewerOfToken } from './account/access';
import { Actions, QueueControl } from './actions';
import { ApiError, InvokeClient, InvokeEvents, describeApiError } from './api';
import { profileKeyFor, type Cache } from './cache';
import { checkCacheIntegrity, describeRecovery, isCorruptionError, openCacheWithRecovery, type Recovery } from './cache-recovery';
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
  /** The signed-in user of a multi-user server: each user has a cache of their own. */
  userId?: string | null;
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
  /** The cache file was found damaged by an earlier session: move it aside and start afresh. */
  damaged?: string | null;
  /**
   * The cache file turned out damaged while the session runs (the background check, or a query
   * that met a malformed page): the owner replaces the session with one built with `damaged`.
   */
  onCacheDamaged?: (reason: string) => void;
}

const DEFAULT_SYNC_INTERVAL_MS = 60_000;
const DEFAULT_PROBE_INTERVAL_MS = 5_000;
/**
 * A warm start's first sync waits at most this long for the window's first page. Counted from
 * the session's start, not the window's: a window that loads on a busy machine asks 2–3 s later.
 */
const FIRST_PAINT_WAIT_MS = 5_000;
/**
 * …and this long after that page, for the first screen's thumbnails (read from disk) to be asked
 * and served first: the window asks for them a few hundred ms after the page, more when busy.
 */
const AFTER_FIRST_PAGE_MS = 1_000;
/**
 * While a sync writes new rows, the window is told to show them at most this often: with the
 * window's own 250 ms coalescing and a page read, a row shows within a second of landing.
 */
const LANDED_EVERY_MS = 500;
/**
 * Said while a multi-user server refuses the token (expired, revoked by a password change), there
 * is none, or the user signed out: nothing is retried in a loop and nothing is dropped until a
 * token is set.
 */
export const SIGN_IN_REQUIRED =
  'The server no longer accepts your sign-in (it expired or was revoked). Queued changes and uploads wait until you sign in again.';
export const NOT_SIGNED_IN = 'This server has user accounts: sign in to see its gallery. Queued changes and uploads wait until you do.';
export const SIGNED_OUT = 'You are signed out of this server. Queued changes and uploads wait until you sign in.';
const LIVE_INTERRUPTED =
  'Live updates are interrupted: the event connection to the server dropped and is reconnecting. The gallery still syncs.';

export class ServerSession {
  readonly api: InvokeClient;
  readonly events: InvokeEvents;
  readonly cache: Cache;
  readonly sync: SyncEngine;
  readonly uploads: UploadRunner;
  readonly actions: Actions;
  /** Retry, cancel a batch or all but the current job, pause, resume, prune, clear; the summary. */
  readonly queue: QueueControl;
  private readonly uploadsDb: DatabaseSync;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly unsubscribers: (() => void)[] = [];
  private connection: AppStatus['connection'] = 'connecting';
  private offlineSince: Date | null = null;
  private serverVersion: string | null = null;
  /** The last failure worth telling the user; cleared when the server works again. */
  private failure: string | null = null;
  /** Set once the event socket dropped: events may have been missed until it is back. */
  private eventsMissed = false;
  /** Set while the event socket is away although the server answers: said in the status. */
  private liveInterrupted = false;
  /**
   * Why a sign-in is needed: the server answered 401 (or refused the socket for the token), or
   * the user signed out. Null otherwise; cleared by `tokenChanged`.
   */
  private signInReason: string | null = null;
  private syncFailures = 0;
  private syncRetry: NodeJS.Timeout | undefined;
  /** Set when this session replaced a damaged cache file; said until the rebuild's first sync. */
  private readonly recovery: Recovery | null;
  private recoveryMessage: string | null = null;
  private damageReported = false;
  private stopped = false;
  private stopping: Promise<void> | null = null;
  /**
   * Resolves when the start-up sync and the cache's integrity check may begin. A warm start
   * paints from the cache: its sync (name lists, every cached image's state, about a second of
   * main-process work at 100k) and the check (every page of the file) wait for the window's first
   * page plus AFTER_FIRST_PAGE_MS, FIRST_PAINT_WAIT_MS at most, so they do not compete with the
   * first paint. An empty cache has nothing to paint.
   */
  private readonly firstPaint: Promise<void>;
  private pageServed: (() => void) | null = null;
  private landedAt = 0;
  /** A landing told at the end of the current LANDED_EVERY_MS window, so the last rows wait no longer. */
  private landedLater: NodeJS.Timeout | undefined;

  constructor(private readonly options: SessionOptions) {
    const { serverUrl, getToken, setToken, emit } = options;
    this.api = new InvokeClient({ baseUrl: serverUrl, getToken, onTokenRefreshed: setToken });
    this.events = new InvokeEvents({ baseUrl: serverUrl, getToken });
    const opened = openCacheWithRecovery({
      dataDir: options.cacheDir,
      profileKey: profileKeyFor(serverUrl, options.userId ?? null),
      damaged: options.damaged ?? null,
    });
    this.cache = opened.cache;
    this.recovery = opened.recovery;
    this.firstPaint = new Promise<void>((resolve) => {
      if (this.cache.totals().images === 0) return resolve();
      setTimeout(resolve, FIRST_PAINT_WAIT_MS).unref();
      this.pageServed = () => setTimeout(resolve, AFTER_FIRST_PAGE_MS).unref();
    });
    this.sync = new SyncEngine({
      api: this.api,
      cache: this.cache,
      onProgress: (progress) => {
        this.statusChanged();
        this.rowsLanded(progress);
      },
      onBackgroundError: (error) => this.noteFailure(error),
      viewer: () => viewerOfToken(getToken()),
    });
    // A second connection to the cache file: the upload queue keeps its own small table.
    this.uploadsDb = new DatabaseSync(this.cache.dbPath, { timeout: 5_000 });
    const pendingUploads = new SqlitePendingUploadStore(this.uploadsDb);
    if (this.recovery && this.recovery.keptUploads.length > 0) pendingUploads.add(...this.recovery.keptUploads);
    this.uploads = new UploadRunner({
      api: this.api,
      store: pendingUploads,
      onUploaded: (dto) => {
        this.cache.upsertImages([dto]);
        emit('gallery.changed', { images: true, boards: true, jobs: false });
      },
      onVideoUploaded: (dto) => {
        this.cache.upsertVideos([{ dto, metadata: null }]);
        emit('gallery.changed', { images: true, boards: true, jobs: false });
      },
      // The server stored the file but its answer was unreadable: a sync brings the image in.
      onUploadedUnread: () => this.requestSync(),
      // Uploads waiting for the server say so in the status, and go again after the next sync
      // that works (soon, for a server that answers but fails).
      onServerAbsent: (error) => {
        this.noteFailure(error);
        this.retrySyncLater(error);
      },
      onChange: (items) => emit('uploads.changed', items),
    });
    this.actions = new Actions({
      api: this.api,
      cache: this.cache,
      retryDelayMs: options.probeIntervalMs ?? DEFAULT_PROBE_INTERVAL_MS,
      maxRetryDelayMs: options.syncIntervalMs ?? DEFAULT_SYNC_INTERVAL_MS,
      isOnline: () => this.connection === 'online' && !this.signInRequired,
      onUnreachable: (error) => this.wentOffline(error),
      onSignInRequired: () => this.needsSignIn(),
      onServerFailed: (error) => this.noteFailure(error),
      // A sync confirms the server works again (and clears the failure it showed).
      onServerRecovered: () => this.requestSync(),
      onNotice: (level, message) => emit('notice', { level, message }),
      onChanged: (what) => {
        emit('gallery.changed', what);
        this.statusChanged();
      },
      onConflict: () => this.requestSync(),
    });
    this.queue = new QueueControl({
      api: this.api,
      cache: this.cache,
      isOnline: () => this.connection === 'online',
      onSummary: (summary) => emit('queue.changed', summary),
      requestSync: () => this.requestSync(),
      onUnreachable: (error) => this.wentOffline(error),
    });
  }

  get serverUrl(): string {
    return this.options.serverUrl;
  }

  /** Whether a sign-in is needed; read without the cache, so it answers on a closed session too. */
  get signInRequired(): boolean {
    return this.signInReason !== null;
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
      sign_in_required: this.signInRequired,
      message: this.signInReason ?? this.failure ?? this.recoveryMessage ?? (this.liveInterrupted ? LIVE_INTERRUPTED : null),
    };
  }

  /**
   * Opens the session: the cache is browsable at once; the server is probed, and the socket,
   * sync and outbox follow when it answers. Never throws for an unreachable server: that is
   * offline mode, not an error.
   */
  async start(): Promise<void> {
    if (this.recovery) {
      this.recoveryMessage = describeRecovery(this.recovery);
      this.options.emit('notice', { level: 'warning', message: this.recoveryMessage });
      this.statusChanged();
    } else {
      // Every page of the file, read in a worker: the gallery is browsable meanwhile. After the
      // first paint, like the sync: reading 250 MB at 100k while the window loaded its first
      // screen made page load → thumbnails painted 890–1,102 ms instead of 653–791 (median of 5).
      void this.firstPaint
        .then(() => (this.stopped ? null : checkCacheIntegrity(this.cache.dbPath)))
        .then((reason) => {
          if (reason !== null) this.cacheDamaged(reason);
        });
    }
    this.listenToEvents();
    this.events.connect();
    await this.probe();
    this.every(this.options.syncIntervalMs ?? DEFAULT_SYNC_INTERVAL_MS, () => {
      if (this.isOnline && !this.signInRequired) this.requestSync();
    });
    this.every(this.options.probeIntervalMs ?? DEFAULT_PROBE_INTERVAL_MS, () => {
      if (!this.isOnline) void this.probe();
    });
  }

  /** Closes everything once; later calls wait for the same close (Electron may quit twice). */
  stop(): Promise<void> {
    this.stopping ??= this.close();
    return this.stopping;
  }

  private async close(): Promise<void> {
    this.stopped = true;
    this.queue.close();
    clearTimeout(this.syncRetry);
    clearTimeout(this.landedLater);
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
    const token = this.options.getToken();
    try {
      const summary = await this.sync.sync();
      if (this.stopped) return summary;
      this.syncFailures = 0;
      clearTimeout(this.syncRetry);
      // A complete sync is proof the server works: what it failed before is over (and a cache
      // rebuilt after damage has its gallery back).
      this.failure = null;
      this.recoveryMessage = null;
      this.wentOnline();
      this.options.emit('gallery.changed', { images: true, boards: true, jobs: true });
      // No event says the processor was paused or resumed elsewhere: read it with each sync.
      void this.queue.refresh().catch(() => undefined);
      // Uploads parked by a server failure go again now that it answers.
      this.uploads.retryPending();
      return summary;
    } catch (error) {
      // Refused with a token since replaced: says nothing of the new one, whose own run follows (tokenChanged).
      if (isUnauthorized(error) && this.options.getToken() !== token) return null;
      this.noteFailure(error);
      this.retrySyncLater(error);
      return null;
    } finally {
      this.statusChanged();
    }
  }

  requestSync(): void {
    void this.syncNow();
  }

  /**
   * Rows a sync wrote show in the grid within a second, not only when the run ends: the window
   * re-reads its view on gallery.changed, throttled here so a first sync of 100k asks it about
   * once a second instead of once a batch. Rows landing within the second are told at its end.
   */
  private rowsLanded(progress: SyncProgress): void {
    if (progress.phase !== 'images' || progress.done === 0 || this.landedLater) return;
    const tell = () => {
      this.landedLater = undefined;
      this.landedAt = Date.now();
      if (!this.stopped) this.options.emit('gallery.changed', { images: true, boards: true, jobs: false });
    };
    const wait = this.landedAt + LANDED_EVERY_MS - Date.now();
    if (wait <= 0) tell();
    else this.landedLater = setTimeout(tell, wait);
  }

  /** The window was given a gallery page: a warm start's first sync may follow (see firstPaint). */
  notePageServed(): void {
    this.pageServed?.();
    this.pageServed = null;
  }

  /**
   * A sync the server failed (5xx, an unreadable answer) is tried again soon, not only at the next
   * periodic sync: first after the probe interval, then twice as long each time, up to the sync
   * interval. An unreachable server is the probe's business instead.
   */
  private retrySyncLater(error: unknown): void {
    if (this.stopped || !this.isOnline || this.signInRequired) return;
    if (error instanceof ApiError && error.kind === 'aborted') return;
    const base = this.options.probeIntervalMs ?? DEFAULT_PROBE_INTERVAL_MS;
    const delay = Math.min(this.options.syncIntervalMs ?? DEFAULT_SYNC_INTERVAL_MS, base * 2 ** this.syncFailures++);
    clearTimeout(this.syncRetry);
    this.syncRetry = setTimeout(() => {
      if (this.isOnline) this.requestSync();
    }, delay);
    this.syncRetry.unref();
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
    if (isCorruptionError(error)) {
      this.cacheDamaged(error instanceof Error ? error.message : String(error));
      return;
    }
    if (error instanceof ApiError && (error.kind === 'unreachable' || error.kind === 'timeout')) {
      this.wentOffline(error);
      return;
    }
    if (isUnauthorized(error)) {
      this.needsSignIn();
      return;
    }
    if (error instanceof ApiError && error.kind === 'aborted') return;
    this.failure = describeApiError(error);
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

  /**
   * The server refuses the token. Actions and uploads stop at the entry they were sending and
   * keep it; syncs are not retried; the status asks for a sign-in. The probe (`/app/version`
   * needs no token) still tells online from offline.
   */
  private needsSignIn(reason = this.options.getToken() === null ? NOT_SIGNED_IN : SIGN_IN_REQUIRED): void {
    // Signed out stays signed out: the 401s that follow say nothing new.
    if (this.stopped || this.signInReason === reason || this.signInReason === SIGNED_OUT) return;
    this.signInReason = reason;
    clearTimeout(this.syncRetry);
    this.statusChanged();
  }

  /** The user signed out (the token is forgotten): everything waits as for an expired sign-in. */
  signedOut(): void {
    this.needsSignIn(SIGNED_OUT);
  }

  /**
   * A new token was set (or the old one removed): whatever waited for a sign-in goes now, in
   * order: the outbox, then the uploads, then a sync; the socket reconnects with the new token.
   */
  tokenChanged(): void {
    if (this.stopped) return;
    const waited = this.signInRequired;
    this.signInReason = null;
    this.failure = null;
    this.events.reconnectNow();
    this.statusChanged();
    if (!this.isOnline) {
      void this.probe();
      return;
    }
    if (!waited) {
      this.requestSync();
      return;
    }
    void this.actions.replay().then(() => {
      if (this.stopped || this.signInRequired) return;
      this.uploads.retryPending();
      this.requestSync();
    });
  }

  /**
   * A refused or dropped socket on a multi-user server may be the token (the real server drops
   * a user's sockets when their password changes, then refuses the old token): ask `/auth/me`,
   * which answers 401 exactly when the token no longer counts.
   */
  private async checkSignIn(): Promise<void> {
    if (this.stopped || this.signInRequired || !this.isOnline) return;
    const token = this.options.getToken();
    try {
      if (!(await this.api.authStatus({ timeoutMs: 5_000 })).multiuser_enabled) return;
      await this.api.me({ timeoutMs: 5_000 });
    } catch (error) {
      // A token replaced meanwhile was the one refused, not the new one.
      if (isUnauthorized(error) && this.options.getToken() === token) this.needsSignIn();
    }
  }

  /** Reported once: the owner stops this session and opens one that rebuilds the cache. */
  cacheDamaged(reason: string): void {
    if (this.stopped || this.damageReported) return;
    this.damageReported = true;
    this.options.onCacheDamaged?.(reason);
  }

  private wentOnline(): void {
    if (this.stopped || this.connection === 'online') return;
    this.connection = 'online';
    this.offlineSince = null;
    this.failure = null;
    if (this.eventsMissed && this.events.state !== 'connected') this.liveInterrupted = true;
    this.statusChanged();
    // Nothing can be sent before a sign-in; `tokenChanged` sends it then.
    if (this.signInRequired) return;
    void this.queue.refresh().catch(() => undefined);
    // Back online: send what waited, then read what changed while we were away.
    void this.actions
      .replay()
      .then(() => this.firstPaint)
      .then(() => {
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
      this.queue.forget();
      this.options.emit('queue.changed', this.cache.cachedQueueSummary());
    }
    this.failure = describeApiError(error);
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
        if (change.state === 'connected') {
          const missed = this.eventsMissed;
          this.eventsMissed = false;
          this.liveInterrupted = false;
          // Back online does a sync of its own; already online, whatever the server announced
          // while the socket was away (jobs finished, images made) is only found by one.
          if (!this.isOnline) this.wentOnline();
          else if (missed) {
            this.statusChanged();
            this.requestSync();
          }
        } else if (change.state === 'disconnected') {
          this.eventsMissed = true;
          if (!this.isOnline) return;
          if (change.reason === SOCKET_REFUSED || change.reason === 'io server disconnect') void this.checkSignIn();
          // The socket dropping may be the server going away, or only the socket: ask the server.
          void this.probe().then((online) => {
            if (!online || this.stopped || this.events.state === 'connected') return;
            this.liveInterrupted = true;
            this.statusChanged();
          });
        }
      }),
    );
    on(
      this.events.on('queue_item_status_changed', (event) => {
        const job = this.sync.applyJobUpdate(event);
        this.queue.liveStatus(event.queue_status);
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
        if (event.output_image_names.length > 0) {
          void this.sync
            .addImagesByName(event.output_image_names)
            .then(() => emit('gallery.changed', { images: true, boards: true, jobs: true }))
            .catch((error: unknown) => this.noteFailure(error));
        }
        // A job's new video (6.14's video nodes): shown at once, not at the next sync.
        if (event.output_video_names.length > 0) {
          void this.sync
            .addVideosByName(event.output_video_names)
            .then(() => emit('gallery.changed', { images: true, boards: true, jobs: true }))
            .catch((error: unknown) => this.noteFailure(error));
        }
      }),
    );
    for (const name of ['batch_enqueued', 'queue_items_canceled', 'queue_items_retried', 'queue_cleared'] as const) {
      on(
        this.events.on(name, () => {
          this.requestSync();
          // These change the counts without a status event of their own (pending items cancelled in bulk).
          if (this.isOnline) void this.queue.refresh().catch(() => undefined);
        }),
      );
    }
  }
}

/** What Socket.IO's client says when the server's connect handler refuses the handshake. */
const SOCKET_REFUSED = 'Connection rejected by server';

function isUnauthorized(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401;
}
