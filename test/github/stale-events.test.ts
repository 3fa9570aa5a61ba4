/**
 * Events whose commit is no longer the pull request's head (a late `synchronize`, a replayed delivery):
 * GitHub's files list has no `ref` and shows the current head, so the event's own commit is judged from
 * the comparison of the PR's base with it. With nock (every request pinned), then over HTTP against the emulator.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { Probot, createNodeMiddleware } from 'probot';
import { deliverWebhook, generatePrivateKey, pullRequestEvent, startEmulator, type Emulator } from '../../tools/emulator/index.js';
import { monoenvApp } from '../../src/github/index.js';
import {
  withoutNetwork,
  BASE_SHA,
  CONFIG_URL_PATH,
  HEAD_SHA,
  OWNER,
  RAW,
  REPO,
  REPO_PATH,
  TestOctokit,
  captureBody,
  deliver,
  fixture,
  github,
  loadApp,
  mockToken,
  FILES_PATH,
  GITATTRIBUTES_PATH,
} from './harness.js';

/** The commit pushed after HEAD_SHA: the pull request's head when the late event for HEAD_SHA arrives. */
const NEWER_SHA = '0d1e2f3a4b5c6d7e8f90a1b2c3d4e5f607182930';
const COMPARE_PATH = `${REPO_PATH}/compare/${BASE_SHA}...${HEAD_SHA}?per_page=1`;
const lookupPath = (sha: string): string => `${REPO_PATH}/commits/${sha}/check-runs?check_name=monoenv&filter=all`;
const CONFIG = 'tests:\n  level: error\n';

interface CheckRunBody {
  head_sha?: string;
  conclusion?: string;
  output: { title: string; summary: string; annotations: { path: string; start_line: number; annotation_level: string }[] };
}

interface FileChange {
  filename: string;
  status: 'added' | 'modified';
  patch: string;
}

/** A file entry as GitHub lists it (pull request files and comparisons alike): its URLs name the commit read. */
function entry(change: FileChange, sha: string): Record<string, unknown> {
  const additions = change.patch.split('\n').filter((l) => l.startsWith('+')).length;
  const deletions = change.patch.split('\n').filter((l) => l.startsWith('-')).length;
  return {
    sha: `${change.filename.length.toString(16).padStart(2, '0')}${'e'.repeat(38)}`,
    filename: change.filename,
    status: change.status,
    additions,
    deletions,
    changes: additions + deletions,
    blob_url: `https://github.com/${OWNER}/${REPO}/blob/${sha}/${change.filename}`,
    raw_url: `https://github.com/${OWNER}/${REPO}/raw/${sha}/${change.filename}`,
    contents_url: `https://api.github.com/repos/${OWNER}/${REPO}/contents/${change.filename}?ref=${sha}`,
    patch: change.patch,
  };
}

const DISCOUNT: FileChange = {
  filename: 'src/checkout/discount.ts',
  status: 'added',
  patch:
    '@@ -0,0 +1,3 @@\n+export function applyDiscount(total: number, percent: number): number {\n+  return Math.round(total * (100 - percent)) / 100;\n+}',
};
const DISCOUNT_TEST: FileChange = {
  filename: 'src/checkout/discount.test.ts',
  status: 'added',
  patch:
    "@@ -0,0 +1,4 @@\n+import { applyDiscount } from './discount.js';\n+test('ten percent off', () => {\n+  expect(applyDiscount(200, 10)).toBe(180);\n+});",
};
/** Changed in the newer commit only, without a test: under `tests: error`, that commit fails. */
const CART: FileChange = {
  filename: 'src/checkout/cart.ts',
  status: 'modified',
  patch:
    '@@ -10,4 +10,4 @@ export class Cart {\n   total(): number {\n-    return this.items.reduce((n, i) => n + i.price, 0);\n+    return applyDiscount(this.items.reduce((n, i) => n + i.price, 0), this.discount);\n   }\n }',
};

/** HEAD_SHA: the discount with its test (passes). NEWER_SHA adds the untested cart change (fails). */
const filesOfHead = [DISCOUNT, DISCOUNT_TEST].map((f) => entry(f, HEAD_SHA));
const filesOfNewer = [DISCOUNT, DISCOUNT_TEST, CART].map((f) => entry(f, NEWER_SHA));

