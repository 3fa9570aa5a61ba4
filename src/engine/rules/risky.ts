import type { RuleContext, RuleOutcome } from './rule.js';

/** risky. (Placeholder until the rule lands.) */
export function judgeRisky(ctx: RuleContext): RuleOutcome {
  void ctx;
  return { findings: [], summary: { rule: 'risky', status: 'pass', summary: 'not yet judged' } };
}
