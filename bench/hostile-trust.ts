/**
 * Hostile input that is forged rather than large: a commit authored as `github-actions[bot]` and pushed by a
 * person, an evil merge after an approval, an approval from an account without write access, and (CLI) a branch
 * whose own `.gitattributes` marks the risky files `-diff`, and (CLI) a branch adding a 64 MB binary. Each is judged as the adapters hand it to the engine;
 * the outcome is what the check says, the time its CPU (engine) or wall (CLI, which runs git) time.
 */
import { auditPush } from '../src/engine/rules/review/index.js';
import { evaluate } from '../src/engine/evaluate.js';
import { makeChange, type Commit, type Review } from '../src/engine/change.js';
import { configSchema } from '../src/config/schema.js';
import { main } from '../src/cli/main.js';
import type { Report } from '../src/engine/report.js';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface TrustCase {
  input: string;
  outcome: string;
  ms: number;
  clock: 'CPU' | 'wall';
}

const sha = (c: string): string => c.repeat(40);
const alice = { login: 'alice', bot: false };
const bob = { login: 'bob', bot: false };
const approved: Commit = { sha: sha('1'), parents: [sha('0')], message: 'feat(checkout): coupons', author: alice };
const reviewConfig = configSchema.parse({ review: { before_merge: true } });
const review = (commitId: string, association: string): Review => ({
  reviewer: bob,
  state: 'APPROVED',
  commitId,
  association,
});

const pr = (commits: Commit[], reviews: Review[]) =>
  makeChange({
    files: [],
    number: 7,
    title: 'feat(checkout): coupons',
    author: alice,
    base: { ref: 'main', sha: sha('0') },
    head: { ref: 'coupons', sha: commits.at(-1)!.sha },
    commits,
    reviews,
  });

const reviewRow = (report: Report): string => report.rules.find((r) => r.rule === 'review')?.summary ?? '';

function timedCpu(work: () => string, runs = 5): { outcome: string; ms: number } {
  let outcome = work();
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const before = process.cpuUsage();
    outcome = work();
    const used = process.cpuUsage(before);
    times.push((used.user + used.system) / 1000);
  }
  return { outcome, ms: times.sort((a, b) => a - b)[Math.floor(runs / 2)] };
}

