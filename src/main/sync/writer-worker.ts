/**
 * The sync writer's thread (see writer.ts): a connection of its own to the cache file, running the
 * cache's own write functions for the batches the main thread sends, one message at a time, and
 * answering each with its result or its error's message.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Db } from '../cache/db';
import { upsertImages } from '../cache/images';
import { markMetadataUnavailable, writeMetadata } from '../cache/metadata';
import { compactFile } from '../cache/compaction';
import { tidySearchIndex } from '../cache/search-upkeep';
import type { ImageDTO } from '../../shared/invokeai';
import { readImageBatch } from './image-batch';
import type { WriteRequest, WriteResponse, WriteResult } from './writer-protocol';

const port = parentPort;
if (!port) throw new Error('writer-worker.ts runs only as a worker thread (sync/writer.ts starts it).');
const { path } = workerData as { path: string };

// Slow statements here hold no one up: only those past a second are worth a warning.
const db = new Db(path, { slowQueryMs: 1_000 });
// WAL checkpoints run here, in the commit that passes 1000 pages (SQLite's default), while the
// main connection leaves them alone (writer.ts). The page cache is a quarter of the main
// connection's: a first sync inserts newest first, so the pages it touches are few (the main
// connection keeps its 64 MB for browsing a million rows).
db.exec(`PRAGMA cache_size = ${-16 * 1024}`);

/** The DTOs of the body read last, written a slice a message (one transaction each) by upsertParsed. */
let parsed: ImageDTO[] = [];

function handle(request: WriteRequest): WriteResult {
  switch (request.op) {
    case 'upsertImages':
      return upsertImages(db, request.dtos, request.options);
    case 'parseImages': {
      const dtos = readImageBatch(request.body);
      parsed = dtos ?? [];
      return dtos ? dtos.length : null;
    }
    case 'upsertParsed': {
      const slice = parsed.slice(request.from, request.to);
      // The batch's last slice lets it go: the thread's heap holds one batch at most.
      if (request.to >= parsed.length) parsed = [];
      return upsertImages(db, slice, request.options);
    }
    case 'writeMetadata':
      return writeMetadata(db, request.entries);
    case 'markMetadataUnavailable':
      markMetadataUnavailable(db, request.names);
      return null;
    case 'tidySearchIndex':
      return tidySearchIndex(db);
    case 'compactFile':
      return compactFile(db);
  }
}

port.on('message', (request: WriteRequest | 'close') => {
  if (request === 'close') {
    db.close();
    port.close();
    return;
  }
  let response: WriteResponse;
  try {
    response = { id: request.id, result: handle(request) };
  } catch (error) {
    response = { id: request.id, error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(response);
});
