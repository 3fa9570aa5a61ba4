/** Which approvals of a pull request count, and why the others do not. */
import type { Change, Commit, Review } from '../../change.js';
import type { MonoenvConfig } from '../../../config/schema.js';
import { plural } from '../../conclusion.js';
import { isBot, mention, shortSha, subjectOf } from './policy.js';
import { changedSince, namedFiles } from './freshness.js';
import { describeOwners, ownersState, type OwnerApprover, type OwnersState } from './owners.js';

/** Why a reviewer's latest review does not count as a valid approval. */
export type NotCountedReason = 'stale' | 'self-approval' | 'bot' | 'changes-requested' | 'dismissed' | 'no-write-access';

export interface ReviewerVerdict {
  login: string;
  reason: NotCountedReason;
  /** One short clause saying why, e.g. "approved 1a2b3c4, then 2 commits were pushed". */
  detail: string;
  /** A stale approval's commit. */
  commitId?: string;
  /** Files whose patch changed since a stale approval, when the approved change could be compared. */
  changedFiles?: string[];
}

export interface ApprovalState {
  /** Reviewers whose approval counts, in the order they first reviewed. */
  approvedBy: string[];
  /** Reviewers who reviewed but whose latest review is no valid approval. */
  notCounted: ReviewerVerdict[];
  required: number;
  /** An approval was judged stale from the head alone, without the PR's commit list. */
  commitsUnknown: boolean;
  /** Code owners' approvals of the owned files (review.codeowners), undefined when off. */
  owners?: OwnersState;
}

const sameLogin = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** A later commit that brings no unreviewed work: a merge of other branches that adds nothing of its own. */
function harmlessMerge(commit: Commit, own: ReadonlySet<string>): boolean {
  if (commit.parents.length < 2 || commit.parents.slice(1).some((p) => own.has(p))) return false;
  return commit.mergeContent?.clean !== false;
}

interface Staleness {
  text: string;
  /** The first later commit is a merge with content of its own (or one that could not be checked). */
  byMerge: boolean;
}

/**
 * Whether an approval given on `commitId` still covers what was merged: it was given on the head, or
 * every later commit is a clean merge whose other parents are not the PR's own commits (a merge of the base
 * branch brings in code that was reviewed elsewhere, and nothing else). A merge the adapter found holding work
 * of its own (`mergeContent.clean === false`) is new work.
 */
