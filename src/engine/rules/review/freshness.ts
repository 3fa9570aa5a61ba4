/**
 * review.fresh by patch id: an approval given on an older head still covers the change when the change is the
 * same as the one approved (per-file patch ids), e.g. after a rebase; otherwise the files that changed since
 * it are named.
 */
import type { Change } from '../../change.js';
import { formatCount } from '../../conclusion.js';
import { changedSinceApproval } from '../../patch-id.js';

const MAX_FILES_NAMED = 5;

/**
 * The files whose patch changed between the approved change and the head's (approval freshness by patch id):
 * [] when the change is the same (a rebase or a merge of the base), undefined when the approved change was not
 * compared or the head's file list is incomplete.
 */
export function changedSince(commitId: string, change: Change): string[] | undefined {
  const approved = change.approvedChanges?.[commitId];
  if (approved === undefined || !change.filesComplete) return undefined;
  return changedSinceApproval(approved, change.files);
}

export function namedFiles(paths: readonly string[]): string {
  const shown = paths.slice(0, MAX_FILES_NAMED).join(', ');
  return paths.length > MAX_FILES_NAMED ? `${shown} and ${formatCount(paths.length - MAX_FILES_NAMED)} more` : shown;
}
