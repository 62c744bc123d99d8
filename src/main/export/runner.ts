import { access, mkdir } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { ExportEntry } from '../cache';
import { AppError } from '../errors';
import type { ExportFailure, ExportJob, ExportPattern } from '../../shared/ipc';
import { ExportJournal, type ExportPlan, type FileResult } from './journal';
import { exportPath, sidecarPath } from './paths';
import { sidecarJson } from './sidecar';
import { codeOf, writeNew } from './write-new';

/**
 * Runs exports: each image of the plan to its file in the chosen folder, the bytes exactly as the
 * server serves `/full` (the cache's full-image file when there, else fetched), existing files
 * left alone. Exports run in the background and report through `onProgress`; a cancelled or
 * interrupted one resumes from its journal, skipping what it finished.
 */
export interface ImageSupply {
  /** Board, date and metadata of the named images; names the cache does not hold are left out. */
  entries(names: readonly string[]): ExportEntry[];
  /** The cached full image, or null. */
  cached(name: string): Promise<Uint8Array | null>;
  /** The server's `/full` bytes. */
  fetch(name: string): Promise<Uint8Array>;
  online(): boolean;
  /** A failure as a sentence a user can act on. */
  describe(error: unknown): string;
}

export interface ExportRunnerOptions {
  /** Where the journal of unfinished exports lives (the server's cache folder). */
  journalDir: string;
  images: ImageSupply;
  onProgress(job: ExportJob): void;
  /** Files in flight at once; default 4 (the server serves `/full` from disk, a few at a time keeps it busy). */
  concurrency?: number;
  /** Progress events at most this often while running; default 150 ms. */
  progressEveryMs?: number;
}

export interface ExportSettings {
  image_names: readonly string[];
  out_dir: string;
  pattern: ExportPattern;
  sidecar: boolean;
}

const MAX_LISTED_FAILURES = 500;
/** Images whose rows are read from the cache at once: bounds memory at 100k (metadata is KBs each). */
const CHUNK = 200;

export const NOT_CACHED_OFFLINE = 'Not cached, and the server is offline.';
const NOT_IN_CACHE = 'The image is not in the local cache (it may have been deleted); sync and try again.';
const ALREADY_THERE = 'A file of that name is already in the folder; it was left as it is.';

interface Run {
  plan: ExportPlan;
  /** The latest result of each finished or failed image. */
  results: Map<string, FileResult>;
  state: ExportJob['state'];
  cancelled: boolean;
  finished: Promise<void>;
}

export class ExportRunner {
  private readonly runs = new Map<string, Run>();
  private readonly journal: ExportJournal;
  private readonly loaded: Promise<void>;

  constructor(private readonly options: ExportRunnerOptions) {
    this.journal = new ExportJournal(options.journalDir);
    this.loaded = this.loadJournal();
  }

  /** Checks the folder, records the plan, and starts writing; answers at once with the job. */
  async start(settings: ExportSettings): Promise<ExportJob> {
    await this.loaded;
    if (!isAbsolute(settings.out_dir))
      throw new AppError('invalid_input', `Choose a full folder path to export to, not "${settings.out_dir}".`);
    if (settings.image_names.length === 0) throw new AppError('invalid_input', 'There is nothing to export: the selection is empty.');
    try {
      await mkdir(settings.out_dir, { recursive: true });
    } catch (error) {
      throw new AppError('invalid_input', `The folder ${settings.out_dir} cannot be created (${codeOf(error) ?? String(error)}).`);
    }
    const plan = await this.journal.create({
      out_dir: settings.out_dir,
      pattern: settings.pattern,
      sidecar: settings.sidecar,
      image_names: [...new Set(settings.image_names)],
    });
    const run: Run = { plan, results: new Map(), state: 'running', cancelled: false, finished: Promise.resolve() };
    this.runs.set(plan.id, run);
    run.finished = this.execute(run);
    return this.view(run);
  }

  /** Stops an export after the files in flight; it stays on record to resume. */
  cancel(id: string): void {
    const run = this.get(id);
    if (run.state === 'running') run.cancelled = true;
  }

  /**
   * Goes on with a cancelled or interrupted export, or tries again the failed files of a finished
   * one (say, those that were not cached while offline); finished files are not redone.
   */
  async resume(id: string): Promise<ExportJob> {
    await this.loaded;
    const run = this.get(id);
    if (run.state !== 'running' && (run.state !== 'done' || this.view(run).failed > 0)) {
      await run.finished;
      run.state = 'running';
      run.cancelled = false;
      run.finished = this.execute(run);
    }
    return this.view(run);
  }

  async list(): Promise<ExportJob[]> {
    await this.loaded;
    return [...this.runs.values()].map((run) => this.view(run));
  }

  /** Forgets an export that is not running; its files stay where they are. */
  async dismiss(id: string): Promise<void> {
    const run = this.get(id);
    if (run.state === 'running') throw new AppError('conflict', 'Cancel the export before removing it from the list.');
    this.runs.delete(id);
    await this.journal.remove(id);
  }

  /** Resolves when the export stops (finished or cancelled). */
  async idle(id: string): Promise<ExportJob> {
    const run = this.get(id);
    await run.finished;
    return this.view(run);
  }

  /** Every image's result so far, in plan order (the CLI's `--json`). */
  results(id: string): FileResult[] {
    const run = this.get(id);
    return run.plan.image_names.flatMap((name) => run.results.get(name) ?? []);
  }

