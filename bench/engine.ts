/**
 * Engine benchmark: synthetic pull requests from 10 to 3,000 files, parsed and evaluated as the app does on
 * every webhook. Each case runs in a fresh process so its peak RSS is its own.
 *
 *   npm run bench:engine            (node --expose-gc --import tsx bench/engine.ts)
 */
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parsePatch, countChanges } from '../src/engine/diff.js';
import { evaluate } from '../src/engine/evaluate.js';
import { makeChange, type ChangedFile } from '../src/engine/change.js';
import { configSchema } from '../src/config/schema.js';
import { judgeSize } from '../src/engine/rules/size.js';
import { judgeTests } from '../src/engine/rules/tests.js';
import { judgeRisky } from '../src/engine/rules/risky.js';
import { readKind } from '../src/engine/kind.js';

interface Case {
  name: string;
  files: number;
  lines: number;
  /** Risky globs; `allRisky` puts every source file under them. */
  allRisky: boolean;
}

const CASES: Case[] = [
  { name: '10 files', files: 10, lines: 1_000, allRisky: false },
  { name: '100 files', files: 100, lines: 10_000, allRisky: false },
  { name: '1,000 files', files: 1_000, lines: 100_000, allRisky: false },
  { name: '3,000 files', files: 3_000, lines: 300_000, allRisky: false },
  { name: '3,000 files, all risky', files: 3_000, lines: 300_000, allRisky: true },
];

const RUNS = 7;
const PACKAGES = ['billing', 'checkout', 'search', 'accounts', 'catalog', 'shipping', 'notifications', 'web'];

/** Realistic TypeScript lines: calls, conditions, flag checks, strings, comments, long lines. */
function codeLine(i: number): string {
  switch (i % 12) {
    case 0: return `  const total${i} = items.reduce((sum, item) => sum + item.price * item.quantity, 0);`;
    case 1: return `  if (flags.isEnabled('checkout-v${i % 7}', { userId: user.id })) {`;
    case 2: return `    await ledger.record({ account: account.id, amount: total${i - 2}, currency: 'EUR' });`;
    case 3: return '  }';
    case 4: return `  // Rounds half-even to match the ledger (${i}).`;
    case 5: return `  logger.info(\`invoice \${invoice.id} settled in \${Date.now() - started}ms\`, { attempt: ${i % 5} });`;
    case 6: return `  const variant = client.variation('pricing-experiment', context, 'control');`;
    case 7: return '';
    case 8: return `  return formatMoney(total${i - 8}, { locale: 'de-DE', minimumFractionDigits: 2 });`;
    case 9: return `  throw new PaymentError('card declined', { code: 'E${i}', retryable: ${i % 2 === 0} });`;
    case 10: return `  const query = sql\`SELECT id, status FROM orders WHERE customer_id = \${customerId} AND created_at > now() - interval '30 days'\`;`;
    default: return `  ${'x'.repeat(60)}.map((value) => transform(value, ${i})).filter(Boolean).join(', ');`;
  }
}

function pathOf(i: number, allRisky: boolean): string {
  const pkg = PACKAGES[i % PACKAGES.length];
  if (!allRisky && i % 10 === 9) return `packages/${pkg}/test/module${i}.test.ts`;
  if (!allRisky && i % 50 === 7) return `packages/${pkg}/package-lock.json`;
  if (!allRisky && i % 25 === 3) return `packages/${pkg}/src/payments/flow${i}.ts`;
  return `packages/${pkg}/src/area${i % 17}/module${i}.ts`;
}

/** A GitHub-style patch: hunks of 40 changed lines (3/4 added, 1/4 deleted) with context around them. */
function patchOf(lines: number, seed: number): string {
  const out: string[] = [];
  let oldLine = 1;
  let newLine = 1;
  let left = lines;
  let n = seed;
  while (left > 0) {
    const changed = Math.min(40, left);
    const deletions = Math.floor(changed / 4);
    const additions = changed - deletions;
    out.push(`@@ -${oldLine},${deletions + 6} +${newLine},${additions + 6} @@ export function module${seed}() {`);
    for (let c = 0; c < 3; c++) out.push(` ${codeLine(n++)}`);
    for (let d = 0; d < deletions; d++) out.push(`-${codeLine(n++)}`);
    for (let a = 0; a < additions; a++) out.push(`+${codeLine(n++)}`);
    for (let c = 0; c < 3; c++) out.push(` ${codeLine(n++)}`);
    oldLine += deletions + 6 + 20;
    newLine += additions + 6 + 20;
    left -= changed;
  }
  return out.join('\n');
}

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

