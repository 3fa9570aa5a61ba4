/**
 * Per-file patch ids, after `git patch-id`: what a file's change is, with line numbers and whitespace left
 * out, so a change rebased onto a moved base keeps its id and any real edit changes it. Context lines are left
 * out too: base movement next to a hunk does not change what was approved.
 */
import type { ChangedFile } from './change.js';

/**
 * The file's patch id: its changed lines, whitespace removed, in order (kept as text: compared, never stored).
 * Undefined when its patch is not known (GitHub leaves out the patches of large files).
 */
export function patchId(file: ChangedFile): string | undefined {
  if (file.patchMissing || file.binary) return undefined;
  const parts = [`${file.status === 'removed' ? 'removed' : 'present'} ${file.previousPath ?? ''}`];
  for (const hunk of file.hunks) {
    for (const line of hunk.lines) {
      if (line.type !== 'context') parts.push(`${line.type === 'add' ? '+' : '-'}${line.content.replace(/\s+/g, '')}`);
    }
  }
  return parts.join('\n');
}

/**
 * The paths whose change differs between what was approved and what is there now: a different patch id, a
 * file only one side changes, or a patch that is not known on either side.
 */
export function changedSinceApproval(approved: readonly ChangedFile[], current: readonly ChangedFile[]): string[] {
  const before = new Map(approved.map((f) => [f.path, f]));
  const changed: string[] = [];
  for (const file of current) {
    const then = before.get(file.path);
    before.delete(file.path);
    const id = patchId(file);
    if (then === undefined || id === undefined || patchId(then) !== id) changed.push(file.path);
  }
  // Files the approved change touched that the pull request no longer does.
  changed.push(...before.keys());
  return changed.sort();
}
