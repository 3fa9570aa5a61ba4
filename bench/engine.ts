/**
 * Engine benchmark: synthetic pull requests from 10 to 3,000 files, parsed and evaluated as the app does on
 * every webhook. Each case runs in a fresh process so its memory figures are its own.
 *
 *   npm run bench:engine                       all cases, one child process each (a Markdown table)
 *   node --expose-gc --import tsx bench/engine.ts --case 4 [--runs 20] [--rule risky]
 *                                              one case in this process (JSON); with --rule only that rule
 *                                              is run, e.g. under `--cpu-prof` to profile it
 *
 * Memory is reported in parts, so that the engine's share is not hidden in the input's: RSS once the
 * modules are loaded, RSS with the case's patches and parsed files held (what the adapter holds before
 * calling the engine), the process peak after the evaluations, what the first evaluation (one webhook) and
 * all runs together added to that peak, and the heap one evaluation leaves allocated (live and not yet
 * collected) when it returns.
 */
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parsePatch, countChanges } from '../src/engine/diff.js';
import { evaluate } from '../src/engine/evaluate.js';
import { makeChange, type ChangedFile, type Hunk } from '../src/engine/change.js';
import { judgeSize } from '../src/engine/rules/size.js';
import { judgeTests } from '../src/engine/rules/tests.js';
import { judgeRisky } from '../src/engine/rules/risky/index.js';
import { readKind } from '../src/engine/kind.js';
import { loadSyntax } from '../src/engine/syntax/load.js';
import { MAX_READ_FILES } from '../src/git/texts.js';
import type { Syntax } from '../src/engine/syntax/index.js';
import { CASES, syntheticPullRequest, type Case } from './engine-generate.js';

const MB = 1024 * 1024;
const option = (name: string): string | undefined => {
  const at = process.argv.indexOf(name);
  return at === -1 ? undefined : process.argv[at + 1];
};
const RUNS = Number(option('--runs') ?? 7);