/** The synchronize event for HEAD_SHA, with the totals GitHub wrote into it when HEAD_SHA was pushed. */
function synchronizeForHead(totals = { additions: 7, deletions: 0, changed_files: 2 }): Record<string, unknown> {
  const payload = fixture<{ pull_request: Record<string, unknown> }>('pull_request.synchronize');
  Object.assign(payload.pull_request, totals);
  return payload;
}

describe('events for a commit that is no longer the head', () => {
  const network = withoutNetwork();

  it("a late synchronize is judged on its own commit's files, from one comparison", async () => {
    const probot = await loadApp();
    const created: CheckRunBody[] = [];
    const scope = mockToken(github(network.log))
      .get(CONFIG_URL_PATH)
      .reply(200, CONFIG, { ...RAW, etag: '"config-v1"' })
      // The list shows the newer head (its URLs say so), not the event's commit.
      .get(FILES_PATH)
      .reply(200, filesOfNewer, { etag: '"files-newer"' })
      .get(GITATTRIBUTES_PATH)
      .reply(404, { message: 'Not Found' })
      .get(COMPARE_PATH)
      .reply(200, { status: 'ahead', ahead_by: 1, behind_by: 0, total_commits: 1, commits: [{ sha: HEAD_SHA }], files: filesOfHead })
      .get(lookupPath(HEAD_SHA))
      .reply(200, { total_count: 0, check_runs: [] })
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 2001 }, { etag: '"run-2001-v1"' });

    await deliver(probot, 'pull_request', synchronizeForHead());

    expect(scope.isDone()).toBe(true);
    // Sent together: the configuration, the file list, .gitattributes and the look-up; the comparison once
    // the list shows another commit; the creation last.
    expect(network.log.routes).toHaveLength(6);
    expect(new Set(network.log.routes)).toEqual(
      new Set([
        `GET ${CONFIG_URL_PATH}`,
        `GET ${FILES_PATH}`,
        `GET ${GITATTRIBUTES_PATH}`,
        `GET ${COMPARE_PATH}`,
        `GET ${lookupPath(HEAD_SHA)}`,
        `POST ${REPO_PATH}/check-runs`,
      ]),
    );
    expect(network.log.routes.indexOf(`GET ${COMPARE_PATH}`)).toBeGreaterThan(network.log.routes.indexOf(`GET ${FILES_PATH}`));
    expect(network.log.routes.at(-1)).toBe(`POST ${REPO_PATH}/check-runs`);
    expect(created).toHaveLength(1);
    // Judged with the newer commit's list, this run would fail on cart.ts.
    expect(created[0]).toMatchObject({ head_sha: HEAD_SHA, conclusion: 'success' });
    expect(created[0].output.annotations.map((a) => a.path)).not.toContain('src/checkout/cart.ts');
    expect(created[0].output.title).toMatch(/\(7 lines\)/);

    // Delivered again: configuration and list are unchanged (304s) and the comparison of two commits is
    // served from memory.
    network.log.clear();
    const again = github(network.log)
      .get(CONFIG_URL_PATH)
      .matchHeader('if-none-match', '"config-v1"')
      .reply(304, '')
      .get(FILES_PATH)
      .matchHeader('if-none-match', '"files-newer"')
      .reply(304, '')
      // The same verdict: the run still holds what this process wrote (asked with the creation's ETag).
      .get(`${REPO_PATH}/check-runs/2001`)
      .matchHeader('if-none-match', '"run-2001-v1"')
      .reply(304, '');
    await deliver(probot, 'pull_request', synchronizeForHead(), 'redelivered');
    expect(again.isDone()).toBe(true);
    expect(network.log.limited).toHaveLength(0);
    expect(network.log.notModified).toHaveLength(3);
  });

  it('the event for the current head costs no comparison: the same calls as before', async () => {
    const probot = await loadApp();
    const created: CheckRunBody[] = [];
    const scope = mockToken(github(network.log))
      .get(CONFIG_URL_PATH)
      .reply(200, CONFIG, { ...RAW, etag: '"config-v1"' })
      .get(FILES_PATH)
      .reply(200, filesOfHead, { etag: '"files-head"' })
      .get(GITATTRIBUTES_PATH)
      .reply(404, { message: 'Not Found' })
      .get(lookupPath(HEAD_SHA))
      .reply(200, { total_count: 0, check_runs: [] })
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 2002 });

    await deliver(probot, 'pull_request', synchronizeForHead());

    expect(scope.isDone()).toBe(true);
    expect(network.log.routes).toEqual([
      `GET ${CONFIG_URL_PATH}`,
      `GET ${FILES_PATH}`,
      `GET ${GITATTRIBUTES_PATH}`,
      `GET ${lookupPath(HEAD_SHA)}`,
      `POST ${REPO_PATH}/check-runs`,
    ]);
    expect(created[0]).toMatchObject({ head_sha: HEAD_SHA, conclusion: 'success' });
  });

  it('the newer commit, judged on the current list, fails on its untested change', async () => {
    const probot = await loadApp();
    const created: CheckRunBody[] = [];
    const payload = synchronizeForHead({ additions: 8, deletions: 1, changed_files: 3 }) as { pull_request: { head: { sha: string } } };
    payload.pull_request.head.sha = NEWER_SHA;
    const scope = mockToken(github(network.log))
      .get(CONFIG_URL_PATH)
      .reply(200, CONFIG, RAW)
      .get(FILES_PATH)
      .reply(200, filesOfNewer)
      .get(GITATTRIBUTES_PATH)
      .reply(404, { message: 'Not Found' })
      .get(lookupPath(NEWER_SHA))
      .reply(200, { total_count: 0, check_runs: [] })
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 2003 });

    await deliver(probot, 'pull_request', payload);

    expect(scope.isDone()).toBe(true);
    expect(network.log.routes.some((r) => r.includes('/compare/'))).toBe(false);
    expect(created[0]).toMatchObject({ head_sha: NEWER_SHA, conclusion: 'failure' });
    expect(created[0].output.annotations).toEqual([expect.objectContaining({ path: 'src/checkout/cart.ts', annotation_level: 'failure' })]);
  });

  it("a review on an older commit takes its totals from the comparison, not from the pull request's head", async () => {
    const probot = await loadApp();
    const created: CheckRunBody[] = [];
    const scope = mockToken(github(network.log))
      .get(CONFIG_URL_PATH)
      .reply(200, CONFIG, RAW)
      .get(FILES_PATH)
      .reply(200, filesOfNewer)
      .get(GITATTRIBUTES_PATH)
      .reply(404, { message: 'Not Found' })
      .get(COMPARE_PATH)
      .reply(200, { status: 'ahead', ahead_by: 1, behind_by: 0, total_commits: 1, commits: [{ sha: HEAD_SHA }], files: filesOfHead })
      .get(lookupPath(HEAD_SHA))
      .reply(200, { total_count: 0, check_runs: [] })
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 2004 });

    // Review payloads carry no totals; GET /pulls/7 would give the newer head's.
    await deliver(probot, 'pull_request_review', fixture('pull_request_review.submitted'));

    expect(scope.isDone()).toBe(true);
    expect(network.log.routes).not.toContain(`GET ${REPO_PATH}/pulls/7`);
    expect(created[0]).toMatchObject({ head_sha: HEAD_SHA, conclusion: 'success' });
    expect(created[0].output.title).toMatch(/\(7 lines\)/);
  });

  it('a comparison capped at 300 files is judged from the totals, as the 3,000-file cap of the list', async () => {
    const probot = await loadApp();
    const created: CheckRunBody[] = [];
    const many = Array.from({ length: 300 }, (_, i) =>
      entry({ filename: `docs/page-${i}.md`, status: 'added', patch: '@@ -0,0 +1 @@\n+text' }, HEAD_SHA),
    );
    const scope = mockToken(github(network.log))
      .get(CONFIG_URL_PATH)
      .reply(200, CONFIG, RAW)
      .get(FILES_PATH)
      .reply(200, filesOfNewer)
      // The payload's 450 files ask for five pages at once; the list, of the newer commit, fills one.
      .get(`${FILES_PATH}&page=2`)
      .reply(200, [])
      .get(`${FILES_PATH}&page=3`)
      .reply(200, [])
      .get(`${FILES_PATH}&page=4`)
      .reply(200, [])
      .get(`${FILES_PATH}&page=5`)
      .reply(200, [])
      .get(GITATTRIBUTES_PATH)
      .reply(404, { message: 'Not Found' })
      .get(COMPARE_PATH)
      .reply(200, { status: 'ahead', ahead_by: 1, behind_by: 0, total_commits: 1, commits: [{ sha: HEAD_SHA }], files: many })
      .get(lookupPath(HEAD_SHA))
      .reply(200, { total_count: 0, check_runs: [] })
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 2005 });

    await deliver(probot, 'pull_request', synchronizeForHead({ additions: 450, deletions: 0, changed_files: 450 }));

    expect(scope.isDone()).toBe(true);
    expect(created[0].head_sha).toBe(HEAD_SHA);
    expect(created[0].output.summary).toContain('judged from the totals, as only 300 of 450 files were listed');
  });
});

