/**
 * The review audits after the fact, as pure functions returning a typed verdict beside the report to
 * publish: `auditMerge` (did the merged pull request have its approvals?) and `auditPush` (which commits
 * reached the default branch without a merged pull request?). Adapters act on the verdict, never on text.
 */
import type { Change, Commit, Push } from '../../change.js';
import type { Finding, Report, RuleSummary, SizeFacts } from '../../report.js';
import type { MonoenvConfig } from '../../../config/schema.js';
import { conclude, formatCount, plural } from '../../conclusion.js';
import { approvalsMet, approvalState, approversOf, describeWithOwners, ownersApproved, type ApprovalState } from './approvals.js';
import { describeOwners } from './owners.js';
import { byExemptBot, changeRequirement, describeExemption, listedExempt, mention, shortSha, subjectOf, type Exemption } from './policy.js';

export const MERGED_WITHOUT_REVIEW = 'Merged without review';
export const PUSHED_WITHOUT_REVIEW = 'Pushed without review';

export type MergeVerdict =
  | { verdict: 'off' }
  | { verdict: 'exempt'; exemption: Exemption }
  | { verdict: 'reviewed'; approvals: ApprovalState }
  /** `message` names the merger, the approvals counted and, one per line, why the others did not count. */
  | { verdict: 'unreviewed'; approvals: ApprovalState; message: string };

export type PushVerdict =
  { verdict: 'off' } | { verdict: 'exempt'; exemption: Exemption } | { verdict: 'reviewed' } | { verdict: 'unreviewed'; commits: Commit[] };

export interface MergeAudit {
  verdict: MergeVerdict;
  report: Report;
}

export interface PushAudit {
  verdict: PushVerdict;
  report: Report;
}

/** Size facts for the audits, which are not about size. */
const noSize = (): SizeFacts => ({
  class: 'XS',
  lines: 0,
  files: 0,
  excludedLines: 0,
  excludedFiles: 0,
  excluded: [],
  parts: [],
  fromTotals: false,
});

function auditReport(audit: 'merge' | 'push', config: MonoenvConfig, title: string, findings: Finding[], summary: RuleSummary): Report {
  return {
    conclusion: conclude(findings, config.mode),
    title,
    findings,
    rules: [summary],
    size: noSize(),
    overrides: [],
    mode: config.mode,
    draft: false,
    kind: { kind: 'feature', source: audit, signals: [] },
    audit,
  };
}

const offSummary: RuleSummary = { rule: 'review', status: 'off', summary: 'Off (review.level: off).' };

/** The unreviewed-merge audit of a merged pull request. */
export function auditMerge(change: Change, config: MonoenvConfig): MergeAudit {
  const requirement = changeRequirement(change, config);
  if (!requirement.required && requirement.off) {
    return { verdict: { verdict: 'off' }, report: auditReport('merge', config, 'Review audit off', [], offSummary) };
  }
  if (!requirement.required) {
    const why = describeExemption(requirement.exemption);
    const report = auditReport('merge', config, `Review not required: ${why}`, [], {
      rule: 'review',
      status: 'pass',
      summary: `Not required: ${why}.`,
    });
    return { verdict: { verdict: 'exempt', exemption: requirement.exemption }, report };
  }
  const refused = requirement.refused === undefined ? '' : ` Not exempt: ${requirement.refused}.`;
  const approvals = approvalState(change, config);
  const described = describeWithOwners(approvals, change);
  if (approvalsMet(approvals)) {
    const title =
      approvals.approvedBy.length > 0
        ? `Reviewed: approved by ${approversOf(approvals)}`
        : 'Reviewed: no approvals required (review.approvals: 0)';
    const report = auditReport('merge', config, title, [], { rule: 'review', status: 'pass', summary: `${described}.${refused}` });
    return { verdict: { verdict: 'reviewed', approvals }, report };
  }
  const level = requirement.level;
  const merger = change.merged?.by.login;
  const who = merger === undefined ? 'Merged' : `${mention(merger)} merged`;
  const what = change.number === undefined ? 'this pull request' : `#${change.number}`;
  const by = approvals.approvedBy.length > 0 ? ` (by ${approversOf(approvals)})` : '';
  const lines = [`${who} ${what} with ${approvals.approvedBy.length} of ${plural(approvals.required, 'valid approval')}${by}.`];
  if (change.reviews === undefined) lines.push('No reviews were available to the audit.');
  else if (approvals.notCounted.length === 0 && approvals.approvedBy.length === 0) lines.push('No one approved it.');
  for (const verdict of approvals.notCounted) lines.push(`- ${mention(verdict.login)} ${verdict.detail}`);
  const owners = describeOwners(approvals.owners, change);
  if (owners !== undefined && !ownersApproved(approvals)) lines.push(owners);
  if (requirement.refused !== undefined) lines.push(`Not exempt: ${requirement.refused}.`);
  const message = lines.join('\n');
  const advice = 'Ask a teammate to review the merged change after the fact, and fix forward if needed.';
  const finding: Finding = { rule: 'review', level, title: MERGED_WITHOUT_REVIEW, message, suggestion: advice };
  const report = auditReport('merge', config, MERGED_WITHOUT_REVIEW, [finding], {
    rule: 'review',
    status: level,
    summary: `${described}.${refused}`,
    advice,
    headline: MERGED_WITHOUT_REVIEW,
  });
  return { verdict: { verdict: 'unreviewed', approvals, message }, report };
}

