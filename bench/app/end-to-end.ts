/**
 * End to end: signed `pull_request.opened` webhooks for 20-file pull requests, each on a new head commit,
 * sent by `concurrency` workers (each sends its next webhook when the app has answered the last) to the
 * monoenv app and, on the same emulator and the same pull requests, to a bare Probot app that only creates
 * a check run. Latency runs from the POST of the webhook to the moment the emulator stores the completed
 * check run for that head commit.
 */
import { pullRequestEvent, type Emulator, type StoredCheckRun } from '../../tools/emulator/index.js';
import { CONFIG, GITATTRIBUTES, OWNER, changedFiles } from './fixtures.js';
import {
  BARE_APP_ID,
  MONOENV_APP_ID,
  clearCheckRuns,
  percentile,
  prepareWebhook,
  sendWebhook,
  startApp,
  type Bench,
  type PreparedWebhook,
} from './harness.js';

export interface LoadResult {
  app: 'monoenv' | 'bare';
  concurrency: number;
  events: number;
  seconds: number;
  eventsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  peakRssMb: number;
  /** CPU time of the app process per event, ms. */
  cpuMsPerEvent: number;
  /** Rate-limited API calls per event, measured at the emulator. */
  callsPerEvent: number;
  tokens: number;
  failed: number;
}

export interface EndToEndOptions {
  concurrencies: number[];
  events: number;
  warmup: number;
  filesPerPull: number;
  linesPerFile: number;
  nodeFlags?: string[];
  apps?: Array<'monoenv' | 'bare'>;
  /** Environment for the monoenv app process (the what-if switch). */
  monoenvEnv?: Record<string, string>;
}

interface Load {
  repo: string;
  warmup: Array<{ sha: string; webhook: PreparedWebhook }>;
  measured: Array<{ sha: string; webhook: PreparedWebhook }>;
}

function prepareLoad(gh: Emulator, concurrency: number, options: EndToEndOptions): Load {
  const repo = `load-c${concurrency}`;
  gh.store.addRepo({ owner: OWNER, repo, defaultBranch: 'main', ownerType: 'Organization' });
  gh.store.setFile(OWNER, repo, '.github/monoenv.yml', CONFIG);
  gh.store.setFile(OWNER, repo, '.gitattributes', GITATTRIBUTES);
  // One file list for all: the pull requests differ by number and head commit, as successive PRs of a repo do.
  const files = changedFiles(options.filesPerPull, options.linesPerFile, concurrency);
  const make = (number: number): { sha: string; webhook: PreparedWebhook } => {
    const pull = gh.store.addPullRequest({
      owner: OWNER,
      repo,
      number,
      user: 'alice',
      title: `feat: step ${number}`,
      body: 'Adds a checkout step.',
      files,
    });
    return { sha: pull.head.sha, webhook: prepareWebhook(pullRequestEvent(gh, { owner: OWNER, repo, number, action: 'opened' })) };
  };
  const warmup = Array.from({ length: options.warmup }, (_, i) => make(i + 1));
  const measured = Array.from({ length: options.events }, (_, i) => make(options.warmup + i + 1));
  return { repo, warmup, measured };
}

async function drive(
  url: string,
  items: Array<{ sha: string; webhook: PreparedWebhook }>,
  concurrency: number,
  sentAt: Map<string, number>,
): Promise<number> {
  let next = 0;
  let failed = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++];
      sentAt.set(item.sha, performance.now());
      const status = await sendWebhook(url, item.webhook);
      if (status !== 200) failed++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return failed;
}

/** Resolves when a check run of `appId` has been stored for every sha, with the time each was stored. */
function completions(
  bench: Bench,
  appId: number,
  shas: Set<string>,
  timeoutMs: number,
): { done: Promise<Map<string, number>>; stop: () => void } {
  const seen = new Map<string, number>();
  let listener!: (run: StoredCheckRun, at: number) => void;
  const done = new Promise<Map<string, number>>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`only ${seen.size} of ${shas.size} check runs arrived within ${timeoutMs} ms`)),
      timeoutMs,
    );
    listener = (run, at) => {
      if (run.appId !== appId || run.status !== 'completed' || !shas.has(run.head_sha) || seen.has(run.head_sha)) return;
      seen.set(run.head_sha, at);
      if (seen.size === shas.size) {
        clearTimeout(timer);
        resolve(seen);
      }
    };
    bench.onCheckRun.add(listener);
  });
  return { done, stop: () => bench.onCheckRun.delete(listener) };
}

async function runLoad(
  bench: Bench,
  kind: 'monoenv' | 'bare',
  concurrency: number,
  load: Load,
  options: EndToEndOptions,
): Promise<LoadResult> {
  const { gh } = bench;
  clearCheckRuns(gh);
  const app = await startApp(bench, kind, kind === 'monoenv' ? { nodeFlags: options.nodeFlags, env: options.monoenvEnv } : {});
  const appId = kind === 'monoenv' ? MONOENV_APP_ID : BARE_APP_ID;
  try {
    const warm = completions(bench, appId, new Set(load.warmup.map((w) => w.sha)), 120_000);
    await drive(app.url, load.warmup, concurrency, new Map());
    await warm.done.finally(warm.stop);

    gh.resetCounters();
    const before = await app.stats();
    const sentAt = new Map<string, number>();
    const measured = completions(bench, appId, new Set(load.measured.map((m) => m.sha)), 240_000);
    const started = performance.now();
    const failed = await drive(app.url, load.measured, concurrency, sentAt);
    const doneAt = await measured.done.finally(measured.stop);
    const finished = Math.max(...doneAt.values());
    const after = await app.stats();
    const latencies = [...doneAt].map(([sha, at]) => at - sentAt.get(sha)!).sort((a, b) => a - b);
    const seconds = (finished - started) / 1000;
    if (gh.counters.violations > 0 || gh.counters.unmatched > 0)
      throw new Error(`${kind}: requests the emulator rejected: ${JSON.stringify(gh.violations.slice(0, 3))}`);
    return {
      app: kind,
      concurrency,
      events: load.measured.length,
      seconds,
      eventsPerSecond: load.measured.length / seconds,
      p50Ms: percentile(latencies, 50),
      p95Ms: percentile(latencies, 95),
      p99Ms: percentile(latencies, 99),
      peakRssMb: after.peakRssMb,
      cpuMsPerEvent: (after.cpuMs - before.cpuMs) / load.measured.length,
      callsPerEvent: gh.counters.rateLimited / load.measured.length,
      tokens: gh.counters.tokens,
      failed,
    };
  } finally {
    await app.stop();
  }
}

export async function measureEndToEnd(
  bench: Bench,
  options: EndToEndOptions,
  progress: (line: string) => void = () => {},
): Promise<LoadResult[]> {
  const results: LoadResult[] = [];
  for (const concurrency of options.concurrencies) {
    const load = prepareLoad(bench.gh, concurrency, options);
    for (const kind of options.apps ?? (['monoenv', 'bare'] as const)) {
      const result = await runLoad(bench, kind, concurrency, load, options);
      progress(`  ${kind} at concurrency ${concurrency}: ${result.eventsPerSecond.toFixed(0)} events/s, p95 ${result.p95Ms.toFixed(0)} ms`);
      results.push(result);
    }
    bench.gh.store.repos.delete(`${OWNER}/${load.repo}`.toLowerCase());
    clearCheckRuns(bench.gh);
  }
  return results;
}
