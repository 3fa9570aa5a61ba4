/**
 * Writes a stack of commits without touching the working tree, the index or any checked-out branch: each
 * commit's tree is the previous one with some paths set to their version at a head commit, built in a
 * temporary index of its own; the branches are created together or not at all.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gitIn, runGitWithInput, type GitRunner } from './runner.js';

export interface StackLayer {
  branch: string;
  message: string;
  /** Paths that take their version at the head: written when there, removed when not. */
  paths: readonly string[];
}

export interface WrittenLayer {
  branch: string;
  commit: string;
}

const NO_OBJECT = '0'.repeat(40);
/** Paths per `ls-tree`, well under any system's argument limit. */
const PATHS_PER_CALL = 500;

interface TreeEntry {
  mode: string;
  object: string;
}

/** The entries of `paths` in a commit's tree; a path that is no file there has none. */
async function entriesAt(git: GitRunner, commit: string, paths: readonly string[]): Promise<Map<string, TreeEntry>> {
  const entries = new Map<string, TreeEntry>();
  const wanted = new Set(paths);
  for (let i = 0; i < paths.length; i += PATHS_PER_CALL) {
    const listing = await git.run([
      '--literal-pathspecs',
      'ls-tree',
      '-r',
      '-z',
      '--full-tree',
      commit,
      '--',
      ...paths.slice(i, i + PATHS_PER_CALL),
    ]);
    for (const entry of listing.split('\0')) {
      const tab = entry.indexOf('\t');
      if (tab < 0) continue;
      const [mode = '', , object = ''] = entry.slice(0, tab).split(' ');
      const path = entry.slice(tab + 1);
      if (wanted.has(path)) entries.set(path, { mode, object });
    }
  }
  return entries;
}

/**
 * Commits each layer on the one before, starting on `start`; returns the commits in order. The caller compares
 * the last tree with the head's before creating any branch (`createBranches`).
 */
export async function writeStack(
  git: GitRunner,
  env: NodeJS.ProcessEnv,
  start: string,
  head: string,
  layers: readonly StackLayer[],
): Promise<WrittenLayer[]> {
  const folder = await mkdtemp(join(tmpdir(), 'monoenv-split-'));
  // A private index: the repository's own index (what the user staged) is never read or written.
  const indexed = gitIn(git.cwd, { env: { ...env, GIT_INDEX_FILE: join(folder, 'index') } });
  try {
    await indexed.run(['read-tree', start]);
    const written: WrittenLayer[] = [];
    let parent = start;
    for (const layer of layers) {
      const entries = await entriesAt(git, head, layer.paths);
      const info = layer.paths.map((path) => {
        const entry = entries.get(path);
        return entry === undefined ? `0 ${NO_OBJECT}\t${path}\0` : `${entry.mode} ${entry.object}\t${path}\0`;
      });
      await runGitWithInput(indexed, ['update-index', '-z', '--index-info'], info.join(''));
      const tree = (await indexed.run(['write-tree'])).trim();
      const commit = (await runGitWithInput(git, ['commit-tree', tree, '-p', parent, '-F', '-'], layer.message)).trim();
      written.push({ branch: layer.branch, commit });
      parent = commit;
    }
    return written;
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** Creates every branch in one transaction: all of them, or none when any already exists. */
export async function createBranches(git: GitRunner, layers: readonly WrittenLayer[], reason: string): Promise<void> {
  const commands = ['start', ...layers.map((l) => `create refs/heads/${l.branch} ${l.commit}`), 'prepare', 'commit', ''];
  await runGitWithInput(git, ['update-ref', '-m', reason, '--stdin'], commands.join('\n'));
}

/** The paths whose version differs between two commits (empty when their trees are the same). */
export async function differingPaths(git: GitRunner, a: string, b: string): Promise<string[]> {
  const output = await git.run(['diff', '--no-renames', '--name-only', '-z', a, b]);
  return output.split('\0').filter(Boolean);
}