function staleness(commitId: string | null, change: Change): Staleness | undefined {
  const head = change.head.sha;
  const stale = (text: string): Staleness => ({ text, byMerge: false });
  if (commitId === null) return stale('approved a commit that is no longer in the pull request');
  if (commitId === head) return undefined;
  const commits = change.commits;
  if (commits === undefined) {
    return stale(
      `approved ${shortSha(commitId)}, not the merged head ${shortSha(head)} (the commit list was not available to check whether only base-branch merges came after)`,
    );
  }
  const at = commits.findIndex((c) => c.sha === commitId);
  if (at < 0) return stale(`approved ${shortSha(commitId)}, which is no longer in the pull request`);
  const own = new Set(commits.map((c) => c.sha));
  const unreviewed = commits.slice(at + 1).filter((c) => !harmlessMerge(c, own));
  if (unreviewed.length === 0) return undefined;
  const first = unreviewed[0];
  const content = first.mergeContent;
  if (first.parents.length >= 2 && content?.clean === false) {
    const more = unreviewed.length > 1 ? ` (and ${plural(unreviewed.length - 1, 'later commit')})` : '';
    const what = content.detail ?? 'holds changes beyond its parents';
    return {
      text: `approved ${shortSha(commitId)}, then merge ${shortSha(first.sha)} "${subjectOf(first)}" ${what}${more}`,
      byMerge: true,
    };
  }
  return stale(
    `approved ${shortSha(commitId)}, then ${plural(unreviewed.length, 'commit')} ${unreviewed.length === 1 ? 'was' : 'were'} pushed (${shortSha(first.sha)} "${subjectOf(first)}"${unreviewed.length > 1 ? ', …' : ''})`,
  );
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

/** The reviewer's relation to the repository does not allow approving (GitHub's `author_association`). */
function withoutWriteAccess(review: Review, config: MonoenvConfig): string | undefined {
  const association = review.association;
  // Adapters that read reviews from GitHub always give it; the history's older caches may not.
  if (association === undefined) return undefined;
  const allowed = config.review.approver_associations;
  if (allowed.includes(association as (typeof allowed)[number])) return undefined;
  return `is not allowed to approve (author_association ${association}; review.approver_associations: ${allowed.join(', ')})`;
}

/** Which approvals count, and why the others do not. */
export function approvalState(change: Change, config: MonoenvConfig): ApprovalState {
  const approvedBy: string[] = [];
  const notCounted: ReviewerVerdict[] = [];
  let commitsUnknown = false;
  for (const review of decisiveReviews(change.reviews ?? [])) {
    const login = review.reviewer.login;
    const outsider = review.state === 'APPROVED' ? withoutWriteAccess(review, config) : undefined;
    if (review.state === 'DISMISSED') {
      notCounted.push({ login, reason: 'dismissed', detail: 'review was dismissed' });
    } else if (review.state === 'CHANGES_REQUESTED') {
      notCounted.push({ login, reason: 'changes-requested', detail: 'requested changes' });
    } else if (sameLogin(login, change.author.login)) {
      notCounted.push({ login, reason: 'self-approval', detail: 'is the author (self-approval)' });
    } else if (isBot(review.reviewer)) {
      notCounted.push({ login, reason: 'bot', detail: 'is a bot' });
    } else if (outsider !== undefined) {
      notCounted.push({ login, reason: 'no-write-access', detail: outsider });
    } else {
      const stale = config.review.fresh ? staleness(review.commitId, change) : undefined;
      const changed = stale === undefined || review.commitId === null ? undefined : changedSince(review.commitId, change);
      if (stale === undefined || changed?.length === 0) {
        // Given on the head, after which only base merges came, or on the same change before a rebase.
        approvedBy.push(login);
      } else if (changed !== undefined) {
        // After a merge with work of its own, the merge says why the approval was compared at all.
        const since = stale.byMerge ? stale.text : `approved ${shortSha(review.commitId!)}`;
        notCounted.push({
          login,
          reason: 'stale',
          detail: `${since}; changed since: ${namedFiles(changed)} (stale)`,
          commitId: review.commitId!,
          changedFiles: changed,
        });
      } else {
        if (change.commits === undefined && review.commitId !== null) commitsUnknown = true;
        notCounted.push({
          login,
          reason: 'stale',
          detail: `${stale.text} (stale)`,
          ...(review.commitId === null ? {} : { commitId: review.commitId }),
        });
      }
    }
  }
  const owners = ownersState(change, config, ownerApprovers(approvedBy, notCounted));
  return { approvedBy, notCounted, required: config.review.approvals, commitsUnknown, ...(owners === undefined ? {} : { owners }) };
}

/** Who may speak for owned files: valid approvers, and stale ones for the files that did not change since. */
export function ownerApprovers(approvedBy: readonly string[], notCounted: readonly ReviewerVerdict[]): OwnerApprover[] {
  return [
    ...approvedBy.map((login) => ({ login })),
    ...notCounted.flatMap((v) =>
      v.reason === 'stale' && v.changedFiles !== undefined ? [{ login: v.login, changedFiles: v.changedFiles }] : [],
    ),
  ];
}

/**
 * The approved commits of stale approvals, whose change can be compared with the head's (one comparison each);
 * whether the head's files are read does not change the answer.
 */
export function approvalsToCompare(change: Change, config: MonoenvConfig): string[] {
  if (!config.review.fresh) return [];
  const { notCounted } = approvalState({ ...change, approvedChanges: {} }, config);
  return [...new Set(notCounted.flatMap((v) => (v.reason === 'stale' && v.commitId !== undefined ? [v.commitId] : [])))];
}

/**
 * The merge commits whose content the adapter should check (review.fresh): those that came after an approval
 * that counts only because every later commit is a merge of other branches, in commit order, leaving out
 * merges already checked. An approval followed by any other commit is stale whatever its merges hold.
 */
export function mergesToCheck(change: Change, config: MonoenvConfig): string[] {
  const commits = change.commits;
  if (!config.review.fresh || commits === undefined) return [];
  const counted = new Set(approvalState({ ...change, approvedChanges: {} }, config).approvedBy.map((l) => l.toLowerCase()));
  let from = commits.length;
  for (const review of decisiveReviews(change.reviews ?? [])) {
    if (!counted.has(review.reviewer.login.toLowerCase()) || review.commitId === null || review.commitId === change.head.sha) continue;
    const at = commits.findIndex((c) => c.sha === review.commitId);
    if (at >= 0) from = Math.min(from, at + 1);
  }
  return commits.slice(from).flatMap((c) => (c.parents.length >= 2 && c.mergeContent === undefined ? [c.sha] : []));
}

const mentions = (logins: readonly string[]): string => logins.map(mention).join(', ');

export function describeApprovals(state: ApprovalState): string {
  const approvals = `${state.approvedBy.length} of ${plural(state.required, 'valid approval')}`;
  const by = state.approvedBy.length > 0 ? ` (by ${mentions(state.approvedBy)})` : '';
  const others =
    state.notCounted.length > 0 ? `; not counted: ${state.notCounted.map((v) => `${mention(v.login)} ${v.detail}`).join('; ')}` : '';
  return `${approvals}${by}${others}`;
}

export const enoughApprovals = (state: ApprovalState): boolean => state.approvedBy.length >= state.required;
export const ownersApproved = (state: ApprovalState): boolean => state.owners === undefined || state.owners.missing.length === 0;
/** Enough valid approvals, and (review.codeowners) an owner's approval for every owned file it covers. */
export const approvalsMet = (state: ApprovalState): boolean => enoughApprovals(state) && ownersApproved(state);

/** What is still missing, as a headline: approvals, owners' approvals, or both. */
export function missingApprovals(state: ApprovalState): string {
  const wanted = enoughApprovals(state) ? [] : [`needs ${plural(state.required - state.approvedBy.length, 'approval')}`];
  if (!ownersApproved(state)) wanted.push(`${plural(state.owners!.missing.length, 'owned file')} without a code owner's approval`);
  return wanted.join(' · ');
}

/** The approval state, with the code owners' sentence when review.codeowners is on. */
export function describeWithOwners(state: ApprovalState, change: Change): string {
  const owners = describeOwners(state.owners, change);
  return owners === undefined ? describeApprovals(state) : `${describeApprovals(state)}. ${owners.replace(/\.$/, '')}`;
}

export const approversOf = (state: ApprovalState): string => mentions(state.approvedBy);

/**
 * Review freshness needs the pull request's commits only when an approval was given on an older commit (to see
 * whether only merges of the base branch came after it).
 */
export function freshnessNeedsCommits(config: MonoenvConfig, reviews: readonly Review[], headSha: string): boolean {
  return config.review.fresh && reviews.some((r) => r.state === 'APPROVED' && r.commitId !== null && r.commitId !== headSha);
}
