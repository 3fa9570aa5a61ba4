/**
 * `npm run bench`: the GitHub App against the local GitHub API emulator over HTTP on 127.0.0.1.
 *   1. API calls per event (rate-limited, 304s and installation tokens apart)
 *   2. Engine time and memory (bench/engine.ts)
 *   3. End to end: signed webhooks at concurrency 1, 10 and 50, monoenv beside a bare Probot app
 *   4. Cost growth with pull request size, and events per hour an installation can afford
 *   5. Hostile input against its speed targets (bench/hostile.ts)
 *   6. Latency at a real round trip (bench/app/latency.ts): every emulator answer held `--round-trip` ms
 * Prints the tables and writes bench/results.json.
 *
 *   npm run bench [-- --events 2000] [--skip-engine] [--cpu-prof DIR] [--round-trip 100] [--latency-samples 5]
 *   npm run bench -- --only latency     (section 6 alone; results.json is then left as it is)
 *   npm run bench -- --only api-calls   (section 1 alone, with the calls of each event; results.json left as it is)
 */
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startBench } from './app/harness.js';
import { measureApiCalls, type ApiCallResults } from './app/api-calls.js';
import { measureEndToEnd, type LoadResult } from './app/end-to-end.js';
import { measureEngine, type EngineRow } from './app/engine.js';
import { hostileLines, measureHostile } from './hostile.js';
import { measureLatency, type LatencyResults } from './app/latency.js';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '2000' },
    warmup: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '1,10,50' },
    'skip-engine': { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    'round-trip': { type: 'string', default: '100' },
    'latency-samples': { type: 'string', default: '5' },
    only: { type: 'string' },
    out: { type: 'string', default: fileURLToPath(new URL('./results.json', import.meta.url)) },
  },
});

const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const table = (
  header: string[],
  rows: Array<Array<string | number>>,
  align: string[] = header.map((_, i) => (i === 0 ? ':--' : '--:')),
): string => [`| ${header.join(' | ')} |`, `| ${align.join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
const log = (line: string): void => void process.stderr.write(`${line}\n`);

const started = performance.now();
const machine = {
  node: process.version,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  memoryGb: Math.round(totalmem() / 2 ** 30),
  platform: `${process.platform} ${process.arch}`,
};
const nodeFlags = values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${values['cpu-prof']}`] : undefined;

if (values.only !== undefined && values.only !== 'latency' && values.only !== 'api-calls')
  throw new Error('--only takes: latency, api-calls');

const latencyLines = (latency: LatencyResults): string[] => [
  '',
  `## 6. Latency: every GitHub answer ${latency.roundTripMs} ms away (median of ${latency.rows[0]?.samples ?? 0})`,
  '',
  table(
    ['scenario', 'to the result ms', 'to the answer ms', 'sequential round trips', 'requests', 'rate-limited'],
    latency.rows.map((r) => [r.scenario, fmt(r.toResultMs), fmt(r.toAnswerMs), r.sequentialRoundTrips, r.requests, r.rateLimited]),
  ),
  '',
  ...latency.rows.flatMap((r) => [`Requests of "${r.scenario}", in the order sent: ${r.calls.join('; ')}.`]),
];

const routesOf = (e: ApiCallResults['events'][number]): string =>
  Object.entries(e.routes)
    .map(([k, v]) => `${v} × ${k}`)
    .join(', ');
const apiCallLines = (apiCalls: ApiCallResults): string[] => [
  '## 1. GitHub API calls per event',
  '',
  table(
    ['event', 'rate-limited calls', 'file pages', 'check-run writes', '304 (free)', 'token requests', 'ms'],
    apiCalls.events.map((e) => [e.event, e.rateLimited, e.filePages, e.checkRunWrites, e.notModified, e.tokens, fmt(e.ms)]),
  ),
];

