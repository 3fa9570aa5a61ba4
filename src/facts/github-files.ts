/**
 * GitHub's shape of a changed file (an entry of "list pull request files" or "compare") as the Change model's
 * file: the one door from GitHub's file lists into the engine, for the App and `monoenv report --org`.
 */
import type { ChangedFile, FileStatus } from '../engine/change.js';
import { parsePatch } from '../engine/diff.js';

/** One entry of GitHub's "list pull request files" / "compare" response, as far as the engine needs it. */
export interface GitHubFileEntry {
  filename: string;
  previous_filename?: string;
  /** A FileStatus, or a status GitHub adds later (read as 'modified'). */
  status: string;
  additions: number;
  deletions: number;
  patch?: string | null;
}

const GITHUB_STATUSES = new Set<string>(['added', 'removed', 'modified', 'renamed', 'copied', 'changed', 'unchanged']);

/**
 * A ChangedFile from a GitHub file entry. GitHub omits `patch` for binary files and for diffs it finds too
 * large; when lines changed but no patch came, the file is marked `patchMissing` so line rules say they
 * could not look inside instead of passing silently. The counts are GitHub's, which stay right either way.
 */
export function changedFileFromGitHub(entry: GitHubFileEntry): ChangedFile {
  const patch = typeof entry.patch === 'string' ? entry.patch : '';
  const additions = Number.isSafeInteger(entry.additions) ? entry.additions : 0;
  const deletions = Number.isSafeInteger(entry.deletions) ? entry.deletions : 0;
  const file: ChangedFile = {
    path: entry.filename,
    status: GITHUB_STATUSES.has(entry.status) ? (entry.status as FileStatus) : 'modified',
    additions,
    deletions,
    binary: false,
    patchMissing: patch.length === 0 && additions + deletions > 0,
    hunks: parsePatch(patch),
  };
  if (entry.previous_filename !== undefined && entry.previous_filename !== entry.filename) file.previousPath = entry.previous_filename;
  return file;
}
