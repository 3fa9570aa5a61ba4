import { describe, expect, it } from '@jest/globals';
import { batchAnnotations, toAnnotations, ANNOTATIONS_PER_REQUEST, MAX_ANNOTATIONS } from '../../src/present/annotations.js';
import type { Finding } from '../../src/engine/report.js';
import { utf8Length } from '../../src/present/markdown.js';

const finding = (extra: Partial<Finding>): Finding => ({
  rule: 'risky',
  level: 'error',
  title: 'risky change unflagged',
  message: 'src/billing/charge.ts line 12 changes behaviour without a feature flag check.',
  path: 'src/billing/charge.ts',
  startLine: 12,
  ...extra,
});

describe('toAnnotations', () => {
  it("maps a finding to GitHub's annotation fields, error as failure", () => {
    const { annotations } = toAnnotations([finding({ endLine: 14, suggestion: "if (client.variation('new-charge', user, false)) { … }" })]);
    expect(annotations).toEqual([
      {
        path: 'src/billing/charge.ts',
        start_line: 12,
        end_line: 14,
        annotation_level: 'failure',
        title: 'risky: risky change unflagged',
        message: 'src/billing/charge.ts line 12 changes behaviour without a feature flag check.',
        raw_details: "if (client.variation('new-charge', user, false)) { … }",
      },
    ]);
  });

  it('puts a finding without a line on line 1 and says it is about the whole file', () => {
    const [annotation] = toAnnotations([finding({ startLine: undefined, level: 'warning', message: 'flag check removed' })]).annotations;
    expect(annotation).toMatchObject({
      start_line: 1,
      end_line: 1,
      annotation_level: 'warning',
      message: '(whole file) flag check removed',
    });
  });

  it('leaves findings without a path out and counts them', () => {
    const plan = toAnnotations([
      finding({ path: undefined, rule: 'review', title: 'Merged without review' }),
      finding({ level: 'notice' }),
    ]);
    expect(plan.annotations.map((a) => a.annotation_level)).toEqual(['notice']);
    expect(plan.unplaced).toBe(1);
    expect(plan.cut).toBe(0);
  });

  it('never ends before it starts, and drops a leading ./', () => {
    const [annotation] = toAnnotations([finding({ path: './src/a.ts', startLine: 9, endLine: 3 })]).annotations;
    expect(annotation).toMatchObject({ path: 'src/a.ts', start_line: 9, end_line: 9 });
  });

  it('sorts failures first, then by path and line', () => {
    const plan = toAnnotations([
      finding({ level: 'notice', path: 'a.ts', startLine: 1 }),
      finding({ level: 'error', path: 'b.ts', startLine: 30 }),
      finding({ level: 'warning', path: 'a.ts', startLine: 5 }),
      finding({ level: 'error', path: 'b.ts', startLine: 4 }),
      finding({ level: 'error', path: 'a.ts', startLine: 50 }),
    ]);
    expect(plan.annotations.map((a) => `${a.annotation_level} ${a.path}:${a.start_line}`)).toEqual([
      'failure a.ts:50',
      'failure b.ts:4',
      'failure b.ts:30',
      'warning a.ts:5',
      'notice a.ts:1',
    ]);
  });

  it('keeps titles within 255 characters and messages within 64 KB, multi-byte included', () => {
    const [annotation] = toAnnotations([finding({ title: '日本語'.repeat(200), message: '🚀'.repeat(20_000) })]).annotations;
    expect(Array.from(annotation.title)).toHaveLength(255);
    expect(annotation.title.endsWith('…')).toBe(true);
    expect(utf8Length(annotation.message)).toBeLessThanOrEqual(65_535);
    expect(annotation.message.endsWith('🚀…')).toBe(true);
  });

  it('caps the total, keeping the most severe, and says how many were cut', () => {
    const findings = Array.from({ length: 1_200 }, (_, i) => finding({ level: i < 100 ? 'notice' : 'error', startLine: i + 1 }));
    const plan = toAnnotations(findings);
    expect(plan.annotations).toHaveLength(MAX_ANNOTATIONS);
    expect(plan.cut).toBe(200);
    expect(plan.annotations.every((a) => a.annotation_level === 'failure')).toBe(true);
    expect(toAnnotations(findings, 10).cut).toBe(1_190);
  });
});

describe('batchAnnotations', () => {
  const sizes = (n: number): number[] => batchAnnotations(Array.from({ length: n }, (_, i) => i)).map((b) => b.length);

  it.each([
    [0, []],
    [1, [1]],
    [50, [50]],
    [51, [50, 1]],
    [120, [50, 50, 20]],
  ])('splits %i annotations into batches of %j', (n, expected) => {
    expect(sizes(n)).toEqual(expected);
  });

  it('keeps the order across batches', () => {
    const list = Array.from({ length: 120 }, (_, i) => i);
    expect(batchAnnotations(list).flat()).toEqual(list);
    expect(ANNOTATIONS_PER_REQUEST).toBe(50);
  });

  it('rejects a batch size GitHub could not take', () => {
    expect(() => batchAnnotations([1], 0)).toThrow(RangeError);
  });
});
