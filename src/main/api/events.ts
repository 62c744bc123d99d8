import { io, type Socket } from 'socket.io-client';
import {
  serverEvents,
  type BatchEnqueuedEvent,
  type InvocationCompleteEvent,
  type InvocationErrorEvent,
  type InvocationProgressEvent,
  type InvocationStartedEvent,
  type QueueClearedEvent,
  type QueueItemsCanceledEvent,
  type QueueItemsRetriedEvent,
  type QueueItemStatusChangedEvent,
  type ServerEvent,
  type ServerEventName,
} from '../../shared/invokeai/events';
import { TypedEmitter } from './emitter';
import { describeZodFailure } from './errors';
import { DEFAULT_BASE_URL, normalizeBaseUrl, type TokenSource } from './http';
import { outputImageNames, outputVideoNames } from './invocation-outputs';
import { backoffDelay, type RetryPolicy } from './retry';
import { StatusOrder } from './status-order';

export type ConnectionChange =
  | { state: 'connecting' }
  | { state: 'connected' }
  /** `reason` is Socket.IO's: `transport close`, `io server disconnect`, `Connection rejected by server`... */
  | { state: 'disconnected'; reason: string };
export type SocketState = ConnectionChange['state'];

/** `invocation_complete` plus the new gallery images and videos it produced (none for pass-through nodes). */
export type InvocationCompleted = InvocationCompleteEvent & { output_image_names: string[]; output_video_names: string[] };

export interface InvokeEventMap {
  queue_item_status_changed: QueueItemStatusChangedEvent;
  invocation_started: InvocationStartedEvent;
  invocation_progress: InvocationProgressEvent;
  invocation_complete: InvocationCompleted;
  invocation_error: InvocationErrorEvent;
  batch_enqueued: BatchEnqueuedEvent;
  queue_items_canceled: QueueItemsCanceledEvent;
  queue_items_retried: QueueItemsRetriedEvent;
  queue_cleared: QueueClearedEvent;
  connection: ConnectionChange;
  /** A server event whose payload did not match its schema; it was dropped. For the log. */
  invalid_event: { event: ServerEventName; path: string; problem: string };
}

export interface InvokeEventsOptions {
  baseUrl?: string;
  /** Read on every (re)connect, so a refreshed token is used without rebuilding the client. */
  getToken?: TokenSource;
  /** Reconnect delays; Socket.IO's own backoff and ours (after a server-side drop) share them. */
  reconnect?: { minDelayMs?: number; maxDelayMs?: number };
  /** How long a connection attempt may take. */
  connectTimeoutMs?: number;
}

/**
 * Live events from an InvokeAI server over Socket.IO: validated, ordered, and re-subscribed on
 * every connect (the server forgets a socket's rooms when it drops). Nothing here touches the
 * cache; listeners decide what an event means.
 */
export class InvokeEvents extends TypedEmitter<InvokeEventMap> {
  private readonly socket: Socket;
  private readonly order = new StatusOrder();
  private readonly backoff: RetryPolicy;
  private current: ConnectionChange = { state: 'disconnected', reason: 'not started' };
  private retryTimer: NodeJS.Timeout | undefined;
  private retryAttempt = 0;
  private closed = true;

