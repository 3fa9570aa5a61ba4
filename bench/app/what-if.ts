/**
 * What the configuration's revalidation and the look-up of existing runs cost end to end: monoenv as
 * shipped, monoenv with both answered from memory (BENCH_WHAT_IF=no-revalidation), and the bare app.
 *   node --import tsx bench/app/what-if.ts [--concurrency 10] [--events 2000]
 */
import { parseArgs } from 'node:util';
import { startBench } from './harness.js';
import { measureEndToEnd, type EndToEndOptions } from './end-to-end.js';

const { values } = parseArgs({ options: { concurrency: { type: 'string', default: '10' }, events: { type: 'string', default: '2000' } } });
const base: EndToEndOptions = {
  concurrencies: [Number(values.concurrency)],
  events: Number(values.events),
  warmup: 100,
  filesPerPull: 20,
  linesPerFile: 20,
};
const bench = await startBench();
try {
  const shipped = await measureEndToEnd(bench, { ...base, apps: ['monoenv', 'bare'] });
  const whatIf = await measureEndToEnd(bench, { ...base, apps: ['monoenv'], monoenvEnv: { BENCH_WHAT_IF: 'no-revalidation' } });
  const bare = shipped.find((r) => r.app === 'bare')!;
  for (const [name, r] of [
    ['monoenv', shipped[0]],
    ['monoenv, no revalidation (what-if)', whatIf[0]],
    ['bare', bare],
  ] as const) {
    console.log(
      `| ${name} | ${r.concurrency} | ${r.eventsPerSecond.toFixed(1)} | ${r.p50Ms.toFixed(1)} | ${r.p95Ms.toFixed(1)} | ${r.cpuMsPerEvent.toFixed(2)} | ${r.callsPerEvent.toFixed(2)} | ${(r.eventsPerSecond / bare.eventsPerSecond).toFixed(2)} |`,
    );
  }
} finally {
  await bench.close();
}