export async function measureTrust(): Promise<TrustCase[]> {
  const cases: TrustCase[] = [];
  const forged = timedCpu(() => {
    // The git author name says github-actions[bot]; GitHub linked the commit to no account; a person pushed it.
    const commit: Commit = { sha: sha('2'), parents: [sha('0')], message: 'chore: bump', pullRequests: [] };
    const { verdict, report } = auditPush(
      { ref: 'refs/heads/main', headSha: commit.sha, pusher: { login: 'mallory', bot: false }, commits: [commit] },
      reviewConfig,
    );
    return `${verdict.verdict}: ${report.conclusion}, "${report.title}"`;
  });
  cases.push({ input: 'a commit authored as `github-actions[bot]`, pushed to main by a person (push audit)', ...forged, clock: 'CPU' });

  const evil = timedCpu(() => {
    const merge: Commit = {
      sha: sha('3'),
      parents: [approved.sha, sha('9')],
      message: "Merge branch 'main' into coupons",
      author: alice,
      mergeContent: { clean: false, detail: 'changes src/checkout/cart.ts beyond its parents' },
    };
    const report = evaluate(pr([approved, merge], [review(approved.sha, 'MEMBER')]), reviewConfig);
    return `${report.conclusion}: ${reviewRow(report)}`;
  });
  cases.push({ input: 'an approval, then an evil merge of main (a line of its own in cart.ts)', ...evil, clock: 'CPU' });

  const outsider = timedCpu(() => {
    const report = evaluate(pr([approved], [review(approved.sha, 'CONTRIBUTOR')]), reviewConfig);
    return `${report.conclusion}: ${reviewRow(report)}`;
  });
  cases.push({ input: 'an approval on the head from an account without write access (CONTRIBUTOR)', ...outsider, clock: 'CPU' });

  // CLI: the branch adds `src/billing/** -diff`, edits a risky file and adds a binary one.
  const dir = mkdtempSync(join(tmpdir(), 'monoenv-bench-'));
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('GIT_')));
  Object.assign(env, {
    HOME: dir,
    GIT_CONFIG_GLOBAL: join(dir, '.gitconfig-none'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Ada',
    GIT_AUTHOR_EMAIL: 'ada@example.com',
    GIT_COMMITTER_NAME: 'Ada',
    GIT_COMMITTER_EMAIL: 'ada@example.com',
  });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const commit = (message: string, files: Record<string, string>) => {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
      git('add', '--', path);
    }
    git('commit', '--quiet', '-m', message);
  };
  git('init', '--quiet', '-b', 'main');
  commit('Initial commit', {
    'README.md': '# shop\n',
    '.github/monoenv.yml': 'risky:\n  paths: ["src/billing/**"]\n',
    'src/billing/tax.ts': 'export const rate = 0.2;\n',
  });
  git('checkout', '--quiet', '-b', 'feature');
  commit('Raise the tax', {
    '.gitattributes': 'src/billing/** -diff\n',
    'src/billing/tax.ts': 'export const rate = 0.25;\n',
    'src/billing/rates.bin': 'rate\0table\n',
  });
  const walls: number[] = [];
  let outcome = '';
  for (let run = 0; run < 6; run++) {
    let out = '';
    const io = {
      cwd: dir,
      env,
      stdout: { write: (t: string) => (out += t), isTTY: false },
      stderr: { write: () => true },
      readStdin: () => Promise.resolve(''),
    };
    const started = performance.now();
    const code = await main(['check', '--format', 'json'], io);
    const wall = performance.now() - started;
    if (run > 0) walls.push(wall);
    const report = JSON.parse(out) as Report;
    const risky = report.findings.filter((f) => f.rule === 'risky').map((f) => `${f.title} (${f.path})`);
    outcome = `exit ${code}, ${report.conclusion}: ${risky.join('; ')}`;
  }
  cases.push({
    input: "a branch's own `.gitattributes` with `src/billing/** -diff` (CLI `monoenv check`)",
    outcome,
    ms: walls.sort((a, b) => a - b)[Math.floor(walls.length / 2)],
    clock: 'wall',
  });

  // CLI: a branch adding a 64 MB binary under the risky path. Diffed as text, it used to be held in
  // memory several times over; now its size is read first and it is described without its content.
  git('checkout', '--quiet', 'main');
  git('checkout', '--quiet', '-b', 'tables');
  const tablePath = join(dir, 'src/billing/rates-2026.bin');
  writeFileSync(tablePath, randomBytes(64 * 1024 * 1024));
  git('add', '--', 'src/billing/rates-2026.bin');
  git('commit', '--quiet', '-m', 'Add the 2026 rate table');
  let tableOut = '';
  const tableIo = {
    cwd: dir,
    env,
    stdout: { write: (t: string) => (tableOut += t), isTTY: false },
    stderr: { write: () => true },
    readStdin: () => Promise.resolve(''),
  };
  const tableStarted = performance.now();
  const tableCode = await main(['check', '--base', 'main', '--format', 'json'], tableIo);
  const tableWall = performance.now() - tableStarted;
  const peak = process.resourceUsage().maxRSS / 1024;
  const tableReport = JSON.parse(tableOut) as Report;
  const tableRisky = tableReport.findings.filter((f) => f.rule === 'risky').map((f) => `${f.title} (${f.path})`);
  rmSync(dir, { recursive: true, force: true });
  cases.push({
    input: 'a branch adding a 64 MB binary under the risky path (CLI `monoenv check`, one run)',
    outcome: `exit ${tableCode}, ${tableReport.conclusion}: ${tableRisky.join('; ')}; peak RSS of the bench process after it ${Math.round(peak)} MiB`,
    ms: tableWall,
    clock: 'wall',
  });
  return cases;
}

export function trustLines(cases: readonly TrustCase[]): string[] {
  return [
    '| input | outcome | ms (median of 5) |',
    '| :-- | :-- | --: |',
    ...cases.map((c) => `| ${c.input} | ${c.outcome.replace(/\|/g, '\\|')} | ${c.ms.toFixed(2)} ${c.clock} |`),
  ];
}
