/**
 * `monoenv report --github … --config proposed.yml` end to end: a real git history, the local GitHub API
 * emulator answering GraphQL (pull requests, deployments, releases), the command as the CLI runs it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadGraphqlSchema, startEmulator, type Emulator } from '../../../tools/emulator/index.js';
import { runReportCommand, type CommandFlags } from '../../../src/cli/history/command.js';
import type { ReportData } from '../../../src/cli/history/model.js';
import { generateRepository, linesOf, type GeneratedCommit } from '../../../tools/generate-repository.js';

const day = (d: number, h = 10): number => Date.UTC(2024, 0, d, h) / 1000;
const iso = (t: number): string => new Date(t * 1000).toISOString().replace('.000Z', 'Z');

let gh: Emulator;
let dir: string;
let token: string;
let shas: string[];

const history: GeneratedCommit[] = [
  {
    message: 'Initial import',
    time: day(1, 8),
    files: { '.github/monoenv.yml': 'risky:\n  paths: ["src/billing/**"]\n', 'README.md': '# shop\n' },
  },
  { message: 'Add cart (#1)', time: day(2), files: { 'src/cart.ts': linesOf(40, 'cart'), 'src/cart.test.ts': linesOf(10, 't') } },
  { message: 'Add checkout (#2)', time: day(3), files: { 'src/checkout.ts': linesOf(450, 'co') } },
  { message: 'Charge cards (#3)', time: day(9), files: { 'src/billing/charge.ts': linesOf(30, 'charge') } },
  { message: 'Fix typo', time: day(10), files: { 'README.md': '# the shop\n' } },
  { message: 'Revert "Charge cards (#3)" (#4)', time: day(10, 14), files: { 'src/billing/charge.ts': null } },
  { message: 'Hotfix: cart rounding (#5)', time: day(16), files: { 'src/cart.ts': linesOf(41, 'cart') } },
];

async function run(flags: Partial<CommandFlags>): Promise<{ code: number; data: ReportData; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runReportCommand(
    { since: '2024-01-01', until: '2024-01-21', format: 'json', cache: true, github: 'acme/shop', ...flags },
    {
      cwd: dir,
      env: { GITHUB_TOKEN: token, GITHUB_API_URL: gh.url },
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: (t: string) => (stderr += t) },
    },
  );
  return { code, data: code === 0 ? (JSON.parse(stdout) as ReportData) : (undefined as never), stderr };
}

// GitHub's GraphQL schema takes a second to build, once per process.
beforeAll(() => void loadGraphqlSchema(), 60_000);
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'monoenv-report-gh-'));
  generateRepository(dir, history);
  // The revert names the commit it reverts, as `git revert` writes it.
  shas = execFileSync('git', ['-C', dir, 'rev-list', '--reverse', 'main'], { encoding: 'utf8' }).trim().split('\n');
  gh = await startEmulator();
  const repo = gh.store.addRepo({ owner: 'acme', repo: 'shop' });
  for (const [n, index, reviewed] of [
    [1, 1, true],
    [2, 2, true],
    [3, 3, false],
    [4, 5, true],
    [5, 6, true],
  ] as const) {
    gh.store.addPullRequest({
      owner: 'acme',
      repo: 'shop',
      number: n,
      user: 'ann',
      title: history[index].message.replace(/ \(#\d+\)$/, ''),
      merged: true,
      created_at: iso(history[index].time - 20 * 3600),
      merged_at: iso(history[index].time),
      merge_commit_sha: shas[index],
      commits: [{ sha: `${'c'.repeat(39)}${n}`, message: 'work', date: iso(history[index].time - 30 * 3600) }],
      reviews: reviewed
        ? [{ user: 'bob', state: 'APPROVED', commit_id: `${'c'.repeat(39)}${n}`, submitted_at: iso(history[index].time - 3600) }]
        : [],
    });
  }
  // Deployed to production two hours after each merge; the deployment of #2 failed.
  for (const index of [1, 2, 3, 4, 5, 6]) {
    gh.store.addDeployment('acme', 'shop', {
      sha: shas[index],
      created_at: iso(history[index].time + 7200),
      statuses: [{ state: index === 2 ? 'FAILURE' : 'SUCCESS' }],
    });
  }
  gh.store.addDeployment('acme', 'shop', {
    sha: shas[6],
    environment: 'staging',
    created_at: iso(day(16, 11)),
    statuses: [{ state: 'SUCCESS' }],
  });
  token = gh.store.issueToken(repo.installationId, 1).token;
  writeFileSync(path.join(dir, 'proposed.yml'), 'size:\n  fail_lines: 300\nrisky:\n  paths: ["src/billing/**", "src/cart*"]\n');
});
afterAll(async () => {
  await gh.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('monoenv report --github: the four DORA keys', () => {
  it('reads production deployments, ships changes by commit, and finds the reverted and the hotfixed deployment', async () => {
    const { code, data } = await run({});
    expect(code).toBe(0);
    const dora = data.dora!;
    expect(dora.source).toBe('deployments');
    expect(dora.sourceNote).toBe('GitHub deployments to production');
    // Six production deployments, one failed by its status (#2): five shipped.
    expect(dora.deployments).toBe(5);
    expect(dora.changeFailure).toMatchObject({ total: 6, failed: 3, byCause: { status: 1, revert: 1, hotfix: 1 } });
    // Lead time: each pull request's first commit (30 h before its merge) to the deployment 2 h after it.
    expect(dora.leadTime.medianHours).toBe(32);
    expect(dora.band.reference).toMatch(/2023 Accelerate State of DevOps Report/);
    expect(dora.weeks.map((w) => w.week)).toEqual(['2024-01-01', '2024-01-08', '2024-01-15']);
    expect(gh.violations).toEqual([]);
  });

  it('costs one GraphQL request each for pull requests and deployments, and as much again when run from the cache', async () => {
    rmSync(path.join(dir, '.git/monoenv'), { recursive: true, force: true });
    gh.resetCounters();
    await run({});
    expect(gh.counters.graphql).toBe(2);
    gh.resetCounters();
    const again = await run({});
    expect(gh.counters.graphql).toBe(2);
    expect(again.data.dora!.changeFailure.failed).toBe(3);
  });
});

describe('monoenv report --config: what-if', () => {
  it('judges every change with the proposed configuration beside the one in force, with the review rule from GitHub', async () => {
    const html = path.join(dir, 'report.html');
    const { code, data } = await run({ config: 'proposed.yml', html });
    expect(code).toBe(0);
    const w = data.whatIf!;
    expect(w.changes).toBe(6);
    expect(w.reviewJudged).toBe(true);
    // In force: #3 adds billing code without a flag (risky error), #3 is unreviewed, "Fix typo" was pushed directly.
    expect(w.current.failed).toBe(2);
    // Proposed: #2 (450 lines > 300) fails size; adding the cart becomes risky without a flag (the hotfix to
    // it is read as a fix: a notice, as risky.applies_to: features says).
    expect(w.proposed.failedBy).toMatchObject({ size: 1, risky: 2, review: 2 });
    expect(w.proposed.byRule.risky).toEqual({ error: 2, warning: 0, notice: 1 });
    expect(w.summary).toMatch(
      /^with this policy, \d+ % of the last 20 days' changes would have failed: .*risky.*size.* \(under the configuration in force: 33 %\)$/,
    );
    // Links go to the web host of GITHUB_API_URL (here the emulator, as on GitHub Enterprise Server). In force,
    // #2 already had a size warning (450 > warn_lines 400): not new under the proposal.
    expect(w.worst.size).toEqual([expect.objectContaining({ pr: 2, level: 'error', url: `${gh.url}/acme/shop/pull/2` })]);
    expect(w.worst.size[0].newUnderProposal).toBeUndefined();
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('What if: proposed.yml');
    expect(page).toContain('The four DORA keys');
    expect(page).toContain(`<a href="${gh.url}/acme/shop/pull/2">#2</a>`);
    // the report, the what-if, the flag debt, the DORA keys
    expect(page.match(/<svg\b/g)!.length).toBe(4 + 1 + 2 + 4);
  });

  it('refuses an invalid proposed configuration with its errors (exit 2)', async () => {
    writeFileSync(path.join(dir, 'bad.yml'), 'size:\n  fail_line: 300\n');
    const { code, stderr } = await run({ config: 'bad.yml' });
    expect(code).toBe(2);
    expect(stderr).toMatch(/invalid configuration in bad.yml:\nbad.yml:2:3: size.fail_line/);
  });
});
