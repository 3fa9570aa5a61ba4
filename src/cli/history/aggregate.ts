/**
 * The report's arithmetic: change records (and, with GitHub, pull-request facts) → weekly and overall
 * figures. Pure; every number the renderers show is computed here.
 */
import type { SizeClass } from '../../engine/report.js';
import {
  SIZE_CLASSES,
  type ChangeRecord,
  type ConfigFacts,
  type HistoryFacts,
  type PullFacts,
  type ReportData,
  type ReviewTotals,
  type ReviewerLoad,
  type Totals,
  type WeekFigures,
  type WeekReview,
} from './model.js';

const DAY_MS = 86_400_000;

/** Monday 00:00 UTC of the week holding `date`, as YYYY-MM-DD. */
export function weekOf(date: Date): string {
  const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const sinceMonday = (day.getUTCDay() + 6) % 7;
  return new Date(day.getTime() - sinceMonday * DAY_MS).toISOString().slice(0, 10);
}

/** Every week from the one holding `since` to the one holding `until`, so quiet weeks show as zero. */
export function weeksBetween(since: Date, until: Date): string[] {
  const weeks: string[] = [];
  const last = weekOf(until);
  for (let t = Date.parse(`${weekOf(since)}T00:00:00Z`); ; t += 7 * DAY_MS) {
    const week = new Date(t).toISOString().slice(0, 10);
    weeks.push(week);
    if (week >= last) break;
  }
  return weeks;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Nearest-rank percentile. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

const share = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);
const hoursBetween = (from: string, to: string): number => (Date.parse(to) - Date.parse(from)) / 3_600_000;

function emptyClasses(): Record<SizeClass, number> {
  return Object.fromEntries(SIZE_CLASSES.map((c) => [c, 0])) as Record<SizeClass, number>;
}

interface Tally {
  changes: number;
  viaPullRequest: number;
  direct: number;
  sizeClasses: Record<SizeClass, number>;
  lines: number[];
  needsTests: number;
  withTests: number;
  riskyTouched: number;
  riskyUnflagged: number;
  pullRequests: number;
  reviewed: number;
  unreviewed: number;
  exempt: number;
  /** Changes that are no pull request GitHub returned, judged as unreviewed (direct pushes). */
  directUnreviewed: number;
  hoursToMerge: number[];
}

function emptyTally(): Tally {
  return {
    changes: 0,
    viaPullRequest: 0,
    direct: 0,
    sizeClasses: emptyClasses(),
    lines: [],
    needsTests: 0,
    withTests: 0,
    riskyTouched: 0,
    riskyUnflagged: 0,
    pullRequests: 0,
    reviewed: 0,
    unreviewed: 0,
    exempt: 0,
    directUnreviewed: 0,
    hoursToMerge: [],
  };
}

function figures(t: Tally): Omit<WeekFigures, 'week' | 'review'> {
  return {
    changes: t.changes,
    viaPullRequest: t.viaPullRequest,
    direct: t.direct,
    sizeClasses: t.sizeClasses,
    medianLines: median(t.lines),
    needsTests: t.needsTests,
    withTests: t.withTests,
    riskyTouched: t.riskyTouched,
    riskyUnflagged: t.riskyUnflagged,
  };
}

function weekReview(t: Tally): WeekReview {
  return {
    pullRequests: t.pullRequests,
    reviewed: t.reviewed,
    unreviewed: t.unreviewed,
    exempt: t.exempt,
    medianHoursToMerge: median(t.hoursToMerge),
  };
}

export interface AggregateInput {
  repository: string;
  github?: string;
  generatedAt: string;
  since: Date;
  until: Date;
  records: readonly ChangeRecord[];
  /** Merged pull requests from GitHub; undefined when the report runs offline or GitHub could not be read. */
  pulls?: readonly PullFacts[];
  history: HistoryFacts;
  config: ConfigFacts;
  missing: readonly string[];
}