/** What the merge audit reads beyond the payload. */
export interface MergeAuditNeeds {
  reviews: boolean;
  commits: boolean;
  /** The changed files and the base's CODEOWNERS, when review.codeowners is on and review is required. */
  codeowners: boolean;
}

/**
 * What the merge audit must read beyond the payload: the commits when the opener is exempt (every commit must
 * be an exempt bot's), the reviews unless no review is required, and with them the files and CODEOWNERS when
 * review.codeowners is on.
 */
export function mergeAuditNeeds(change: Change, config: MonoenvConfig): MergeAuditNeeds {
  const none = { reviews: false, commits: false, codeowners: false };
  if (config.review.level === 'off' || listedExempt(change.merged?.by.login, config)) return none;
  if (listedExempt(change.author.login, config) && change.commits === undefined) return { ...none, commits: true };
  const reviews = changeRequirement(change, config).required;
  return { ...none, reviews, codeowners: reviews && config.review.codeowners !== 'off' };
}

/** The commits of the push whose pull requests must be looked up: none when no review is required of it, nor of an exempt bot's commit. */
export function pushAuditLookups(push: Push, config: MonoenvConfig): Commit[] {
  if (config.review.level === 'off' || listedExempt(push.pusher.login, config)) return [];
  return push.commits.filter((commit) => !byExemptBot(commit, config));
}

interface PushCommits {
  unreviewed: Commit[];
  unknown: number;
  /** Commits skipped because their GitHub author is an exempt bot, by login. */
  exempt: Map<string, number>;
}

/**
 * Commits of the push that no merged pull request brought in: a commit counts as reviewed when it belongs
 * to a merged PR, or when a merge commit of such a PR brought it in (its non-first-parent history within
 * the push).
 */
function unreviewedCommits(push: Push, config: MonoenvConfig): PushCommits {
  const bySha = new Map(push.commits.map((c) => [c.sha, c]));
  const covered = new Set<string>();
  const cover = (sha: string): void => {
    const stack = [sha];
    while (stack.length > 0) {
      const next = bySha.get(stack.pop()!);
      if (next === undefined || covered.has(next.sha)) continue;
      covered.add(next.sha);
      stack.push(...next.parents);
    }
  };
  for (const commit of push.commits) {
    if (commit.pullRequests !== undefined && commit.pullRequests.length > 0) {
      covered.add(commit.sha);
      commit.parents.slice(1).forEach(cover);
    }
  }
  let unknown = 0;
  const exempt = new Map<string, number>();
  const unreviewed: Commit[] = [];
  for (const commit of push.commits) {
    if (covered.has(commit.sha)) continue;
    // A local merge of branches whose commits all came from merged PRs adds no unreviewed work of its own.
    if (commit.parents.length >= 2 && commit.parents.slice(1).every((p) => covered.has(p)) && commit.mergeContent?.clean !== false)
      continue;
    if (byExemptBot(commit, config)) exempt.set(commit.author!.login, (exempt.get(commit.author!.login) ?? 0) + 1);
    else if (commit.pullRequests === undefined) unknown++;
    else unreviewed.push(commit);
  }
  return { unreviewed, unknown, exempt };
}

