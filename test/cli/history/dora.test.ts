import { describe, expect, it } from '@jest/globals';
import { changeFailureBand, computeDora, frequencyBand, leadTimeBand, restoreBand } from '../../../src/cli/history/dora.js';
import { weeksBetween } from '../../../src/cli/history/aggregate.js';
import type { ChangeRecord } from '../../../src/cli/history/model.js';

const since = new Date('2024-01-01T00:00:00Z');
const until = new Date('2024-01-28T23:59:59Z');
const change = (sha: string, committedAt: string, over: Partial<ChangeRecord> = {}): ChangeRecord => ({
  sha,
  committedAt,
  authoredAt: committedAt,
  subject: sha,
  author: 'dev',
  arrival: 'squash',
  kind: 'feature',
  sizeClass: 'S',
  lines: 20,
  files: 1,
  excludedLines: 0,
  needsTests: false,
  hasTests: false,
  riskyTouched: false,
  riskyUnflagged: false,
  config: 'file',
  hotfix: false,
  verdict: { conclusion: 'success', rules: {} },
  ...over,
});
const base = {
  since,
  until,
  weeks: weeksBetween(since, until),
  source: 'deployments' as const,
  sourceNote: 'GitHub deployments to production',
};

describe('computeDora', () => {
  it('ships each change with the first deployment of a commit that contains it, and measures lead time from its first commit', () => {
    const records = [
      change('a1', '2024-01-02T10:00:00Z', { authoredAt: '2024-01-01T10:00:00Z' }),
      change('a2', '2024-01-02T12:00:00Z'),
      change('a3', '2024-01-03T09:00:00Z'),
    ];
    const dora = computeDora({
      ...base,
      records,
      events: [
        { at: '2024-01-02T14:00:00Z', sha: 'a2', failedStatus: false },
        { at: '2024-01-04T09:00:00Z', sha: 'a3', failedStatus: false },
      ],
      pulls: [
        {
          number: 1,
          title: 't',
          author: 'dev',
          createdAt: '2024-01-01T00:00:00Z',
          mergedAt: '2024-01-02T12:00:00Z',
          mergeCommitSha: 'a2',
          firstCommitAt: '2023-12-31T14:00:00Z',
          approvedBy: [],
          reviewers: [],
          exempt: false,
          reviewed: true,
        },
      ],
    });
    // a1: 28 h (author date), a2: 48 h (its pull request's first commit), a3: 24 h.
    expect(dora.leadTime).toEqual({ medianHours: 28, p90Hours: 48, changes: 3, notDeployed: 0 });
    expect(dora.deployments).toBe(2);
    expect(dora.changeFailure).toMatchObject({ failed: 0, total: 2, rate: 0 });
    expect(dora.weeks.find((w) => w.week === '2024-01-01')).toMatchObject({ deployments: 2, medianLeadHours: 28 });
  });

  it('counts a failed status, a revert of a shipped change and a hotfix as failures, and the time to the next good deployment', () => {
    const records = [
      change('b1', '2024-01-08T09:00:00Z'),
      change('b2', '2024-01-09T09:00:00Z', { reverts: 'b1', kind: 'revert' }),
      change('b3', '2024-01-15T09:00:00Z'),
      change('b4', '2024-01-15T15:00:00Z', { hotfix: true, kind: 'fix' }),
      change('b5', '2024-01-22T09:00:00Z'),
    ];
    const dora = computeDora({
      ...base,
      records,
      events: [
        { at: '2024-01-08T10:00:00Z', sha: 'b1', failedStatus: false }, // reverted next day → failed
        { at: '2024-01-09T12:00:00Z', sha: 'b2', failedStatus: false }, // restores: 26 h
        { at: '2024-01-15T10:00:00Z', sha: 'b3', failedStatus: false }, // hotfixed 5 h later → failed
        { at: '2024-01-15T16:00:00Z', sha: 'b4', failedStatus: false }, // restores: 6 h
        { at: '2024-01-22T10:00:00Z', sha: 'b5', failedStatus: true }, // its status failed, never restored
      ],
    });
    expect(dora.changeFailure).toEqual({ failed: 3, total: 5, rate: 0.6, byCause: { status: 1, revert: 1, hotfix: 1 } });
    expect(dora.restore).toEqual({ medianHours: 16, restored: 2, open: 1 });
    expect(dora.failures.map((f) => [f.sha, f.cause, f.by ?? null])).toEqual([
      ['b1', 'revert', 'b2'],
      ['b3', 'hotfix', 'b4'],
      ['b5', 'status', null],
    ]);
    expect(dora.leadTime.notDeployed).toBe(1); // b5's only deployment failed
    expect(dora.band.changeFailure).toBe('low');
    expect(dora.band.overall).toBe('low');
  });

  it('ignores a revert that came after the failure window', () => {
    const records = [change('c1', '2024-01-02T09:00:00Z'), change('c2', '2024-01-20T09:00:00Z', { reverts: 'c1', kind: 'revert' })];
    const dora = computeDora({
      ...base,
      records,
      events: records.map((r) => ({ at: r.committedAt, sha: r.sha, failedStatus: false })),
      source: 'merges',
      sourceNote: 'merges',
    });
    expect(dora.changeFailure.failed).toBe(0);
    expect(dora.leadTime.medianHours).toBe(0);
  });

  it('places each key in the 2023 DORA bands', () => {
    expect([frequencyBand(10), frequencyBand(2), frequencyBand(0.5), frequencyBand(0.1)]).toEqual(['elite', 'high', 'medium', 'low']);
    expect([leadTimeBand(3), leadTimeBand(50), leadTimeBand(24 * 10), leadTimeBand(24 * 60)]).toEqual(['elite', 'high', 'medium', 'low']);
    expect([changeFailureBand(0.05), changeFailureBand(0.08), changeFailureBand(0.15), changeFailureBand(0.3)]).toEqual([
      'elite',
      'high',
      'medium',
      'low',
    ]);
    expect([restoreBand(0.5), restoreBand(5), restoreBand(48), restoreBand(24 * 30)]).toEqual(['elite', 'high', 'medium', 'low']);
  });
});
