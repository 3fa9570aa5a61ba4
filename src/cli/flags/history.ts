/**
 * The history pass: one streamed `git log -p` over the branch's first-parent history, oldest first, with
 * git's own pathspecs leaving out every file the inventory does not read. Only the lines each commit adds
 * and removes are printed (`-U0`), and each file's lines go through the matcher at once, whose precompiled
 * alternation of call names rejects almost every line before anything is parsed. Each key's checks added
 * and removed become the commit's deltas in the ledger. One process and one reading of each diff, whatever
 * the number of keys: a `git log -S` per key would read the whole history once per key.
 */
import { availableParallelism } from 'node:os';
import type { FlagMatcher } from '../../engine/flags/index.js';
import { classifyLine, languageOf, newClassifierState } from '../../engine/symbols.js';
import { streamGit, type GitRunner } from '../../git/runner.js';
import type { FlagFiles, FileRole } from './files.js';
import { keyOfCheck } from '../../engine/rules/flags/checks.js';
import type { CommitDeltas, FlagLedger, Stamp } from './ledger.js';

const COMMIT = '\x1e';

export interface WalkOptions {
  git: GitRunner;
  /** The commit the walk ends at. */
  tip: string;
  /** Resume after this commit (a first-parent ancestor of `tip` the ledger has read up to). */
  after?: string;
  files: FlagFiles;
  matcher: FlagMatcher;
  patterns: readonly string[];
  ledger: FlagLedger;
  /** After each commit read. */
  onCommit?: (read: number) => void;
  /** git processes reading at once (default: the cores, at most 4). */
  processes?: number;
  /** The fewest commits worth a process of their own. */
  commitsPerProcess?: number;
}

export function logArguments(range: string, pathspecs: readonly string[] | undefined): string[] {
  return [
    '-c',
    'core.quotepath=false',
    // Files over 1 MB (bundles, generated code) are read as binary: no diff is computed for them, as the
    // inventory does not read them at the tip either.
    '-c',
    'core.bigFileThreshold=1m',
    'log',
    '--first-parent',
    '--diff-merges=first-parent',
    '--reverse',
    '-p',
    '-U0',
    '--no-color',
    '--no-ext-diff',
    '--no-textconv',
    '--find-renames',
    '--format=%x1e%H %ct %P',
    range,
    '--',
    ...(pathspecs ?? []),
  ];
}

/** A path as git prints it in `---`/`+++` lines: C-quoted when it holds special characters. */
export function unquotePath(raw: string): string {
  if (!raw.startsWith('"')) return raw;
  const bytes: number[] = [];
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, '"': 34, '\\': 92, a: 7, b: 8, f: 12, v: 11 };
  for (let i = 1; i < raw.length - 1; i++) {
    const ch = raw[i];
    if (ch !== '\\') {
      bytes.push(...Buffer.from(ch, 'utf8'));
      continue;
    }
    const next = raw[++i];
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(raw.slice(i, i + 3), 8));
      i += 2;
    } else bytes.push(simple[next] ?? next.charCodeAt(0));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Reads one commit's patch, file by file, into key deltas. */
class CommitReader {
  deltas: CommitDeltas = new Map();
  private role: FileRole = 'skip';
  private path = '';
  private inHeader = false;
  private added: string[] = [];
  private removed: string[] = [];

  constructor(
    private readonly files: FlagFiles,
    private readonly matcher: FlagMatcher,
    private readonly patterns: readonly string[],
  ) {}

  line(text: string): void {
    if (text.charCodeAt(0) === 100 /* d */ && text.startsWith('diff --git ')) {
      this.endFile();
      this.inHeader = true;
      this.path = '';
      return;
    }
    if (this.inHeader) {
      if (text.startsWith('@@')) this.inHeader = false;
      else if (text.startsWith('--- ')) this.setPath(text.slice(4), 'a/');
      else if (text.startsWith('+++ ')) this.setPath(text.slice(4), 'b/');
      return;
    }
    const c = text.charCodeAt(0);
    if (c === 43 /* + */) {
      if (this.role !== 'skip') this.added.push(text.slice(1));
    } else if (c === 45 /* - */) {
      if (this.role !== 'skip') this.removed.push(text.slice(1));
    }
  }

  private setPath(raw: string, prefix: string): void {
    if (raw === '/dev/null') return;
    const path = unquotePath(raw);
    // The new path wins (`+++` comes second); a deleted file keeps its old one.
    this.path = path.startsWith(prefix) ? path.slice(prefix.length) : path;
    this.role = this.files.roleOf(this.path);
  }

