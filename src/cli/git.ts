/**
 * Facts from a local repository: the CLI's only door to git. Every call is `git` run directly (no shell),
 * so refs and paths given on the command line are never interpreted by one.
 */
import { execFile } from 'node:child_process';
import type { Commit, Person } from '../engine/change.js';

/** Diffs of large changes are large; the whole diff is parsed in memory anyway. */
const MAX_OUTPUT_BYTES = 1024 * 1024 * 1024;

export class GitError extends Error {
  constructor(
    message: string,
    /** git's exit code; undefined when git could not be started at all. */
    readonly exitCode?: number,
  ) {
    super(message);
    this.name = 'GitError';
  }
}

export interface GitRunner {
  /** Runs git and returns stdout; fails with a GitError carrying git's first line of stderr. */
  run(args: readonly string[]): Promise<string>;
  /** The same, or undefined when git exits non-zero (a ref or a path that does not exist). */
  maybe(args: readonly string[]): Promise<string | undefined>;
}

export function gitIn(cwd: string, env: NodeJS.ProcessEnv = process.env): GitRunner {
  const run = (args: readonly string[]): Promise<string> =>
    new Promise((resolve, reject) => {
      execFile('git', args, { cwd, env, maxBuffer: MAX_OUTPUT_BYTES, encoding: 'utf8' }, (error, stdout, stderr) => {
        if (error === null) return resolve(stdout);
        const failure = error as NodeJS.ErrnoException & { code?: number | string };
        if (typeof failure.code === 'string') {
          const reason = failure.code === 'ENOENT' ? 'git is not installed or not on PATH' : failure.message;
          return reject(new GitError(reason));
        }
        const firstLine = stderr.split('\n').find((line) => line.trim() !== '')?.trim() ?? failure.message;
        reject(new GitError(firstLine.replace(/^(fatal|error): /, ''), typeof failure.code === 'number' ? failure.code : 1));
      });
    });
  return {
    run,
    async maybe(args) {
      try {
        return await run(args);
      } catch (error) {
        if (error instanceof GitError && error.exitCode !== undefined) return undefined;
        throw error;
      }
    },
  };
}

/** The top of the working tree, or undefined outside a repository. */
export async function repositoryRoot(git: GitRunner): Promise<string | undefined> {
  return (await git.maybe(['rev-parse', '--show-toplevel']))?.trim() || undefined;
}

/** The commit a ref names, or undefined when it names none. */
export async function resolveCommit(git: GitRunner, ref: string): Promise<string | undefined> {
  // `--end-of-options` keeps a ref that starts with "-" from being read as an option.
  const sha = await git.maybe(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  return sha?.trim() || undefined;
}

/** Where the default branch is looked for, in order. */
export const DEFAULT_BRANCH_CANDIDATES = ['origin/HEAD', 'main', 'master', 'origin/main', 'origin/master'];

/** The default branch: origin/HEAD when the clone knows it, else main, else master (local, then origin's). */
export async function defaultBranch(git: GitRunner): Promise<string | undefined> {
  const remoteHead = (await git.maybe(['symbolic-ref', '--quiet', '--short', 'refs/remotes/origin/HEAD']))?.trim();
  if (remoteHead) return remoteHead;
  for (const candidate of DEFAULT_BRANCH_CANDIDATES.slice(1)) {
    if ((await resolveCommit(git, candidate)) !== undefined) return candidate;
  }
  return undefined;
}

export async function mergeBase(git: GitRunner, a: string, b: string): Promise<string | undefined> {
  return (await git.maybe(['merge-base', a, b]))?.trim() || undefined;
}

export async function isShallow(git: GitRunner): Promise<boolean> {
  return (await git.maybe(['rev-parse', '--is-shallow-repository']))?.trim() === 'true';
}

/** The branch checked out, or undefined on a detached HEAD. */
export async function currentBranch(git: GitRunner): Promise<string | undefined> {
  return (await git.maybe(['symbolic-ref', '--quiet', '--short', 'HEAD']))?.trim() || undefined;
}

/** Whether `ref` is a branch name (local or remote-tracking), as opposed to a tag or a commit. */
export async function isBranch(git: GitRunner, ref: string): Promise<boolean> {
  const refs = await git.maybe(['for-each-ref', '--format=%(refname)', `refs/heads/${ref}`, `refs/remotes/${ref}`]);
  return (refs ?? '').trim() !== '';
}

/** A file's text at a commit, or undefined when the commit has no such file. */
export async function readFileAt(git: GitRunner, commit: string, path: string): Promise<string | undefined> {
  const listing = await git.run(['ls-tree', '--full-tree', '-z', commit, '--', path]);
  // `<mode> <type> <object>\t<path>`; only a blob is a file (a folder of that name is not).
  const [meta = ''] = listing.split('\t');
  const [, type, object] = meta.split(' ');
  if (type !== 'blob' || object === undefined) return undefined;
  return git.run(['cat-file', 'blob', object]);
}

/**
 * The unified diff the engine's parser reads (`parseGitDiff`), between two commits. The `-c` settings pin
 * what a user's git configuration could change: GitHub's three lines of context (the risky rule's `hunk`
 * evidence depends on them), unmerged nearby hunks, and one-line submodule entries.
 */
export function diffBetween(git: GitRunner, base: string, head: string): Promise<string> {
  return git.run([
    '-c', 'core.quotepath=false',
    '-c', 'diff.context=3',
    '-c', 'diff.interHunkContext=0',
    '-c', 'diff.submodule=short',
    'diff', '--no-color', '--no-ext-diff', '--find-renames', '--find-copies', '--src-prefix=a/', '--dst-prefix=b/',
    base, head,
  ]);
}

const FIELD = '\x1f';
const RECORD = '\x1e';

export interface LocalCommit extends Commit {
  authorName: string;
  authorEmail: string;
  subject: string;
}

/** The commits reachable from head and not from base, oldest first, with their parents and authors. */
export async function commitsBetween(git: GitRunner, base: string, head: string): Promise<LocalCommit[]> {
  const output = await git.run([
    'rev-list', '--reverse', '--parents', `--format=%an${FIELD}%ae${FIELD}%B${RECORD}`, `${base}..${head}`,
  ]);
  const commits: LocalCommit[] = [];
  for (const record of output.split(RECORD)) {
    const text = record.replace(/^\n+/, '');
    if (text === '') continue;
    const newline = text.indexOf('\n');
    // rev-list's own header line: `commit <sha> <parent>...`
    const [, sha = '', ...parents] = text.slice(0, newline).split(' ');
    const [authorName = '', authorEmail = '', message = ''] = text.slice(newline + 1).split(FIELD);
    const author = personOf(authorName, authorEmail);
    commits.push({
      sha,
      parents,
      message: message.replace(/\n+$/, ''),
      author,
      authorName,
      authorEmail,
      subject: message.split('\n')[0].trim(),
    });
  }
  return commits;
}

/**
 * The GitHub login behind a commit author when the e-mail says it (GitHub's no-reply addresses,
 * `12345+login@users.noreply.github.com`), else the author's name: git knows no logins.
 */
export function personOf(name: string, email: string): Person {
  const noreply = /^(?:\d+\+)?([^@+]+)@users\.noreply\.github\.com$/i.exec(email);
  const login = noreply?.[1] ?? (name || email);
  return { login, bot: /\[bot\]$/i.test(login) || /\[bot\]$/i.test(name) };
}
