/**
 * Socket.IO at `/ws/socket.io`, with InvokeAI's rooms and routing (NOTES §4). The stand-in is
 * single-user, so every socket joins `user:system` and `admin` on connect, and the queue room
 * (named after the queue id) only on `subscribe_queue`.
 */
import type { Server as HttpServer } from 'node:http';
import { Server as IoServer } from 'socket.io';
import type { Accounts } from './auth';
import type { GraphNode } from './data/graphs';
import type { QueueItemRecord, StatusCounts } from './queue-store';

export const SOCKET_PATH = '/ws/socket.io';
const OWNER_ROOM = 'user:system';
const ADMIN_ROOM = 'admin';

export type EventListener = (event: string, payload: Record<string, unknown>) => void;

export interface QueueSnapshot {
  batchStatus: StatusCounts & { queue_id: string; batch_id: string; origin: string | null; destination: string | null };
  queueStatus: Record<string, unknown>;
}

const timestamp = (): number => Math.floor(Date.now() / 1000);

export class EventHub {
  readonly io: IoServer;
  private readonly listeners = new Set<EventListener>();
  /** When set, new sockets are refused (a fault). */
  refuseSockets = false;
  /** Multi-user mode: the handshake must carry `auth: {token}` (else "Connection rejected by server"). */
  private accounts: Accounts | null = null;
  /** Socket id → the signed-in user it was let in for (multi-user mode). */
  private readonly userOf = new Map<string, string>();