  constructor(options: InvokeEventsOptions = {}) {
    super();
    const base = new URL(normalizeBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL));
    this.backoff = {
      retries: Number.POSITIVE_INFINITY,
      baseDelayMs: options.reconnect?.minDelayMs ?? 1000,
      maxDelayMs: options.reconnect?.maxDelayMs ?? 30_000,
    };
    const { getToken } = options;
    // The URL's path would name a Socket.IO namespace, so a base path goes into `path` instead.
    this.socket = io(base.origin, {
      path: `${base.pathname.replace(/\/+$/, '')}/ws/socket.io`,
      // InvokeAI's polling transport answers 500 to gzip-accepting requests.
      transports: ['websocket'],
      autoConnect: false,
      forceNew: true,
      reconnectionDelay: this.backoff.baseDelayMs,
      reconnectionDelayMax: this.backoff.maxDelayMs,
      randomizationFactor: 0.5,
      timeout: options.connectTimeoutMs ?? 20_000,
      auth: (send) => {
        Promise.resolve(getToken?.()).then(
          (token) => send(token ? { token } : {}),
          () => send({}),
        );
      },
    });
    this.listen();
  }

  get state(): SocketState {
    return this.current.state;
  }

  connect(): void {
    if (!this.closed) return;
    this.closed = false;
    this.setConnection({ state: 'connecting' });
    this.socket.connect();
  }

  /**
   * Tries again now instead of at the next backoff step: a new token was set, and a handshake
   * the server refused for the old one would otherwise wait up to the longest backoff.
   */
  reconnectNow(): void {
    if (this.closed || this.socket.connected) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.retryAttempt = 0;
    this.setConnection({ state: 'connecting' });
    this.socket.connect();
  }

  /** Disconnects for good (until `connect` again); listeners stay registered. */
  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.socket.disconnect();
    this.setConnection({ state: 'disconnected', reason: 'closed' });
  }

  private listen(): void {
    const { socket } = this;
    socket.on('connect', () => {
      this.retryAttempt = 0;
      // A reconnect may reach a reinstalled server whose item ids and sequences start over.
      this.order.reset();
      socket.emit('subscribe_queue', { queue_id: 'default' });
      socket.emit('subscribe_bulk_download', { bulk_download_id: 'default' });
      this.setConnection({ state: 'connected' });
    });
    socket.on('disconnect', (reason) => {
      if (this.closed) return;
      this.setConnection({ state: 'disconnected', reason });
      // Socket.IO reconnects by itself, except when the server ended the session on purpose.
      if (!socket.active) this.scheduleReconnect();
    });
    socket.on('connect_error', (error) => {
      if (this.closed) return;
      this.setConnection({ state: 'disconnected', reason: error.message });
      // A refusal by the server (no or stale token) is final for Socket.IO; try again later,
      // by when the token may have been refreshed.
      if (!socket.active) this.scheduleReconnect();
    });
    socket.io.on('reconnect_attempt', () => {
      if (!this.closed) this.setConnection({ state: 'connecting' });
    });
    for (const name of Object.keys(serverEvents) as ServerEventName[]) {
      socket.on(name, (payload: unknown) => this.receive(name, payload));
    }
  }

  private scheduleReconnect(): void {
    clearTimeout(this.retryTimer);
    const delay = backoffDelay(this.retryAttempt++, this.backoff);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.closed) return;
      this.setConnection({ state: 'connecting' });
      this.socket.connect();
    }, delay);
  }

  private setConnection(next: ConnectionChange): void {
    const previous = this.current;
    this.current = next;
    const sameReason = previous.state !== 'disconnected' || next.state !== 'disconnected' || previous.reason === next.reason;
    if (previous.state === next.state && sameReason) return;
    this.emit('connection', next);
  }

  /** What each validated server event becomes for listeners. */
  private readonly deliver: { [N in ServerEventName]: (event: ServerEvent<N>) => void } = {
    queue_item_status_changed: (event) => {
      if (this.order.accept(event.item_id, event.status_sequence)) this.emit('queue_item_status_changed', event);
    },
    invocation_started: (event) => this.emit('invocation_started', event),
    invocation_progress: (event) => this.emit('invocation_progress', event),
    invocation_complete: (event) =>
      this.emit('invocation_complete', {
        ...event,
        output_image_names: outputImageNames(event),
        output_video_names: outputVideoNames(event),
      }),
    invocation_error: (event) => this.emit('invocation_error', event),
    batch_enqueued: (event) => this.emit('batch_enqueued', event),
    queue_items_canceled: (event) => this.emit('queue_items_canceled', event),
    queue_items_retried: (event) => this.emit('queue_items_retried', event),
    queue_cleared: (event) => this.emit('queue_cleared', event),
  };

  private receive<N extends ServerEventName>(name: N, payload: unknown): void {
    const parsed = serverEvents[name].safeParse(payload);
    if (!parsed.success) {
      this.emit('invalid_event', { event: name, ...describeZodFailure(name, parsed.error, payload) });
      return;
    }
    // TypeScript cannot tie the parsed union back to N; the schema was picked by the same name.
    this.deliver[name](parsed.data as ServerEvent<N>);
  }
}
