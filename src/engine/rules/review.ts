/**
 * review: unreviewed merges. Before merge the rule reports the approval state; after merge `auditMerge`
 * says whether the pull request had its approvals, and `auditPush` finds commits that reached the default
 * branch without any pull request.
 */
import type { FactNeeds, Rule, RuleContext, RuleOutcome } from './rule.js';
import type { Change, Commit, Person, Push, Review } from '../change.js';
import type { Finding, Report, RuleSummary, SizeFacts } from '../report.js';
import type { MonoenvConfig } from '../../config/schema.js';
import { conclude, formatCount, plural } from '../conclusion.js';

export const REVIEW_DOCS_URL = 'https://github.com/monoenv/monoenv/blob/main/docs/rules.md#review';

/** Why a reviewer's latest review does not count as a valid approval. */
export type NotCountedReason = 'stale' | 'self-approval' | 'bot' | 'changes-requested' | 'dismissed';

export interface ReviewerVerdict {
  login: string;
  reason: NotCountedReason;
  /** One short clause saying why, e.g. "approved 1a2b3c4, then 2 commits were pushed". */
  detail: string;
}

export interface ApprovalState {
  /** Reviewers whose approval counts, in the order they first reviewed. */
  approvedBy: string[];
  /** Reviewers who reviewed but whose latest review is no valid approval. */
  notCounted: ReviewerVerdict[];
  required: number;
  /** An approval was judged stale from the head alone, without the PR's commit list. */
  commitsUnknown: boolean;
}

const shortSha = (sha: string): string => sha.slice(0, 7);
const mention = (login: string): string => `@${login}`;
const sameLogin = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

export function isBot(person: Person): boolean {
  return person.bot || /\[bot\]$/i.test(person.login);
}

function isExempt(login: string | undefined, config: MonoenvConfig): boolean {
  return login !== undefined && config.review.exempt_authors.some((exempt) => sameLogin(exempt, login));
}

const subjectOf = (commit: Commit): string => commit.message.split('\n', 1)[0]!.trim();

/**
 * Whether an approval given on `commitId` still covers what was merged: it was given on the head, or
 * every later commit is a merge whose other parents are not the PR's own commits (a merge of the base
 * branch brings in code that was reviewed elsewhere).
 */
function staleness(commitId: string | null, change: Change): string | undefined {
  const head = change.head.sha;
  if (commitId === null) return 'approved a commit that is no longer in the pull request';
  if (commitId === head) return undefined;
  const commits = change.commits;
  if (commits === undefined) {
    return `approved ${shortSha(commitId)}, not the merged head ${shortSha(head)} (the commit list was not available to check whether only base-branch merges came after)`;
  }
  const at = commits.findIndex((c) => c.sha === commitId);
  if (at < 0) return `approved ${shortSha(commitId)}, which is no longer in the pull request`;
  const own = new Set(commits.map((c) => c.sha));
  const later = commits.slice(at + 1);
  const unreviewed = later.filter((c) => c.parents.length < 2 || c.parents.slice(1).some((p) => own.has(p)));
  if (unreviewed.length === 0) return undefined;
  const first = unreviewed[0]!;
  return `approved ${shortSha(commitId)}, then ${plural(unreviewed.length, 'commit')} ${unreviewed.length === 1 ? 'was' : 'were'} pushed (${shortSha(first.sha)} "${subjectOf(first)}"${unreviewed.length > 1 ? ', …' : ''})`;
}

/** The latest review of each reviewer that decides their stance: comments and pending drafts do not. */
function decisiveReviews(reviews: readonly Review[]): Review[] {
  const latest = new Map<string, Review>();
  const order: string[] = [];
  for (const review of reviews) {
    const key = review.reviewer.login.toLowerCase();
    if (!order.includes(key)) order.push(key);
    if (review.state === 'COMMENTED' || review.state === 'PENDING') continue;
    latest.set(key, review);
  }
  return order.flatMap((key) => latest.get(key) ?? []);
}

/** Which approvals count, and why the others do not. */
export function approvalState(change: Change, config: MonoenvConfig): ApprovalState {
  const approvedBy: string[] = [];
  const notCounted: ReviewerVerdict[] = [];
  let commitsUnknown = false;
  for (const review of decisiveReviews(change.reviews ?? [])) {
    const login = review.reviewer.login;
    if (review.state === 'DISMISSED') {
      notCounted.push({ login, reason: 'dismissed', detail: 'review was dismissed' });
    } else if (review.state === 'CHANGES_REQUESTED') {
      notCounted.push({ login, reason: 'changes-requested', detail: 'requested changes' });
    } else if (sameLogin(login, change.author.login)) {
      notCounted.push({ login, reason: 'self-approval', detail: 'is the author (self-approval)' });
    } else if (isBot(review.reviewer)) {
      notCounted.push({ login, reason: 'bot', detail: 'is a bot' });
    } else {
      const stale = config.review.fresh ? staleness(review.commitId, change) : undefined;
      if (stale === undefined) {
        approvedBy.push(login);
      } else {
        if (change.commits === undefined && review.commitId !== null) commitsUnknown = true;
        notCounted.push({ login, reason: 'stale', detail: `${stale} (stale)` });
      }
    }
  }
  return { approvedBy, notCounted, required: config.review.approvals, commitsUnknown };
}