  constructor(server: HttpServer) {
    this.io = new IoServer(server, { path: SOCKET_PATH, cors: { origin: '*' }, serveClient: false });
    this.io.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
      const verdict = this.accounts?.verify(typeof token === 'string' ? token : null);
      if (this.refuseSockets || (verdict && 'problem' in verdict)) next(new Error('Connection rejected by server'));
      else {
        if (verdict) this.userOf.set(socket.id, verdict.user.user_id);
        next();
      }
    });
    this.io.on('connection', (socket) => {
      void socket.join([OWNER_ROOM, ADMIN_ROOM]);
      // Per-user event routing is not modelled (DIFFERENCES.md); the user's room lets a revocation drop its sockets.
      const userId = this.userOf.get(socket.id);
      if (userId) {
        void socket.join(`user:${userId}`);
        socket.once('disconnect', () => this.userOf.delete(socket.id));
      }
      const roomOf = (data: unknown, key: string): string | undefined => {
        const value = typeof data === 'object' && data !== null ? (data as Record<string, unknown>)[key] : undefined;
        return typeof value === 'string' ? value : undefined;
      };
      socket.on('subscribe_queue', (data: unknown) => {
        const room = roomOf(data, 'queue_id');
        if (room) void socket.join(room);
      });
      socket.on('unsubscribe_queue', (data: unknown) => {
        const room = roomOf(data, 'queue_id');
        if (room) void socket.leave(room);
      });
      socket.on('subscribe_bulk_download', (data: unknown) => {
        const room = roomOf(data, 'bulk_download_id');
        if (room) void socket.join(room);
      });
      socket.on('unsubscribe_bulk_download', (data: unknown) => {
        const room = roomOf(data, 'bulk_download_id');
        if (room) void socket.leave(room);
      });
    });
  }

  /** Switches to multi-user handshakes; a user's revoked tokens drop that user's sockets, as on 6.14.2. */
  requireTokens(accounts: Accounts): void {
    this.accounts = accounts;
    accounts.onRevoked = (userId) => this.io.in(`user:${userId}`).disconnectSockets(true);
  }

  /** Sees every event the stand-in sends (for contract tests), before routing. */
  onEvent(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private send(event: string, payload: Record<string, unknown>, rooms: string[], except: string[] = []): void {
    for (const listener of this.listeners) listener(event, payload);
    let target = this.io.to(rooms);
    if (except.length > 0) target = target.except(except);
    target.emit(event, payload);
  }

  /** Full payload to the owner and admins; a redacted copy to the queue room for everyone else. */
  private sendWithRedactedCopy(event: string, full: Record<string, unknown>, redacted: Record<string, unknown>, queueId: string): void {
    this.send(event, full, [OWNER_ROOM, ADMIN_ROOM]);
    // In single-user mode every socket is an admin, so this copy reaches nobody; kept for fidelity.
    this.io.to(queueId).except([OWNER_ROOM, ADMIN_ROOM]).emit(event, redacted);
  }

  disconnectAll(): void {
    this.io.disconnectSockets(true);
  }

  // ------------------------------------------------------------- queue events

  queueItemStatusChanged(item: QueueItemRecord, snapshot: QueueSnapshot): void {
    const full = {
      timestamp: timestamp(),
      queue_id: item.queue_id,
      item_id: item.item_id,
      batch_id: item.batch_id,
      origin: item.origin,
      destination: item.destination,
      user_id: item.user_id,
      status: item.status,
      status_sequence: item.status_sequence,
      error_type: item.error_type,
      error_message: item.error_message,
      error_traceback: item.error_traceback,
      created_at: item.created_at,
      updated_at: item.updated_at,
      started_at: item.started_at,
      completed_at: item.completed_at,
      batch_status: snapshot.batchStatus,
      queue_status: snapshot.queueStatus,
      session_id: item.session_id,
    };
    const redacted = {
      ...full,
      user_id: 'redacted',
      batch_id: 'redacted',
      session_id: 'redacted',
      origin: null,
      destination: null,
      error_type: null,
      error_message: null,
      error_traceback: null,
      batch_status: { ...snapshot.batchStatus, batch_id: 'redacted', origin: null, destination: null },
    };
    this.sendWithRedactedCopy('queue_item_status_changed', full, redacted, item.queue_id);
  }

  batchEnqueued(
    queueId: string,
    batch: { batch_id: string; origin: string | null },
    enqueued: number,
    requested: number,
    priority: number,
  ): void {
    const full = {
      timestamp: timestamp(),
      queue_id: queueId,
      batch_id: batch.batch_id,
      enqueued,
      requested,
      priority,
      origin: batch.origin,
      user_id: 'system',
    };
    this.sendWithRedactedCopy('batch_enqueued', full, { ...full, batch_id: 'redacted', user_id: 'redacted', origin: null }, queueId);
  }

  queueItemsCanceled(queueId: string, ids: number[]): void {
    const full = {
      timestamp: timestamp(),
      queue_id: queueId,
      canceled_item_ids: ids,
      user_ids: ids.length > 0 ? ['system'] : [],
      canceled_item_ids_by_user: ids.length > 0 ? { system: ids } : {},
    };
    this.send('queue_items_canceled', full, [OWNER_ROOM, ADMIN_ROOM]);
    this.io
      .to(queueId)
      .except([OWNER_ROOM, ADMIN_ROOM])
      .emit('queue_items_canceled', {
        ...full,
        canceled_item_ids: [],
        user_ids: [],
        canceled_item_ids_by_user: {},
      });
  }

  /** Like `queue_items_canceled`: the owner and admins hear the ids, the queue room an empty copy. */
  queueItemsRetried(queueId: string, ids: number[]): void {
    const full = {
      timestamp: timestamp(),
      queue_id: queueId,
      retried_item_ids: ids,
      user_ids: ids.length > 0 ? ['system'] : [],
      retried_item_ids_by_user: ids.length > 0 ? { system: ids } : {},
    };
    this.send('queue_items_retried', full, [OWNER_ROOM, ADMIN_ROOM]);
    this.io
      .to(queueId)
      .except([OWNER_ROOM, ADMIN_ROOM])
      .emit('queue_items_retried', { ...full, retried_item_ids: [], user_ids: [], retried_item_ids_by_user: {} });
  }

  /** Clearing the whole queue (everyone's items): only the queue room hears it. */
  queueCleared(queueId: string): void {
    this.send('queue_cleared', { timestamp: timestamp(), queue_id: queueId, user_id: null }, [queueId]);
  }

  // -------------------------------------------------------- invocation events

  private invocationBase(item: QueueItemRecord, invocation: GraphNode, sourceId: string): Record<string, unknown> {
    return {
      timestamp: timestamp(),
      queue_id: item.queue_id,
      item_id: item.item_id,
      batch_id: item.batch_id,
      origin: item.origin,
      destination: item.destination,
      user_id: item.user_id,
      session_id: item.session_id,
      invocation,
      invocation_source_id: sourceId,
    };
  }

  invocationStarted(item: QueueItemRecord, invocation: GraphNode, sourceId: string): void {
    this.send('invocation_started', this.invocationBase(item, invocation, sourceId), [OWNER_ROOM, ADMIN_ROOM]);
  }

  invocationProgress(
    item: QueueItemRecord,
    invocation: GraphNode,
    sourceId: string,
    progress: { message: string; percentage: number | null; image: { width: number; height: number; dataURL: string } | null },
  ): void {
    this.send('invocation_progress', { ...this.invocationBase(item, invocation, sourceId), ...progress, device: null }, [OWNER_ROOM]);
  }

  invocationComplete(item: QueueItemRecord, invocation: GraphNode, sourceId: string, result: Record<string, unknown>): void {
    this.send('invocation_complete', { ...this.invocationBase(item, invocation, sourceId), result }, [OWNER_ROOM, ADMIN_ROOM]);
  }

  invocationError(
    item: QueueItemRecord,
    invocation: GraphNode,
    sourceId: string,
    error: { type: string; message: string; traceback: string },
  ): void {
    this.send(
      'invocation_error',
      {
        ...this.invocationBase(item, invocation, sourceId),
        error_type: error.type,
        error_message: error.message,
        error_traceback: error.traceback,
      },
      [OWNER_ROOM, ADMIN_ROOM],
    );
  }
}
