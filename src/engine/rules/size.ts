import type { RuleContext, RuleOutcome } from './rule.js';
import type { SizeFacts } from '../report.js';

/** size: oversized diffs. (Placeholder until the rule lands.) */
export function judgeSize(ctx: RuleContext): { outcome: RuleOutcome; facts: SizeFacts } {
  const lines = ctx.change.totals.additions + ctx.change.totals.deletions;
  return {
    outcome: { findings: [], summary: { rule: 'size', status: 'pass', summary: `${lines} lines changed` } },
    facts: { class: 'XS', lines, files: ctx.change.totals.files, excludedLines: 0, excludedFiles: 0, excluded: [], parts: [], fromTotals: !ctx.change.filesComplete },
  };
}
