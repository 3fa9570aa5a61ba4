/**
 * A change between two commits, as git tells it: the unified diff the engine's parser reads and the commits
 * with their authors. Git knows names and e-mails, not GitHub logins: `personFromAuthor` reads one.
 */
import type { Commit, Person } from '../engine/change.js';
import type { GitRunner } from './runner.js';

/**
 * The unified diff the engine's parser reads (`parseGitDiff`), between two commits. The `-c` settings pin
 * what a user's git configuration could change: GitHub's three lines of context (the risky rule's `hunk`
 * evidence depends on them), unmerged nearby hunks, and one-line submodule entries.
 *
 * git reads `diff` attributes from the working tree, which is the change being judged: a branch adding
 * `src/billing/** -diff` (or a textconv or external driver) would hide its own lines. `--text`,
 * `--no-textconv` and `--no-ext-diff` take those attributes out of the diff (git 2.39 has no
 * `--attr-source` to read them from the base); the parser tells binary content by its NUL bytes instead.
 * `exclude` names pathspecs left out (files too large to diff as text: `large-files.ts`).
 */
export function diffBetween(git: GitRunner, base: string, head: string, exclude: readonly string[] = []): Promise<string> {
  return git.run([
    '-c',
    'core.quotepath=false',
    '-c',
    'diff.context=3',
    '-c',
    'diff.interHunkContext=0',
    '-c',
    'diff.submodule=short',
    'diff',
    '--no-color',
    '--text',
    '--no-textconv',
    '--no-ext-diff',
    '--find-renames',
    '--find-copies',
    '--src-prefix=a/',
    '--dst-prefix=b/',
    base,
    head,
    ...(exclude.length === 0 ? [] : ['--', ':(top)', ...exclude]),
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
  const output = await git.run(['rev-list', '--reverse', '--parents', `--format=%an${FIELD}%ae${FIELD}%B${RECORD}`, `${base}..${head}`]);
  const commits: LocalCommit[] = [];
  for (const record of output.split(RECORD)) {
    const text = record.replace(/^\n+/, '');
    if (text === '') continue;
    const newline = text.indexOf('\n');
    // rev-list's own header line: `commit <sha> <parent>...`
    const [, sha = '', ...parents] = text.slice(0, newline).split(' ');
    const [authorName = '', authorEmail = '', message = ''] = text.slice(newline + 1).split(FIELD);
    const author = personFromAuthor(authorName, authorEmail);
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
export function personFromAuthor(name: string, email: string): Person {
  const noreply = /^(?:\d+\+)?([^@+]+)@users\.noreply\.github\.com$/i.exec(email);
  const login = noreply?.[1] ?? (name || email);
  return { login, bot: /\[bot\]$/i.test(login) || /\[bot\]$/i.test(name) };
}
