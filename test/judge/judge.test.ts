import { describe, expect, it } from '@jest/globals';
import { describeFailure, loadCases, runCase, score } from './suite.js';

describe('judgement suite', () => {
  const cases = loadCases();
  const scores = score(cases.flatMap(runCase));

  it('holds at least 60 labelled cases across at least five ecosystems', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
    expect(new Set(cases.map((c) => c.file)).size).toBeGreaterThanOrEqual(5);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  for (const rule of ['tests', 'risky'] as const) {
    it(`${rule}: precision and recall of at least 0.9`, () => {
      const s = scores.find((x) => x.rule === rule)!;
      const detail = s.failures.map(describeFailure).join('\n');
      expect(s.truePositives).toBeGreaterThan(0);
      expect({ precision: s.precision >= 0.9, recall: s.recall >= 0.9, detail: s.precision >= 0.9 && s.recall >= 0.9 ? '' : detail }).toEqual({
        precision: true,
        recall: true,
        detail: '',
      });
    });
  }
});
