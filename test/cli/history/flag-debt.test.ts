import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildReport, runReportCommand } from '../../../src/cli/history/command.js';
import { computeFlagDebt } from '../../../src/cli/history/flag-debt.js';
import { renderFlagDebtSection } from '../../../src/cli/history/render/flag-debt.js';
import { renderHistoryText } from '../../../src/cli/history/render/text.js';
import { generateRepository, type GeneratedCommit } from '../../../tools/generate-repository.js';

// Each test starts git processes and reads whole histories; a loaded machine takes its time.
jest.setTimeout(30_000);

const DAY = 86_400;
const JAN1 = Date.parse('2024-01-01T00:00:00Z') / 1000; // a Monday
const at = (day: number): number => JAN1 + (day - 1) * DAY + 12 * 3600;
const since = new Date('2024-01-01T00:00:00Z');
const until = new Date('2024-02-04T00:00:00Z'); // five weeks: Jan 1, 8, 15, 22, 29
const iso = (day: number): string => new Date(at(day) * 1000).toISOString();

const CONFIG = `risky:
  flag_calls: ["useUiFlag"]
flags:
  stale_after_days: 30
  permanent: ["maintenance_mode"]
`;
const check = (key: string, call = 'useUiFlag'): string =>
  `export const ${key.replace(/\W/g, '_')} = () => ${call}('${key}') ? 'new' : 'old';\n`;

/** Oldest first: every flag's first check and removal is on a known day. */
const HISTORY: GeneratedCommit[] = [
  {
    message: 'Initial import',
    time: at(-60),
    files: {
      '.github/monoenv.yml': CONFIG,
      'src/legacy.ts': check('legacy_search'),
      'src/maintenance.ts': check('maintenance_mode'),
    },
  },
  { message: 'Old experiment (#1)', time: at(-20), files: { 'src/old.ts': check('old_experiment') } },
  // week of Jan 1: one added
  { message: 'New checkout (#2)', time: at(2), files: { 'src/checkout.ts': check('new_checkout') } },
  // a test file checking a flag is setup, not a use
  { message: 'Specs (#3)', time: at(3), files: { 'src/checkout.test.ts': check('test_only') } },
  // week of Jan 8: the old experiment goes (31 days after it came)
  { message: 'Remove the old experiment (#4)', time: at(11), files: { 'src/old.ts': null } },
  // week of Jan 15: two added, in one file
  { message: 'Dark mode and beta banner (#5)', time: at(16), files: { 'src/theme.ts': check('dark_mode') + check('beta_banner') } },
  // week of Jan 29: the checkout flag rolled out
  { message: 'New checkout for everyone (#6)', time: at(30), files: { 'src/checkout.ts': "export const checkout = () => 'new';\n" } },
];

let root: string;
let repo: string;

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'monoenv-flag-debt-'));
  repo = path.join(root, 'repo');
  generateRepository(repo, HISTORY);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const report = (extra: Partial<Parameters<typeof buildReport>[0]> = {}) =>
  buildReport({ cwd: repo, since, until, now: until, env: process.env, ...extra });

