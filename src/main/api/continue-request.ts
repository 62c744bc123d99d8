import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import type { RequestBody } from './http';

/**
 * How long to wait for `100 Continue` before sending the body anyway (RFC 9110 §10.1.1: a server
 * or proxy that ignores `Expect` must not leave the upload hanging).
 */
export const CONTINUE_WAIT_MS = 5_000;

export interface ContinueRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: RequestBody;
  signal: AbortSignal;
  /** Overrides CONTINUE_WAIT_MS (tests). */
  continueWaitMs?: number;
}

/**
 * One request whose body is sent only after the server answered `100 Continue`.
 *
 * The real 6.14.2 refuses a video upload before reading its body (401, a board it may not write,
 * 404, 413 by Content-Length, 422) and then closes the connection. A client that streams the body
 * at once is still writing when that happens, and fetch reports the broken pipe (EPIPE, ECONNRESET)
 * instead of the refusal: about one upload in four. Uvicorn sends `100 Continue` only when the
 * route starts reading the body, so a client that waits for it either sends the body to a route
 * that wants it or gets the refusal before sending a byte. fetch cannot wait for `100 Continue`;
 * node:http can (its 'continue' event).
 *
 * The answer comes back as a web Response, so the caller reads it like fetch's.
 */
export async function requestWithContinue(input: ContinueRequest): Promise<Response> {
  const payload = await bodyBytes(input.body);
  const url = new URL(input.url);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers = { ...input.headers, ...input.body.headers, expect: '100-continue', 'content-length': String(payload.length) };

  return new Promise<Response>((resolve, reject) => {
    let answered = false;
    let bodyStarted = false;
    const req = send(url, { method: input.method, headers, signal: input.signal });
    const sendBody = () => {
      if (bodyStarted || answered) return;
      bodyStarted = true;
      clearTimeout(fallback);
      Readable.from(payload.chunks).pipe(req);
    };
    const fallback = setTimeout(sendBody, input.continueWaitMs ?? CONTINUE_WAIT_MS);
    req.on('continue', sendBody);
    req.on('response', (res: IncomingMessage) => {
      answered = true;
      clearTimeout(fallback);
      readAnswer(res).then(resolve, reject);
    });
    req.on('error', (error) => {
      clearTimeout(fallback);
      // The server answered and then closed the connection while the body was still going out:
      // the answer is what counts (the 'response' handler settles the promise).
      if (!answered) reject(error);
    });
    req.flushHeaders();
  });
}

/** The body as chunks of bytes; a stream body (upload progress) is pulled only as it is sent. */
async function bodyBytes(body: RequestBody): Promise<{ chunks: AsyncIterable<Uint8Array> | Uint8Array[]; length: number }> {
  const value = body.body;
  if (typeof value === 'string') {
    const bytes = Buffer.from(value);
    return { chunks: [bytes], length: bytes.length };
  }
  if (value instanceof Uint8Array) return { chunks: [value], length: value.length };
  if (body.length !== undefined && value instanceof ReadableStream) {
    return { chunks: value as ReadableStream<Uint8Array> as AsyncIterable<Uint8Array>, length: body.length };
  }
  const bytes = new Uint8Array(await new Response(value).arrayBuffer());
  return { chunks: [bytes], length: bytes.length };
}

function readAnswer(res: IncomingMessage): Promise<Response> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('error', reject);
    res.on('end', () => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(res.headers)) {
        if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
      }
      const status = res.statusCode ?? 0;
      const empty = status === 204 || status === 205 || status === 304;
      resolve(new Response(empty ? null : Buffer.concat(chunks), { status, statusText: res.statusMessage ?? '', headers }));
    });
  });
}
