/**
 * One historical change through the engine's `evaluate`, the App's own entry point, reduced to the few facts
 * the report aggregates. Pure: the adapter gives it the change and the configuration in force (and, for a
 * what-if, a proposed one judged the same way).
 */
import type { Change } from '../../engine/change.js';
import type { MonoenvConfig } from '../../config/schema.js';
import type { Level, Report } from '../../engine/report.js';
import { evaluate } from '../../engine/evaluate.js';
import type { EvaluationContext } from '../../engine/rules/rule.js';
import { conclude } from '../../engine/conclusion.js';
import type { Arrival, ChangeRecord, ConfigState, JudgedRule, Verdict } from './model.js';

export interface JudgeInput {
  change: Change;
  config: MonoenvConfig;
  configSource: ConfigState;
  committedAt: string;
  authoredAt: string;
  arrival: Arrival;
  pr?: number;
  reverts?: string;
  hotfix?: boolean;
  /** A proposed configuration to judge the same change with (`monoenv report --config`). */
  proposed?: MonoenvConfig;
  /** What the migrations rule reads beyond the diff (parser, grammars, edited migrations' texts), for both configurations. */
  facts?: EvaluationContext;
}

const JUDGED: ReadonlySet<string> = new Set<JudgedRule>(['size', 'tests', 'risky', 'migrations']);

const RANK: Record<Level, number> = { notice: 1, warning: 2, error: 3 };

/**
 * What enforcement would have said about a change that has already landed. The review rule is left out:
 * history without GitHub knows no reviews (with --github, `judgePull` gives the review verdict of the merge).
 */
export function verdictOf(report: Report, mode: MonoenvConfig['mode']): Verdict {
  const findings = report.findings.filter((f) => JUDGED.has(f.rule));
  const rules: Verdict['rules'] = {};
  for (const finding of findings) {
    const rule = finding.rule as JudgedRule;
    const current = rules[rule];
    if (current === undefined || RANK[finding.level] > RANK[current]) rules[rule] = finding.level;
  }
  return { conclusion: conclude(findings, mode), rules };
}

export function judgeChange(input: JudgeInput): ChangeRecord {
  const { change, config, configSource, committedAt, authoredAt, arrival, pr } = input;
  const report = evaluate(change, config, input.facts);
  const testsFindings = report.findings.filter((f) => f.rule === 'tests');
  const riskyFindings = report.findings.filter((f) => f.rule === 'risky');

  // Which changes the tests and risky figures are a share of: those the rule had something to judge in.
  const judged = (rule: 'tests' | 'risky'): boolean => (report.rules.find((r) => r.rule === rule)?.judged ?? 0) > 0;
  const needsTests = judged('tests');
  const riskyTouched = judged('risky');

  return {
    sha: change.head.sha,
    committedAt,
    authoredAt,
    subject: change.title,
    author: change.author.login,
    arrival,
    ...(pr === undefined ? {} : { pr }),
    ...(input.reverts === undefined ? {} : { reverts: input.reverts }),
    hotfix: input.hotfix ?? false,
    kind: report.kind.kind,
    sizeClass: report.size.class,
    lines: report.size.lines,
    files: report.size.files,
    excludedLines: report.size.excludedLines,
    needsTests,
    hasTests: needsTests && testsFindings.length === 0,
    riskyTouched,
    // Notices are what the rule says about fixes, refactors and other non-features: not unflagged risk.
    riskyUnflagged: riskyTouched && riskyFindings.some((f) => f.level === config.risky.level),
    config: configSource,
    verdict: verdictOf(report, config.mode),
    ...(input.proposed ? { proposed: verdictOf(evaluate(change, input.proposed, input.facts), input.proposed.mode) } : {}),
  };
}