  private count(lines: string[], sign: 1 | -1): void {
    if (lines.length === 0) return;
    const found = this.matcher.scan(lines);
    const lang = languageOf(this.path);
    for (let i = 0; i < found.length; i++) {
      const checks = found[i];
      if (checks === undefined) continue;
      if (classifyLine(lang, lines[i], newClassifierState()) === 'comment') continue;
      const text = i + 1 < lines.length ? `${lines[i]}\n${lines[i + 1]}\n${lines[i + 2] ?? ''}` : lines[i];
      for (const check of checks) {
        const key = keyOfCheck(check, this.patterns, { text, before: lines[i].slice(0, check.index), lang })?.key;
        if (key === undefined) continue;
        let delta = this.deltas.get(key);
        if (delta === undefined) this.deltas.set(key, (delta = { code: 0, test: 0 }));
        if (this.role === 'test') delta.test += sign;
        else delta.code += sign;
      }
    }
  }

  endFile(): void {
    if (this.role !== 'skip') {
      this.count(this.added, 1);
      this.count(this.removed, -1);
    }
    this.added = [];
    this.removed = [];
    this.role = 'skip';
  }

  take(): CommitDeltas {
    this.endFile();
    const deltas = this.deltas;
    this.deltas = new Map();
    return deltas;
  }
}

interface ReadCommit {
  stamp: Stamp;
  parents: string[];
  deltas: CommitDeltas;
}

/** One `git log` process over a range, its commits oldest first with their deltas. */
async function readRange(options: WalkOptions, range: string, onCommit: () => void): Promise<ReadCommit[]> {
  const reader = new CommitReader(options.files, options.matcher, options.patterns);
  const commits: ReadCommit[] = [];
  let current: { stamp: Stamp; parents: string[] } | undefined;
  const finish = (): void => {
    if (current === undefined) return;
    commits.push({ ...current, deltas: reader.take() });
    onCommit();
  };
  const onLine = (line: string): void => {
    if (line.charCodeAt(0) === 30 /* \x1e */) {
      finish();
      const [sha = '', seconds = '0', ...parents] = line.slice(COMMIT.length).split(' ');
      current = { stamp: { sha, at: new Date(Number(seconds) * 1000).toISOString() }, parents: parents.filter(Boolean) };
      return;
    }
    if (current !== undefined && line.length > 0) reader.line(line);
  };
  let carry = '';
  for await (const chunk of streamGit(options.git, logArguments(range, options.files.pathspecs))) {
    const text = carry + chunk;
    let from = 0;
    for (let eol = text.indexOf('\n'); eol >= 0; eol = text.indexOf('\n', from)) {
      onLine(text.slice(from, eol));
      from = eol + 1;
    }
    carry = text.slice(from);
  }
  if (carry !== '') onLine(carry);
  finish();
  return commits;
}

/** Below this many commits, one process; above, the history is cut into consecutive ranges read at once. */
const COMMITS_PER_PROCESS = 1_500;

/**
 * The ranges to read: consecutive stretches of the first-parent line, as `from..to`, so that git (whose
 * diffs are most of the cost, on one core per process) reads them side by side.
 */
async function rangesOf(options: WalkOptions): Promise<string[]> {
  const whole = options.after === undefined ? options.tip : `${options.after}..${options.tip}`;
  const processes = Math.min(options.processes ?? availableParallelism(), 4);
  if (processes < 2) return [whole];
  const line = (await options.git.run(['rev-list', '--first-parent', '--reverse', whole])).split('\n').filter(Boolean);
  const parts = Math.min(processes, Math.floor(line.length / (options.commitsPerProcess ?? COMMITS_PER_PROCESS)));
  if (parts < 2) return [whole];
  const ranges: string[] = [];
  let from = options.after;
  for (let i = 1; i <= parts; i++) {
    const to = line[Math.round((i * line.length) / parts) - 1];
    ranges.push(from === undefined ? to : `${from}..${to}`);
    from = to;
  }
  return ranges;
}

/**
 * Walks the history into the ledger, oldest first. Returns the commits read and the first one's parents
 * (to tell a resumed walk that did not start where the ledger stopped).
 */
export async function walkHistory(options: WalkOptions): Promise<{ read: number; firstParents: string[] | undefined }> {
  const ranges = await rangesOf(options);
  let read = 0;
  const parts = await Promise.all(ranges.map((range) => readRange(options, range, () => options.onCommit?.(++read))));
  let firstParents: string[] | undefined;
  for (const part of parts) {
    for (const commit of part) {
      firstParents ??= commit.parents;
      options.ledger.apply(commit.stamp, commit.deltas);
    }
  }
  return { read, firstParents };
}
