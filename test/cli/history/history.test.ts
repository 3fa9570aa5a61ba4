import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildReport } from '../../../src/cli/history/command.js';
import { collectHistory, ReportInputError } from '../../../src/cli/history/collect.js';
import { RecordSplitter } from '../../../src/cli/history/history.js';
import { generateRepository, linesOf, type GeneratedCommit } from '../../../tools/generate-repository.js';

const DAY = 86_400;
const JAN1 = Date.parse('2024-01-01T00:00:00Z') / 1000; // a Monday
const at = (day: number): number => JAN1 + (day - 1) * DAY + 12 * 3600;
const since = new Date('2024-01-01T00:00:00Z');
const until = new Date('2024-02-04T00:00:00Z');

const VALID = 'risky:\n  paths: ["src/billing/**"]\n';
const INVALID = 'size:\n  warn_lines: lots\n';
const ADVISE = 'mode: advise\n';

/** Oldest first. Sizes, arrivals, configuration in force and weeks are all known. */
const HISTORY: GeneratedCommit[] = [
  {
    message: 'Initial import',
    time: at(-12),
    files: { '.github/monoenv.yml': VALID, 'README.md': '# demo\n', 'src/greet.ts': linesOf(4, 'greet') },
  },
  { message: 'Before the window (#100)', time: at(-5), files: { 'src/old.ts': linesOf(300) } },
  // week of 2024-01-01
  { message: 'Add greeting (#1)', time: at(1), files: { 'src/hello.ts': linesOf(5, 'hello'), 'src/hello.test.ts': linesOf(3, 'test') } },
  {
    message: 'Merge pull request #2 from acme/report\n\nAdd report',
    time: at(2),
    files: { 'src/report.ts': linesOf(20) },
    mergeOf: { message: 'Add report' },
  },
  { message: 'Write the guide', time: at(3), files: { 'docs/guide.md': linesOf(50) } },
  // week of 2024-01-08
  { message: 'Billing change (#4)', time: at(8), files: { 'src/billing/charge.ts': linesOf(40, 'charge') } },
  { message: 'Tighten config', time: at(9), files: { '.github/monoenv.yml': INVALID } },
  { message: 'More billing (#6)', time: at(10), files: { 'src/billing/refund.ts': linesOf(120) } },
  // week of 2024-01-15
  { message: 'Fix config', time: at(15), files: { '.github/monoenv.yml': ADVISE } },
  { message: 'Big import (#8)', time: at(16), files: { 'src/big.ts': linesOf(600), 'package-lock.json': linesOf(5000, '"x"') } },
  {
    message: 'Merge pull request #9 from acme/x\n\nAdd x',
    time: at(17),
    files: { 'src/x.ts': linesOf(9), 'src/x.test.ts': linesOf(2) },
    mergeOf: { message: 'Add x' },
  },
  // week of 2024-01-22: quiet; week of 2024-01-29:
  { message: 'hotfix', time: at(29), files: { 'src/greet.ts': linesOf(3, 'greet') + 'greet 4 fixed\n' } },
];

