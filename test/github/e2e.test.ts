/**
 * End to end over real HTTP on 127.0.0.1: the app's Probot server behind Probot's node middleware, the
 * local GitHub API emulator as `baseUrl`, signed webhooks in, check runs out.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Probot, createNodeMiddleware } from 'probot';
import { deliverWebhook, generatePrivateKey, pullRequestEvent, startEmulator, type Emulator } from '../../tools/emulator/index.js';
import { monoenvApp } from '../../src/github/index.js';
import { TestOctokit } from './harness.js';

const OWNER = 'acme';
const REPO = 'storefront';
const APP_ID = 4100;
const SECRET = 'webhook-secret';
const HEAD = 'b'.repeat(40);

describe('the app over HTTP against the emulator', () => {
  let gh: Emulator;
  let server: Server;
  let appUrl: string;

  beforeAll(async () => {
    const privateKey = generatePrivateKey();
    gh = await startEmulator({ apps: [{ id: APP_ID, slug: 'monoenv', privateKey }] });
    gh.store.addApp({ id: APP_ID, slug: 'monoenv' });
    gh.store.addRepo({ owner: OWNER, repo: REPO, installationId: 31, defaultBranch: 'main' });
    const probot = new Probot({
      appId: APP_ID,
      privateKey,
      secret: SECRET,
      baseUrl: gh.url,
      logLevel: 'fatal',
      Octokit: TestOctokit,
    });
    const middleware = await createNodeMiddleware(monoenvApp({ appId: APP_ID }), { probot });
    server = createServer((req, res) => void middleware(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await gh.close();
  });

  it('a signed pull_request webhook ends in one completed monoenv check run', async () => {
    gh.store.setFile(OWNER, REPO, '.github/monoenv.yml', 'tests:\n  level: error\n');
    gh.store.addPullRequest({
      owner: OWNER,
      repo: REPO,
      number: 12,
      title: 'feat: gift cards',
      head: { sha: HEAD, ref: 'gift-cards' },
      files: [
        {
          filename: 'src/giftcards/redeem.ts',
          status: 'added',
          patch: '@@ -0,0 +1,3 @@\n+export function redeem(code: string): boolean {\n+  return code.length === 16;\n+}',
        },
        {
          filename: 'package-lock.json',
          status: 'modified',
          patch: '@@ -1,3 +1,3 @@\n {\n-  "version": "1.0.0",\n+  "version": "1.1.0",\n }',
        },
      ],
    });
    gh.resetCounters();
    const status = await deliverWebhook(appUrl, {
      ...pullRequestEvent(gh, { owner: OWNER, repo: REPO, number: 12, action: 'opened' }),
      secret: SECRET,
    });
    expect(status).toBe(200);
    const runs = gh.checkRuns(OWNER, REPO, HEAD);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ name: 'monoenv', status: 'completed', conclusion: 'failure', appId: APP_ID });
    expect(gh.violations).toEqual([]);
    expect(gh.unmatched).toEqual([]);
    // Configuration, files, .gitattributes at the base, the run lookup, the run: one token, 5 counted calls.
    expect(gh.counters.tokens).toBe(1);
    expect(gh.counters.rateLimited).toBe(5);

    // Delivered again: conditional requests answer 304, nothing is written, still one run. The run itself is
    // read once (another replica may have written another verdict to it since), with the ETag of GitHub's
    // answer to the creation: unchanged, it answers 304, which is not counted.
    gh.resetCounters();
    const again = await deliverWebhook(appUrl, {
      ...pullRequestEvent(gh, { owner: OWNER, repo: REPO, number: 12, action: 'synchronize' }),
      secret: SECRET,
    });
    expect(again).toBe(200);
    expect(gh.checkRuns(OWNER, REPO, HEAD)).toHaveLength(1);
    expect(gh.counters.rateLimited).toBe(0);
    expect(
      gh.requests.filter((r) => r.route === '/repos/{owner}/{repo}/check-runs/{check_run_id}').map((r) => `${r.method} ${r.status}`),
    ).toEqual(['GET 304']);
    expect(gh.counters.notModified).toBeGreaterThanOrEqual(3);
  });

  it('a webhook with a wrong signature is rejected before any API call', async () => {
    gh.store.addPullRequest({ owner: OWNER, repo: REPO, number: 13, head: { sha: 'c'.repeat(40) } });
    gh.resetCounters();
    const status = await deliverWebhook(appUrl, {
      ...pullRequestEvent(gh, { owner: OWNER, repo: REPO, number: 13, action: 'opened' }),
      secret: 'not-the-secret',
    });
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
    expect(gh.counters.total).toBe(0);
    expect(gh.checkRuns(OWNER, REPO, 'c'.repeat(40))).toEqual([]);
  });
});
