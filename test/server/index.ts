/**
 * A stand-in for an InvokeAI 6.14.2 server on loopback: the gallery, board, queue and model routes
 * and the Socket.IO events the app uses, over seeded data at gallery scale, with faults on demand.
 *
 *   const standIn = await startStandIn({ images: 500, seed: 7 });
 *   await fetch(`${standIn.url}/api/v1/images/names`);
 *   standIn.faults.add({ pathPrefix: '/api/v1/images/', errorRate: 1, times: 2 });
 *   await standIn.close();
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { generateGallery } from './data/gallery';
import type { FaultControl } from './faults';
import { StandInServer } from './server';
import type { Accounts, UserSeed } from './auth';
import type { StandInState } from './state';
import type { EventListener } from './events';

export interface StandInOptions {
  /** 0 = a free port (default). */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Seeded images (default 2000). */
  images?: number;
  /** Seeded videos (default 0): real H.264 MP4s, written when first asked for. */
  videos?: number;
  /** The video upload cap per file (default 1 GiB, as on 6.14.2); lower it to see the 413. */
  maxVideoUploadBytes?: number;
  /** Seed of the generated data and of fault randomness (default 1). */
  seed?: number;
  /** Seeded queue items (default 200; at least 4: one running, three pending, the rest history). */
  queueItems?: number;
  /** Milliseconds between a running job's progress events (default 25). */
  jobStepMs?: number;
  /**
   * Progress events per `blank_image` node (default 1, like the real server: "Saving image" with no
   * percentage). More steps add earlier events with a percentage and a JPEG preview, for demos.
   */
  progressSteps?: number;
  /** Start with the queue processor paused (default false). */
  paused?: boolean;
  /**
   * Multi-user mode (6.12+ `multiuser: true`) with these accounts: every API call but the version
   * needs a token from `/api/v1/auth/login`, and so does the socket. Default: single-user.
   */
  users?: readonly UserSeed[];
  /** Sees every HTTP request before any route or fault handles it (a test's request log). */
  onRequest?: (request: IncomingMessage, response: ServerResponse) => void;
}

export interface StandIn {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string;
  port: number;
  faults: FaultControl;
  /** The live data, for test setup and assertions behind the app's back. */
  state: StandInState;
  /** The accounts in multi-user mode (to revoke or expire tokens behind the app's back); else null. */
  accounts: Accounts | null;
  /** Sees every Socket.IO event as it is sent (name and payload). Returns an unsubscribe function. */
  onEvent(listener: EventListener): () => void;
  close(): Promise<void>;
  goDown(): Promise<void>;
  comeBack(): Promise<void>;
}

export async function startStandIn(opts: StandInOptions = {}): Promise<StandIn> {
  const seed = opts.seed ?? 1;
  const gallery = generateGallery({
    seed,
    images: opts.images ?? 2000,
    queueItems: Math.max(4, opts.queueItems ?? 200),
    videos: opts.videos ?? 0,
  });
  const server = new StandInServer(gallery, {
    host: opts.host ?? '127.0.0.1',
    port: opts.port ?? 0,
    faultSeed: seed,
    processor: { stepMs: opts.jobStepMs ?? 25, progressSteps: opts.progressSteps ?? 1, paused: opts.paused ?? false },
    users: opts.users ?? null,
    ...(opts.maxVideoUploadBytes !== undefined ? { maxVideoUploadBytes: opts.maxVideoUploadBytes } : {}),
  });
  if (opts.onRequest) server.http.prependListener('request', opts.onRequest);
  await server.listen();
  return {
    url: server.url,
    port: server.listeningPort,
    faults: server.faults,
    state: server.state,
    accounts: server.accounts,
    onEvent: (listener) => server.events.onEvent(listener),
    close: () => server.close(),
    goDown: () => server.goDown(),
    comeBack: () => server.comeBack(),
  };
}

export type { FaultControl, FaultRule, FaultState } from './faults';
export type { StandInState } from './state';
export type { EventListener } from './events';
export type { UserSeed } from './auth';
export { generateGallery, renderPng } from './data/gallery';
