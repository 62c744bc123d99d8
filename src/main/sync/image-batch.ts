import { ImageDTOList, type ImageDTO } from '../../shared/invokeai';

const utf8 = new TextDecoder();

/**
 * One images_by_names answer (JSON bytes) read into DTOs, or null when it is not a list of DTOs
 * the app can read: truncated, or one record malformed. The sync then asks again through
 * fetchTolerant (fetch.ts), which retries a garbled body and isolates the bad records with errors
 * that name them; this read only has to tell a good answer from one that is not.
 *
 * It runs where the DTOs are written (the writer thread during a bulk sync): parsing and
 * validating 1000 DTOs on the main thread was its longest task and most of its garbage.
 */
export function readImageBatch(body: Uint8Array): ImageDTO[] | null {
  let data: unknown;
  try {
    data = JSON.parse(utf8.decode(body));
  } catch {
    return null;
  }
  const parsed = ImageDTOList.safeParse(data);
  return parsed.success ? parsed.data : null;
}
