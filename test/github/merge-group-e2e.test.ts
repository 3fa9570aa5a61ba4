/**
 * merge_group end to end over real HTTP: the app behind Probot's node middleware, the emulator as GitHub
 * (its merge queue answered through GitHub's published GraphQL schema), signed webhooks in, check runs out.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Probot, createNodeMiddleware } from 'probot';
import {
  deliverWebhook,
  generatePrivateKey,
  loadGraphqlSchema,
  mergeGroupEvent,
  pullRequestEvent,
  startEmulator,
  type Emulator,
} from '../../tools/emulator/index.js';
import { monoenvApp } from '../../src/github/index.js';
import { TestOctokit } from './harness.js';

const OWNER = 'acme';
const REPO = 'storefront';
const APP_ID = 4200;
const SECRET = 'webhook-secret';
const sha = (c: string) => c.repeat(40);
const MAIN = sha('0');
const [HEAD_21, HEAD_22, HEAD_23] = [sha('1'), sha('2'), sha('3')];
const [GROUP_21, GROUP_23, GROUP_22] = [sha('a'), sha('b'), sha('c')];

const source = (path: string) => ({ filename: path, status: 'added', patch: '@@ -0,0 +1 @@\n+export const on = true;' });

describe('merge_group over HTTP against the emulator', () => {
  let gh: Emulator;
  let server: Server;
  let appUrl: string;

  beforeAll(() => void loadGraphqlSchema(), 60_000);
  beforeAll(async () => {
    const privateKey = generatePrivateKey();
    gh = await startEmulator({ apps: [{ id: APP_ID, slug: 'monoenv', privateKey }] });
    gh.store.addApp({ id: APP_ID, slug: 'monoenv' });
    gh.store.addRepo({ owner: OWNER, repo: REPO, installationId: 41, defaultBranch: 'main' });
    gh.store.setBranch(OWNER, REPO, 'main', MAIN);
    gh.store.setFile(OWNER, REPO, '.github/monoenv.yml', 'tests:\n  level: error\n');
    const pull = (number: number, head: string, files: object[]) =>
      gh.store.addPullRequest({
        owner: OWNER,
        repo: REPO,
        number,
        title: `change ${number}`,
        head: { sha: head, ref: `b${number}` },
        base: { ref: 'main', sha: MAIN },
        files: files as never,
      });
    pull(21, HEAD_21, [{ filename: 'package-lock.json', status: 'modified', patch: '@@ -1 +1 @@\n-"a"\n+"b"' }]);
    pull(22, HEAD_22, [source('src/gift/redeem.ts')]);
    pull(23, HEAD_23, [source('src/cart/total.ts'), source('src/cart/total.test.ts')]);
    // #23 sits behind #21 and ahead of #22; each entry's group is built on the one ahead.
    gh.store.setMergeQueue(OWNER, REPO, 'main', [
      { number: 21, headSha: GROUP_21, baseSha: MAIN },
      { number: 23, headSha: GROUP_23, baseSha: GROUP_21 },
      { number: 22, headSha: GROUP_22, baseSha: GROUP_23 },
    ]);

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
    // #21 and #22 were judged when opened; #23 never was (its event was lost).
    for (const number of [21, 22]) {
      expect(
        await deliverWebhook(appUrl, { ...pullRequestEvent(gh, { owner: OWNER, repo: REPO, number, action: 'opened' }), secret: SECRET }),
      ).toBe(200);
    }
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await gh.close();
  });

  it("the group of #21 and #23: #21's run gives its verdict, #23 is evaluated now, and the group passes", async () => {
    expect(gh.checkRuns(OWNER, REPO, HEAD_21)[0]).toMatchObject({ conclusion: 'success' });
    expect(gh.checkRuns(OWNER, REPO, HEAD_23)).toHaveLength(0);
    gh.resetCounters();
    const status = await deliverWebhook(appUrl, {
      ...mergeGroupEvent(gh, { owner: OWNER, repo: REPO, number: 23, headSha: GROUP_23, baseSha: MAIN }),
      secret: SECRET,
    });
    expect(status).toBe(200);
    const runs = gh.checkRuns(OWNER, REPO, GROUP_23);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ name: 'monoenv', status: 'completed', conclusion: 'success', appId: APP_ID });
    expect(runs[0].output.title).toBe('Merge group of 2 pull requests: every pull request passes');
    expect(runs[0].output.summary).toMatch(/\| #21 change 21 \| ✅ success \|.*its check run/);
    expect(runs[0].output.summary).toMatch(/\| #23 change 23 \| ✅ success \|.*re-evaluated now/);
    // #23's own run was published on its head by the evaluation.
    expect(gh.checkRuns(OWNER, REPO, HEAD_23)).toHaveLength(1);
    expect(gh.violations).toEqual([]);
    expect(gh.unmatched).toEqual([]);
    // REST: #21's look-up, #23's files and run, the group run; #23's look-ups and the group's are answered 304
    // (the empty listing's ETag), as is the configuration. GraphQL: the queue, 1 point.
    expect(gh.counters.rateLimited).toBe(4);
    expect(gh.counters.graphqlPoints).toBe(1);
  });

  it('the group of all three: #22 failed its check, so the group fails and names it', async () => {
    gh.resetCounters();
    await deliverWebhook(appUrl, {
      ...mergeGroupEvent(gh, { owner: OWNER, repo: REPO, number: 22, headSha: GROUP_22, baseSha: MAIN }),
      secret: SECRET,
    });
    const runs = gh.checkRuns(OWNER, REPO, GROUP_22);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ conclusion: 'failure' });
    expect(runs[0].output.title).toBe('Merge group of 3 pull requests: #22 fails');
    expect(gh.violations).toEqual([]);
    expect(gh.unmatched).toEqual([]);
    // REST: the look-ups of #23 (its list changed) and #22, and the group run; #21's unchanged list is a 304.
    expect(gh.counters.rateLimited).toBe(3);
    expect(gh.counters.graphqlPoints).toBe(1);
  });
});
