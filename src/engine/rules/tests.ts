/**
 * tests: source changed without tests. A changed source file needs a changed test that maps to it by the
 * conventions of its ecosystem (`require: per-file`), or any changed test at all (`require: any`).
 */
import { isActive, type Rule, type RuleContext, type RuleOutcome } from './rule.js';
import type { ChangedFile } from '../change.js';
import type { Finding, RuleStatus } from '../report.js';
import type { MonoenvConfig } from '../../config/schema.js';
import { pathMatcher, type PathMatcher } from '../glob.js';
import { formatCount, plural } from '../conclusion.js';
import { judgeAsReviewer, remainderOfTestedChange } from './tests-judgement.js';
import { TestIndex, expectedTestNames, partsOf, type PathParts } from './test-mapping.js';

export { expectedTestNames } from './test-mapping.js';

// Matchers are compiled once per glob list (a config object lives for many evaluations).
const matcherCache = new WeakMap<readonly string[], PathMatcher>();
function matcherFor(globs: readonly string[]): PathMatcher {
  let matcher = matcherCache.get(globs);
  if (matcher === undefined) {
    matcher = pathMatcher(globs);
    matcherCache.set(globs, matcher);
  }
  return matcher;
}

/** A path is a test when it matches `tests.test`. Shared with the risky rule (test files are not guards). */
export function isTestPath(path: string, config: MonoenvConfig): boolean {
  return matcherFor(config.tests.test)(path);
}

/** Source: matches `tests.source`, not `tests.exempt`, and is not a test. */
export function isSourcePath(path: string, config: MonoenvConfig): boolean {
  return matcherFor(config.tests.source)(path) && !isTestPath(path, config) && !matcherFor(config.tests.exempt)(path);
}

/** Rust unit tests live in the source file itself. */
const RUST_TEST_ATTRIBUTE = /#\[\s*(?:cfg\s*\(\s*test\s*\)|(?:[\w:]+::)?test|rstest|test_case[^\]]*)\s*\]/;

function addsInlineTests(file: ChangedFile, parts: PathParts): boolean {
  if (parts.family !== 'rust') return false;
  for (const hunk of file.hunks) {
    for (const line of hunk.lines) {
      if (line.type === 'add' && line.content.includes('#[') && RUST_TEST_ATTRIBUTE.test(line.content)) return true;
    }
  }
  return false;
}

/** Test file names that would satisfy the rule for a source file, for the message. */

function orList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

function firstAddedLine(file: ChangedFile): number | undefined {
  for (const hunk of file.hunks) {
    for (const line of hunk.lines) if (line.type === 'add') return line.newLine;
  }
  return undefined;
}

/** Files whose change needs a test: not deleted, not a pure rename, and adding lines (deleted code needs none). */
function needsTest(file: ChangedFile): boolean {
  return file.status !== 'removed' && !file.binary && file.additions > 0;
}

const LISTED = 5;

