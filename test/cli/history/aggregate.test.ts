import { describe, expect, it } from '@jest/globals';
import { aggregate, median, percentile, weekOf, weeksBetween } from '../../../src/cli/history/aggregate.js';
import { readArrival } from '../../../src/cli/history/messages.js';
import type { ChangeRecord, PullFacts } from '../../../src/cli/history/model.js';

const record = (over: Partial<ChangeRecord> & Pick<ChangeRecord, 'sha' | 'committedAt' | 'lines'>): ChangeRecord => ({
  subject: 's',
  author: 'dev',
  arrival: 'squash',
  kind: 'feature',
  sizeClass: 'XS',
  files: 1,
  excludedLines: 0,
  needsTests: false,
  hasTests: false,
  riskyTouched: false,
  riskyUnflagged: false,
  config: 'file',
  authoredAt: over.committedAt,
  hotfix: false,
  verdict: { conclusion: 'success', rules: {} },
  ...over,
});
const pull = (over: Partial<PullFacts> & Pick<PullFacts, 'number'>): PullFacts => ({
  title: 't',
  author: 'dev',
  createdAt: '2024-01-01T00:00:00Z',
  mergedAt: '2024-01-01T10:00:00Z',
  mergeCommitSha: null,
  approvedBy: [],
  reviewers: [],
  exempt: false,
  reviewed: false,
  ...over,
});
const input = {
  repository: 'r',
  generatedAt: '2024-02-01T00:00:00Z',
  since: new Date('2024-01-01T00:00:00Z'),
  until: new Date('2024-01-20T00:00:00Z'),
  history: { branch: 'main', head: 'h', shallow: false, judged: 0, skipped: [] },
  config: { fromFile: 0, defaults: 0, invalid: 0, invalidVersions: [] },
  missing: [],
};

describe('weeks', () => {
  it('starts weeks on Monday in UTC', () => {
    expect(weekOf(new Date('2024-01-07T23:59:59Z'))).toBe('2024-01-01');
    expect(weekOf(new Date('2024-01-08T00:00:00Z'))).toBe('2024-01-08');
    expect(weekOf(new Date('2024-01-08T01:00:00+02:00'))).toBe('2024-01-01');
  });
  it('lists quiet weeks too', () => {
    expect(weeksBetween(new Date('2024-01-03T00:00:00Z'), new Date('2024-01-22T00:00:00Z'))).toEqual([
      '2024-01-01',
      '2024-01-08',
      '2024-01-15',
      '2024-01-22',
    ]);
  });
  it('takes medians and nearest-rank percentiles', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 10])).toBe(3.5);
    expect(median([])).toBeNull();
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
  });
});

describe('readArrival', () => {
  it('reads GitHub merge, squash and direct messages', () => {
    expect(readArrival('Merge pull request #123 from acme/feature-x\n\nAdd the x feature')).toEqual({
      arrival: 'merge',
      pr: 123,
      title: 'Add the x feature',
    });
    expect(readArrival('Add billing retries (#45)\n\n* wip\n* more')).toEqual({
      arrival: 'squash',
      pr: 45,
      title: 'Add billing retries (#45)',
    });
    expect(readArrival('Fix typo in README')).toEqual({ arrival: 'direct', title: 'Fix typo in README' });
    expect(readArrival("Merge branch 'main' into feature")).toEqual({ arrival: 'direct', title: "Merge branch 'main' into feature" });
    expect(readArrival('Mention #12 in passing').arrival).toBe('direct');
  });
});

describe('aggregate', () => {
  const records = [
    record({ sha: 'a', committedAt: '2024-01-02T10:00:00Z', lines: 8, sizeClass: 'XS', pr: 1, needsTests: true, hasTests: true }),
    record({
      sha: 'b',
      committedAt: '2024-01-03T10:00:00Z',
      lines: 40,
      sizeClass: 'M',
      pr: 2,
      needsTests: true,
      riskyTouched: true,
      riskyUnflagged: true,
    }),
    record({ sha: 'c', committedAt: '2024-01-04T10:00:00Z', lines: 120, sizeClass: 'L', arrival: 'direct', riskyTouched: true }),
    record({ sha: 'd', committedAt: '2024-01-16T10:00:00Z', lines: 3, sizeClass: 'XS', pr: 4, needsTests: true, hasTests: true }),
  ];

  it('counts changes, size classes, medians, tests and risky shares per week and overall', () => {
    const data = aggregate({ ...input, records });
    expect(data.weeks.map((w) => [w.week, w.changes, w.direct, w.medianLines])).toEqual([
      ['2024-01-01', 3, 1, 40],
      ['2024-01-08', 0, 0, null],
      ['2024-01-15', 1, 0, 3],
    ]);
    expect(data.totals.sizeClasses).toEqual({ XS: 2, S: 0, M: 1, L: 1, XL: 0, XXL: 0 });
    expect(data.totals.medianLines).toBe(24);
    expect(data.totals.changesPerWeek).toBeCloseTo(4 / 3);
    expect(data.totals.testsShare).toBeCloseTo(2 / 3);
    expect(data.totals.riskyUnflaggedShare).toBe(0.5);
    expect(data.review).toBeUndefined();
    expect(data.weeks[0].review).toBeUndefined();
  });

  it('joins pull requests by merge commit or number and computes review coverage, merge times and reviewer load', () => {
    const pulls = [
      pull({
        number: 1,
        mergeCommitSha: 'a',
        reviewed: true,
        approvedBy: ['ann'],
        reviewers: ['ann', 'bob'],
        createdAt: '2024-01-01T00:00:00Z',
        mergedAt: '2024-01-01T02:00:00Z',
      }),
      pull({ number: 2, reviewed: false, reviewers: ['bob'], createdAt: '2024-01-01T00:00:00Z', mergedAt: '2024-01-01T10:00:00Z' }),
      pull({ number: 4, exempt: true, createdAt: '2024-01-15T00:00:00Z', mergedAt: '2024-01-15T01:00:00Z' }),
    ];
    const data = aggregate({ ...input, records, pulls });
    const review = data.review!;
    expect([review.pullRequests, review.reviewed, review.unreviewed, review.exempt]).toEqual([3, 1, 1, 1]);
    // One reviewed of: one unreviewed PR, one reviewed PR and one direct push (the exempt bot PR is left out).
    expect(review.coverage).toBeCloseTo(1 / 3);
    expect(review.unreviewedMergeRate).toBe(0.5);
    expect(review.medianHoursToMerge).toBe(2);
    expect(review.reviewers).toEqual([
      { login: 'bob', reviewed: 2, approved: 0 },
      { login: 'ann', reviewed: 1, approved: 1 },
    ]);
    expect(data.weeks[0].review).toEqual({ pullRequests: 2, reviewed: 1, unreviewed: 1, exempt: 0, medianHoursToMerge: 6 });
  });

  it('counts changes naming a pull request GitHub did not return', () => {
    const data = aggregate({ ...input, records, pulls: [] });
    expect(data.review!.unmatched).toBe(3);
    expect(data.review!.pullRequests).toBe(0);
  });
});
