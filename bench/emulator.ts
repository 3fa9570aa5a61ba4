/**
 * Throughput of the emulator under the app's request mix, with the server in its own process (as in
 * benchmarks of the app): `npm run bench:emulator -- [--requests 20000] [--concurrency 50]`.
 * Prints requests per second and latency percentiles.
 */
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { requests: { type: 'string', default: '20000' }, concurrency: { type: 'string', default: '50' } },
});
const total = Number(values.requests);
const concurrency = Number(values.concurrency);

const dir = mkdtempSync(join(tmpdir(), 'emulator-bench-'));
const seedFile = join(dir, 'seed.json');
const patch = '@@ -1,3 +1,4 @@\n import x from "y";\n-const a = 1;\n+const a = 2;\n+const b = 3;\n export default a;';
writeFileSync(
  seedFile,
  JSON.stringify({
    repos: [{ owner: 'acme', repo: 'shop', installationId: 1 }],
    pulls: Array.from({ length: 50 }, (_, i) => ({
      owner: 'acme',
      repo: 'shop',
      number: i + 1,
      head: { sha: (i + 1).toString(16).padStart(40, 'a') },
      files: Array.from({ length: 40 }, (__, j) => ({ filename: `src/module${j}/file${j}.ts`, status: 'modified', patch })),
      reviews: [{ user: 'reviewer', state: 'APPROVED' }],
    })),
    files: [{ owner: 'acme', repo: 'shop', path: '.github/monoenv.yml', content: 'mode: enforce\nsize:\n  warn_lines: 300\n' }],
  }),
);

const cli = process.env.EMULATOR_CLI ?? fileURLToPath(new URL('../tools/emulator/cli.ts', import.meta.url));
const child = spawn(
  process.execPath,
  [
    ...(process.env.EMULATOR_NODE_OPTIONS?.split(' ') ?? []),
    '--import',
    'tsx',
    cli,
    '--port',
    '0',
    '--seed',
    seedFile,
    '--no-log',
    '--quiet',
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const url = await new Promise<string>((resolve, reject) => {
  child.stdout.on('data', (chunk: Buffer) => {
    const match = /listening on (\S+)/.exec(chunk.toString());
    if (match) resolve(match[1]);
  });
  child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
});

const now = Math.floor(Date.now() / 1000);
const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const jwt = `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ iat: now - 30, exp: now + 540, iss: 1 })}.c2ln`;
const { token } = (await (
  await fetch(`${url}/app/installations/1/access_tokens`, { method: 'POST', headers: { authorization: `Bearer ${jwt}` } })
).json()) as { token: string };
const headers = { authorization: `token ${token}`, accept: 'application/vnd.github+json', 'content-type': 'application/json' };

// A keep-alive node:http client: fetch costs more CPU than the server on a 2-core machine and would be measured instead.
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
function call(
  method: string,
  path: string,
  extraHeaders: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; etag: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method, agent, headers: { ...headers, ...extraHeaders } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, etag: res.headers.etag }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

// What handling one pull_request event costs the app, roughly: config, PR, files, reviews, check-run list, create.
let configEtag = '';
const sha = (i: number) => ((i % 50) + 1).toString(16).padStart(40, 'a');
const mix: Array<(i: number) => Promise<number>> = [
  async () => {
    const r = await call('GET', '/repos/acme/shop/contents/.github%2Fmonoenv.yml', configEtag ? { 'if-none-match': configEtag } : {});
    configEtag = r.etag ?? configEtag;
    return r.status;
  },
  async (i) => (await call('GET', `/repos/acme/shop/pulls/${(i % 50) + 1}`)).status,
  async (i) => (await call('GET', `/repos/acme/shop/pulls/${(i % 50) + 1}/files?per_page=100`)).status,
  async (i) => (await call('GET', `/repos/acme/shop/pulls/${(i % 50) + 1}/reviews`)).status,
  async (i) => (await call('GET', `/repos/acme/shop/commits/${sha(i)}/check-runs?check_name=monoenv`)).status,
  async (i) => {
    const body = JSON.stringify({
      name: 'monoenv',
      head_sha: sha(i),
      status: 'completed',
      conclusion: 'success',
      output: {
        title: 'S change (12 lines)',
        summary: '| rule | status |\n|---|---|\n| size | ok |',
        annotations: Array.from({ length: 10 }, (_, k) => ({
          path: 'src/a.ts',
          start_line: k + 1,
          end_line: k + 1,
          annotation_level: 'warning',
          message: 'finding',
        })),
      },
    });
    return (await call('POST', '/repos/acme/shop/check-runs', {}, body)).status;
  },
];

const latencies: number[] = [];
const statuses = new Map<number, number>();
let next = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < total) {
      const i = next++;
      const t = performance.now();
      const status = await mix[i % mix.length](i);
      latencies.push(performance.now() - t);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))].toFixed(2);
process.stdout.write(
  `${total} requests, concurrency ${concurrency}: ${(total / seconds).toFixed(0)} req/s; latency ms p50 ${pct(0.5)} p95 ${pct(0.95)} p99 ${pct(0.99)}; statuses ${JSON.stringify(Object.fromEntries(statuses))}\n`,
);
agent.destroy();
child.kill('SIGTERM');
