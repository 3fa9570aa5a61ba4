/** Questions about a local repository that more than one command asks, each answered by git itself. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { GitRunner } from './runner.js';

/** The top of the working tree, or undefined outside a repository. */
export async function repositoryRoot(git: GitRunner): Promise<string | undefined> {
  return (await git.maybe(['rev-parse', '--show-toplevel']))?.trim() || undefined;
}

/** The repository's git directory as an absolute path, or undefined outside a repository. */
export async function gitDirectory(git: GitRunner): Promise<string | undefined> {
  return (await git.maybe(['rev-parse', '--absolute-git-dir']))?.trim() || undefined;
}

/** The commit a ref names, or undefined when it names none. */
export async function resolveCommit(git: GitRunner, ref: string): Promise<string | undefined> {
  // `--end-of-options` keeps a ref that starts with "-" from being read as an option.
  const sha = await git.maybe(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  return sha?.trim() || undefined;
}

/** The names a default branch usually has, after the one `init.defaultBranch` sets. */
export const DEFAULT_BRANCH_NAMES = ['main', 'master', 'trunk'];

/**
 * The default branch: origin/HEAD when the clone knows it, else `init.defaultBranch`, main, master or trunk,
 * each the local branch first, then origin's. Answered by its short name (`main`, `origin/main`).
 */
export async function defaultBranch(git: GitRunner): Promise<string | undefined> {
  const configured = (await git.maybe(['config', '--get', 'init.defaultBranch']))?.trim();
  const names = [...new Set([configured, ...DEFAULT_BRANCH_NAMES].filter((b): b is string => !!b))];
  return defaultBranchAmong(
    git,
    names.flatMap((b) => [`refs/heads/${b}`, `refs/remotes/origin/${b}`]),
  );
}

/**
 * origin/HEAD when the clone knows it, else the first of `candidates` that names a commit. A candidate given
 * as a full ref (`refs/remotes/origin/main`) is matched exactly and answered by its short name (`origin/main`).
 */
export async function defaultBranchAmong(git: GitRunner, candidates: readonly string[]): Promise<string | undefined> {
  const remoteHead = (await git.maybe(['symbolic-ref', '--quiet', '--short', 'refs/remotes/origin/HEAD']))?.trim();
  if (remoteHead) return remoteHead;
  for (const candidate of candidates) {
    if ((await resolveCommit(git, candidate)) !== undefined) return candidate.replace(/^refs\/(heads|remotes)\//, '');
  }
  return undefined;
}

export async function mergeBase(git: GitRunner, a: string, b: string): Promise<string | undefined> {
  return (await git.maybe(['merge-base', a, b]))?.trim() || undefined;
}

export async function isShallow(git: GitRunner): Promise<boolean> {
  return (await git.maybe(['rev-parse', '--is-shallow-repository']))?.trim() === 'true';
}

/** The commits a shallow clone was cut at (their parents are missing); empty for a full clone. */
export async function shallowBoundary(gitDir: string): Promise<Set<string>> {
  try {
    return new Set((await readFile(path.join(gitDir, 'shallow'), 'utf8')).split('\n').filter(Boolean));
  } catch {
    return new Set();
  }
}

/** The branch checked out, or undefined on a detached HEAD. */
export async function currentBranch(git: GitRunner): Promise<string | undefined> {
  return (await git.maybe(['symbolic-ref', '--quiet', '--short', 'HEAD']))?.trim() || undefined;
}

/**
 * The blob each of `paths` (from the top of the tree) names at a commit. A path that is no file there,
 * absent or a folder, has no entry.
 */
export async function blobsAt(git: GitRunner, commit: string, paths: readonly string[]): Promise<Map<string, string>> {
  const listing = await git.run(['ls-tree', '--full-tree', '-z', commit, '--', ...paths]);
  const blobs = new Map<string, string>();
  // `<mode> <type> <object>\t<path>`, NUL-terminated.
  for (const entry of listing.split('\0')) {
    const tab = entry.indexOf('\t');
    const [, type, object] = entry.slice(0, tab).split(' ');
    const file = entry.slice(tab + 1);
    if (tab >= 0 && type === 'blob' && object !== undefined && paths.includes(file)) blobs.set(file, object);
  }
  return blobs;
}

/**
 * A file's text at a commit when it is at most `maxBytes` long, else its size alone (the blob is not read);
 * undefined when the commit has no such file.
 */
export async function readSmallFileAt(
  git: GitRunner,
  commit: string,
  file: string,
  maxBytes: number,
): Promise<{ text: string } | { tooLarge: number } | undefined> {
  const object = (await blobsAt(git, commit, [file])).get(file);
  if (object === undefined) return undefined;
  const bytes = Number((await git.run(['cat-file', '-s', object])).trim());
  if (bytes > maxBytes) return { tooLarge: bytes };
  return { text: await git.run(['cat-file', 'blob', object]) };
}

/** A file's text at a commit, or undefined when the commit has no such file. */
export async function readFileAt(git: GitRunner, commit: string, file: string): Promise<string | undefined> {
  const object = (await blobsAt(git, commit, [file])).get(file);
  return object === undefined ? undefined : git.run(['cat-file', 'blob', object]);
}
