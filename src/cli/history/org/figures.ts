/**
 * The organisation page's arithmetic: each repository's judged changes → its figures and how much it needs
 * attention. Pure; a repository is reduced as soon as it is read, so only figures stay in memory.
 */
import { median, weekOf } from '../aggregate.js';
import { SIZE_CLASSES } from '../model.js';
import type { SizeClass } from '../../../engine/report.js';
import type { RepositoryResult } from './collect.js';
import type { ConfigInForce } from './judge.js';

export interface OrgWeek {
  week: string;
  reviewed: number;
  unreviewed: number;
  direct: number;
}

export interface OrgRepository {
  name: string;
  url: string;
  config: ConfigInForce;
  /** Merged pull requests and direct pushes in the window. */
  changes: number;
  changesPerWeek: number;
  weeks: OrgWeek[];
  pullRequests: number;
  medianLines: number | null;
  sizeClasses: Record<SizeClass, number>;
  /** Pull requests that changed source files, and how many of them came with tests. */
  needsTests: number;
  withTests: number;
  riskyTouched: number;
  riskyUnflagged: number;
  /** Pull requests merged without their approvals (exempt authors left out). */
  unreviewedMerges: number;
  directPushes: number;
  medianHoursToMerge: number | null;
  /** Changes per week in the first and the second half of the window. */
  trend: { earlier: number; recent: number };
  /** Higher needs attention sooner; `reasons` say why. */
  attention: number;
  reasons: string[];
  missing: string[];
}

const share = (part: number, whole: number): number => (whole === 0 ? 0 : part / whole);
const pct = (ratio: number): string => `${Math.round(ratio * 100)} %`;

export function repositoryFigures(result: RepositoryResult, weeks: readonly string[]): OrgRepository {
  const byWeek = new Map(weeks.map((week) => [week, { week, reviewed: 0, unreviewed: 0, direct: 0 }]));
  const row = (at: string) => {
    const week = weekOf(new Date(at));
    let w = byWeek.get(week);
    if (!w) byWeek.set(week, (w = { week, reviewed: 0, unreviewed: 0, direct: 0 }));
    return w;
  };
  const sizeClasses = Object.fromEntries(SIZE_CLASSES.map((c) => [c, 0])) as Record<SizeClass, number>;
  let needsTests = 0,
    withTests = 0,
    riskyTouched = 0,
    riskyUnflagged = 0,
    unreviewedMerges = 0;
  for (const change of result.changes) {
    sizeClasses[change.sizeClass]++;
    if (change.needsTests) needsTests++;
    if (change.hasTests) withTests++;
    if (change.riskyTouched) riskyTouched++;
    if (change.riskyUnflagged) riskyUnflagged++;
    const unreviewed = !change.reviewed && !change.exempt;
    if (unreviewed) unreviewedMerges++;
    row(change.mergedAt)[unreviewed ? 'unreviewed' : 'reviewed']++;
  }
  for (const push of result.direct) row(push.at).direct++;
  const ordered = [...byWeek.values()].sort((a, b) => a.week.localeCompare(b.week));
  const changes = result.changes.length + result.direct.length;
  const half = Math.floor(ordered.length / 2);
  const perWeek = (rows: OrgWeek[]) =>
    rows.length === 0 ? 0 : rows.reduce((n, w) => n + w.reviewed + w.unreviewed + w.direct, 0) / rows.length;

  // Attention: what the practice asks for, weighted by how much it matters to an admin.
  const reasons: string[] = [];
  let attention = 0;
  if (!result.config.valid) {
    attention += 3;
    reasons.push('configuration invalid');
  } else if (result.config.origin === 'none') {
    attention += 1;
    reasons.push('no configuration');
  }
  const unreviewed = share(unreviewedMerges + result.direct.length, changes);
  if (unreviewed > 0) {
    attention += 3 * unreviewed;
    if (unreviewed >= 0.1) reasons.push(`${pct(unreviewed)} unreviewed or pushed directly`);
  }
  if (riskyUnflagged > 0) {
    attention += 2 * share(riskyUnflagged, riskyTouched);
    reasons.push(`${riskyUnflagged} risky changes without a flag`);
  }
  const testsShare = share(withTests, needsTests);
  if (needsTests > 0 && testsShare < 0.5) {
    attention += 1 - testsShare;
    reasons.push(`${pct(testsShare)} with tests`);
  }
  const large = share(sizeClasses.L + sizeClasses.XL + sizeClasses.XXL, result.changes.length);
  if (large > 0) {
    attention += large;
    if (large >= 0.25) reasons.push(`${pct(large)} of pull requests L or larger`);
  }
  return {
    name: result.name,
    url: result.url,
    config: result.config,
    changes,
    changesPerWeek: changes / Math.max(1, weeks.length),
    weeks: ordered,
    pullRequests: result.changes.length,
    medianLines: median(result.changes.map((c) => c.lines)),
    sizeClasses,
    needsTests,
    withTests,
    riskyTouched,
    riskyUnflagged,
    unreviewedMerges,
    directPushes: result.direct.length,
    medianHoursToMerge: median(result.changes.map((c) => (Date.parse(c.mergedAt) - Date.parse(c.createdAt)) / 3_600_000)),
    trend: { earlier: perWeek(ordered.slice(0, half)), recent: perWeek(ordered.slice(half)) },
    attention: Math.round(attention * 100) / 100,
    reasons,
    missing: result.missing,
  };
}

/** Needing attention first; then the busiest. */
export function byAttention(a: OrgRepository, b: OrgRepository): number {
  return b.attention - a.attention || b.changes - a.changes || a.name.localeCompare(b.name);
}
