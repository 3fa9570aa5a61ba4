/**
 * The default branch's first-parent history as one streamed `git log -p` process, parsed commit by commit
 * so memory holds one commit's diff at a time, whatever the length of the history.
 */
import { streamGit, type GitRunner } from '../../git/runner.js';
import { CONFIG_PATH } from '../../config/path.js';
import { GITATTRIBUTES_PATH } from '../../engine/gitattributes.js';

const TRACKED_PATHS = new Set([CONFIG_PATH, GITATTRIBUTES_PATH]);

/** A change to one of the files the report follows through history (from `--raw`). */
export interface TrackedChange {
  path: string;
  status: string;
  /** The blob in the first parent; undefined when the file did not exist there. */
  before: string | undefined;
}

export interface LoggedCommit {
  sha: string;
  parents: string[];
  authorName: string;
  authorEmail: string;
  committedAt: string;
  authoredAt: string;
  message: string;
  tracked: TrackedChange[];
  /** The commit's diff against its first parent, in the shape `git diff` prints. */
  diff: string;
}

// Starts every commit record; the control characters cannot occur in git's text diff output of a commit header.
const SENTINEL = '\x1emonoenv\x1f';
const FORMAT = `${SENTINEL}%H%x00%P%x00%aN%x00%aE%x00%cI%x00%aI%x00%B%x00`;
const ZERO_SHA = /^0+$/;

export function logArguments(tip: string, since: Date | undefined): string[] {
  return [
    'log',
    '--first-parent',
    '--diff-merges=first-parent',
    '--no-color',
    '--no-ext-diff',
    '--no-textconv',
    '--find-renames',
    '--find-copies',
    '--src-prefix=a/',
    '--dst-prefix=b/',
    '--raw',
    '--no-abbrev',
    '--full-index',
    '-p',
    `--format=${FORMAT}`,
    ...(since ? [`--since=${since.toISOString()}`] : []),
    tip,
    '--',
  ];
}

/** Raw lines: `:100644 100644 <old> <new> M\tpath` or `… R087\told\tnew`. */
function trackedChanges(raw: string): TrackedChange[] {
  const changes: TrackedChange[] = [];
  for (const line of raw.split('\n')) {
    if (!line.startsWith(':')) continue;
    const [meta = '', ...paths] = line.split('\t');
    const [, , oldSha = '', , status = ''] = meta.slice(1).split(' ');
    const letter = status.charAt(0);
    const before = ZERO_SHA.test(oldSha) ? undefined : oldSha;
    if (letter === 'R' || letter === 'C') {
      const [from = '', to = ''] = paths;
      // A rename takes the source away; a copy leaves it as it was.
      if (letter === 'R' && TRACKED_PATHS.has(from)) changes.push({ path: from, status: letter, before });
      if (TRACKED_PATHS.has(to)) changes.push({ path: to, status: 'A', before: undefined });
    } else if (TRACKED_PATHS.has(paths[0] ?? '')) {
      changes.push({ path: paths[0], status: letter, before: letter === 'A' ? undefined : before });
    }
  }
  return changes;
}

/**
 * A copy of `text` that shares no memory with the string it was cut from. V8 keeps a substring as a view of
 * its parent; a commit's fields are cut from the record that holds its whole diff, and the report keeps
 * them for every commit: as views, every diff of the history would stay in memory.
 */
function detached(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

export function parseRecord(record: string): LoggedCommit {
  const fields = record.split('\0');
  const [sha = '', parents = '', authorName = '', authorEmail = '', committedAt = '', authoredAt = '', message = ''] = fields
    .slice(0, 7)
    .map(detached);
  const rest = fields.slice(7).join('\0');
  const diffAt = rest.startsWith('diff --git ') ? 0 : rest.indexOf('\ndiff --git ');
  const raw = diffAt < 0 ? rest : rest.slice(0, diffAt);
  const diff = diffAt < 0 ? '' : rest.slice(diffAt === 0 ? 0 : diffAt + 1);
  return {
    sha,
    parents: parents.split(' ').filter((p) => p !== ''),
    authorName,
    authorEmail,
    committedAt,
    authoredAt,
    message: message.replace(/\n+$/, ''),
    tracked: trackedChanges(raw),
    diff,
  };
}

/** Splits git's output into commit records as it arrives; a sentinel may straddle two chunks. */
export class RecordSplitter {
  private parts: string[] = [];
  private carry = '';

  push(chunk: string): string[] {
    const text = this.carry + chunk;
    const records: string[] = [];
    let from = 0;
    for (let at = text.indexOf(SENTINEL); at >= 0; at = text.indexOf(SENTINEL, from)) {
      this.parts.push(text.slice(from, at));
      const record = this.parts.join('');
      if (record !== '') records.push(record);
      this.parts = [];
      from = at + SENTINEL.length;
    }
    const keep = Math.min(SENTINEL.length - 1, text.length - from);
    this.parts.push(text.slice(from, text.length - keep));
    this.carry = text.slice(text.length - keep);
    return records;
  }

  end(): string | undefined {
    const record = this.parts.join('') + this.carry;
    this.parts = [];
    this.carry = '';
    return record === '' ? undefined : record;
  }
}

/** Streams the first-parent history of `tip` (newest first), stopping at the first commit older than `since`. */
export async function* readFirstParentLog(git: GitRunner, tip: string, since: Date | undefined): AsyncGenerator<LoggedCommit> {
  const splitter = new RecordSplitter();
  for await (const chunk of streamGit(git, logArguments(tip, since))) {
    for (const record of splitter.push(chunk)) yield parseRecord(record);
  }
  const last = splitter.end();
  if (last !== undefined) yield parseRecord(last);
}
