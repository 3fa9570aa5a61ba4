/**
 * What the app benchmarks share: the GitHub API emulator (in this process, so its view of check-run writes
 * and this process's clock time the same events), apps under test in child processes, and signed webhook
 * delivery over a keep-alive node:http client (fetch costs more CPU than the app on a 2-core machine).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { startEmulator, generatePrivateKey, signWebhook, type Emulator, type StoredCheckRun } from '../../tools/emulator/index.js';

export const WEBHOOK_SECRET = 'bench-webhook-secret';
export const MONOENV_APP_ID = 4201;
export const BARE_APP_ID = 4202;
const WEBHOOK_PATH = '/api/github/webhooks';

export interface Bench {
  gh: Emulator;
  privateKeys: Map<number, string>;
  /** Called with every check run the emulator creates, at the moment it stores it. */
  onCheckRun: Set<(run: StoredCheckRun, at: number) => void>;
  close(): Promise<void>;
}

export async function startBench(): Promise<Bench> {
  const privateKeys = new Map([
    [MONOENV_APP_ID, generatePrivateKey()],
    [BARE_APP_ID, generatePrivateKey()],
  ]);
  const gh = await startEmulator({
    apps: [...privateKeys].map(([id, privateKey]) => ({ id, slug: id === MONOENV_APP_ID ? 'monoenv' : 'bare-app', privateKey })),
  });
  const onCheckRun = new Set<(run: StoredCheckRun, at: number) => void>();
  // The emulator has no event for stored runs; its store is ours, so its one entry point is wrapped.
  const addCheckRun = gh.store.addCheckRun.bind(gh.store);
  gh.store.addCheckRun = (run: StoredCheckRun): void => {
    addCheckRun(run);
    const at = performance.now();
    for (const listener of onCheckRun) listener(run, at);
  };
  return { gh, privateKeys, onCheckRun, close: () => gh.close() };
}

/** Forgets every check run and suite (the emulator lists a commit's runs by scanning them all). */
export function clearCheckRuns(gh: Emulator): void {
  gh.store.checkRunsById.clear();
  gh.store.checkRunsBySha.clear();
  gh.store.suites.clear();
  gh.store.suitesById.clear();
}

export interface AppStats {
  peakRssMb: number;
  cpuMs: number;
}

export interface AppProcess {
  kind: 'monoenv' | 'bare';
  url: string;
  child: ChildProcess;
  stats(): Promise<AppStats>;
  stop(): Promise<void>;
}

export interface StartAppOptions {
  /** Extra node flags for the app (`--cpu-prof`, `--cpu-prof-dir=…`). */
  nodeFlags?: string[];
  logLevel?: string;
  /** Extra environment for the app process. */
  env?: Record<string, string>;
}

export async function startApp(bench: Bench, kind: 'monoenv' | 'bare', options: StartAppOptions = {}): Promise<AppProcess> {
  const appId = kind === 'monoenv' ? MONOENV_APP_ID : BARE_APP_ID;
  const child = fork(fileURLToPath(new URL('./app-server.ts', import.meta.url)), [kind], {
    execArgv: ['--import', 'tsx', ...(options.nodeFlags ?? [])],
    env: {
      ...process.env,
      APP_ID: String(appId),
      PRIVATE_KEY: bench.privateKeys.get(appId)!,
      WEBHOOK_SECRET,
      GITHUB_API_URL: bench.gh.url,
      LOG_LEVEL: (options.logLevel ?? 'info') as 'info',
      // JSON lines, as deployed; Probot otherwise pretty-prints every line, which costs the app more than some handlers do.
      LOG_FORMAT: 'json',
      NODE_ENV: 'production',
      ...options.env,
    },
    // Logs go nowhere: reading them would cost this process CPU the app is measured against.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${kind} app exited with ${code} before listening`)));
    child.once('message', (message: { type: string; url: string }) => resolve(message.url));
  });
  child.removeAllListeners('exit');
  return {
    kind,
    url,
    child,
    stats: () =>
      new Promise<AppStats>((resolve) => {
        const listener = (message: { type: string } & AppStats): void => {
          if (message.type !== 'stats') return;
          child.off('message', listener);
          resolve({ peakRssMb: message.peakRssMb, cpuMs: message.cpuMs });
        };
        child.on('message', listener);
        child.send({ type: 'stats' });
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.disconnect();
      }),
  };
}

/** A webhook ready to send: its body serialised and signed ahead of time, so sending measures the app. */
export interface PreparedWebhook {
  name: string;
  body: string;
  signature: string;
  /** The delivery id; a fresh one per send when absent. */
  id?: string;
}

export function prepareWebhook(event: { name: string; payload: unknown }): PreparedWebhook {
  const body = JSON.stringify(event.payload);
  return { name: event.name, body, signature: signWebhook(body, WEBHOOK_SECRET) };
}

const agents = new Map<string, Agent>();

/** POSTs a prepared webhook; resolves with the status once the app has answered (after its handlers ran). */
export function sendWebhook(appUrl: string, webhook: PreparedWebhook): Promise<number> {
  let agent = agents.get(appUrl);
  if (agent === undefined) agents.set(appUrl, (agent = new Agent({ keepAlive: true, maxSockets: 256 })));
  return new Promise((resolve, reject) => {
    const req = request(
      `${appUrl}${WEBHOOK_PATH}`,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(webhook.body),
          'user-agent': 'GitHub-Hookshot/bench',
          'x-github-event': webhook.name,
          'x-github-delivery': webhook.id ?? randomUUID(),
          'x-github-hook-id': '1',
          'x-hub-signature-256': webhook.signature,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(webhook.body);
  });
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
