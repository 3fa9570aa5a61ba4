import type { RuleContext, RuleOutcome } from './rule.js';
import type { Change, Push } from '../change.js';
import type { Report } from '../report.js';
import type { MonoenvConfig } from '../../config/schema.js';

/** review before merge: the approval state as a notice, or a finding with review.before_merge. (Placeholder.) */
export function judgeReview(ctx: RuleContext): RuleOutcome {
  void ctx;
  return { findings: [], summary: { rule: 'review', status: 'pass', summary: 'not yet judged' } };
}

/** The unreviewed-merge audit of a merged pull request. (Placeholder.) */
export declare function auditMerge(change: Change, config: MonoenvConfig): Report;
/** The pushed-without-review audit of a push to the default branch. (Placeholder.) */
export declare function auditPush(push: Push, config: MonoenvConfig): Report;