export function aggregate(input: AggregateInput): ReportData {
  const weeks = weeksBetween(input.since, input.until);
  const byWeek = new Map(weeks.map((w) => [w, emptyTally()]));
  const total = emptyTally();
  const withGitHub = input.pulls !== undefined;
  const bySha = new Map<string, PullFacts>();
  const byNumber = new Map<number, PullFacts>();
  for (const pull of input.pulls ?? []) {
    byNumber.set(pull.number, pull);
    if (pull.mergeCommitSha) bySha.set(pull.mergeCommitSha, pull);
  }
  const load = new Map<string, ReviewerLoad>();
  let unmatched = 0;

  for (const record of input.records) {
    const week = weekOf(new Date(record.committedAt));
    let tally = byWeek.get(week);
    if (tally === undefined) {
      // A commit dated outside the window (clock skew, or --until before HEAD's date) still belongs to the report.
      tally = emptyTally();
      byWeek.set(week, tally);
    }
    const pull = withGitHub ? (bySha.get(record.sha) ?? (record.pr === undefined ? undefined : byNumber.get(record.pr))) : undefined;
    if (withGitHub && pull === undefined && record.pr !== undefined) unmatched++;
    for (const t of [tally, total]) {
      t.changes++;
      if (record.arrival === 'direct' && pull === undefined) t.direct++;
      else t.viaPullRequest++;
      t.sizeClasses[record.sizeClass]++;
      t.lines.push(record.lines);
      if (record.needsTests) t.needsTests++;
      if (record.hasTests) t.withTests++;
      if (record.riskyTouched) t.riskyTouched++;
      if (record.riskyUnflagged) t.riskyUnflagged++;
      if (!withGitHub) continue;
      if (pull !== undefined) {
        t.pullRequests++;
        if (pull.exempt) t.exempt++;
        else if (pull.reviewed) t.reviewed++;
        else t.unreviewed++;
        t.hoursToMerge.push(hoursBetween(pull.createdAt, pull.mergedAt));
      } else if (record.pr === undefined) {
        t.directUnreviewed++;
      }
    }
    if (pull !== undefined) {
      for (const login of pull.reviewers) {
        const entry = load.get(login) ?? { login, reviewed: 0, approved: 0 };
        entry.reviewed++;
        if (pull.approvedBy.includes(login)) entry.approved++;
        load.set(login, entry);
      }
    }
  }

  const orderedWeeks = [...byWeek.keys()].sort();
  const weekFigures: WeekFigures[] = orderedWeeks.map((week) => {
    const t = byWeek.get(week)!;
    return { week, ...figures(t), ...(withGitHub ? { review: weekReview(t) } : {}) };
  });

  const totals: Totals = {
    ...figures(total),
    changesPerWeek: total.changes / orderedWeeks.length,
    testsShare: share(total.withTests, total.needsTests),
    riskyUnflaggedShare: share(total.riskyUnflagged, total.riskyTouched),
  };

  let review: ReviewTotals | undefined;
  if (withGitHub) {
    const judged = total.reviewed + total.unreviewed;
    review = {
      pullRequests: total.pullRequests,
      reviewed: total.reviewed,
      unreviewed: total.unreviewed,
      exempt: total.exempt,
      coverage: share(total.reviewed, judged + total.directUnreviewed),
      unreviewedMergeRate: share(total.unreviewed, judged),
      medianHoursToMerge: median(total.hoursToMerge),
      p90HoursToMerge: percentile(total.hoursToMerge, 90),
      reviewers: [...load.values()].sort((a, b) => b.reviewed - a.reviewed || b.approved - a.approved || a.login.localeCompare(b.login)),
      unmatched,
    };
  }

  return {
    repository: input.repository,
    ...(input.github === undefined ? {} : { github: input.github }),
    generatedAt: input.generatedAt,
    window: { since: input.since.toISOString(), until: input.until.toISOString(), weeks: orderedWeeks.length },
    history: input.history,
    config: input.config,
    totals,
    weeks: weekFigures,
    ...(review === undefined ? {} : { review }),
    missing: [...input.missing],
  };
}