/** CPU time (user + system) of `work` in ms: unlike wall time, it does not grow when other processes share the cores. */
function cpuMs(work: () => unknown): number {
  const before = process.cpuUsage();
  work();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const gc = (): void => globalThis.gc?.();
const maxRssMb = (): number => process.resourceUsage().maxRSS / 1024;

async function runCase(c: Case): Promise<Record<string, number>> {
  // The grammar loads once per process, before any evaluation (as an adapter loads it before evaluate):
  // its time is reported apart, its memory is in the modules' RSS.
  let syntax: Syntax | undefined;
  let grammarLoadMs = 0;
  if (c.wholeFiles) {
    const started = performance.now();
    syntax = await loadSyntax(['typescript']);
    grammarLoadMs = performance.now() - started;
    if (!syntax.has('typescript')) throw new Error('the TypeScript grammar did not load');
  }
  const baseRssMb = process.memoryUsage().rss / MB;
  const { entries, config } = syntheticPullRequest(c);
  const context = syntax ? { syntax } : {};

  const parseAll = (): Hunk[][] => entries.map((e) => parsePatch(e.patch));
  const parseTimes: number[] = [];
  gc(); // the parse starts from a clean heap, as one webhook would
  let started = performance.now();
  const parsed = parseAll();
  parseTimes.push(performance.now() - started);
  const files: ChangedFile[] = entries.map((e, i) => {
    const { additions, deletions } = countChanges(parsed[i]);
    return {
      path: e.path,
      status: 'modified',
      additions,
      deletions,
      binary: false,
      patchMissing: false,
      hunks: parsed[i],
      // What the CLI and the Action read (src/git/texts.ts): the first files whole, the rest on their patches.
      ...(e.head === undefined
        ? {}
        : i < MAX_READ_FILES
          ? { text: { head: e.head, base: e.base } }
          : { text: { unreadable: `monoenv reads at most ${MAX_READ_FILES} files of a change whole` } }),
    };
  });
  const change = makeChange({ files, title: 'feat: new checkout flow', body: 'Moves checkout to the new ledger.' });
  const changedLines = change.totals.additions + change.totals.deletions;
  gc();
  const inputRssMb = process.memoryUsage().rss / MB;
  const inputHeapMb = process.memoryUsage().heapUsed / MB;
  const peakBeforeMb = maxRssMb();

  const rule = option('--rule');
  if (rule !== undefined) {
    const judge = { size: judgeSize, tests: judgeTests, risky: judgeRisky, evaluate: () => evaluate(change, config, context) }[rule];
    if (!judge) throw new Error(`--rule: size, tests, risky or evaluate, not ${rule}`);
    const ctx = { change, config, kind: readKind(change), ...context };
    const times: number[] = [];
    const walls: number[] = [];
    for (let run = 0; run <= RUNS; run++) {
      started = performance.now();
      times.push(cpuMs(() => judge(ctx)));
      walls.push(performance.now() - started);
    }
    return {
      files: files.length,
      lines: changedLines,
      [`${rule}CpuMs`]: median(times.slice(1)),
      [`${rule}Ms`]: median(walls.slice(1)),
      [`${rule}MinMs`]: Math.min(...walls.slice(1)),
      runs: RUNS,
    };
  }

  // One evaluation from a collected heap: what it leaves allocated when it returns.
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  let report = evaluate(change, config, context); // also the warm-up: JIT and the process-wide glob cache
  const evaluateHeapMb = (process.memoryUsage().heapUsed - heapBefore) / MB;
  const firstEvaluateRssMb = Math.max(0, maxRssMb() - peakBeforeMb);

  const evalTimes: number[] = [];
  const evalCpu: number[] = [];
  const ruleCpu = { size: [] as number[], tests: [] as number[], risky: [] as number[] };
  for (let run = 0; run < RUNS; run++) {
    started = performance.now();
    evalCpu.push(cpuMs(() => (report = evaluate(change, config, context))));
    evalTimes.push(performance.now() - started);
    const ctx = { change, config, kind: readKind(change), ...context };
    ruleCpu.size.push(cpuMs(() => judgeSize(ctx)));
    ruleCpu.tests.push(cpuMs(() => judgeTests(ctx)));
    ruleCpu.risky.push(cpuMs(() => judgeRisky(ctx)));
  }
  const peakRssMb = maxRssMb();
  const findings = report.findings.length;

  // Two more parses for the timing, after the memory figures were taken.
  for (let run = 0; run < 2; run++) {
    gc();
    started = performance.now();
    parseAll();
    parseTimes.push(performance.now() - started);
  }
  return {
    files: files.length,
    lines: changedLines,
    parseMs: median(parseTimes),
    evaluateMs: median(evalTimes),
    evaluateMaxMs: Math.max(...evalTimes),
    evaluateCpuMs: median(evalCpu),
    sizeCpuMs: median(ruleCpu.size),
    testsCpuMs: median(ruleCpu.tests),
    riskyCpuMs: median(ruleCpu.risky),
    findings,
    baseRssMb,
    inputRssMb,
    inputHeapMb,
    peakRssMb,
    firstEvaluateRssMb,
    evaluateRssMb: Math.max(0, peakRssMb - peakBeforeMb),
    evaluateHeapMb,
    grammarLoadMs,
  };
}

const caseArg = option('--case');
if (caseArg !== undefined) {
  process.stdout.write(JSON.stringify(await runCase(CASES[Number(caseArg)])));
} else {
  const fmt = (n: number, digits = 1): string =>
    n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  console.log(
    `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}; evaluate = median of ${RUNS} runs after one warm-up`,
  );
  console.log(
    '| case | files | changed lines | parse ms | evaluate ms (median) | evaluate ms (max) | evaluate CPU ms | size / tests / risky CPU ms | findings | RSS: modules / with input / peak MB | evaluate adds to peak RSS MB: first / all runs | heap: input / left by one evaluate MB |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  const grammarLoads: string[] = [];
  for (let i = 0; i < CASES.length; i++) {
    const child = spawnSync(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), '--case', String(i), '--runs', String(RUNS)],
      { encoding: 'utf8' },
    );
    if (child.status !== 0) {
      console.error(child.stderr);
      process.exit(1);
    }
    const r = JSON.parse(child.stdout) as Record<string, number>;
    if (CASES[i].wholeFiles) grammarLoads.push(`${CASES[i].name}: ${fmt(r.grammarLoadMs)} ms`);
    console.log(
      `| ${CASES[i].name} | ${r.files.toLocaleString('en-US')} | ${r.lines.toLocaleString('en-US')} | ${fmt(r.parseMs)} | ${fmt(r.evaluateMs)} | ${fmt(r.evaluateMaxMs)} | ${fmt(r.evaluateCpuMs)} | ${fmt(r.sizeCpuMs)} / ${fmt(r.testsCpuMs)} / ${fmt(r.riskyCpuMs)} | ${r.findings} | ${fmt(r.baseRssMb, 0)} / ${fmt(r.inputRssMb, 0)} / ${fmt(r.peakRssMb, 0)} | ${fmt(r.firstEvaluateRssMb, 0)} / ${fmt(r.evaluateRssMb, 0)} | ${fmt(r.inputHeapMb, 0)} / ${fmt(r.evaluateHeapMb, 0)} |`,
    );
  }
  console.log('');
  console.log(
    `Whole-file cases: both texts of every risky file are parsed with tree-sitter inside each evaluation (no tree is kept between runs); the TypeScript grammar loaded once per process beforehand (${grammarLoads.join('; ')}).`,
  );
}
