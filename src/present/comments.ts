/**
 * Pull-request comments: the words monoenv posts on a pull request (Markdown), apart from the engine that
 * decides to post them.
 */
import type { Change } from '../engine/change.js';
import { MERGED_WITHOUT_REVIEW, REVIEW_DOCS_URL, type MergeVerdict } from '../engine/rules/review/index.js';

const mention = (login: string): string => `@${login}`;

/** A hidden marker in the comment, so the adapter can find the one it already posted. */
export const UNREVIEWED_MERGE_MARKER = '<!-- monoenv:unreviewed-merge -->';

/** The pull-request comment for an unreviewed merge (Markdown). */
export function unreviewedMergeComment(verdict: MergeVerdict, change: Change): string {
  const merger = change.merged?.by.login;
  // The verdict's message already names the merger, the approvals counted and, one per line, why others did not count.
  const what =
    (verdict.verdict === 'unreviewed' ? verdict.message : undefined) ??
    (merger === undefined
      ? 'This pull request was merged without the approvals it needed.'
      : `${mention(merger)} merged this pull request without the approvals it needed.`);
  return [
    UNREVIEWED_MERGE_MARKER,
    `### ${MERGED_WITHOUT_REVIEW}`,
    '',
    what,
    '',
    '**What to do:** ask a teammate for a follow-up review of the merged change (comment here or approve the ' +
      'pull request), and fix forward if it finds anything. Next time, wait for an approval on the latest commit before merging.',
    '',
    `<sub>Posted by monoenv · [Why reviews are required](${REVIEW_DOCS_URL})</sub>`,
  ].join('\n');
}