export function judgeTests(ctx: RuleContext): RuleOutcome {
  const { change, config } = ctx;
  const settings = config.tests;
  if (settings.level === 'off') {
    return { findings: [], summary: { rule: 'tests', status: 'off', summary: 'The tests rule is off' } };
  }
  const level = settings.level;

  const isTest = matcherFor(settings.test);
  const isSource = matcherFor(settings.source);
  const isExempt = matcherFor(settings.exempt);
  const tests = new TestIndex();
  // Tests that only lose cases test nothing new, but say the file they test lost behaviour with them.
  const trimmedTests = new TestIndex();
  const changedTests: ChangedFile[] = [];
  const sources: { file: ChangedFile; parts: PathParts }[] = [];
  for (const file of change.files) {
    if (isTest(file.path)) {
      if (file.status !== 'removed' && file.additions > 0) {
        tests.add(file.path);
        changedTests.push(file);
      } else if (file.status !== 'removed' && file.deletions > 0) trimmedTests.add(file.path);
    } else if (needsTest(file) && isSource(file.path) && !isExempt(file.path)) {
      sources.push({ file, parts: partsOf(file.path) });
    }
  }

  if (sources.length === 0) {
    return { findings: [], summary: { rule: 'tests', status: 'pass', summary: 'No source files changed that need tests' } };
  }

  const untested =
    settings.require === 'any' && tests.size > 0
      ? []
      : sources.filter(({ file, parts }) => settings.require === 'any' || !(tests.covers(parts) || addsInlineTests(file, parts)));

  if (untested.length === 0) {
    const summary =
      settings.require === 'any'
        ? `${plural(sources.length, 'source file')} changed, with ${plural(tests.size, 'test file')} changed (require: any)`
        : `${plural(sources.length, 'source file')} changed, each with a changed test`;
    return { findings: [], summary: { rule: 'tests', status: 'pass', summary, judged: sources.length } };
  }

  const judgement = judgeAsReviewer(change, ctx.kind, config, isTest, changedTests, trimmedTests);
  const judged = untested.map((u) => ({ ...u, reason: judgement.reasonFor(u.file, u.parts) }));
  const left = judged.filter((j) => j.reason === undefined);
  if (settings.require === 'per-file' && left.length === 1) {
    const tested = sources.length - untested.length + judged.filter((j) => judgement.restsOnTest(j.file)).length;
    left[0].reason = remainderOfTestedChange(left[0].file, tested, sources.length);
  }
  const findings: Finding[] = judged.map(({ file, reason }) => {
    const line = firstAddedLine(file) ?? 1;
    const expected = settings.require === 'any' ? 'any test' : orList(expectedTestNames(file.path));
    return {
      rule: 'tests',
      level: reason === undefined ? level : 'notice',
      title: reason === undefined ? 'Source changed without tests' : 'Source changed without tests (none needed)',
      message:
        reason === undefined
          ? `${file.path} changed, but no changed test covers it. Add or update ${expected}.`
          : `${file.path} changed with no changed test of its own, which reads as fine: ${reason}.`,
      path: file.path,
      startLine: line,
      endLine: line,
    };
  });

  const lacking = judged.filter((j) => j.reason === undefined);
  const label = config.overrides.tests;
  if (lacking.length === 0) {
    const reasons = [...new Set(judged.map((j) => j.reason!))];
    return {
      findings,
      summary: {
        rule: 'tests',
        status: 'notice',
        summary: `${formatRatio(judged.length, sources.length)} without a changed test, none needing one: ${reasons.slice(0, 2).join('; ')}${reasons.length > 2 ? ` (and ${formatCount(reasons.length - 2)} more reasons)` : ''}`,
        judged: sources.length,
      },
    };
  }
  const names = lacking.slice(0, LISTED).map((u) => u.file.path);
  const more = lacking.length > LISTED ? ` and ${formatCount(lacking.length - LISTED)} more` : '';
  const softened = judged.length - lacking.length;
  const status: RuleStatus = level;
  return {
    findings,
    summary: {
      rule: 'tests',
      status,
      summary: `${formatRatio(lacking.length, sources.length)} without a changed test: ${names.join(', ')}${more}${softened > 0 ? ` (${plural(softened, 'more file')} without one need${softened === 1 ? 's' : ''} none, see the notices)` : ''}`,
      advice:
        settings.require === 'any'
          ? `Add or update a test for this change${label ? `, or add the label "${label}" when it needs none` : ''}.`
          : `Add or update the test of each file named${label ? `, or add the label "${label}" when the change needs none` : ''}.`,
      headline: `${plural(lacking.length, 'file')} without tests`,
      judged: sources.length,
    },
  };
}

function formatRatio(missing: number, total: number): string {
  return missing === total ? `${plural(total, 'changed source file')}` : `${missing} of ${plural(total, 'changed source file')}`;
}

export const testsRule: Rule = {
  name: 'tests',
  needs: (config, labels) => (isActive(config, 'tests', labels) ? { files: true } : {}),
  judge: judgeTests,
};
