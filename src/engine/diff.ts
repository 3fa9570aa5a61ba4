/**
 * Unified diffs → the Change model's files and hunks. (Interface fixed; implementation pending.)
 */
import type { ChangedFile, Hunk } from './change.js';

/** Parses the `patch` of one file as GitHub's REST API gives it (hunks only, no file headers). */
export function parsePatch(patch: string): Hunk[] {
  void patch;
  throw new Error('parsePatch: not implemented');
}

/**
 * Parses the output of
 * `git -c core.quotepath=false diff --no-color --no-ext-diff --find-renames --find-copies --src-prefix=a/ --dst-prefix=b/ BASE HEAD`
 * into one ChangedFile per file (renames, copies, binary, deleted, new, mode-only, quoted paths).
 */
export function parseGitDiff(diff: string): ChangedFile[] {
  void diff;
  throw new Error('parseGitDiff: not implemented');
}
