/**
 * The flag inventory of a commit: every key the code checks there (the tree read file by file), with where
 * it is checked, how many files check it, and when it appeared (the history pass, resumed from the ledger
 * a previous run left in the git directory). A check in a test file is listed apart: it is setup, not a use.
 */
import type { MonoenvConfig } from '../../config/schema.js';
import { FlagMatcher } from '../../engine/flags/index.js';
import { grammarOf, type Grammar, type Syntax } from '../../engine/syntax/index.js';
import { loadSyntax } from '../../engine/syntax/load.js';
import { BlobReader } from '../../git/blobs.js';
import { isShallow } from '../../git/queries.js';
import type { GitRunner } from '../../git/runner.js';
import { flagFiles, type FlagFiles } from './files.js';
import { checksInText, type FlagUse } from '../../engine/rules/flags/checks.js';
import { FlagLedger, type Life, type Stamp } from './ledger.js';
import { walkHistory } from './history.js';
import { readLedger, writeLedger, type LedgerCache } from './cache.js';

/** Files larger than this are generated or bundled: not read (as the history pass, whose git reads them as binary). */
const MAX_FILE_BYTES = 1024 * 1024;
const DAY_MS = 86_400_000;

export interface CheckSite {
  path: string;
  line: number;
  call: string;
}

export interface FlagEntry {
  key: string;
  /** The calls that check it, as written. */
  calls: string[];
  sdks: string[];
  /** Where the code checks it (test files apart), by path and line. */
  checks: CheckSite[];
  /** Files of code that check it. */
  files: number;
  /** At least one check writes the key itself (a string or symbol); otherwise it is a constant or a variable's name. */
  literal: boolean;
  /** The commit whose change brought its first check (of its current stretch in the code). */
  since?: Stamp;
  /** The history starts at a shallow clone's boundary, which brought the check: it may be older. */
  sinceAtLeast?: boolean;
  ageDays?: number;
  stale: boolean;
  /** Listed in `flags.permanent`: meant to stay, never stale. */
  permanent: boolean;
  /** Checks of it in test files. */
  testChecks: number;
}

export interface TestOnlyFlag {
  key: string;
  checks: CheckSite[];
}

export interface RemovedFlag {
  key: string;
  from: Stamp;
  to: Stamp;
}

export interface FlagInventory {
  /** The ref as given and the commit it names. */
  ref: string;
  commit: string;
  generatedAt: string;
  staleAfterDays: number;
  /** Keys the code checks, oldest first. */
  flags: FlagEntry[];
  stale: number;
  /** Keys only tests check: setup for a flag that is not (or no longer) used. */
  testOnly: TestOnlyFlag[];
  /** Keys whose last check left the code, most recent first. */
  removed: RemovedFlag[];
  history: {
    /** First-parent commits that touched the files read, over the whole history. */
    commits: number;
    /** Read by this run (the rest came from the saved ledger). */
    read: number;
    first?: Stamp;
    shallow: boolean;
  };
  /** Every key's stretches in the code, for the report's weekly figures. */
  lives: Record<string, Life[]>;
}

export interface InventoryOptions {
  git: GitRunner;
  ref: string;
  commit: string;
  config: MonoenvConfig;
  now: Date;
  /** Overrides `flags.stale_after_days`. */
  staleAfterDays?: number;
  /** Where the ledger is kept between runs; undefined: not kept. */
  cache?: LedgerCache;
  /** Grammars for the tree reading (loaded when a file with checks needs one when absent). */
  syntax?: Syntax;
  onProgress?: (done: number, total: number) => void;
  /** git processes reading the history at once, and the fewest commits worth one (tests set them). */
  processes?: number;
  commitsPerProcess?: number;
}

/** The checks at a commit, file by file: one `ls-tree` and one `cat-file --batch` process. */
export async function checksAt(
  git: GitRunner,
  commit: string,
  files: FlagFiles,
  matcher: FlagMatcher,
  patterns: readonly string[],
  syntax?: Syntax,
): Promise<Map<string, FlagUse[]>> {
  // ls-tree takes no glob pathspecs: the whole tree is listed and `roleOf` picks the files.
  const listing = await git.run(['ls-tree', '-r', '-z', '-l', '--full-tree', commit]);
  const blobs: { path: string; object: string }[] = [];
  for (const entry of listing.split('\0')) {
    const tab = entry.indexOf('\t');
    if (tab < 0) continue;
    const [, type, object, size] = entry.slice(0, tab).split(/ +/);
    const path = entry.slice(tab + 1);
    if (type !== 'blob' || object === undefined || Number(size) > MAX_FILE_BYTES || files.roleOf(path) === 'skip') continue;
    blobs.push({ path, object });
  }
  const reader = new BlobReader(git);
  const candidates: { path: string; text: string }[] = [];
  try {
    // Reads are queued in slices: one process, without holding every file in memory at once.
    for (let i = 0; i < blobs.length; i += 256) {
      const slice = blobs.slice(i, i + 256);
      const contents = await Promise.all(slice.map((b) => reader.read(b.object)));
      slice.forEach((blob, j) => {
        const content = contents[j];
        if (content === undefined || content.includes(0)) return;
        const text = content.toString('utf8');
        if (checksInText(blob.path, text, matcher, patterns).length > 0) candidates.push({ path: blob.path, text });
      });
    }
  } finally {
    reader.close();
  }
  // Only files with checks are parsed, and only their grammars loaded.
  const grammars = new Set(candidates.map((c) => grammarOf(c.path)).filter((g): g is Grammar => g !== undefined));
  const trees = syntax ?? (grammars.size > 0 ? await loadSyntax(grammars) : undefined);
  const found = new Map<string, FlagUse[]>();
  for (const { path, text } of candidates) {
    const uses = checksInText(path, text, matcher, patterns, trees);
    if (uses.length > 0) found.set(path, uses);
  }
  return found;
}