const mentions = (logins: readonly string[]): string => logins.map(mention).join(', ');

function describeState(state: ApprovalState): string {
  const approvals = `${state.approvedBy.length} of ${plural(state.required, 'valid approval')}`;
  const by = state.approvedBy.length > 0 ? ` (by ${mentions(state.approvedBy)})` : '';
  const others =
    state.notCounted.length > 0 ? `; not counted: ${state.notCounted.map((v) => `${mention(v.login)} ${v.detail}`).join('; ')}` : '';
  return `${approvals}${by}${others}`;
}

const isSatisfied = (state: ApprovalState): boolean => state.approvedBy.length >= state.required;

const needs = (state: ApprovalState): string => `needs ${plural(state.required - state.approvedBy.length, 'approval')}`;

/** review before merge: the approval state as a notice row, or a finding with `review.before_merge`. */
export function judgeReview(ctx: RuleContext): RuleOutcome {
  const { change, config } = ctx;
  const level = config.review.level;
  const row = (summary: Omit<RuleSummary, 'rule'>): RuleOutcome => ({ findings: [], summary: { rule: 'review', ...summary } });
  if (level === 'off') return row({ status: 'off', summary: 'Off (review.level: off).' });
  if (isExempt(change.author.login, config)) {
    return row({ status: 'pass', summary: `Not required: ${mention(change.author.login)} is in review.exempt_authors.` });
  }
  if (change.reviews === undefined) {
    return row({ status: 'notice', summary: 'Reviews not read for this check; approvals are audited when the pull request is merged.' });
  }
  const state = approvalState(change, config);
  const described = describeState(state);
  if (isSatisfied(state)) return row({ status: 'notice', summary: `${described}.` });
  const advice = 'Ask a teammate who is not the author to approve the latest commit.';
  if (change.draft) {
    return row({ status: 'notice', summary: `Draft: approvals are not expected yet. ${described}.`, advice });
  }
  if (!config.review.before_merge) return row({ status: 'notice', summary: `${described}.`, advice });
  const headline = needs(state);
  const finding: Finding = {
    rule: 'review',
    level,
    title: headline,
    message: `${described}.`,
    suggestion: advice,
  };
  return { findings: [finding], summary: { rule: 'review', status: level, summary: `${described}.`, advice, headline } };
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

export const MERGED_WITHOUT_REVIEW = 'Merged without review';
export const PUSHED_WITHOUT_REVIEW = 'Pushed without review';

/** The unreviewed-merge audit of a merged pull request. */
export function auditMerge(change: Change, config: MonoenvConfig): Report {
  const level = config.review.level;
  const merger = change.merged?.by.login;
  if (level === 'off') {
    return auditReport('merge', config, 'Review audit off', [], { rule: 'review', status: 'off', summary: 'Off (review.level: off).' });
  }
  if (isExempt(change.author.login, config)) {
    const why = `${mention(change.author.login)} is in review.exempt_authors`;
    return auditReport('merge', config, `Review not required: ${why}`, [], {
      rule: 'review',
      status: 'pass',
      summary: `Not required: ${why}.`,
    });
  }
  const state = approvalState(change, config);
  const described = describeState(state);
  if (isSatisfied(state)) {
    const title =
      state.approvedBy.length > 0
        ? `Reviewed: approved by ${mentions(state.approvedBy)}`
        : 'Reviewed: no approvals required (review.approvals: 0)';
    return auditReport('merge', config, title, [], { rule: 'review', status: 'pass', summary: `${described}.` });
  }
  const who = merger === undefined ? 'Merged' : `${mention(merger)} merged`;
  const what = change.number === undefined ? 'this pull request' : `#${change.number}`;
  const lines = [
    `${who} ${what} with ${state.approvedBy.length} of ${plural(state.required, 'valid approval')}${state.approvedBy.length > 0 ? ` (by ${mentions(state.approvedBy)})` : ''}.`,
  ];
  if (change.reviews === undefined) lines.push('No reviews were available to the audit.');
  else if (state.notCounted.length === 0 && state.approvedBy.length === 0) lines.push('No one approved it.');
  for (const verdict of state.notCounted) lines.push(`- ${mention(verdict.login)} ${verdict.detail}`);
  const advice = 'Ask a teammate to review the merged change after the fact, and fix forward if needed.';
  const finding: Finding = { rule: 'review', level, title: MERGED_WITHOUT_REVIEW, message: lines.join('\n'), suggestion: advice };
  return auditReport('merge', config, MERGED_WITHOUT_REVIEW, [finding], {
    rule: 'review',
    status: level,
    summary: `${described}.`,
    advice,
    headline: MERGED_WITHOUT_REVIEW,
  });
}

/**
 * Commits of the push that no merged pull request brought in: a commit counts as reviewed when it belongs
 * to a merged PR, or when a merge commit of such a PR brought it in (its non-first-parent history within
 * the push).
 */
function unreviewedCommits(push: Push, config: MonoenvConfig): { unreviewed: Commit[]; unknown: number; exempt: number } {
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
  let exempt = 0;
  const unreviewed: Commit[] = [];
  for (const commit of push.commits) {
    if (covered.has(commit.sha)) continue;
    // A local merge of branches whose commits all came from merged PRs adds no unreviewed work of its own.
    if (commit.parents.length >= 2 && commit.parents.slice(1).every((p) => covered.has(p))) continue;
    const author = commit.author?.login ?? push.pusher.login;
    if (isExempt(author, config)) exempt++;
    else if (commit.pullRequests === undefined) unknown++;
    else unreviewed.push(commit);
  }
  return { unreviewed, unknown, exempt };
}

/** The pushed-without-review audit of a push to the default branch. */
export function auditPush(push: Push, config: MonoenvConfig): Report {
  const level = config.review.level;
  const branch = push.ref.replace(/^refs\/heads\//, '');
  if (level === 'off') {
    return auditReport('push', config, 'Review audit off', [], { rule: 'review', status: 'off', summary: 'Off (review.level: off).' });
  }
  const { unreviewed, unknown, exempt } = unreviewedCommits(push, config);
  const notes: string[] = [];
  if (exempt > 0) notes.push(`${plural(exempt, 'commit')} by exempt authors skipped`);
  if (unknown > 0) notes.push(`${plural(unknown, 'commit')} not matched to pull requests (not judged)`);
  const tail = notes.length > 0 ? ` (${notes.join('; ')})` : '';
  if (unreviewed.length === 0) {
    const judged = push.commits.length - unknown - exempt;
    return auditReport('push', config, `No unreviewed commits on ${branch}`, [], {
      rule: 'review',
      status: 'pass',
      summary: `${plural(judged, 'commit')} pushed to ${branch} came from merged pull requests${tail}.`,
    });
  }
  const advice = `Open a pull request for these changes and ask for a review; protect ${branch} so changes go through pull requests.`;
  const findings: Finding[] = unreviewed.map((commit) => {
    const author = commit.author?.login ?? push.pusher.login;
    return {
      rule: 'review',
      level,
      title: `${PUSHED_WITHOUT_REVIEW}: ${shortSha(commit.sha)}`,
      message: `${shortSha(commit.sha)} "${subjectOf(commit)}" by ${mention(author)} was pushed to ${branch} by ${mention(push.pusher.login)} without a pull request.`,
      suggestion: advice,
    };
  });
  // The row stays one readable sentence; every commit is still listed as its own finding.
  const shown = unreviewed
    .slice(0, 5)
    .map((c) => `${shortSha(c.sha)} "${subjectOf(c)}" by ${mention(c.author?.login ?? push.pusher.login)}`);
  const list = unreviewed.length > shown.length ? [...shown, `and ${formatCount(unreviewed.length - shown.length)} more`] : shown;
  return auditReport('push', config, PUSHED_WITHOUT_REVIEW, findings, {
    rule: 'review',
    status: level,
    summary: `${plural(unreviewed.length, 'commit')} pushed to ${branch} without a pull request: ${list.join(', ')}${tail}.`,
    advice,
    headline: PUSHED_WITHOUT_REVIEW,
  });
}

/**
 * Review freshness needs the pull request's commits only when an approval was given on an older commit (to see
 * whether only merges of the base branch came after it).
 */
export function freshnessNeedsCommits(config: MonoenvConfig, reviews: readonly Review[], headSha: string): boolean {
  return config.review.fresh && reviews.some((r) => r.state === 'APPROVED' && r.commitId !== null && r.commitId !== headSha);
}

/** What the unreviewed-merge audit reads of a merged pull request: its reviews, when the rule is on. */
export function mergeAuditNeeds(config: MonoenvConfig): FactNeeds {
  return { files: false, gitattributes: false, reviews: config.review.level !== 'off' };
}

export const reviewRule: Rule = {
  name: 'review',
  // Reviews are read whether or not an override label waives the rule: the row still says who approved.
  needs: (config) => (config.review.level !== 'off' && config.review.before_merge ? { reviews: true } : {}),
  judge: judgeReview,
};
