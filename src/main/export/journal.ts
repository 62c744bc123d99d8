import { randomUUID } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ExportPattern } from '../../shared/ipc';

/**
 * An export's record on disk, so an export the app did not finish (cancelled, or the app quit or
 * crashed) can go on later without redoing finished files: `<id>.json` holds the plan, written
 * once, and `<id>.log` one JSON line per finished file plus a last `{"end":"done"}` line.
 * Appending a line per file costs nothing next to writing the file; a line lost in a crash only
 * means that file is found already there on resume and counted as skipped, never written twice.
 */
export const ExportPlan = z.object({
  id: z.string().regex(/^[a-f0-9-]{36}$/),
  out_dir: z.string(),
  pattern: ExportPattern,
  sidecar: z.boolean(),
  image_names: z.array(z.string()),
});
export type ExportPlan = z.infer<typeof ExportPlan>;

export const FileResult = z.object({
  image_name: z.string(),
  outcome: z.enum(['written', 'skipped', 'failed']),
  /** The image file, relative to the export folder; null when no place could be given. */
  path: z.string().nullable(),
  bytes: z.number().int(),
  /** Why it failed or was skipped, in words; null when written. */
  reason: z.string().nullable(),
  /** The image was neither cached nor fetchable because the server is offline. */
  not_cached: z.boolean(),
});
export type FileResult = z.infer<typeof FileResult>;

const LogLine = z.union([FileResult, z.object({ end: z.literal('done') })]);

export interface JournalRecord {
  plan: ExportPlan;
  results: FileResult[];
  done: boolean;
}

export class ExportJournal {
  constructor(private readonly dir: string) {}

  async create(plan: Omit<ExportPlan, 'id'>): Promise<ExportPlan> {
    const full: ExportPlan = { id: randomUUID(), ...plan };
    await mkdir(this.dir, { recursive: true });
    await writeFile(join(this.dir, `${full.id}.json`), JSON.stringify(full));
    return full;
  }

  /** An append-only writer of the export's results. */
  appender(id: string): { append(line: FileResult | { end: 'done' }): void; close(): Promise<void> } {
    const stream: WriteStream = createWriteStream(join(this.dir, `${id}.log`), { flags: 'a' });
    let failure: Error | null = null;
    stream.on('error', (error) => (failure = error));
    return {
      append: (line) => {
        if (!failure) stream.write(`${JSON.stringify(line)}\n`);
      },
      close: () => new Promise<void>((resolve) => stream.end(resolve)),
    };
  }

  /** Every export on record. A plan or log that cannot be read is skipped: it is a convenience, not the files. */
  async load(): Promise<JournalRecord[]> {
    let files: string[];
    try {
      files = await readdir(this.dir);
    } catch {
      return [];
    }
    const records: JournalRecord[] = [];
    for (const file of files.filter((name) => name.endsWith('.json'))) {
      const plan = ExportPlan.safeParse(JSON.parse(await readFile(join(this.dir, file), 'utf8').catch(() => 'null')));
      if (!plan.success) continue;
      const results: FileResult[] = [];
      let done = false;
      const log = await readFile(join(this.dir, `${plan.data.id}.log`), 'utf8').catch(() => '');
      for (const raw of log.split('\n')) {
        if (!raw.trim()) continue;
        let parsed: unknown;
        try {
          parsed = JSON.parse(raw);
        } catch {
          continue; // the half line a crash cut off
        }
        const line = LogLine.safeParse(parsed);
        if (!line.success) continue;
        if ('end' in line.data) done = true;
        else results.push(line.data);
      }
      records.push({ plan: plan.data, results, done });
    }
    return records;
  }

  async remove(id: string): Promise<void> {
    await rm(join(this.dir, `${id}.json`), { force: true });
    await rm(join(this.dir, `${id}.log`), { force: true });
  }
}
