/**
 * The four DORA keys from the changes that landed and the deployments that shipped them. Pure: the
 * adapter gives the deployment events (from GitHub deployments, releases, tags or the merges themselves).
 *
 * Bands are those of the 2023 Accelerate State of DevOps Report (DORA, Google Cloud), "software delivery
 * performance" clusters. Where its medium and low clusters share a range (deployment frequency and lead time
 * both "between once per week and once per month" / "between one week and one month"), the range's end
 * separates them: slower than that is low.
 */
import { median, percentile, weekOf } from './aggregate.js';
import type { Band, ChangeRecord, DeploymentSource, DoraFailure, DoraFigures, DoraWeek, PullFacts } from './model.js';

export interface DeploymentEvent {
  /** When it reached production (deployment created, release published, tag made, change merged). */
  at: string;
  /** The commit deployed, when known. */
  sha: string | null;
  /** Its own final status said it failed (a GitHub deployment status `failure` or `error`). */
  failedStatus: boolean;
}

export interface DoraInput {
  source: DeploymentSource;
  /** How the source is named to people: "GitHub deployments to production", "releases" … */
  sourceNote: string;
  events: readonly DeploymentEvent[];
  records: readonly ChangeRecord[];
  pulls?: readonly PullFacts[];
  since: Date;
  until: Date;
  weeks: readonly string[];
  /** A revert or hotfix this long after a deployment counts as its failure. */
  failureWindowHours?: number;
}

export const DEFAULT_FAILURE_WINDOW_HOURS = 7 * 24;
export const BAND_REFERENCE = '2023 Accelerate State of DevOps Report (DORA)';
const HOUR = 3_600_000;
const hoursBetween = (from: string, to: string): number => Math.max(0, (Date.parse(to) - Date.parse(from)) / HOUR);
const ORDER: Band[] = ['elite', 'high', 'medium', 'low'];

/** Elite: on demand (daily or more); high: daily to weekly; medium: weekly to monthly; low: less. */
export function frequencyBand(perWeek: number): Band {
  if (perWeek >= 5) return 'elite';
  if (perWeek >= 1) return 'high';
  if (perWeek >= 12 / 52) return 'medium';
  return 'low';
}
/** Elite: under a day; high: a day to a week; medium: a week to a month; low: longer. */
export function leadTimeBand(hours: number): Band {
  if (hours < 24) return 'elite';
  if (hours < 24 * 7) return 'high';
  if (hours < 24 * 30) return 'medium';
  return 'low';
}
/** The 2023 clusters' rates: elite 5 %, high 10 %, medium 15 %, low 64 %. */
export function changeFailureBand(rate: number): Band {
  if (rate <= 0.05) return 'elite';
  if (rate <= 0.1) return 'high';
  if (rate <= 0.15) return 'medium';
  return 'low';
}
/**
 * Failed deployment recovery: elite under an hour; high under a day; medium under a week; low longer. The 2023
 * clusters' low range starts at a month: the week-to-month gap between medium and low is counted as low.
 */
export function restoreBand(hours: number): Band {
  if (hours < 1) return 'elite';
  if (hours < 24) return 'high';
  if (hours < 24 * 7) return 'medium';
  return 'low';
}

interface Shipped {
  event: DeploymentEvent;
  failure?: DoraFailure;
}

