/**
 * The app as `npm start` runs it (src/github/main.ts: Probot's `run` with the app's Octokit), in a child
 * process pointed at the emulator as a GitHub Enterprise host, with its JSON log captured.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Emulator } from '../emulator/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface AppProcess {
  child: ChildProcess;
  url: string;
  pid: number;
  /** Log lines written so far (stdout and stderr). */
  logs: string[];
  /** Resident set size now, in bytes (Linux /proc). */
  rss(): number;
  stop(): Promise<void>;
}

/** The node flags of `npm start` (the heap cap), so the app runs here as it is deployed. */
const START_NODE_FLAGS = (JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { scripts: { start: string } }).scripts.start
  .split(' ')
  .filter((word) => word.startsWith('--'));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startAppProcess(gh: Emulator, options: { appId: number; privateKey: string; secret: string; logLevel?: string; entry?: string; redisUrl?: string }): Promise<AppProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [...START_NODE_FLAGS, '--import', 'tsx', options.entry ?? 'src/github/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      APP_ID: String(options.appId),
      PRIVATE_KEY: options.privateKey,
      WEBHOOK_SECRET: options.secret,
      PORT: String(port),
      HOST: '127.0.0.1',
      GHE_HOST: `127.0.0.1:${gh.port}`,
      GHE_PROTOCOL: 'http',
      LOG_LEVEL: options.logLevel ?? 'info',
      LOG_FORMAT: 'json',
      ...(options.redisUrl === undefined ? {} : { REDIS_URL: options.redisUrl }),
    } as Record<string, string | undefined> as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  let pending = '';
  const collect = (chunk: Buffer): void => {
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line !== '') logs.push(line);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`app process exited (${child.exitCode}):\n${logs.join('\n')}`);
    try {
      const response = await fetch(`${url}/ping`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`app process did not start:\n${logs.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    child,
    url,
    pid: child.pid!,
    logs,
    rss: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
