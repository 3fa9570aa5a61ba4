/**
 * One app under load, in its own process so its CPU and RSS are its own: Probot's node middleware on
 * 127.0.0.1 with `baseUrl` at the GitHub API emulator. Started by the benchmark with
 * `node --import tsx bench/app/app-server.ts monoenv|bare`, configured by Probot's environment variables
 * (APP_ID, PRIVATE_KEY, WEBHOOK_SECRET, LOG_LEVEL) plus GITHUB_API_URL. It reports its port, and on
 * request its peak RSS and CPU time, over the IPC channel.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Probot, createNodeMiddleware, type ApplicationFunction } from 'probot';
import { monoenvApp } from '../../src/github/index.js';
import { MonoenvOctokit } from '../../src/github/octokit.js';
import { bareApp } from './bare.js';

const which = process.argv[2];
if (which !== 'monoenv' && which !== 'bare') throw new Error('usage: app-server.ts monoenv|bare');
if (process.send === undefined) throw new Error('app-server.ts runs as a child with an IPC channel');

/**
 * Throttling off for both apps alike: Probot's throttling spaces the writes of one installation a second
 * apart (GitHub's advice against secondary rate limits), which would measure that spacing, not the app.
 */
const WithoutThrottling = MonoenvOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  throttle: { ...(options.throttle as object), enabled: false },
}));

/**
 * What-if (`BENCH_WHAT_IF=no-revalidation`, never in `npm run bench`): the configuration served from memory
 * once read, and no look-up of existing runs on a new commit, to measure what those two requests cost.
 */
interface HookedOctokit {
  hook: {
    wrap(
      name: 'request',
      wrapper: (request: (options: Record<string, unknown>) => Promise<unknown>, options: Record<string, unknown>) => Promise<unknown>,
    ): void;
  };
}
const remembered = new Map<string, unknown>();
function withoutRevalidation(octokit: HookedOctokit): void {
  octokit.hook.wrap('request', async (request, options) => {
    const url = String(options.url);
    if (options.method === 'GET' && url.endsWith('/check-runs'))
      return { status: 200, url, headers: {}, data: { total_count: 0, check_runs: [] } };
    if (options.method !== 'GET' || !url.includes('/contents/') || options.ref !== undefined) return request(options);
    const key = `${String(options.owner)}/${String(options.repo)}/${String(options.path)}`;
    if (!remembered.has(key)) remembered.set(key, await request(options));
    return remembered.get(key);
  });
}
const Octokit =
  process.env.BENCH_WHAT_IF === 'no-revalidation' ? WithoutThrottling.plugin(withoutRevalidation as never) : WithoutThrottling;

const probot = new Probot({
  appId: Number(process.env.APP_ID),
  privateKey: process.env.PRIVATE_KEY!,
  secret: process.env.WEBHOOK_SECRET!,
  baseUrl: process.env.GITHUB_API_URL!,
  logLevel: (process.env.LOG_LEVEL ?? 'info') as 'info',
  Octokit: Octokit,
});
const appFn: ApplicationFunction = which === 'monoenv' ? monoenvApp() : bareApp;
const middleware = await createNodeMiddleware(appFn, { probot });
const server = createServer((req, res) => {
  void middleware(req, res, () => {
    res.writeHead(404).end();
  });
});
server.keepAliveTimeout = 30_000;
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

const cpuAtStart = process.cpuUsage();
process.on('message', (message: { type: string }) => {
  if (message.type === 'stats') {
    const cpu = process.cpuUsage(cpuAtStart);
    process.send!({ type: 'stats', peakRssMb: process.resourceUsage().maxRSS / 1024, cpuMs: (cpu.user + cpu.system) / 1000 });
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ type: 'listening', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
