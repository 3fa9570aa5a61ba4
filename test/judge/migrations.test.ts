/**
 * The migrations rule on its labelled set (test/fixtures/judge/migrations-*.yml: real migrations from public
 * projects). Each case is a test of its own, so a regression fails by name; a case known to be judged wrongly
 * is an expected failure with its reason, and fails the suite once it starts passing (update its label then).
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { describeFailure, loadCases, prepareJudge, runCase, score } from '../../tools/judge/suite.js';

const cases = loadCases().filter((c) => c.expect.migrations !== undefined);

beforeAll(async () => {
  await prepareJudge();
}, 60_000);

const judged = (name: string) => {
  const result = runCase(cases.find((c) => c.name === name)!).find((r) => r.rule === 'migrations')!;
  return { wrong: result.falsePositives.length + result.missed.length, detail: describeFailure(result) };
};

describe('migrations: the labelled set', () => {
  it('holds at least 40 real migrations, each with its source, across every framework', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    for (const c of cases)
      expect({ name: c.name, source: c.source?.commit !== undefined && c.source.repo.includes('/') }).toEqual({
        name: c.name,
        source: true,
      });
    const files = new Set(cases.map((c) => c.file));
    for (const framework of ['sql', 'rails', 'django', 'alembic', 'js', 'knex', 'typeorm'])
      expect(files).toContain(`migrations-${framework}.yml`);
    expect(cases.some((c) => c.expect.migrations!.length === 0)).toBe(true);
    expect(cases.some((c) => c.expect.migrations!.some((e) => e.hazard === 'expand-contract'))).toBe(true);
  });

  for (const c of cases) {
    if (c.known) {
      it.failing(`${c.name} (known: ${c.known})`, () => {
        expect(judged(c.name).wrong).toBe(0);
      });
    } else {
      it(c.name, () => {
        const { wrong, detail } = judged(c.name);
        expect({ wrong, detail: wrong === 0 ? '' : detail }).toEqual({ wrong: 0, detail: '' });
      });
    }
  }

  it('precision and recall of at least 0.9 over the set', () => {
    const s = score(cases.flatMap(runCase)).find((x) => x.rule === 'migrations')!;
    expect(s.precision).toBeGreaterThanOrEqual(0.9);
    expect(s.recall).toBeGreaterThanOrEqual(0.9);
  });
});