describe('the report’s flag debt on a real repository', () => {
  it('counts flags added and removed per week and the stale ones at each week’s end', async () => {
    const data = await report({ noCache: true });
    const debt = data.flagDebt!;
    expect(debt.weeks).toEqual([
      // legacy_search (day -60), maintenance_mode (permanent), old_experiment (day -20), new_checkout
      { week: '2024-01-01', added: 1, removed: 0, inCode: 4, stale: 1 },
      // old_experiment left on day 11: gone by the week's end
      { week: '2024-01-08', added: 0, removed: 1, inCode: 3, stale: 1 },
      { week: '2024-01-15', added: 2, removed: 0, inCode: 5, stale: 1 },
      { week: '2024-01-22', added: 0, removed: 0, inCode: 5, stale: 1 },
      { week: '2024-01-29', added: 0, removed: 1, inCode: 4, stale: 1 },
    ]);
    expect(debt).toMatchObject({ flags: 4, stale: 1, added: 3, removed: 2, staleAfterDays: 30 });
    // old_experiment: day -20 → 11 (31 days); new_checkout: day 2 → 30 (28 days).
    expect(debt.medianDaysToRemoval).toBe(29.5);
    expect(debt.oldest).toEqual([{ key: 'legacy_search', ageDays: 94, files: 1, since: iso(-60), where: 'src/legacy.ts:1' }]);
    expect(debt.history).toMatchObject({ shallow: false, since: iso(-60) });
    // The last week's figures are the inventory's own.
    expect(debt.weeks[debt.weeks.length - 1]).toMatchObject({ inCode: debt.flags, stale: debt.stale });
  });

  it('resumes the ledger `monoenv flags` saved: the report reads no commit of the history again', async () => {
    const first = await report();
    expect(first.flagDebt!.history.read).toBe(first.flagDebt!.history.commits);
    expect(readdirSync(path.join(repo, '.git', 'monoenv')).some((f) => f.startsWith('flags-'))).toBe(true);
    const again = await report();
    expect(again.flagDebt!.history.read).toBe(0);
    expect(again.flagDebt!.weeks).toEqual(first.flagDebt!.weeks);
  });

  it('is left out with --no-flags, and shown in the terminal, the JSON and the HTML page otherwise', async () => {
    const without = await report({ flags: false, noCache: true });
    expect(without.flagDebt).toBeUndefined();

    const data = await report({ noCache: true });
    const text = renderHistoryText(data, { color: false });
    expect(text).toContain('Flags         4 in the code · 1 stale (in the code for more than 30 days) · 3 added, 2 removed in the window');
    expect(text).toContain('legacy_search 94 d');
    expect(text).toMatch(/2024-01-15 .* \+2\/−0 +1\n/);

    const html = await renderFlagDebtSection(data.flagDebt!);
    expect(html.match(/<svg/g)).toHaveLength(2);
    expect(html).toContain('Flags added and removed per week (3 added, 2 removed)');
    expect(html).toContain('<td>legacy_search</td><td>94</td>');

    let out = '';
    const htmlFile = path.join(root, 'report.html');
    const code = await runReportCommand(
      { since: '2024-01-01', until: '2024-02-04', format: 'json', cache: false, html: htmlFile },
      { cwd: repo, env: process.env, stdout: { write: (t: string) => (out += t) }, stderr: { write: () => true } },
    );
    expect(code).toBe(0);
    // The window ended long ago; the flags in the code now are stale by today's date.
    expect(JSON.parse(out).flagDebt).toMatchObject({ flags: 4, stale: 3, added: 3, removed: 2 });
    expect(existsSync(htmlFile)).toBe(true);
    expect(execFileSync('grep', ['-c', 'Flag debt', htmlFile], { encoding: 'utf8' }).trim()).toBe('1');
  });
});

describe('computeFlagDebt', () => {
  const stamp = (day: number) => ({ sha: `sha${day}`, at: iso(day) });
  const flag = (key: string, from: number, stale: boolean) => ({
    key,
    calls: ['isEnabled'],
    sdks: ['Unleash'],
    checks: [{ path: 'src/a.ts', line: 1, call: 'isEnabled' }],
    files: 1,
    literal: true,
    since: stamp(from),
    ageDays: 34 - from,
    stale,
    permanent: false,
    testChecks: 0,
  });
  const history = { commits: 3, read: 3, shallow: false };

  it('takes the tip’s inventory as the authority on what is in the code now', () => {
    const debt = computeFlagDebt({
      inventory: {
        commit: 'tip',
        staleAfterDays: 30,
        // `ghost` is a check the line reading of the history counted and the tip's syntax tree does not find.
        flags: [flag('kept', 1, false), flag('lost_count', 10, false)],
        stale: 0,
        lives: { kept: [{ from: stamp(1) }], ghost: [{ from: stamp(5) }], lost_count: [{ from: stamp(3), to: stamp(8) }] },
        history,
      },
      weeks: ['2024-01-01', '2024-01-08', '2024-01-15', '2024-01-22', '2024-01-29'],
      since,
      until,
      permanent: [],
    });
    // Without the tip's word: 3 in the first week (ghost counted), and lost_count gone from day 8 on.
    expect(debt.weeks.map((w) => w.inCode)).toEqual([2, 2, 2, 2, 2]);
    expect(debt.added).toBe(3);
    expect(debt.removed).toBe(1);
  });
});
