import type { RuleContext, RuleOutcome } from './rule.js';

/** tests. (Placeholder until the rule lands.) */
export function judgeTests(ctx: RuleContext): RuleOutcome {
  void ctx;
  return { findings: [], summary: { rule: 'tests', status: 'pass', summary: 'not yet judged' } };
}
