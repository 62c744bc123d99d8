import { request } from 'node:http';

export interface HeadersOnlyAnswer {
  /** Whether the server sent `100 Continue` (asked for the body). */
  continued: boolean;
  status: number;
  connection: string | undefined;
}

/**
 * Sends a multipart upload's headers alone with `Expect: 100-continue` and `length` bytes
 * announced, and tells what the server did before any of the body came: the raw exchange a
 * server's early refusal is pinned by.
 */
export function sendUploadHeaders(url: string, length: number, headers: Record<string, string> = {}): Promise<HeadersOnlyAnswer> {
  return new Promise((resolve, reject) => {
    let continued = false;
    const req = request(url, {
      method: 'POST',
      headers: {
        ...headers,
        expect: '100-continue',
        'content-type': 'multipart/form-data; boundary=x',
        'content-length': String(length),
      },
    });
    req.on('continue', () => (continued = true));
    req.on('response', (res) => {
      res.resume();
      resolve({ continued, status: res.statusCode ?? 0, connection: res.headers.connection });
      req.destroy();
    });
    req.on('error', reject);
    req.flushHeaders();
  });
}
