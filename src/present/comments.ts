/**
 * Pull-request comments: the words monoenv posts on a pull request (Markdown), apart from the engine that
 * decides to post them.
 */
import type { Change } from '../engine/change.js';
import { MERGED_WITHOUT_REVIEW, REVIEW_DOCS_URL, type MergeVerdict } from '../engine/rules/review/index.js';
import { escapeMarkdown } from './markdown.js';

const mention = (login: string): string => `@${login}`;

/** A GitHub login (letters, digits, hyphens; a bot's `[bot]`), as only GitHub hands out. */
const GITHUB_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]*)(?:\[bot\])?$/;

/** A hidden marker in the comment, so the adapter can find the one it already posted. */
export const UNREVIEWED_MERGE_MARKER = '<!-- monoenv:unreviewed-merge -->';

/** The pull-request comment for an unreviewed merge (Markdown). */
export function unreviewedMergeComment(verdict: MergeVerdict, change: Change): string {
  const merger = change.merged?.by.login;
  // Only the people monoenv names on purpose are mentioned; everything else (commit subjects above all) is
  // escaped so it links, shows and pings nothing.
  const named = [merger, change.author.login, ...(change.reviews ?? []).map((r) => r.reviewer.login)];
  const mentions = new Set(named.filter((login): login is string => login !== undefined && GITHUB_LOGIN.test(login)));
  // The comment's own pull request stays a link (a reference to itself notifies no other issue).
  const references = new Set(change.number === undefined ? [] : [change.number]);
  // The verdict's message already names the merger, the approvals counted and, one per line, why others did not count.
  const what =
    (verdict.verdict === 'unreviewed' ? escapeLines(verdict.message, mentions, references) : undefined) ??
    (merger === undefined || !mentions.has(merger)
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

/** Each line escaped on its own, so the finding's list of reasons stays a list. */
function escapeLines(text: string, mentions: ReadonlySet<string>, references: ReadonlySet<number>): string {
  return text
    .split(/\r\n?|\n/)
    .map((line) => {
      const item = /^- /.test(line);
      return `${item ? '- ' : ''}${escapeMarkdown(item ? line.slice(2) : line, mentions, references)}`;
    })
    .join('\n');
}