  /** The absolute path of the image's file from the latest export that wrote or found it. */
  exportedPath(imageName: string): string | null {
    for (const run of [...this.runs.values()].reverse()) {
      const result = run.results.get(imageName);
      if (result?.path && result.outcome !== 'failed') return join(run.plan.out_dir, result.path);
    }
    return null;
  }

  /** Stops every running export after its files in flight; they resume as interrupted next time. */
  async stop(): Promise<void> {
    for (const run of this.runs.values()) run.cancelled = true;
    await Promise.all([...this.runs.values()].map((run) => run.finished));
  }

  private get(id: string): Run {
    const run = this.runs.get(id);
    if (!run) throw new AppError('not_found', 'That export is no longer on record.');
    return run;
  }

  private async loadJournal(): Promise<void> {
    for (const record of await this.journal.load()) {
      if (record.done) {
        // A finished export from an earlier run has nothing left to offer.
        await this.journal.remove(record.plan.id);
        continue;
      }
      const results = new Map(record.results.map((result) => [result.image_name, result]));
      this.runs.set(record.plan.id, { plan: record.plan, results, state: 'interrupted', cancelled: false, finished: Promise.resolve() });
    }
  }

  private async execute(run: Run): Promise<void> {
    const { plan } = run;
    const log = this.journal.appender(plan.id);
    let lastEmit = 0;
    const progress = (force = false) => {
      const now = Date.now();
      if (!force && now - lastEmit < (this.options.progressEveryMs ?? 150)) return;
      lastEmit = now;
      this.options.onProgress(this.view(run));
    };
    const record = (result: FileResult) => {
      run.results.set(result.image_name, result);
      log.append(result);
      progress();
    };
    progress(true);
    try {
      // Written or found files are finished; failures of an earlier attempt are tried again.
      const todo = plan.image_names.filter((name) => {
        const outcome = run.results.get(name)?.outcome;
        return outcome !== 'written' && outcome !== 'skipped';
      });
      for (let start = 0; start < todo.length && !run.cancelled; start += CHUNK) {
        const names = todo.slice(start, start + CHUNK);
        const entries = new Map(this.options.images.entries(names).map((entry) => [entry.image_name, entry]));
        let next = 0;
        const worker = async () => {
          while (!run.cancelled && next < names.length) {
            const name = names[next++]!;
            const entry = entries.get(name);
            record(entry ? await this.exportOne(plan, entry) : failure(name, null, NOT_IN_CACHE, false));
          }
        };
        await Promise.all(Array.from({ length: this.options.concurrency ?? 4 }, worker));
      }
      if (run.cancelled) {
        run.state = 'cancelled';
      } else {
        run.state = 'done';
        log.append({ end: 'done' });
      }
    } catch (error) {
      // Not one file's trouble (the journal or the cache failed): stop here, resumable.
      run.state = 'interrupted';
      record(failure('', null, this.options.images.describe(error), false));
    } finally {
      await log.close();
      progress(true);
    }
  }

  private async exportOne(plan: ExportPlan, entry: ExportEntry): Promise<FileResult> {
    const name = entry.image_name;
    const relative = exportPath(entry, plan.pattern);
    const path = join(plan.out_dir, relative);
    const supply = this.options.images;
    try {
      if (plan.sidecar) await writeNew(join(plan.out_dir, sidecarPath(relative)), sidecarJson(entry));
      if (await exists(path))
        return { image_name: name, outcome: 'skipped', path: relative, bytes: 0, reason: ALREADY_THERE, not_cached: false };
      let bytes = await supply.cached(name);
      if (!bytes) {
        if (!supply.online()) return failure(name, relative, NOT_CACHED_OFFLINE, true);
        try {
          // Not kept in the cache: an export of a whole board would evict what the user viewed.
          bytes = await supply.fetch(name);
        } catch (error) {
          return supply.online()
            ? failure(name, relative, supply.describe(error), false)
            : failure(name, relative, NOT_CACHED_OFFLINE, true);
        }
      }
      const outcome = await writeNew(path, bytes);
      return outcome === 'written'
        ? { image_name: name, outcome: 'written', path: relative, bytes: bytes.byteLength, reason: null, not_cached: false }
        : { image_name: name, outcome: 'skipped', path: relative, bytes: 0, reason: ALREADY_THERE, not_cached: false };
    } catch (error) {
      return failure(name, relative, `Could not write ${path}: ${codeOf(error) ?? supply.describe(error)}.`, false);
    }
  }

  private view(run: Run): ExportJob {
    let written = 0;
    let skipped = 0;
    let failed = 0;
    let notCached = 0;
    let bytes = 0;
    const failures: ExportFailure[] = [];
    for (const result of run.results.values()) {
      if (result.outcome === 'written') written++;
      else if (result.outcome === 'skipped') skipped++;
      else {
        failed++;
        if (result.not_cached) notCached++;
        if (failures.length < MAX_LISTED_FAILURES) failures.push({ image_name: result.image_name, reason: result.reason ?? '' });
      }
      bytes += result.bytes;
    }
    return {
      id: run.plan.id,
      state: run.state,
      out_dir: run.plan.out_dir,
      total: run.plan.image_names.length,
      written,
      skipped,
      failed,
      not_cached: notCached,
      bytes,
      failures,
    };
  }
}

function failure(imageName: string, path: string | null, reason: string, notCached: boolean): FileResult {
  return { image_name: imageName, outcome: 'failed', path, bytes: 0, reason, not_cached: notCached };
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
