import type { ImageDTO } from '../../shared/invokeai';
import type { MetadataEntry, UpsertOptions, UpsertResult } from '../cache';
import type { Compaction } from '../cache/compaction';

/** What the main thread asks the writer thread to write (writer.ts ↔ writer-worker.ts). */
export type WriteRequest = { id: number } & (
  | { op: 'upsertImages'; dtos: readonly ImageDTO[]; options: UpsertOptions }
  /** Reads an images_by_names body (image-batch.ts) and keeps its DTOs for upsertParsed; answers their count, or null. */
  | { op: 'parseImages'; body: Uint8Array }
  /** Upserts DTOs [from, to) of the body parseImages read last. */
  | { op: 'upsertParsed'; from: number; to: number; options: UpsertOptions }
  | { op: 'writeMetadata'; entries: readonly MetadataEntry[] }
  | { op: 'markMetadataUnavailable'; names: readonly string[] }
  | { op: 'tidySearchIndex' }
  /** Rewrites the cache file when a backfill left enough of it empty (cache/compaction.ts). */
  | { op: 'compactFile' }
);

export type WriteResult = UpsertResult | Compaction | number | boolean | null;

/** The answer to one request: its result, or the message of the error that rolled it back. */
export type WriteResponse = { id: number; result: WriteResult } | { id: number; error: string };
