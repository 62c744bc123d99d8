import type { RequestBody } from './http';

const CHUNK = 64 * 1024;

export interface MultipartFile {
  bytes: Uint8Array;
  fileName: string;
  contentType: string;
}

/**
 * A multipart body for one file, sent as a stream so that progress can be reported as fetch
 * pulls the bytes (fetch itself reports none). FormData does the encoding, so boundaries and
 * escaping of the file name follow the standard.
 */
export async function multipartWithProgress(
  file: MultipartFile,
  fields: Record<string, string>,
  onProgress?: (sent: number, total: number) => void,
): Promise<RequestBody> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', new Blob([new Uint8Array(file.bytes)], { type: file.contentType }), file.fileName);
  const encoded = new Response(form);
  const contentType = encoded.headers.get('content-type') ?? 'multipart/form-data';
  const payload = new Uint8Array(await encoded.arrayBuffer());
  if (!onProgress) return { body: payload, headers: { 'content-type': contentType } };

  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= payload.length) {
        controller.close();
        return;
      }
      const chunk = payload.subarray(sent, Math.min(sent + CHUNK, payload.length));
      sent += chunk.length;
      controller.enqueue(chunk);
      onProgress(sent, payload.length);
    },
  });
  return { body: stream, headers: { 'content-type': contentType }, duplex: 'half', length: payload.length };
}
