import type { Change } from '../change.js';
import type { Finding, RuleSummary, ChangeKind } from '../report.js';
import type { MonoenvConfig } from '../../config/schema.js';

/** What one rule concludes: its findings (at their final level before overrides) and its summary row. */
export interface RuleOutcome {
  findings: Finding[];
  summary: RuleSummary;
}

/** Facts computed once per evaluation and shared by the rules. */
export interface RuleContext {
  change: Change;
  config: MonoenvConfig;
  kind: { kind: ChangeKind; source: string };
}
