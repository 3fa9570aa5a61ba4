/**
 * `monoenv report` on a generated repository with N first-parent commits in a 90-day window (a mix of
 * squash merges, PR merge commits and direct pushes, diffs of 1–400 lines, a config change every 500
 * commits). The history is generated with git fast-import from a generator, then the report runs in a
 * child process so that its peak memory is the report's own, not the generator's.
 * Prints generation time, report wall and CPU time, changes per second and the report's peak RSS.
 *   npm run bench:report [-- --commits 100000]   (default 10,000)
 *   --repository DIR keeps the generated repository in DIR, or reuses the one there (its commits are dated
 *   from the day it was made: reuse it the same day).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildReport } from '../src/cli/history/command.js';
import { renderHtml } from '../src/cli/history/render/html.js';
import { generateRepository, linesOf, type GeneratedCommit } from '../tools/generate-repository.js';

const windowDays = 90;

function* history(commits: number, now: number): Generator<GeneratedCommit> {
  const start = Math.floor(now / 1000) - (windowDays - 1) * 86_400;
  const step = ((windowDays - 2) * 86_400) / commits;
  yield {
    message: 'Initial import',
    time: start - 86_400,
    files: { '.github/monoenv.yml': 'risky:\n  paths: ["pkg0/billing/**"]\n', 'README.md': '# bench\n' },
  };
  for (let i = 1; i <= commits; i++) {
    const size = [3, 12, 40, 150, 400][i % 5];
    const pkg = `pkg${i % 20}`;
    const files: Record<string, string> = {
      [`${pkg}/src/module${i % 50}.ts`]: linesOf(size, `v${i}`),
    };
    if (i % 3 === 0) files[`${pkg}/src/module${i % 50}.test.ts`] = linesOf(5, `t${i}`);
    if (i % 7 === 0) files[`${pkg}/billing/charge.ts`] = linesOf(10, `c${i}`);
    if (i % 500 === 0) files['.github/monoenv.yml'] = `size:\n  warn_lines: ${300 + i / 500}\n`;
    const time = Math.floor(start + i * step);
    if (i % 4 === 0)
      yield { message: `Merge pull request #${i} from acme/b${i}\n\nChange ${i}`, time, files, mergeOf: { message: `Change ${i}` } };
    else if (i % 4 === 3) yield { message: `Direct change ${i}`, time, files };
    else yield { message: `Change ${i} (#${i})`, time, files };
  }
}

interface Measured {
  changes: number;
  weeks: number;
  seconds: number;
  htmlSeconds: number;
  htmlKiB: number;
  cpuSeconds: number;
  peakRssMiB: number;
  configFromFile: number;
  configDefaults: number;
}

/** The child: judge the repository in `dir` as of `now` and print what it measured as one JSON line. */
async function measure(dir: string, now: number): Promise<void> {
  let t = performance.now();
  const data = await buildReport({ cwd: dir, since: new Date(now - windowDays * 86_400_000), until: new Date(now), env: {}, flags: false });
  const seconds = (performance.now() - t) / 1000;
  t = performance.now();
  const html = await renderHtml(data);
  const htmlSeconds = (performance.now() - t) / 1000;
  const usage = process.resourceUsage();
  const measured: Measured = {
    changes: data.totals.changes,
    weeks: data.weeks.length,
    seconds,
    htmlSeconds,
    htmlKiB: html.length / 1024,
    cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
    peakRssMiB: usage.maxRSS / 1024,
    configFromFile: data.config.fromFile,
    configDefaults: data.config.defaults,
  };
  console.log(JSON.stringify(measured));
}

function commitsArgument(args: readonly string[]): number {
  const flag = args.indexOf('--commits');
  const raw = flag >= 0 ? args[flag + 1] : args.find((a) => /^\d+$/.test(a));
  const commits = Number(raw ?? 10_000);
  if (!Number.isInteger(commits) || commits < 1) throw new Error(`--commits needs a positive whole number, not ${raw}`);
  return commits;
}

async function main(args: readonly string[]): Promise<void> {
  if (args[0] === '--measure') return measure(args[1], Number(args[2]));
  const commits = commitsArgument(args);
  const kept = args.includes('--repository') ? path.resolve(args[args.indexOf('--repository') + 1]) : undefined;
  // Whole days, so that a kept repository judged again later the same day sees the same window.
  const now = (Math.floor(Date.now() / 86_400_000) + 1) * 86_400_000 - 1;
  const dir = kept ?? mkdtempSync(path.join(tmpdir(), 'monoenv-bench-'));
  try {
    let t = performance.now();
    if (kept !== undefined && existsSync(path.join(kept, '.git'))) console.log(`reusing the repository in ${kept}`);
    else {
      generateRepository(dir, history(commits, now));
      const generated = (performance.now() - t) / 1000;
      console.log(`generated ${commits.toLocaleString('en')} first-parent commits with git fast-import in ${generated.toFixed(1)} s`);
    }
    t = performance.now();
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--measure', dir, String(now)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 24,
    });
    if (child.status !== 0) throw new Error(`the report failed (exit ${child.status ?? child.signal})`);
    const m = JSON.parse(child.stdout.trim().split('\n').pop()!) as Measured;
    console.log(
      `report: ${m.changes.toLocaleString('en')} changes judged in ${m.seconds.toFixed(1)} s (${Math.round(m.changes / m.seconds).toLocaleString('en')} changes/s, ${m.cpuSeconds.toFixed(1)} s CPU in the report process, git's own not counted), ${m.weeks} weeks`,
    );
    console.log(`html: ${m.htmlKiB.toFixed(0)} KiB in ${m.htmlSeconds.toFixed(1)} s`);
    console.log(
      `peak RSS of the report process: ${m.peakRssMiB.toFixed(0)} MiB; config versions: ${m.configFromFile} judged with a file, ${m.configDefaults} with defaults; whole child ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
  } finally {
    if (kept === undefined) rmSync(dir, { recursive: true, force: true });
  }
}

await main(process.argv.slice(2));
