import { describe, expect, it } from '@jest/globals';
import { describeFailure, loadCases, prepareJudge, runCase, score, TARGETS, type CaseResult } from '../../tools/judge/suite.js';

await prepareJudge();

// The migrations rule's cases are judged in migrations.test.ts.
const cases = loadCases().filter((c) => c.expect.tests !== undefined || c.expect.risky !== undefined);
const results = new Map(cases.map((c) => [c.name, runCase(c)]));
const failed = (name: string): CaseResult[] => results.get(name)!.filter((r) => r.falsePositives.length > 0 || r.missed.length > 0);

describe('judgement suite', () => {
  it('holds at least 60 labelled cases across at least five ecosystems, each named once', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
    expect(new Set(cases.map((c) => c.file)).size).toBeGreaterThanOrEqual(5);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  // Every case is a regression test of its own: one that starts going wrong fails by name.
  for (const judgeCase of cases) {
    const known = judgeCase.known;
    it(`${judgeCase.file}: ${judgeCase.name}${known ? ' (expected to fail)' : ''}`, () => {
      const wrong = failed(judgeCase.name);
      if (known) expect({ stillFails: wrong.length > 0, reason: known }).toEqual({ stillFails: true, reason: known });
      else expect(wrong.map(describeFailure).join('\n')).toBe('');
    });
  }

  for (const rule of ['tests', 'risky'] as const) {
    it(`${rule}: precision and recall of at least ${TARGETS.precision} and ${TARGETS.recall}`, () => {
      const s = score([...results.values()].flat()).find((x) => x.rule === rule)!;
      expect(s.truePositives).toBeGreaterThan(0);
      expect({ precision: s.precision >= TARGETS.precision, recall: s.recall >= TARGETS.recall }).toEqual({
        precision: true,
        recall: true,
      });
    });
  }
});
