/**
 * One historical change through the engine's own rules (size, tests, risky), reduced to the few facts
 * the report aggregates. Pure: the adapter gives it the change and the configuration in force.
 */
import type { Change } from '../engine/change.js';
import type { MonoenvConfig } from '../config/schema.js';
import type { RuleContext } from '../engine/rules/rule.js';
import { judgeSize } from '../engine/rules/size.js';
import { judgeTests } from '../engine/rules/tests.js';
import { judgeRisky } from '../engine/rules/risky.js';
import { readKind } from '../engine/kind.js';
import { pathMatcher } from '../engine/glob.js';
import type { Arrival, ChangeRecord, ConfigSource } from './model.js';

export interface JudgeInput {
  change: Change;
  config: MonoenvConfig;
  configSource: ConfigSource;
  committedAt: string;
  arrival: Arrival;
  pr?: number;
}

export function judgeChange({ change, config, configSource, committedAt, arrival, pr }: JudgeInput): ChangeRecord {
  const ctx: RuleContext = { change, config, kind: readKind(change) };
  const size = judgeSize(ctx).facts;
  const tests = judgeTests(ctx);
  const risky = judgeRisky(ctx);

  const present = change.files.filter((f) => f.status !== 'removed');
  const isSource = pathMatcher(config.tests.source);
  const isTest = pathMatcher(config.tests.test);
  const isExempt = pathMatcher(config.tests.exempt);
  const needsTests =
    config.tests.level !== 'off' && present.some((f) => isSource(f.path) && !isTest(f.path) && !isExempt(f.path));
  const isRisky = pathMatcher(config.risky.paths);
  const riskyTouched = config.risky.level !== 'off' && present.some((f) => isRisky(f.path));

  return {
    sha: change.head.sha,
    committedAt,
    subject: change.title,
    author: change.author.login,
    arrival,
    ...(pr === undefined ? {} : { pr }),
    kind: ctx.kind.kind,
    sizeClass: size.class,
    lines: size.lines,
    files: size.files,
    excludedLines: size.excludedLines,
    needsTests,
    hasTests: needsTests && tests.findings.length === 0,
    riskyTouched,
    // Notices are what the rule says about fixes, refactors and other non-features: not unflagged risk.
    riskyUnflagged: riskyTouched && risky.findings.some((f) => f.level === config.risky.level),
    config: configSource,
  };
}
