/**
 * The engine's one entry point for a change: pure, no I/O. Runs the rules, applies override labels and
 * the mode, and builds the Report every adapter renders.
 */
import type { Change } from './change.js';
import type { Finding, Override, Report, RuleName, RuleSummary } from './report.js';
import type { MonoenvConfig } from '../config/schema.js';
import type { RuleContext, RuleOutcome } from './rules/rule.js';
import { judgeSize } from './rules/size.js';
import { judgeTests } from './rules/tests.js';
import { judgeRisky } from './rules/risky/index.js';
import { judgeReview } from './rules/review.js';
import { judgeMigrations, type MigrationFacts } from './rules/migrations/index.js';
import { readKind } from './kind.js';
import { conclude, titleOf } from './conclusion.js';
import { Syntax } from './syntax/index.js';

/** Facts beyond the change that some rules need, gathered by the adapter when those rules ask (see `migrationNeeds`). */
export type EvaluationFacts = MigrationFacts;

export function evaluate(change: Change, config: MonoenvConfig, facts: EvaluationFacts = {}): Report {
  const ctx: RuleContext = { change, config, kind: readKind(change), syntax: facts.syntax ?? Syntax.none() };
  const size = judgeSize(ctx);
  const outcomes: RuleOutcome[] = [size.outcome, judgeTests(ctx), judgeRisky(ctx), judgeReview(ctx)];
  // The migrations rule has a row only when the change touches a migration.
  const migrations = judgeMigrations(ctx, facts);
  if (migrations !== undefined) outcomes.push(migrations);

  const overrides = overridesApplied(change, config);
  const waived = new Map(overrides.map((o) => [o.rule, o.label]));
  const findings: Finding[] = [];
  const rules: RuleSummary[] = [];
  for (const { findings: ruleFindings, summary } of outcomes) {
    const label = waived.get(summary.rule);
    if (label === undefined || summary.status === 'off') {
      findings.push(...ruleFindings);
      rules.push(summary);
      continue;
    }
    // A waived rule still shows reviewers where it would have fired, but can no longer fail the check.
    findings.push(...ruleFindings.map((f) => ({ ...f, level: 'notice' as const, message: `${f.message} (waived by label "${label}")` })));
    rules.push({ ...summary, status: 'waived', summary: `${summary.summary} (waived by label "${label}")`, advice: undefined });
  }

  const conclusion = conclude(findings, config.mode);
  return {
    conclusion,
    title: titleOf(rules, size.facts, change.draft),
    findings,
    rules,
    size: size.facts,
    overrides,
    mode: config.mode,
    draft: change.draft,
    kind: ctx.kind,
  };
}

/** The override labels present on the change, one per rule. */
export function overridesApplied(change: Change, config: MonoenvConfig): Override[] {
  const labels = new Set(change.labels);
  const applied: Override[] = [];
  for (const [rule, label] of Object.entries(config.overrides) as [RuleName, string | undefined][]) {
    if (label !== undefined && labels.has(label)) applied.push({ rule, label });
  }
  return applied;
}
