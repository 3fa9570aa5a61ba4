/**
 * What-if: the same history judged with a proposed configuration beside the one in force, as the App would
 * have judged each change. Pure: the verdicts come from `evaluate` (judge.ts) and, for reviews, from the
 * review rule's own approval state (github.ts); this only counts them.
 */
import { weekOf } from './aggregate.js';
import type { ChangeRecord, Offender, PolicyOutcome, PullFacts, Verdict, WhatIf, WhatIfRule } from './model.js';
import type { Level } from '../../engine/report.js';
import type { MonoenvConfig } from '../../config/schema.js';

export const WHAT_IF_RULES: readonly WhatIfRule[] = ['size', 'tests', 'risky', 'migrations', 'review'];
const RANK: Record<Level, number> = { notice: 1, warning: 2, error: 3 };
const WORST = 10;

export interface WhatIfInput {
  proposedFile: string;
  records: readonly ChangeRecord[];
  /** Merged pull requests with both review verdicts; without them the review rule is not judged. */
  pulls?: readonly PullFacts[];
  weeks: readonly string[];
  since: Date;
  until: Date;
  current: MonoenvConfig;
  proposed: MonoenvConfig;
  /** https://github.com/owner/repo (or the Enterprise equivalent), to link offenders. */
  webUrl?: string;
}

/** The review rule's verdict on a landed change: a pull request merged without its approvals, or a direct push. */
function reviewLevel(
  record: ChangeRecord,
  pull: PullFacts | undefined,
  reviewed: boolean | undefined,
  config: MonoenvConfig,
): Level | undefined {
  if (config.review.level === 'off') return undefined;
  if (pull) return pull.exempt || reviewed ? undefined : config.review.level;
  if (record.pr !== undefined) return undefined; // a pull request GitHub did not return: not judged
  const exempt = config.review.exempt_authors.some((login) => login.toLowerCase() === record.author.toLowerCase());
  return exempt ? undefined : config.review.level;
}

function withReview(
  verdict: Verdict,
  level: Level | undefined,
  mode: MonoenvConfig['mode'],
): Verdict & { rules: Partial<Record<WhatIfRule, Level>> } {
  if (level === undefined) return verdict;
  const failed = level === 'error' && mode === 'enforce';
  return {
    conclusion: failed ? 'failure' : level === 'error' && verdict.conclusion === 'success' ? 'neutral' : verdict.conclusion,
    rules: { ...verdict.rules, review: level },
  };
}

function emptyOutcome(weeks: readonly string[]): PolicyOutcome {
  const byRule = Object.fromEntries(WHAT_IF_RULES.map((r) => [r, { error: 0, warning: 0, notice: 0 }])) as PolicyOutcome['byRule'];
  return {
    failed: 0,
    warned: 0,
    failedShare: null,
    byRule,
    failedBy: Object.fromEntries(WHAT_IF_RULES.map((r) => [r, 0])) as PolicyOutcome['failedBy'],
    weeks: weeks.map((week) => ({ week, changes: 0, failed: 0, warned: 0 })),
  };
}

function tally(
  outcome: PolicyOutcome,
  verdict: Verdict & { rules: Partial<Record<WhatIfRule, Level>> },
  week: string,
  mode: MonoenvConfig['mode'],
): void {
  let row = outcome.weeks.find((w) => w.week === week);
  if (!row) outcome.weeks.push((row = { week, changes: 0, failed: 0, warned: 0 }));
  row.changes++;
  const levels = Object.values(verdict.rules);
  const failed = verdict.conclusion === 'failure';
  const warned = !failed && levels.some((l) => l === 'warning' || l === 'error');
  if (failed) {
    outcome.failed++;
    row.failed++;
  } else if (warned) {
    outcome.warned++;
    row.warned++;
  }
  for (const rule of WHAT_IF_RULES) {
    const level = verdict.rules[rule];
    if (level === undefined) continue;
    outcome.byRule[rule][level]++;
    if (failed && level === 'error' && mode === 'enforce') outcome.failedBy[rule]++;
  }
}

