/** A merge group's verdict as a check-run output: one row per pull request, with where its verdict came from. */
import { passes, type MergeGroupMember, type MergeGroupVerdict } from '../engine/audits/merge-group.js';
import type { CheckOutput } from './check-run.js';
import { escapeMarkdown, GITHUB_OUTPUT_LIMIT, truncateUtf8 } from './markdown.js';

const SOURCE_LABEL: Record<MergeGroupMember['source'], string> = {
  'check-run': 'its check run',
  're-evaluated': 're-evaluated now',
  'not-judged': 'not judged',
};

function row(member: MergeGroupMember): string {
  const status = passes(member) ? '✅' : member.conclusion === undefined ? '⚠️' : '❌';
  const verdict = escapeMarkdown(truncateUtf8(member.verdict, 300));
  const from = member.url === undefined ? SOURCE_LABEL[member.source] : `[${SOURCE_LABEL[member.source]}](${member.url})`;
  return `| #${member.number} ${escapeMarkdown(truncateUtf8(member.title, 120))} | ${status} ${member.conclusion ?? 'none'} | ${verdict} | ${from} at \`${member.headSha.slice(0, 7)}\` |`;
}

export function mergeGroupOutput(verdict: MergeGroupVerdict): CheckOutput {
  const lines = [
    'Each pull request in this merge group is judged as its own `monoenv` check judged it on its head commit; ' +
      'a pull request without a verdict there is evaluated now. The group fails when any of them fails or cannot be judged.',
    '',
  ];
  // The group's own pull requests stay links.
  if (verdict.note !== undefined)
    lines.push(`> ${escapeMarkdown(verdict.note, undefined, new Set(verdict.members.map((m) => m.number)))}`, '');
  if (verdict.members.length > 0) {
    lines.push('| Pull request | Conclusion | Verdict | From |', '| --- | --- | --- | --- |', ...verdict.members.map(row));
  }
  return {
    conclusion: verdict.conclusion,
    title: verdict.title,
    summary: truncateUtf8(lines.join('\n'), GITHUB_OUTPUT_LIMIT),
    annotations: [],
  };
}
