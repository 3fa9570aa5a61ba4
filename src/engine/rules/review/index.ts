/**
 * review: unreviewed merges. Before merge the rule reports the approval state; after merge the audits
 * (audits.ts) say whether the pull request had its approvals and which pushed commits had no pull request.
 * Who may skip review is decided once, in policy.ts, for all three.
 */
import type { Rule, RuleContext, RuleOutcome } from '../rule.js';
import type { Finding, RuleSummary } from '../../report.js';
import { approvalsMet, approvalState, describeWithOwners, missingApprovals, ownersApproved } from './approvals.js';
import { changeRequirement, describeExemption } from './policy.js';

export const REVIEW_DOCS_URL = 'https://github.com/monoenv/monoenv/blob/main/docs/rules.md#review';

export {
  approvalsToCompare,
  approvalState,
  freshnessNeedsCommits,
  mergesToCheck,
  ownerApprovers,
  type ApprovalState,
  type NotCountedReason,
  type ReviewerVerdict,
} from './approvals.js';
export { teamsToResolve, type OwnedFile, type OwnerApprover, type OwnersState } from './owners.js';
export { exemptionNeedsCommits, isBot, type Exemption } from './policy.js';
export {
  auditMerge,
  auditPush,
  mergeAuditNeeds,
  pushAuditLookups,
  MERGED_WITHOUT_REVIEW,
  PUSHED_WITHOUT_REVIEW,
  type MergeAudit,
  type MergeVerdict,
  type PushAudit,
  type PushVerdict,
} from './audits.js';

/** review before merge: the approval state as a notice row, or a finding with `review.before_merge`. */
export function judgeReview(ctx: RuleContext): RuleOutcome {
  const { change, config } = ctx;
  const row = (summary: Omit<RuleSummary, 'rule'>): RuleOutcome => ({ findings: [], summary: { rule: 'review', ...summary } });
  const requirement = changeRequirement(change, config);
  if (!requirement.required && requirement.off) return row({ status: 'off', summary: 'Off (review.level: off).' });
  if (!requirement.required) return row({ status: 'pass', summary: `Not required: ${describeExemption(requirement.exemption)}.` });
  if (change.reviews === undefined) {
    return row({ status: 'notice', summary: 'Reviews not read for this check; approvals are audited when the pull request is merged.' });
  }
  const state = approvalState(change, config);
  const refused = requirement.refused === undefined ? '' : ` Not exempt: ${requirement.refused}.`;
  const described = `${describeWithOwners(state, change)}.${refused}`;
  if (approvalsMet(state)) return row({ status: 'notice', summary: described });
  const advice = ownersApproved(state)
    ? 'Ask a teammate who is not the author to approve the latest commit.'
    : 'Ask a code owner of each listed file (or a member of its owning team) to approve the latest commit.';
  if (change.draft) {
    return row({ status: 'notice', summary: `Draft: approvals are not expected yet. ${described}`, advice });
  }
  if (!config.review.before_merge) return row({ status: 'notice', summary: described, advice });
  const headline = missingApprovals(state);
  const level = requirement.level;
  const finding: Finding = { rule: 'review', level, title: headline, message: described, suggestion: advice };
  return { findings: [finding], summary: { rule: 'review', status: level, summary: described, advice, headline } };
}

export const reviewRule: Rule = {
  name: 'review',
  // Reviews are read whether or not an override label waives the rule: the row still says who approved.
  needs: (config) =>
    config.review.level !== 'off' && config.review.before_merge
      ? { reviews: true, ...(config.review.codeowners === 'off' ? {} : { files: true, codeowners: true }) }
      : {},
  judge: judgeReview,
};