const percent = (part: number, whole: number): string => `${Math.round((part / whole) * 100)} %`;

/** "with this policy, 14 % of the last 90 days' changes would have failed: 9 % size, 5 % risky" */
export function summaryLine(whatIf: Pick<WhatIf, 'changes' | 'current' | 'proposed'>, days: number): string {
  const { changes, proposed, current } = whatIf;
  const span = `the last ${days} days' changes`;
  if (changes === 0) return `with this policy: no change landed in ${span.replace("'s changes", '')} to judge`;
  const now = `under the configuration in force: ${percent(current.failed, changes)}`;
  if (proposed.failed === 0) {
    return `with this policy, none of ${span} would have failed (${percent(proposed.warned, changes)} would have had warnings; ${now})`;
  }
  const parts = WHAT_IF_RULES.filter((r) => proposed.failedBy[r] > 0)
    .sort((a, b) => proposed.failedBy[b] - proposed.failedBy[a])
    .map((r) => `${percent(proposed.failedBy[r], changes)} ${r}`);
  return `with this policy, ${percent(proposed.failed, changes)} of ${span} would have failed: ${parts.join(', ')} (${now})`;
}

export function computeWhatIf(input: WhatIfInput): WhatIf {
  const bySha = new Map<string, PullFacts>();
  const byNumber = new Map<number, PullFacts>();
  for (const pull of input.pulls ?? []) {
    byNumber.set(pull.number, pull);
    if (pull.mergeCommitSha) bySha.set(pull.mergeCommitSha, pull);
  }
  const reviewJudged = input.pulls !== undefined;
  const current = emptyOutcome(input.weeks);
  const proposed = emptyOutcome(input.weeks);
  const candidates: Offender[] = [];
  let judged = 0;
  for (const record of input.records) {
    if (!record.proposed) continue;
    judged++;
    const week = weekOf(new Date(record.committedAt));
    const pull = reviewJudged ? (bySha.get(record.sha) ?? (record.pr === undefined ? undefined : byNumber.get(record.pr))) : undefined;
    const now = withReview(
      record.verdict,
      reviewJudged ? reviewLevel(record, pull, pull?.reviewed, input.current) : undefined,
      input.current.mode,
    );
    const then = withReview(
      record.proposed,
      reviewJudged ? reviewLevel(record, pull, pull?.proposedReviewed, input.proposed) : undefined,
      input.proposed.mode,
    );
    tally(current, now, week, input.current.mode);
    tally(proposed, then, week, input.proposed.mode);
    for (const rule of WHAT_IF_RULES) {
      const level = then.rules[rule];
      if (level === undefined || level === 'notice') continue;
      const number = pull?.number ?? record.pr;
      const url =
        input.webUrl === undefined
          ? undefined
          : number !== undefined
            ? `${input.webUrl}/pull/${number}`
            : `${input.webUrl}/commit/${record.sha}`;
      candidates.push({
        rule,
        level,
        sha: record.sha,
        committedAt: record.committedAt,
        subject: record.subject,
        lines: record.lines,
        ...(number === undefined ? {} : { pr: number }),
        ...(url === undefined ? {} : { url }),
        ...(now.rules[rule] === undefined ? { newUnderProposal: true } : {}),
      });
    }
  }
  for (const outcome of [current, proposed]) {
    outcome.failedShare = judged === 0 ? null : outcome.failed / judged;
    outcome.weeks.sort((a, b) => a.week.localeCompare(b.week));
  }
  const worst = Object.fromEntries(
    WHAT_IF_RULES.map((rule) => [
      rule,
      candidates
        .filter((c) => c.rule === rule)
        .sort((a, b) => RANK[b.level] - RANK[a.level] || b.lines - a.lines || b.committedAt.localeCompare(a.committedAt))
        .slice(0, WORST),
    ]),
  ) as WhatIf['worst'];
  const days = Math.round((input.until.getTime() - input.since.getTime()) / 86_400_000);
  const result = { proposedFile: input.proposedFile, changes: judged, reviewJudged, current, proposed, worst };
  return { ...result, summary: summaryLine(result, days) };
}
