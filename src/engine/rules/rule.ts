import type { Change } from '../change.js';
import type { Finding, RuleSummary, ChangeKind } from '../report.js';
import type { MonoenvConfig } from '../../config/schema.js';
import type { Syntax } from '../syntax/index.js';

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
  /** Grammars loaded for this evaluation; files of other languages are read by the line scanner. */
  syntax?: Syntax;
}
