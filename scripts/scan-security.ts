import { cpSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { Module, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ensureBuilt } from './lib/ensure-build';

/**
 * `npm run scan:security`: Doyensec's electronegativity over the built app (out/), for the Electron
 * version package.json pins. It fails on a HIGH or MEDIUM finding that the table of accepted
 * findings in docs/RELIABILITY.md does not explain, on a row of that table no finding matches any
 * more (so the document and the gate cannot drift apart), on a file the scanner could not read,
 * and on a scan that missed one of the app's entry points (a scan of nothing must not pass).
 */
const REPO = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(REPO, 'out');
const RELIABILITY = join(REPO, 'docs', 'RELIABILITY.md');
const ACCEPTED_HEADING = '### Accepted findings';
const ENTRY_POINTS = ['main/index.js', 'preload/index.cjs', 'renderer/index.html'];
const GATED = new Set(['HIGH', 'MEDIUM']);
const TRANSLATIONS_NOTICE = 'Could not retrieve updated translations for the current locale';

const require = createRequire(import.meta.url);
const RUNNER = require.resolve('@doyensec/electronegativity');
const DIST = dirname(RUNNER);

interface RunnerOptions {
  input: string;
  output: null;
  isSarif: boolean;
  customScan: string[];
  excludeFromScan: string[];
  severitySet: undefined;
  confidenceSet: undefined;
  isRelative: boolean;
  isVerbose: boolean;
  electronUpgrade: undefined;
  electronVersionOverride: string;
  parserPlugins: string[];
}
type Run = (options: RunnerOptions, forCli: boolean) => Promise<unknown>;
type DirectoryLoader = new () => { load(dir: string): Promise<void>; readonly list_files: Set<string> };

const Finding = z.object({
  id: z.string(),
  file: z.string(),
  location: z.object({ line: z.number(), column: z.number() }),
  severity: z.object({ name: z.enum(['HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL']) }),
  description: z.string(),
});
type Finding = z.infer<typeof Finding>;
const ScanResult = z.object({
  issues: z.array(Finding),
  errors: z.array(z.object({ file: z.string(), message: z.string() })),
});
type ScanResult = z.infer<typeof ScanResult>;
const PackageJson = z.object({ devDependencies: z.object({ electron: z.string() }) });

/** One row of the accepted-findings table: the check, the built file, code on the flagged line, why. */
interface Acceptance {
  check: string;
  file: string;
  code: string | null;
  why: string;
}

function electronVersion(): string {
  const pinned = PackageJson.parse(JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'))).devDependencies.electron;
  const version = pinned.replace(/^[\^~]/, '');
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`package.json pins electron as "${pinned}", not a version the scan can use`);
  return version;
}

function acceptedFindings(markdown: string): Acceptance[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.trim() === ACCEPTED_HEADING);
  if (start < 0) throw new Error(`docs/RELIABILITY.md has no "${ACCEPTED_HEADING}" section`);
  const end = lines.findIndex((line, index) => index > start && line.startsWith('#'));
  const table = lines.slice(start + 1, end < 0 ? undefined : end).filter((line) => line.startsWith('|'));
  if (table.length < 2) throw new Error(`docs/RELIABILITY.md, ${ACCEPTED_HEADING}: no table of | check | where | why |`);
  return table.slice(2).map((line) => {
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim());
    const [check, where, why] = cells;
    const quoted = [...(where ?? '').matchAll(/`([^`]+)`/g)].map((match) => match[1]!);
    if (cells.length !== 3 || !check || !why || quoted.length < 1 || quoted.length > 2) {
      throw new Error(`docs/RELIABILITY.md, ${ACCEPTED_HEADING}: a row reads | CHECK | \`file\` [\`code\`] | why |, not ${line}`);
    }
    return { check: check.replace(/`/g, ''), file: quoted[0]!, code: quoted[1] ?? null, why };
  });
}

/**
 * The scanner fetches fresh translations with `got` when it starts; without a network that
 * request's retry throws an uncaught error (p-cancelable) and kills the process. CI and sandboxed
 * machines have no network, and the translations ship in the package, so `got` is replaced by a
 * request that fails at once and the scanner falls back to its bundled strings. It takes the
 * locale from LANG, which must then name one of them ('C.UTF-8' would print message keys).
 */
function offline(): void {
  const path = createRequire(join(DIST, 'locales', 'i18n.js')).resolve('got');
  const got = new Module(path);
  got.filename = path;
  got.loaded = true;
  got.exports = () => Promise.reject(new Error('scan:security runs electronegativity offline'));
  require.cache[path] = got;
  process.env.LANG = 'en-US';
}

/**
 * The scanner reads only .js, .jsx, .ts, .tsx, .html and .htm files, and the preload is .cjs: it
 * scans a copy of out/ in which .cjs and .mjs files are named .js. Returns the copy and a map from
 * each renamed file back to its name in out/.
 */
function stagedCopy(): { dir: string; originals: Map<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'ivk-scan-'));
  cpSync(OUT, dir, { recursive: true });
  const originals = new Map<string, string>();
  for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (!/\.[cm]js$/.test(file)) continue;
    const renamed = file.replace(/\.[cm]js$/, '.js');
    renameSync(join(dir, file), join(dir, renamed));
    originals.set(renamed.split(sep).join('/'), file.split(sep).join('/'));
  }
  return { dir, originals };
}

async function scan(dir: string, version: string): Promise<{ scanned: string[]; result: ScanResult }> {
  offline();
  const { LoaderDirectory } = require(join(DIST, 'loader')) as { LoaderDirectory: DirectoryLoader };
  const loader = new LoaderDirectory();
  await loader.load(dir);
  const run = require(RUNNER) as Run;
  // The scanner talks through console.log; its one expected line, the translations it could not
  // fetch, is dropped, and anything else it says is passed on, marked as its own.
  const log = console.log;
  const said: string[] = [];
  console.log = (...args: unknown[]) => said.push(args.map(String).join(' '));
  const result = await run(
    {
      input: dir,
      output: null,
      isSarif: false,
      customScan: [],
      // It compares the version in an app's package.json with Electron's release list on GitHub:
      // out/ has no package.json, and the release list needs the network.
      excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
      severitySet: undefined,
      confidenceSet: undefined,
      isRelative: true,
      isVerbose: false,
      electronUpgrade: undefined,
      electronVersionOverride: version,
      parserPlugins: [],
    },
    false,
  ).finally(() => (console.log = log));
  for (const line of said) if (line !== TRANSLATIONS_NOTICE) console.log(`electronegativity: ${line}`);
  const scanned = [...loader.list_files].map((file) => relative(dir, file).split(sep).join('/'));
  return { scanned, result: ScanResult.parse(result) };
}

/** One line per finding, then the verdict; returns the exit code. */
async function main(): Promise<number> {
  ensureBuilt();
  const version = electronVersion();
  const accepted = acceptedFindings(readFileSync(RELIABILITY, 'utf8'));
  const staged = stagedCopy();
  try {
    const { scanned, result } = await scan(staged.dir, version);
    const original = (file: string) => staged.originals.get(file) ?? file;
    const lines = new Map<string, string[]>();
    const flaggedLine = (finding: Finding): string => {
      if (!lines.has(finding.file)) {
        lines.set(finding.file, finding.file === 'N/A' ? [] : readFileSync(join(staged.dir, finding.file), 'utf8').split('\n'));
      }
      return lines.get(finding.file)![finding.location.line - 1] ?? '';
    };
    const matches = (acceptance: Acceptance, finding: Finding): boolean =>
      acceptance.check === finding.id &&
      acceptance.file === original(finding.file) &&
      (acceptance.code === null || flaggedLine(finding).includes(acceptance.code));

    const problems: string[] = [];
    for (const entry of ENTRY_POINTS) if (!scanned.map(original).includes(entry)) problems.push(`the scan did not read out/${entry}`);
    for (const error of result.errors)
      problems.push(`the scanner could not read ${original(relative(staged.dir, error.file))}: ${error.message}`);
    let acceptedCount = 0;
    let unexplained = 0;
    for (const finding of result.issues) {
      const acceptance = accepted.find((candidate) => matches(candidate, finding));
      const line = `${finding.severity.name} ${finding.id} ${original(finding.file)}:${finding.location.line} ${finding.description.replace(/\s+/g, ' ').trim()}`;
      if (acceptance) {
        acceptedCount++;
        console.log(`${line} -- accepted: ${acceptance.why}`);
      } else if (GATED.has(finding.severity.name)) {
        unexplained++;
        console.log(`${line} -- NOT EXPLAINED: fix it, or explain it under "${ACCEPTED_HEADING}" in docs/RELIABILITY.md`);
      } else {
        console.log(line);
      }
    }
    if (unexplained > 0) problems.push(`${unexplained} HIGH or MEDIUM finding(s) not explained in docs/RELIABILITY.md`);
    for (const acceptance of accepted) {
      if (result.issues.some((finding) => matches(acceptance, finding))) continue;
      const where = acceptance.code === null ? acceptance.file : `${acceptance.file} at ${acceptance.code}`;
      problems.push(`docs/RELIABILITY.md accepts ${acceptance.check} in ${where}, which the scan no longer reports: remove the row`);
    }

    for (const problem of problems) console.log(`FAIL: ${problem}`);
    console.log(
      `scan:security: electronegativity over out/ (${scanned.length} files) for Electron ${version}: ${result.issues.length} findings, ` +
        `${acceptedCount} accepted, ${unexplained} unexplained HIGH/MEDIUM: ${problems.length === 0 ? 'passed' : 'FAILED'}`,
    );
    return problems.length === 0 ? 0 : 1;
  } finally {
    rmSync(staged.dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
