/** Reading how a first-parent commit reached the default branch from GitHub's merge and squash messages. */
import type { Arrival } from './model.js';

export interface Arrived {
  arrival: Arrival;
  pr?: number;
  /** The pull request's title when the message carries it (a merge commit's first body line). */
  title: string;
}

// GitHub's merge button: "Merge pull request #123 from owner/branch", the PR title on the first body line.
const MERGE_SUBJECT = /^Merge pull request #(\d+) from \S+/;
// GitHub's squash button (and most rebase-and-merge workflows that keep it): "Title (#123)".
const SQUASH_SUBJECT = /\(#(\d+)\)\s*$/;

export function readArrival(message: string): Arrived {
  const [subject = '', ...rest] = message.replace(/\r\n/g, '\n').split('\n');
  const merge = MERGE_SUBJECT.exec(subject);
  if (merge) {
    const title = rest.find((line) => line.trim() !== '')?.trim() ?? subject;
    return { arrival: 'merge', pr: Number(merge[1]), title };
  }
  const squash = SQUASH_SUBJECT.exec(subject);
  if (squash) return { arrival: 'squash', pr: Number(squash[1]), title: subject.trim() };
  return { arrival: 'direct', title: subject.trim() };
}

/** The commit `git revert` names in the message it writes ("This reverts commit <sha>."). */
export function revertedCommit(message: string): string | undefined {
  return /This reverts commit ([0-9a-f]{7,40})/i.exec(message)?.[1];
}

/** A hotfix, as teams name them in titles and branch names ("hotfix: …", "Merge … from acme/hotfix-login"). */
export function isHotfix(message: string): boolean {
  return /(^|[^a-z])hot[-_ ]?fix/i.test(message);
}