if (values.only === 'api-calls') {
  const bench = await startBench();
  try {
    const apiCalls = await measureApiCalls(bench, { nodeFlags });
    const lines = [
      ...apiCallLines(apiCalls),
      '',
      ...apiCalls.events.map((e) => `Rate-limited calls of "${e.event}": ${routesOf(e) || 'none'}.`),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await bench.close();
  }
  process.exit(0);
}

if (values.only === 'latency') {
  const bench = await startBench();
  try {
    const latency = await measureLatency(
      bench,
      { roundTripMs: Number(values['round-trip']), samples: Number(values['latency-samples']), ...(nodeFlags ? { nodeFlags } : {}) },
      log,
    );
    process.stdout.write(`${latencyLines(latency).join('\n')}\n`);
  } finally {
    await bench.close();
  }
  process.exit(0);
}

const bench = await startBench();
let latency: LatencyResults;
let apiCalls: ApiCallResults;
let endToEnd: LoadResult[];
let engine: { note: string; rows: EngineRow[] } | undefined;
try {
  log('1/6 API calls per event …');
  apiCalls = await measureApiCalls(bench, { nodeFlags });
  log('3/6 end to end …');
  endToEnd = await measureEndToEnd(
    bench,
    {
      concurrencies: values.concurrency.split(',').map(Number),
      events: Number(values.events),
      warmup: Number(values.warmup),
      filesPerPull: 20,
      linesPerFile: 20,
      nodeFlags,
    },
    log,
  );
  log('6/6 latency at a real round trip …');
  latency = await measureLatency(
    bench,
    { roundTripMs: Number(values['round-trip']), samples: Number(values['latency-samples']), ...(nodeFlags ? { nodeFlags } : {}) },
    log,
  );
} finally {
  await bench.close();
}
if (!values['skip-engine']) {
  // After the load: the engine's timings are its own, not shared with the emulator's.
  log('2/6 engine (bench/engine.ts) …');
  engine = await measureEngine();
}
log('5/6 hostile input (bench/hostile.ts) …');
const hostile = measureHostile();
const seconds = (performance.now() - started) / 1000;

const out: string[] = [];
out.push(`monoenv benchmark · Node ${machine.node} · ${machine.cpus} × ${machine.cpuModel} · ${machine.memoryGb} GB · ${fmt(seconds)} s`);
out.push('', ...apiCallLines(apiCalls));
out.push(
  '',
  `Installation tokens fetched in the whole section: ${apiCalls.tokensFetched} (one installation, ${apiCalls.events.length + apiCalls.growth.length * 3} events).`,
);
const calls = (e: string): string =>
  apiCalls.events.find((x) => x.event === e)?.routes
    ? Object.entries(apiCalls.events.find((x) => x.event === e)!.routes)
        .map(([k, v]) => `${v} × ${k}`)
        .join(', ')
    : '';
out.push(`Calls of pull_request.opened, 20 files: ${calls('pull_request.opened, 20 files')}.`);

if (engine !== undefined) {
  out.push('', '## 2. Engine (bench/engine.ts)', '', engine.note, '');
  const header = Object.keys(engine.rows[0] ?? {});
  out.push(
    table(
      header,
      engine.rows.map((r) => header.map((h) => r[h])),
    ),
  );
}

out.push('', '## 3. End to end: pull_request.opened, 20 files, each on a new head commit', '');
const byKey = new Map(endToEnd.map((r) => [`${r.app} ${r.concurrency}`, r]));
out.push(
  table(
    [
      'app',
      'concurrency',
      'events',
      'events/s',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'peak RSS MB',
      'app CPU ms/event',
      'calls/event',
      'monoenv / bare',
    ],
    endToEnd.map((r) => {
      const bare = byKey.get(`bare ${r.concurrency}`);
      const ratio = r.app === 'monoenv' && bare ? fmt(r.eventsPerSecond / bare.eventsPerSecond, 2) : '';
      return [
        r.app,
        r.concurrency,
        fmt(r.events),
        fmt(r.eventsPerSecond, 1),
        fmt(r.p50Ms, 1),
        fmt(r.p95Ms, 1),
        fmt(r.p99Ms, 1),
        fmt(r.peakRssMb),
        fmt(r.cpuMsPerEvent, 2),
        fmt(r.callsPerEvent, 2),
        ratio,
      ];
    }),
  ),
);

out.push('', '## 4. Cost growth: pull_request.opened, 100 changed lines a file', '');
out.push(
  table(
    [
      'files',
      'changed lines',
      'rate-limited calls',
      'file pages',
      'check-run writes',
      'ms (median of 3)',
      'PR events/hour at 5,000',
      'at 15,000',
    ],
    apiCalls.growth.map((g) => [
      fmt(g.files),
      fmt(g.changedLines),
      g.rateLimited,
      g.filePages,
      g.checkRunWrites,
      fmt(g.msMedian),
      fmt(g.eventsPerHour5000),
      fmt(g.eventsPerHour15000),
    ]),
  ),
);
const typical = apiCalls.events.find((e) => e.event === 'pull_request.opened, 20 files')!;
out.push(
  '',
  `A typical PR event (${typical.rateLimited} calls) leaves room for ${fmt(Math.floor(5000 / typical.rateLimited))} events an hour at 5,000 requests, ${fmt(Math.floor(15000 / typical.rateLimited))} at 15,000.`,
);

out.push('', '## 5. Hostile input (bench/hostile.ts)', '');
out.push(...hostileLines(hostile));
out.push('', hostile.met ? 'All targets met.' : 'TARGET MISSED: an evaluation of hostile input took longer than its target.');
out.push(...latencyLines(latency));
process.stdout.write(`${out.join('\n')}\n`);

writeFileSync(
  values.out,
  `${JSON.stringify(
    {
      command: 'npm run bench',
      date: new Date().toISOString(),
      seconds: Math.round(seconds),
      machine,
      apiCalls,
      engine,
      endToEnd,
      hostile,
      latency,
    },
    null,
    2,
  )}\n`,
);
log(`wrote ${values.out} in ${fmt(seconds)} s`);
