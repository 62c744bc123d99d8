import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { findBrowser } from '../../test/support/browser';

/**
 * What every benchmark writes: one figure a row, with the target it is held to (if any) and
 * whether it met it, so bench/run.ts can print one table from every suite's JSON.
 */
export interface Target {
  op: '<' | '<=' | '>=' | '>';
  value: number;
}

export interface Metric {
  id: string;
  label: string;
  value: number | null;
  unit: string;
  target?: Target;
  met?: boolean | null;
  /** The same figure for InvokeAI 6.14.2's own web gallery (docs/DESIGN "Performance"), when known. */
  invokeai?: string;
  note?: string;
}

export interface SuiteResult {
  suite: string;
  date: string;
  quick: boolean;
  params: Record<string, unknown>;
  load: { before: number[]; after: number[] };
  metrics: Metric[];
  details: unknown;
}

export const RESULTS_DIR = join(import.meta.dirname, '..', 'results');
/** Quick runs write here, so trying the benchmarks out never overwrites the real figures. */
export const QUICK_RESULTS_DIR = join(RESULTS_DIR, 'quick');

export function resultsDir(quick: boolean): string {
  return quick ? QUICK_RESULTS_DIR : RESULTS_DIR;
}

export function metric(m: Omit<Metric, 'met'>): Metric {
  return { ...m, met: m.target && m.value !== null ? meets(m.value, m.target) : m.target ? false : null };
}

export function meets(value: number, target: Target): boolean {
  switch (target.op) {
    case '<':
      return value < target.value;
    case '<=':
      return value <= target.value;
    case '>=':
      return value >= target.value;
    case '>':
      return value > target.value;
  }
}

export function loadAverages(): number[] {
  return loadavg().map((value) => Math.round(value * 100) / 100);
}

export function writeResult(name: string, result: SuiteResult | Record<string, unknown>, quick: boolean): string {
  const dir = resultsDir(quick);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.json`);
  writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
  return path;
}

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

export function machine() {
  const cpuList = cpus();
  let chromium: string | null = null;
  try {
    chromium = execFileSync(findBrowser()?.path ?? 'chromium', ['--version'], {
      encoding: 'utf8',
      timeout: 10_000,
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    chromium = null;
  }
  return {
    cpu_model: cpuList[0]?.model ?? 'unknown',
    cores: cpuList.length,
    ram_gb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    chromium,
    date: new Date().toISOString(),
  };
}

/** Command-line flags of the suites: `--name value`, `--name=value` or a bare `--flag`. */
export function parseFlags(argv: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) continue;
    const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    if (inline !== undefined) flags.set(name, inline);
    else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) flags.set(name, argv[++i]!);
    else flags.set(name, 'true');
  }
  return flags;
}