const authorOf = (commit: Commit): string =>
  commit.author === undefined ? 'an author GitHub linked to no account' : mention(commit.author.login);

/** The pushed-without-review audit of a push to the default branch. */
export function auditPush(push: Push, config: MonoenvConfig): PushAudit {
  const level = config.review.level;
  const branch = push.ref.replace(/^refs\/heads\//, '');
  if (level === 'off') return { verdict: { verdict: 'off' }, report: auditReport('push', config, 'Review audit off', [], offSummary) };
  const omitted =
    push.omitted !== undefined && push.omitted > 0
      ? ` Only the newest ${push.commits.length} of ${push.commits.length + push.omitted} commits were looked up.`
      : '';
  if (listedExempt(push.pusher.login, config)) {
    const exemption: Exemption = { by: 'pusher', login: push.pusher.login };
    const why = describeExemption(exemption);
    const report = auditReport('push', config, `Review not required: ${why}`, [], {
      rule: 'review',
      status: 'pass',
      summary: `Not required: ${why}.`,
    });
    return { verdict: { verdict: 'exempt', exemption }, report };
  }
  const { unreviewed, unknown, exempt } = unreviewedCommits(push, config);
  const notes: string[] = [];
  const skipped = [...exempt.values()].reduce((n, c) => n + c, 0);
  if (skipped > 0) {
    notes.push(
      `${plural(skipped, 'commit')} authored by exempt bots skipped (${[...exempt.keys()].map(mention).join(', ')}, as GitHub linked them)`,
    );
  }
  if (unknown > 0) notes.push(`${plural(unknown, 'commit')} not matched to pull requests (not judged)`);
  const tail = notes.length > 0 ? ` (${notes.join('; ')})` : '';
  if (unreviewed.length === 0) {
    const judged = push.commits.length - unknown - skipped;
    const report = auditReport('push', config, `No unreviewed commits on ${branch}`, [], {
      rule: 'review',
      status: 'pass',
      summary: `${plural(judged, 'commit')} pushed to ${branch} came from merged pull requests${tail}.${omitted}`,
    });
    return { verdict: { verdict: 'reviewed' }, report };
  }
  const advice = `Open a pull request for these changes and ask for a review; protect ${branch} so changes go through pull requests.`;
  const beyond = (commit: Commit): string =>
    commit.mergeContent?.clean === false && commit.mergeContent.detail !== undefined ? ` (${commit.mergeContent.detail})` : '';
  const findings: Finding[] = unreviewed.map((commit) => ({
    rule: 'review',
    level,
    title: `${PUSHED_WITHOUT_REVIEW}: ${shortSha(commit.sha)}`,
    message: `${shortSha(commit.sha)} "${subjectOf(commit)}" by ${authorOf(commit)} was pushed to ${branch} by ${mention(push.pusher.login)} without a pull request${beyond(commit)}.`,
    suggestion: advice,
  }));
  // The row stays one readable sentence; every commit is still listed as its own finding.
  const shown = unreviewed.slice(0, 5).map((c) => `${shortSha(c.sha)} "${subjectOf(c)}" by ${authorOf(c)}`);
  const list = unreviewed.length > shown.length ? [...shown, `and ${formatCount(unreviewed.length - shown.length)} more`] : shown;
  const report = auditReport('push', config, PUSHED_WITHOUT_REVIEW, findings, {
    rule: 'review',
    status: level,
    summary: `${plural(unreviewed.length, 'commit')} pushed to ${branch} without a pull request: ${list.join(', ')}${tail}.${omitted}`,
    advice,
    headline: PUSHED_WITHOUT_REVIEW,
  });
  return { verdict: { verdict: 'unreviewed', commits: unreviewed }, report };
}