function ageOf(since: Stamp | undefined, now: Date): number | undefined {
  return since === undefined ? undefined : Math.max(0, Math.floor((now.getTime() - Date.parse(since.at)) / DAY_MS));
}

export async function buildInventory(options: InventoryOptions): Promise<FlagInventory> {
  const { git, config, commit, now } = options;
  const staleAfterDays = options.staleAfterDays ?? config.flags.stale_after_days;
  const patterns = config.risky.flag_patterns;
  const matcher = new FlagMatcher({ flagCalls: config.risky.flag_calls, flagPatterns: patterns });
  const files = flagFiles(config);

  // The history: the saved ledger, then the commits after it.
  const saved = options.cache ? await readLedger(options.cache, git, commit) : undefined;
  const ledger = new FlagLedger(saved?.ledger);
  let read = 0;
  if (saved?.walkedTo !== commit) {
    const total = Number(
      (await git.run(['rev-list', '--first-parent', '--count', saved ? `${saved.walkedTo}..${commit}` : commit])).trim(),
    );
    const walked = await walkHistory({
      git,
      tip: commit,
      ...(saved ? { after: saved.walkedTo } : {}),
      files,
      matcher,
      patterns,
      ledger,
      onCommit: (n) => options.onProgress?.(n, Math.max(total, n)),
      ...(options.processes === undefined ? {} : { processes: options.processes }),
      ...(options.commitsPerProcess === undefined ? {} : { commitsPerProcess: options.commitsPerProcess }),
    });
    read = walked.read;
    if (options.cache) await writeLedger(options.cache, { walkedTo: commit, ledger: ledger.state() });
  }

  const [found, shallow] = await Promise.all([checksAt(git, commit, files, matcher, patterns, options.syntax), isShallow(git)]);
  const firstSha = ledger.first?.sha;
  const permanent = new Set(config.flags.permanent);
  const byKey = new Map<string, { code: { use: FlagUse; path: string }[]; test: { use: FlagUse; path: string }[] }>();
  for (const [path, uses] of found) {
    const role = files.roleOf(path);
    for (const use of uses) {
      let entry = byKey.get(use.key);
      if (entry === undefined) byKey.set(use.key, (entry = { code: [], test: [] }));
      (role === 'test' ? entry.test : entry.code).push({ use, path });
    }
  }
  const flags: FlagEntry[] = [];
  const testOnly: TestOnlyFlag[] = [];
  const site = ({ use, path }: { use: FlagUse; path: string }): CheckSite => ({ path, line: use.line, call: use.call });
  for (const [key, { code, test }] of byKey) {
    if (code.length === 0) {
      testOnly.push({ key, checks: test.map(site) });
      continue;
    }
    // The stretch the key is in now; when the walk lost count of it (a check it could not read as removed
    // and added again), the last stretch it saw.
    const lives = ledger.keys.get(key)?.lives ?? [];
    const since = (ledger.current(key) ?? lives[lives.length - 1])?.from;
    const ageDays = ageOf(since, now);
    const isPermanent = permanent.has(key);
    flags.push({
      key,
      calls: [...new Set(code.map((c) => c.use.call))],
      sdks: [...new Set(code.map((c) => c.use.sdk))],
      checks: code.map(site),
      files: new Set(code.map((c) => c.path)).size,
      literal: code.some((c) => c.use.literal),
      ...(since ? { since } : {}),
      ...(since && shallow && since.sha === firstSha ? { sinceAtLeast: true } : {}),
      ...(ageDays === undefined ? {} : { ageDays }),
      stale: !isPermanent && ageDays !== undefined && ageDays > staleAfterDays,
      permanent: isPermanent,
      testChecks: test.length,
    });
  }
  flags.sort((a, b) => (b.ageDays ?? -1) - (a.ageDays ?? -1) || a.key.localeCompare(b.key));
  testOnly.sort((a, b) => a.key.localeCompare(b.key));

  const removed: RemovedFlag[] = [];
  const lives: Record<string, Life[]> = {};
  for (const [key, record] of ledger.keys) {
    if (record.lives.length === 0) continue;
    lives[key] = record.lives;
    const last = record.lives[record.lives.length - 1];
    if (last.to !== undefined && !byKey.get(key)?.code.length) removed.push({ key, from: last.from, to: last.to });
  }
  removed.sort((a, b) => b.to.at.localeCompare(a.to.at) || a.key.localeCompare(b.key));

  return {
    ref: options.ref,
    commit,
    generatedAt: now.toISOString(),
    staleAfterDays,
    flags,
    stale: flags.filter((f) => f.stale).length,
    testOnly,
    removed,
    history: { commits: ledger.commits, read, ...(ledger.first ? { first: ledger.first } : {}), shallow },
    lives,
  };
}