let root: string;
let repo: string;

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'monoenv-report-'));
  repo = path.join(root, 'repo');
  generateRepository(repo, HISTORY);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('collectHistory on a generated repository', () => {
  it('judges each first-parent change in the window with the configuration in force at its base', async () => {
    const collected = await collectHistory({ cwd: repo, since, until });
    const bySubject = Object.fromEntries(collected.records.map((r) => [r.subject, r]));
    expect(collected.records.map((r) => r.subject)).toEqual([
      'hotfix',
      'Add x',
      'Big import (#8)',
      'Fix config',
      'More billing (#6)',
      'Tighten config',
      'Billing change (#4)',
      'Write the guide',
      'Add report',
      'Add greeting (#1)',
    ]);
    expect(collected.records.map((r) => [r.arrival, r.pr ?? null])).toEqual([
      ['direct', null],
      ['merge', 9],
      ['squash', 8],
      ['direct', null],
      ['squash', 6],
      ['direct', null],
      ['squash', 4],
      ['direct', null],
      ['merge', 2],
      ['squash', 1],
    ]);
    expect(collected.records.map((r) => r.lines)).toEqual([2, 11, 600, 3, 120, 4, 40, 50, 20, 8]);
    expect(collected.records.map((r) => r.sizeClass)).toEqual(['XS', 'S', 'XL', 'XS', 'L', 'XS', 'M', 'M', 'S', 'XS']);
    expect(bySubject['Big import (#8)'].excludedLines).toBe(5000);
    // "Tighten config" is judged by the valid file it replaced; the two changes after it by the defaults.
    expect(collected.records.map((r) => r.config)).toEqual([
      'file',
      'file',
      'file',
      'invalid',
      'invalid',
      'file',
      'file',
      'file',
      'file',
      'file',
    ]);
    expect(collected.config).toMatchObject({ fromFile: 8, defaults: 0, invalid: 2 });
    expect(collected.config.invalidVersions).toHaveLength(1);
    expect(collected.config.invalidVersions[0].changes).toBe(2);
    expect(collected.config.invalidVersions[0].errors.join('\n')).toMatch(/size\.warn_lines/);
    // risky.paths applies only while the valid first version is in force.
    expect(collected.records.filter((r) => r.riskyTouched).map((r) => r.subject)).toEqual(['Billing change (#4)']);
    expect(collected.records.filter((r) => r.needsTests).map((r) => r.subject)).toEqual([
      'hotfix',
      'Add x',
      'Big import (#8)',
      'More billing (#6)',
      'Billing change (#4)',
      'Add report',
      'Add greeting (#1)',
    ]);
    // Tests beside the source (hello.test.ts, x.test.ts) satisfy the tests rule; the unflagged billing change fires risky.
    expect(collected.records.filter((r) => r.hasTests).map((r) => r.subject)).toEqual(['Add x', 'Add greeting (#1)']);
    expect(collected.records.filter((r) => r.riskyUnflagged).map((r) => r.subject)).toEqual(['Billing change (#4)']);
    expect(collected.history).toMatchObject({ branch: 'main', shallow: false, judged: 10, skipped: [] });
    expect(collected.missing).toEqual([expect.stringMatching(/^2 changes were judged with the default configuration/)]);
  });

  it('aggregates the weeks with known answers', async () => {
    const data = await buildReport({ cwd: repo, since, until, env: {}, now: until });
    expect(data.weeks.map((w) => [w.week, w.changes, w.viaPullRequest, w.direct, w.medianLines])).toEqual([
      ['2024-01-01', 3, 2, 1, 20],
      ['2024-01-08', 3, 2, 1, 40],
      ['2024-01-15', 3, 2, 1, 11],
      ['2024-01-22', 0, 0, 0, null],
      ['2024-01-29', 1, 0, 1, 2],
    ]);
    expect(data.totals.sizeClasses).toEqual({ XS: 4, S: 2, M: 2, L: 1, XL: 1, XXL: 0 });
    expect(data.totals.medianLines).toBe(15.5);
    expect(data.totals.changes).toBe(10);
    expect(data.totals.direct).toBe(4);
    expect(data.repository).toBe('repo');
  });

  it('says how much history a shallow clone holds', async () => {
    const shallow = path.join(root, 'shallow');
    execFileSync('git', ['clone', '-q', '--depth', '3', `file://${repo}`, shallow]);
    const collected = await collectHistory({ cwd: shallow, since, until });
    expect(collected.history.shallow).toBe(true);
    expect(collected.records.map((r) => r.subject)).toEqual(['hotfix', 'Add x']);
    expect(collected.history.skipped).toEqual([{ sha: expect.any(String), reason: 'shallow boundary' }]);
    expect(collected.history.availableSince).toBe('2024-01-16T12:00:00+00:00');
    expect(collected.missing[0]).toMatch(/^shallow clone: history available only from 2024-01-16 \(3 first-parent commits in the window\)/);
  });

  it('rejects a directory that is not a git repository', async () => {
    const plain = mkdtempSync(path.join(root, 'plain-'));
    await expect(collectHistory({ cwd: plain, since, until })).rejects.toThrow(new ReportInputError(`not a git repository: ${plain}`));
  });

  it('asks for --branch when there is no default branch', async () => {
    const odd = path.join(root, 'odd');
    generateRepository(odd, HISTORY.slice(0, 3), 'feature');
    await expect(collectHistory({ cwd: odd, since, until })).rejects.toThrow(/no default branch: .*pass --branch NAME/);
    const collected = await collectHistory({ cwd: odd, since, until, branch: 'feature' });
    expect(collected.records.map((r) => r.subject)).toEqual(['Add greeting (#1)']);
  });
});

describe('RecordSplitter', () => {
  it('finds records whose separator straddles chunks', () => {
    const text = '\x1emonoenv\x1fone\n\x1emonoenv\x1ftwo\n';
    for (let cut = 1; cut < text.length; cut++) {
      const splitter = new RecordSplitter();
      const records = [...splitter.push(text.slice(0, cut)), ...splitter.push(text.slice(cut))];
      const last = splitter.end();
      if (last !== undefined) records.push(last);
      expect(records).toEqual(['one\n', 'two\n']);
    }
  });
});
