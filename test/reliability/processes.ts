/**
 * The app as `npm start` runs it (src/github/main.ts: Probot's `run` with the app's Octokit), in a child
 * process pointed at the emulator as a GitHub Enterprise host, with its JSON log captured.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Emulator } from '../../tools/emulator/index.js';
import { LOG_LEVELS, levelForListening, startListening } from './listening.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface AppProcess {
  child: ChildProcess;
  url: string;
  pid: number;
  /** Log lines written so far (stdout and stderr), at the level asked for or above. */
  logs: string[];
  /** Resolves with the first log line (written already or to come) that `match` accepts. */
  waitForLog(match: (line: string) => boolean): Promise<string>;
  /** Resident set size now, in bytes (Linux /proc). */
  rss(): number;
  stop(): Promise<void>;
}

/** The node flags of `npm start` (the heap cap), so the app runs here as it is deployed. */
const START_NODE_FLAGS = (JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { scripts: { start: string } }).scripts.start
  .split(' ')
  .filter((word) => word.startsWith('--'));

export async function startAppProcess(
  gh: Emulator,
  options: { appId: number; privateKey: string; secret: string; logLevel?: string; entry?: string; redisUrl?: string },
): Promise<AppProcess> {
  const level = options.logLevel ?? 'info';
  const started = await startListening((port) =>
    spawn(process.execPath, [...START_NODE_FLAGS, '--import', 'tsx', options.entry ?? 'src/github/main.ts'], {
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
        // At least info, so that the process says when it listens; `logs` keeps the level asked for.
        LOG_LEVEL: levelForListening(level),
        LOG_FORMAT: 'json',
        ...(options.redisUrl === undefined ? {} : { REDIS_URL: options.redisUrl }),
      } as Record<string, string | undefined>,
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  const { child } = started;
  const least = LOG_LEVELS[level] ?? LOG_LEVELS.info;
  const levelOf = (line: string): number => Number(/"level":(\d+)/.exec(line)?.[1] ?? LOG_LEVELS.fatal);
  const kept = (line: string): boolean => levelOf(line) >= least;
  const logs = started.startup.filter(kept);
  const waiters: Array<{ match: (line: string) => boolean; resolve: (line: string) => void }> = [];
  started.onLine((line) => {
    if (!kept(line)) return;
    logs.push(line);
    for (const waiter of waiters.filter((w) => w.match(line))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(line);
    }
  });
  const url = `http://127.0.0.1:${started.port}`;
  return {
    child,
    url,
    pid: child.pid!,
    logs,
    waitForLog: (match) => {
      const seen = logs.find(match);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
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
