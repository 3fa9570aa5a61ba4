/**
 * `monoenv report` on a generated repository with 10,000 first-parent commits in the window (a mix of
 * squash merges, PR merge commits and direct pushes, diffs of 1–400 lines, a config change every 500
 * commits). Prints wall time, commits per second and peak memory.  Run: npm run bench:report [COMMITS]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildReport } from '../src/cli/history/command.js';
import { renderHtml } from '../src/cli/history/render/html.js';
import { generateRepository, linesOf, type GeneratedCommit } from '../tools/generate-repository.js';

const commits = Number(process.argv[2] ?? 10_000);
const now = Date.now();
const windowDays = 90;
const start = Math.floor(now / 1000) - (windowDays - 1) * 86_400;
const step = ((windowDays - 2) * 86_400) / commits;

function* history(): Generator<GeneratedCommit> {
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

const dir = mkdtempSync(path.join(tmpdir(), 'monoenv-bench-'));
try {
  let t = performance.now();
  generateRepository(dir, [...history()]);
  console.log(`generated ${commits} first-parent commits with git fast-import in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  t = performance.now();
  const data = await buildReport({ cwd: dir, since: new Date(now - windowDays * 86_400_000), until: new Date(now), env: {}, flags: false });
  const seconds = (performance.now() - t) / 1000;
  t = performance.now();
  const html = await renderHtml(data);
  const htmlSeconds = (performance.now() - t) / 1000;
  console.log(
    `report: ${data.totals.changes} changes judged in ${seconds.toFixed(1)} s (${Math.round(data.totals.changes / seconds)} changes/s), ${data.weeks.length} weeks`,
  );
  console.log(`html: ${(html.length / 1024).toFixed(0)} KiB in ${htmlSeconds.toFixed(1)} s`);
  console.log(
    `peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB; config versions: ${data.config.fromFile} judged with a file, ${data.config.defaults} with defaults`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