export function computeDora(input: DoraInput): DoraFigures {
  const windowHours = input.failureWindowHours ?? DEFAULT_FAILURE_WINDOW_HOURS;
  const sinceIso = input.since.toISOString();
  const untilIso = input.until.toISOString();
  const events: Shipped[] = [...input.events]
    .filter((e) => e.at >= sinceIso && e.at <= untilIso)
    .sort((a, b) => a.at.localeCompare(b.at))
    .map((event) => ({ event }));
  const changes = [...input.records].sort((a, b) => a.committedAt.localeCompare(b.committedAt));
  const indexBySha = new Map(changes.map((c, i) => [c.sha, i]));
  const pullBySha = new Map<string, PullFacts>();
  const pullByNumber = new Map<number, PullFacts>();
  for (const pull of input.pulls ?? []) {
    pullByNumber.set(pull.number, pull);
    if (pull.mergeCommitSha) pullBySha.set(pull.mergeCommitSha, pull);
  }
  const startOf = (change: ChangeRecord): string => {
    const pull = pullBySha.get(change.sha) ?? (change.pr === undefined ? undefined : pullByNumber.get(change.pr));
    return [pull?.firstCommitAt, change.authoredAt, change.committedAt].filter((d): d is string => !!d).sort()[0];
  };

  // Which deployment shipped each change: the first one at or after it, by commit when the deployed commit is
  // on the branch (everything up to it ships), else by time.
  const shippedBy = new Array<number | undefined>(changes.length);
  const leadHours: number[] = [];
  const leadByEvent = new Map<number, number[]>();
  let next = 0;
  events.forEach(({ event }, e) => {
    if (event.failedStatus) return;
    const cutoff = event.sha === null ? undefined : indexBySha.get(event.sha);
    while (next < changes.length && (cutoff !== undefined ? next <= cutoff : changes[next].committedAt <= event.at)) {
      shippedBy[next] = e;
      const hours = hoursBetween(startOf(changes[next]), event.at);
      leadHours.push(hours);
      leadByEvent.set(e, [...(leadByEvent.get(e) ?? []), hours]);
      next++;
    }
  });

  // Failures: a failed status, or a revert or hotfix that landed within the window after the deployment it fixes.
  for (const shipped of events)
    if (shipped.event.failedStatus) shipped.failure = { at: shipped.event.at, sha: shipped.event.sha, cause: 'status' };
  changes.forEach((change, i) => {
    if (change.reverts === undefined && !change.hotfix && change.kind !== 'revert') return;
    let target: number | undefined;
    if (change.reverts !== undefined) {
      const reverted = changes.findIndex((c) => c.sha.startsWith(change.reverts!));
      target = reverted >= 0 ? shippedBy[reverted] : undefined;
    }
    if (target === undefined) {
      for (let e = events.length - 1; e >= 0; e--) {
        if (!events[e].event.failedStatus && events[e].event.at <= change.committedAt && shippedBy[i] !== e) {
          target = e;
          break;
        }
      }
    }
    const shipped = target === undefined ? undefined : events[target];
    if (!shipped || shipped.failure || hoursBetween(shipped.event.at, change.committedAt) > windowHours) return;
    shipped.failure = { at: shipped.event.at, sha: shipped.event.sha, cause: change.hotfix ? 'hotfix' : 'revert', by: change.sha };
  });

  // Time to restore: from the failed deployment to the next one that did not fail.
  const restoreByEvent = new Map<number, number>();
  events.forEach((shipped, e) => {
    if (!shipped.failure) return;
    const fixed = events.findIndex((later, l) => l > e && !later.failure);
    if (fixed < 0) return;
    const hours = hoursBetween(shipped.event.at, events[fixed].event.at);
    restoreByEvent.set(e, hours);
    shipped.failure.restoredAt = events[fixed].event.at;
  });

  const weekly = new Map<string, { deployments: number; total: number; failed: number; lead: number[]; restore: number[] }>(
    input.weeks.map((w) => [w, { deployments: 0, total: 0, failed: 0, lead: [], restore: [] }]),
  );
  events.forEach((shipped, e) => {
    const week = weekOf(new Date(shipped.event.at));
    const w = weekly.get(week) ?? { deployments: 0, total: 0, failed: 0, lead: [], restore: [] };
    weekly.set(week, w);
    w.total++;
    if (!shipped.event.failedStatus) w.deployments++;
    if (shipped.failure) w.failed++;
    w.lead.push(...(leadByEvent.get(e) ?? []));
    if (restoreByEvent.has(e)) w.restore.push(restoreByEvent.get(e)!);
  });
  const weeks: DoraWeek[] = [...weekly.keys()].sort().map((week) => {
    const w = weekly.get(week)!;
    return {
      week,
      deployments: w.deployments,
      failed: w.failed,
      total: w.total,
      medianLeadHours: median(w.lead),
      medianRestoreHours: median(w.restore),
    };
  });

  const deployments = events.filter((s) => !s.event.failedStatus).length;
  const failures = events.filter((s) => s.failure).map((s) => s.failure!);
  const restoreHours = [...restoreByEvent.values()];
  const perWeek = deployments / Math.max(1, input.weeks.length);
  const medianLead = median(leadHours);
  const rate = events.length === 0 ? null : failures.length / events.length;
  const medianRestore = median(restoreHours);
  const bands = {
    frequency: events.length === 0 ? null : frequencyBand(perWeek),
    leadTime: medianLead === null ? null : leadTimeBand(medianLead),
    changeFailure: rate === null ? null : changeFailureBand(rate),
    restore: medianRestore === null ? null : restoreBand(medianRestore),
  };
  const banded = Object.values(bands).filter((b): b is Band => b !== null);
  return {
    source: input.source,
    sourceNote: input.sourceNote,
    failureWindowHours: windowHours,
    deployments,
    deploymentsPerWeek: perWeek,
    leadTime: {
      medianHours: medianLead,
      p90Hours: percentile(leadHours, 90),
      changes: leadHours.length,
      notDeployed: changes.length - leadHours.length,
    },
    changeFailure: {
      failed: failures.length,
      total: events.length,
      rate,
      byCause: {
        status: failures.filter((f) => f.cause === 'status').length,
        revert: failures.filter((f) => f.cause === 'revert').length,
        hotfix: failures.filter((f) => f.cause === 'hotfix').length,
      },
    },
    restore: { medianHours: medianRestore, restored: restoreHours.length, open: failures.length - restoreHours.length },
    band: {
      // The team sits in the band of its weakest key.
      overall: banded.length === 0 ? null : banded.reduce((worst, b) => (ORDER.indexOf(b) > ORDER.indexOf(worst) ? b : worst)),
      ...bands,
      reference: BAND_REFERENCE,
    },
    weeks,
    failures: failures.slice(-20),
  };
}