describe('out-of-order synchronize events over HTTP against the emulator', () => {
  const owner = 'acme';
  const repo = 'storefront';
  const appId = 4200;
  const secret = 'stale-events-secret';
  const base = '5'.repeat(40);
  const first = 'a'.repeat(40);
  const second = 'b'.repeat(40);
  let gh: Emulator;
  let server: Server;
  let appUrl: string;

  beforeAll(async () => {
    nock.enableNetConnect('127.0.0.1');
    const privateKey = generatePrivateKey();
    gh = await startEmulator({ apps: [{ id: appId, slug: 'monoenv', privateKey }] });
    gh.store.addApp({ id: appId, slug: 'monoenv' });
    gh.store.addRepo({ owner, repo, installationId: 41, defaultBranch: 'main' });
    gh.store.setFile(owner, repo, '.github/monoenv.yml', CONFIG);
    const probot = new Probot({ appId, privateKey, secret, baseUrl: gh.url, logLevel: 'fatal', Octokit: TestOctokit });
    const middleware = await createNodeMiddleware(monoenvApp({ appId }), { probot });
    server = createServer((req, res) => void middleware(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await gh.close();
  });

  it('the late event for the first push gets its own verdict; each commit has one run', async () => {
    const seed = (head: string, files: FileChange[]): void => {
      gh.store.addPullRequest({
        owner,
        repo,
        number: 21,
        title: 'feat: discounts',
        user: 'alice',
        base: { ref: 'main', sha: base },
        head: { ref: 'discounts', sha: head },
        files,
      });
    };
    // The first push (tested) and its event, then the second push (an untested change) and its event.
    seed(first, [DISCOUNT, DISCOUNT_TEST]);
    const lateEvent = pullRequestEvent(gh, { owner, repo, number: 21, action: 'synchronize', before: base });
    seed(second, [DISCOUNT, DISCOUNT_TEST, CART]);
    const newEvent = pullRequestEvent(gh, { owner, repo, number: 21, action: 'synchronize', before: first });
    gh.resetCounters();

    expect(await deliverWebhook(appUrl, { ...newEvent, secret })).toBe(200);
    expect(gh.counters.byRoute['GET /repos/{owner}/{repo}/compare/{basehead}']).toBeUndefined();
    expect(await deliverWebhook(appUrl, { ...lateEvent, secret })).toBe(200);

    const [firstRuns, secondRuns] = [gh.checkRuns(owner, repo, first), gh.checkRuns(owner, repo, second)];
    expect(firstRuns).toHaveLength(1);
    expect(secondRuns).toHaveLength(1);
    expect(secondRuns[0]).toMatchObject({ name: 'monoenv', status: 'completed', conclusion: 'failure' });
    expect(secondRuns[0].annotations.map((a) => a.path)).toEqual(['src/checkout/cart.ts']);
    expect(firstRuns[0]).toMatchObject({ name: 'monoenv', status: 'completed', conclusion: 'success' });
    expect(firstRuns[0].annotations.map((a) => a.path)).not.toContain('src/checkout/cart.ts');
    // The late event cost one comparison, of the base with its own commit.
    expect(gh.counters.byRoute['GET /repos/{owner}/{repo}/compare/{basehead}']).toBe(1);
    expect(gh.requests.filter((r) => r.path.includes('/compare/')).map((r) => r.path)).toEqual([
      `/repos/${owner}/${repo}/compare/${base}...${first}?per_page=1`,
    ]);
    expect(gh.violations).toEqual([]);
    expect(gh.unmatched).toEqual([]);
  });
});
