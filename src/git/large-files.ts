/**
 * Files too large to diff as text. The CLI diffs with `--text` so that a change's own `.gitattributes`
 * cannot hide its lines, but a large binary diffed as text becomes hundreds of megabytes of output held in
 * memory. Blob sizes are read first (`git diff --raw`, then one `git cat-file --batch-check`); files with
 * a side larger than the bound are left out of the text diff and described from `git diff --numstat`
 * instead: counts where git sees text, and no lines, so the rules that read lines report them as not
 * inspected rather than as passing.
 */
import type { ChangedFile, FileStatus } from '../engine/change.js';
import { runGitWithInput, type GitRunner } from './runner.js';
import { MAX_TEXT_BYTES } from './texts.js';

export interface LargeFile {
  path: string;
  previousPath?: string;
  status: FileStatus;
  oldMode: string;
  newMode: string;
  /** The larger side's size in bytes. */
  bytes: number;
}

const NO_BLOB = /^0+$/;

const STATUS: Record<string, FileStatus> = { A: 'added', D: 'removed', M: 'modified', R: 'renamed', C: 'copied', T: 'changed' };

/** The changed files with a side larger than `maxBytes`, read from blob sizes alone: nothing is diffed. */
export async function largeFilesBetween(git: GitRunner, base: string, head: string, maxBytes = MAX_TEXT_BYTES): Promise<LargeFile[]> {
  const raw = await git.run(['diff', '--raw', '-z', '--no-abbrev', '--find-renames', '--find-copies', base, head]);
  const entries: { oldMode: string; newMode: string; blobs: string[]; status: FileStatus; path: string; previousPath?: string }[] = [];
  const fields = raw.split('\0');
  for (let i = 0; i < fields.length; i++) {
    const header = fields[i];
    if (!header.startsWith(':')) continue;
    const [oldMode = '', newMode = '', oldBlob = '', newBlob = '', code = ''] = header.slice(1).split(' ');
    const status = STATUS[code[0] ?? ''] ?? 'modified';
    const twoPaths = code.startsWith('R') || code.startsWith('C');
    const first = fields[++i] ?? '';
    const second = twoPaths ? (fields[++i] ?? '') : undefined;
    // Submodules (mode 160000) name commits, not blobs.
    const blobs = [oldMode, newMode].some((m) => m === '160000') ? [] : [oldBlob, newBlob].filter((b) => !NO_BLOB.test(b));
    entries.push(
      second === undefined
        ? { oldMode, newMode, blobs, status, path: first }
        : { oldMode, newMode, blobs, status, path: second, previousPath: first },
    );
  }
  const shas = [...new Set(entries.flatMap((e) => e.blobs))];
  if (shas.length === 0) return [];
  const sizes = new Map<string, number>();
  const checked = await runGitWithInput(git, ['cat-file', '--batch-check=%(objectname) %(objectsize)'], `${shas.join('\n')}\n`);
  for (const line of checked.split('\n')) {
    const [sha = '', size = ''] = line.split(' ');
    if (/^\d+$/.test(size)) sizes.set(sha, Number(size));
  }
  const large: LargeFile[] = [];
  for (const { blobs, ...entry } of entries) {
    const bytes = Math.max(0, ...blobs.map((b) => sizes.get(b) ?? 0));
    if (bytes > maxBytes) large.push({ ...entry, bytes });
  }
  return large;
}

/** Pathspecs that name each path literally, from the top of the repository whatever git's folder. */
export function literalPaths(files: readonly LargeFile[], magic: 'exclude' | 'include'): string[] {
  const paths = [...new Set(files.flatMap((f) => (f.previousPath === undefined ? [f.path] : [f.previousPath, f.path])))];
  return paths.map((p) => `:(top,literal${magic === 'exclude' ? ',exclude' : ''})${p}`);
}

/**
 * The large files as the engine sees a file without a patch: GitHub's own shape for a file too large to
 * show. Line counts come from `git diff --numstat` (git diffs them itself, without holding them in this
 * process); a file git calls binary (`-` counts) is binary.
 */
export async function largeFileChanges(git: GitRunner, base: string, head: string, files: readonly LargeFile[]): Promise<ChangedFile[]> {
  if (files.length === 0) return [];
  const numstat = await git.run([
    'diff',
    '--numstat',
    '-z',
    '--no-textconv',
    '--no-ext-diff',
    '--find-renames',
    base,
    head,
    '--',
    ...literalPaths(files, 'include'),
  ]);
  const counts = new Map<string, { additions: number; deletions: number } | 'binary'>();
  const fields = numstat.split('\0');
  for (let i = 0; i < fields.length; i++) {
    const [added = '', deleted = '', path = ''] = fields[i].split('\t');
    if (added === '' && deleted === '') continue;
    // A rename is `added\tdeleted\t` followed by the old and the new path as two fields.
    const newPath = path === '' ? ((i += 2), fields[i] ?? '') : path;
    counts.set(newPath, added === '-' ? 'binary' : { additions: Number(added), deletions: Number(deleted) });
  }
  return files.map((file) => {
    const count = counts.get(file.path) ?? 'binary';
    const binary = count === 'binary';
    return {
      path: file.path,
      ...(file.previousPath === undefined ? {} : { previousPath: file.previousPath }),
      status: file.status,
      additions: binary ? 0 : count.additions,
      deletions: binary ? 0 : count.deletions,
      binary,
      patchMissing: !binary,
      hunks: [],
      ...(file.oldMode === '000000' ? {} : { oldMode: file.oldMode }),
      ...(file.newMode === '000000' ? {} : { newMode: file.newMode }),
      text: { unreadable: `it is larger than ${MAX_TEXT_BYTES / 1_000_000} MB` },
    };
  });
}