function runCase(c: Case): Record<string, number> {
  const perFile = Math.floor(c.lines / c.files);
  const entries = Array.from({ length: c.files }, (_, i) => ({ path: pathOf(i, c.allRisky), patch: patchOf(perFile, i * 31) }));
  const config = configSchema.parse({
    risky: { paths: c.allRisky ? ['packages/**/*.ts'] : ['packages/billing/**', 'packages/*/src/payments/**'], evidence: 'hunk' },
    tests: { level: 'warning' },
  });

  const parseTimes: number[] = [];
  let files: ChangedFile[] = [];
  for (let run = 0; run < 3; run++) {
    files = [];
    globalThis.gc?.(); // each parse starts from a clean heap, as one webhook would
    const started = performance.now();
    const parsed = entries.map((e) => parsePatch(e.patch));
    parseTimes.push(performance.now() - started);
    files = entries.map((e, i) => {
      const { additions, deletions } = countChanges(parsed[i]);
      return { path: e.path, status: 'modified', additions, deletions, binary: false, patchMissing: false, hunks: parsed[i] };
    });
  }
  const change = makeChange({ files, title: 'feat: new checkout flow', body: 'Moves checkout to the new ledger.' });
  const changedLines = change.totals.additions + change.totals.deletions;

  evaluate(change, config); // warm-up: JIT and the process-wide glob cache
  const evalTimes: number[] = [];
  const evalCpu: number[] = [];
  const ruleCpu = { size: [] as number[], tests: [] as number[], risky: [] as number[] };
  let findings = 0;
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    evalCpu.push(cpuMs(() => (findings = evaluate(change, config).findings.length)));
    evalTimes.push(performance.now() - started);
    const ctx = { change, config, kind: readKind(change) };
    ruleCpu.size.push(cpuMs(() => judgeSize(ctx)));
    ruleCpu.tests.push(cpuMs(() => judgeTests(ctx)));
    ruleCpu.risky.push(cpuMs(() => judgeRisky(ctx)));
  }
  globalThis.gc?.();
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
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    heapUsedMb: process.memoryUsage().heapUsed / 1024 / 1024,
  };
}

const caseArg = process.argv.indexOf('--case');
if (caseArg !== -1) {
  const c = CASES[Number(process.argv[caseArg + 1])];
  process.stdout.write(JSON.stringify(runCase(c)));
} else {
  const fmt = (n: number, digits = 1): string => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  console.log(`Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}; evaluate = median of ${RUNS} runs after one warm-up`);
  console.log('| case | files | changed lines | parse ms | evaluate ms (median) | evaluate ms (max) | evaluate CPU ms | size / tests / risky CPU ms | findings | peak RSS MB | heap used MB |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (let i = 0; i < CASES.length; i++) {
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--case', String(i)], { encoding: 'utf8' });
    if (child.status !== 0) {
      console.error(child.stderr);
      process.exit(1);
    }
    const r = JSON.parse(child.stdout) as Record<string, number>;
    console.log(
      `| ${CASES[i].name} | ${r.files.toLocaleString('en-US')} | ${r.lines.toLocaleString('en-US')} | ${fmt(r.parseMs)} | ${fmt(r.evaluateMs)} | ${fmt(r.evaluateMaxMs)} | ${fmt(r.evaluateCpuMs)} | ${fmt(r.sizeCpuMs)} / ${fmt(r.testsCpuMs)} / ${fmt(r.riskyCpuMs)} | ${r.findings} | ${fmt(r.peakRssMb, 0)} | ${fmt(r.heapUsedMb, 0)} |`,
    );
  }
}
