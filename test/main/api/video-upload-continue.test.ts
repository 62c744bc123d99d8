import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { InvokeClient } from '../../../src/main/api/client';
import { requestWithContinue } from '../../../src/main/api/continue-request';
import { ApiError } from '../../../src/main/api/errors';
import { writeMp4 } from '../../support/mp4';
import { startStandIn, type StandIn } from '../../server';
import { until } from '../../support/services';
import { sendUploadHeaders } from '../../support/upload-headers';

/**
 * Video uploads wait for `100 Continue` before sending the body, so the refusals 6.14.2 gives
 * before reading it (and after which it closes the connection) reach the app as the refusal, not
 * as a broken pipe. The stand-in withholds `100 Continue` the way uvicorn does.
 */
const ADMIN = { email: 'ada@example.com', password: 'ada password here', display_name: 'Ada', is_admin: true };
const MEMBER = { email: 'max@example.com', password: 'max password here', display_name: 'Max', is_admin: false };

let server: StandIn | undefined;
let raw: Server | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
  await new Promise<void>((resolve) => (raw ? raw.close(() => resolve()) : resolve()));
  raw = undefined;
});

/** The most bytes the stand-in read on one connection that carried a video upload. */
let mostReadOnUpload = 0;

async function multiUser(options: { maxVideoUploadBytes?: number } = {}) {
  mostReadOnUpload = 0;
  server = await startStandIn({
    images: 2,
    seed: 3,
    queueItems: 0,
    users: [ADMIN, MEMBER],
    ...options,
    onRequest: (req) => {
      if (!req.url?.startsWith('/api/v1/videos/upload')) return;
      req.socket.once('close', () => (mostReadOnUpload = Math.max(mostReadOnUpload, req.socket.bytesRead)));
    },
  });
  const accounts = server.accounts!;
  const adminId = accounts.byEmail(ADMIN.email)!.user_id;
  const shared = server.state.gallery.createBoard('Team references', adminId);
  server.state.gallery.updateBoard(shared.board_id, { board_visibility: 'shared' });
  const memberToken = accounts.issue(accounts.byEmail(MEMBER.email)!, false);
  return { server, shared: shared.board_id, member: new InvokeClient({ baseUrl: server.url, getToken: () => memberToken }) };
}

/** A body big enough that a client streaming it at once is still writing when the refusal comes. */
const big = () => {
  const bytes = Buffer.alloc(4 * 1024 * 1024, 1);
  writeMp4({ width: 16, height: 16, frames: 2, fps: 2 }).copy(bytes);
  return bytes;
};

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('video upload refused before its body is read', () => {
  it('gets the server’s 403, 404 and 401 every time, never a broken pipe, and sends no body', async () => {
    const { server, shared, member } = await multiUser();
    const bytes = big();
    for (let round = 0; round < 12; round++) {
      const forbidden = await refusal(member.uploadVideo({ bytes, file_name: 'clip.mp4', video_category: 'user', board_id: shared }));
      expect(forbidden.info).toMatchObject({ kind: 'http', status: 403, detail: 'Not authorized to upload to this board' });
      const missing = await refusal(
        member.uploadVideo({ bytes, file_name: 'clip.mp4', video_category: 'user', board_id: 'no-such-board' }),
      );
      expect(missing.info).toMatchObject({ kind: 'http', status: 404, detail: 'Board not found' });
    }
    const anonymous = new InvokeClient({ baseUrl: server.url });
    for (let round = 0; round < 6; round++) {
      const unsigned = await refusal(anonymous.uploadVideo({ bytes, file_name: 'clip.mp4', video_category: 'user' }));
      expect(unsigned.info).toMatchObject({ kind: 'http', status: 401 });
    }
    // Headers only: none of the 4 MB bodies went out.
    await until('the connections to close', () => mostReadOnUpload > 0);
    expect(mostReadOnUpload).toBeLessThan(16 * 1024);
    expect([...server.state.gallery.videos.all()].filter((video) => video.video_origin === 'external')).toEqual([]);
  });

  it('gets a 413 by Content-Length before sending the body', async () => {
    const { member } = await multiUser({ maxVideoUploadBytes: 1024 });
    const bytes = Buffer.alloc(11 * 1024 * 1024, 1);
    const tooBig = await refusal(member.uploadVideo({ bytes, file_name: 'clip.mp4', video_category: 'user' }));
    expect(tooBig.info).toMatchObject({ kind: 'http', status: 413 });
    await until('the connection to close', () => mostReadOnUpload > 0);
    expect(mostReadOnUpload).toBeLessThan(16 * 1024);
  });

  it('sends the body on `100 Continue` and uploads, reporting progress up to the whole body', async () => {
    const { member } = await multiUser();
    const progress: [number, number][] = [];
    const dto = await member.uploadVideo({
      bytes: writeMp4({ width: 48, height: 32, frames: 8, fps: 8 }),
      file_name: 'clip.mp4',
      video_category: 'user',
      onProgress: (sent, total) => progress.push([sent, total]),
    });
    expect(dto).toMatchObject({ width: 48, height: 32, duration: 1, fps: 8 });
    expect(server!.state.gallery.videos.get(dto.video_name)?.video_origin).toBe('external');
    const last = progress.at(-1)!;
    expect(last[0]).toBe(last[1]);
  });
});

describe('the stand-in withholds `100 Continue` like uvicorn', () => {
  it('answers an early refusal without `100 Continue` and closes the connection', async () => {
    const { server, shared } = await multiUser();
    const token = server.accounts!.issue(server.accounts!.byEmail(MEMBER.email)!, false);
    const answer = await sendUploadHeaders(
      `${server.url}/api/v1/videos/upload?video_category=user&is_intermediate=false&board_id=${shared}`,
      100,
      {
        authorization: `Bearer ${token}`,
      },
    );
    expect(answer).toEqual({ continued: false, status: 403, connection: 'close' });
  });
});

describe('a server that ignores `Expect`', () => {
  it('gets the body after a short wait all the same', async () => {
    let received = '';
    raw = createServer((socket) => {
      socket.on('data', (chunk: Buffer) => {
        received += chunk.toString('latin1');
        if (received.endsWith('hello')) socket.end('HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}');
      });
    });
    await new Promise<void>((resolve) => raw!.listen(0, '127.0.0.1', resolve));
    const { port } = raw.address() as AddressInfo;
    const started = Date.now();
    const response = await requestWithContinue({
      url: `http://127.0.0.1:${port}/upload`,
      method: 'POST',
      headers: {},
      body: { body: 'hello', headers: { 'content-type': 'text/plain' } },
      signal: AbortSignal.timeout(5_000),
      continueWaitMs: 200,
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({});
    expect(received).toMatch(/expect: 100-continue/i);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });
});
