import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePrivateKey, pullRequestEvent, startEmulator, type Emulator } from '../../tools/emulator/index.js';
import { HEAD_SHA, OWNER, PR_NUMBER, REPO, seedPullRequest } from '../../tools/scenario.js';
import { enterpriseFront } from '../docker/runtime.js';
import { lambdaEvent, WEBHOOK_SECRET } from './events.js';
import { startRedisServer, type RedisServer } from '../reliability/redis-server.js';
import { describeWithRedis } from '../reliability/with-redis.js';

const APP_ID = 515151;
const repoRoot = new URL('../../', import.meta.url).pathname;
let privateKey: string;
let bundle: string;

beforeAll(() => {
  privateKey = generatePrivateKey();
  bundle = join(mkdtempSync(join(tmpdir(), 'monoenv-lambda-')), 'index.mjs');
  execFileSync(process.execPath, ['scripts/bundle-action.mjs', '--lambda', '--out', bundle], { cwd: repoRoot, stdio: 'pipe' });
}, 120_000);

let gh: Emulator;
let front: Awaited<ReturnType<typeof enterpriseFront>>;

beforeEach(async () => {
  gh = await startEmulator({ apps: [{ id: APP_ID, slug: 'monoenv', privateKey }] });
  seedPullRequest(gh);
  front = await enterpriseFront(gh.url);
});

afterEach(async () => {
  await front.close();
  await gh.close();
});

/**
 * Invokes `handler` of the deployable bundle in a fresh Node process, as the Lambda runtime would: one
 * container, the given events in order. Asynchronous, so the emulator in this process can answer.
 */
function invokeBundle(events: unknown[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Array<{ statusCode: number; body: string }>> {
  const dir = mkdtempSync(join(tmpdir(), 'monoenv-invoke-'));
  const eventsFile = join(dir, 'events.json');
  writeFileSync(eventsFile, JSON.stringify(events));
  const script = `
    const { handler } = await import(${JSON.stringify(bundle)});
    const events = JSON.parse(require('node:fs').readFileSync(${JSON.stringify(eventsFile)}, 'utf8'));
    const results = [];
    for (const event of events) results.push(await handler(event));
    // Lambda freezes the process after the answer; here it exits, even while a Redis connection is open.
    process.stdout.write(JSON.stringify(results), () => process.exit(0));`;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    APP_ID: String(APP_ID),
    PRIVATE_KEY: privateKey,
    WEBHOOK_SECRET,
    GHE_HOST: front.host,
    GHE_PROTOCOL: 'http',
    NODE_ENV: 'production',
    LOG_LEVEL: 'fatal',
    AWS_LAMBDA_FUNCTION_NAME: 'monoenv',
    ...extraEnv,
  };
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--input-type=commonjs', '-e', `(async () => {${script}})().catch((e) => { console.error(e); process.exit(1); })`],
      { env, timeout: 60_000, encoding: 'utf8' },
      (error, stdout: string, stderr: string) => {
        if (error) reject(new Error(`${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout) as Array<{ statusCode: number; body: string }>);
      },
    );
  });
}

describe('the Lambda bundle with the real app', () => {
  it('posts the check run for a function URL delivery and keeps one run when API Gateway redelivers it', async () => {
    const { payload } = pullRequestEvent(gh, { owner: OWNER, repo: REPO, number: PR_NUMBER, action: 'opened' });
    const body = JSON.stringify(payload);
    const results = await invokeBundle([
      lambdaEvent('function-url', { name: 'pull_request', body, id: 'd-1' }),
      lambdaEvent('api-gateway-rest', { name: 'pull_request', body, id: 'd-1', base64: true }),
    ]);
    expect(results.map((r) => r.statusCode)).toEqual([200, 200]);
    const runs = gh.checkRuns(OWNER, REPO, HEAD_SHA);
    expect(runs.map((r) => [r.name, r.status, r.conclusion, r.appId, r.external_id])).toEqual([
      ['monoenv', 'completed', 'failure', APP_ID, String(PR_NUMBER)],
    ]);
    expect(runs[0].annotations.length).toBeGreaterThan(0);
    expect(front.forwarded()).toBe(gh.requests.length);
    expect(gh.violations).toEqual([]);
  }, 90_000);

  it('answers 400 to a forged delivery and calls no GitHub API', async () => {
    const { payload } = pullRequestEvent(gh, { owner: OWNER, repo: REPO, number: PR_NUMBER, action: 'opened' });
    const body = JSON.stringify(payload);
    const [result] = await invokeBundle([
      lambdaEvent('http-api-v2', { name: 'pull_request', body, signature: 'sha256=' + '0'.repeat(64) }),
    ]);
    expect(result.statusCode).toBe(400);
    expect(gh.requests).toEqual([]);
  }, 90_000);
});

describeWithRedis('lambda-app.test.ts', 'the Lambda bundle with REDIS_URL', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  // The bundle has no node_modules beside it: Probot's and Bottleneck's run-time loads of ioredis must be
  // inside it, or every invocation with REDIS_URL fails.
  it('throttles and locks through Redis, and posts one run when the same delivery reaches two containers', async () => {
    const { payload } = pullRequestEvent(gh, { owner: OWNER, repo: REPO, number: PR_NUMBER, action: 'opened' });
    const body = JSON.stringify(payload);
    const env = { REDIS_URL: redis.url };
    const [first, second] = await Promise.all([
      invokeBundle([lambdaEvent('function-url', { name: 'pull_request', body, id: 'd-redis' })], env),
      invokeBundle([lambdaEvent('http-api-v2', { name: 'pull_request', body, id: 'd-redis' })], env),
    ]);
    expect([first[0].statusCode, second[0].statusCode]).toEqual([200, 200]);
    const runs = gh.checkRuns(OWNER, REPO, HEAD_SHA);
    expect(runs.map((r) => [r.name, r.status, r.conclusion])).toEqual([['monoenv', 'completed', 'failure']]);
    expect(gh.violations).toEqual([]);
  }, 90_000);
});
