/**
 * The engine's one entry point for a change: pure, no I/O. Runs the rules of the registry, applies override
 * labels and the mode, folds in the errors of a configuration the change proposes, and returns the final
 * Report: adapters publish it as it is.
 */
import type { Change } from './change.js';
import type { Finding, Override, Report, RuleName, RuleSummary } from './report.js';
import type { MonoenvConfig } from '../config/schema.js';
import type { EvaluationContext, RuleContext, RuleOutcome } from './rules/rule.js';
import { RULES } from './rules/index.js';
import { measureSize } from './rules/size.js';
import { configErrorFindings } from '../config/load.js';
import { readKind } from './kind.js';
import { conclude, titleOf } from './conclusion.js';
import { Syntax } from './syntax/index.js';

export type { EvaluationContext } from './rules/rule.js';

export function evaluate(change: Change, config: MonoenvConfig, context: EvaluationContext = {}): Report {
  const ctx: RuleContext = {
    change,
    config,
    kind: readKind(change),
    // Several steps read the same file's tree (what keeps behaviour, the guards, what a removal took away):
    // each text is parsed once per evaluation.
    syntax: (context.syntax ?? Syntax.none()).remembering(),
    size: measureSize(change, config),
    facts: context,
  };
  const outcomes = RULES.map((rule) => rule.judge(ctx)).filter((outcome): outcome is RuleOutcome => outcome !== undefined);

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

  let title = titleOf(rules, ctx.size!, change.draft);
  const proposed = context.proposedConfig;
  if (proposed !== undefined && proposed.errors.length > 0) {
    // The change's own configuration errors, at error level: a change cannot break the configuration unseen.
    findings.push(...configErrorFindings(proposed.errors, proposed.path));
    title = `${title} · invalid ${proposed.path}`;
  }

  return {
    conclusion: conclude(findings, config.mode),
    title,
    findings,
    rules,
    size: ctx.size!,
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
