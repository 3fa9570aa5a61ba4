import { createSign } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { verify } from '@octokit/webhooks-methods';
import { Probot, ProbotOctokit, createNodeMiddleware } from 'probot';
import {
  checkRunEvent,
  checkSuiteEvent,
  deliverWebhook,
  generatePrivateKey,
  pullRequestEvent,
  pullRequestReviewEvent,
  pushEvent,
  startEmulator,
  type Emulator,
} from '../../tools/emulator/index.js';

const OWNER = 'acme';
const REPO = 'shop';
const INSTALLATION = 4242;
const APP_ID = 777;
const HEAD = 'c0ffee'.padEnd(40, '1');

function jwt(appId: number, privateKey?: string, expiresIn = 600): string {
  const now = Math.floor(Date.now() / 1000);
  const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT' })).toString('base64url');
  const payload = Buffer.from(JSON.stringify({ iat: now - 60, exp: now + expiresIn, iss: appId })).toString('base64url');
  const signature = privateKey
    ? createSign('RSA-SHA256').update(`${header}.${payload}`).sign(privateKey).toString('base64url')
    : 'c2lnbmF0dXJl';
  return `${header}.${payload}.${signature}`;
}

async function installationToken(gh: Emulator, installationId = INSTALLATION, appId = APP_ID): Promise<string> {
  const response = await fetch(`${gh.url}/app/installations/${installationId}/access_tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${jwt(appId)}`, accept: 'application/vnd.github+json' },
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { token: string }).token;
}

function client(gh: Emulator, token: string) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${gh.url}${path}`, {
      method,
      headers: {
        authorization: `token ${token}`,
        accept: 'application/vnd.github+json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json };
  };
}

const patchOf = (lines: number): string => `@@ -0,0 +1,${lines} @@\n${Array.from({ length: lines }, (_, i) => `+line ${i}`).join('\n')}`;

let gh: Emulator;
let api: ReturnType<typeof client>;

beforeEach(async () => {
  gh = await startEmulator();
  gh.store.addRepo({ owner: OWNER, repo: REPO, installationId: INSTALLATION, defaultBranch: 'trunk' });
  api = client(gh, await installationToken(gh));
});

afterEach(async () => {
  await gh.close();
});

describe('authentication', () => {
  it('issues installation tokens that expire in an hour and belong to the JWT app', async () => {
    const response = await fetch(`${gh.url}/app/installations/${INSTALLATION}/access_tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${jwt(APP_ID)}` },
    });
    const body = (await response.json()) as { token: string; expires_at: string };
    expect(response.status).toBe(201);
    expect(body.token).toMatch(/^ghs_/);
    const lifetime = Date.parse(body.expires_at) - Date.now();
    expect(lifetime).toBeGreaterThan(59 * 60_000);
    expect(lifetime).toBeLessThanOrEqual(60 * 60_000);
    expect(gh.store.tokens.get(body.token)).toMatchObject({ installationId: INSTALLATION, appId: APP_ID });
    expect(gh.counters.tokens).toBe(2);
  });

  it('answers 401 without credentials, with an unknown token, an expired token or an expired JWT', async () => {
    expect((await fetch(`${gh.url}/repos/${OWNER}/${REPO}`)).status).toBe(401);
    expect((await client(gh, 'ghs_unknown')('GET', `/repos/${OWNER}/${REPO}`)).status).toBe(401);
    expect(
      (
        await fetch(`${gh.url}/app/installations/${INSTALLATION}/access_tokens`, {
          method: 'POST',
          headers: { authorization: `Bearer ${jwt(APP_ID, undefined, -10)}` },
        })
      ).status,
    ).toBe(401);
    expect((await api('GET', `/repos/${OWNER}/${REPO}`)).status).toBe(200);
    gh.store.expireTokens();
    expect((await api('GET', `/repos/${OWNER}/${REPO}`)).status).toBe(401);
    expect(gh.counters.unauthorized).toBe(4);
  });

  it('verifies JWT signatures of apps registered with their key', async () => {
    const privateKey = generatePrivateKey();
    expect(privateKey).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
    const strict = await startEmulator({ apps: [{ id: 9, privateKey }] });
    strict.store.addRepo({ owner: 'o', repo: 'r', installationId: 1 });
    const post = (token: string) =>
      fetch(`${strict.url}/app/installations/1/access_tokens`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect((await post(jwt(9))).status).toBe(401);
    expect((await post(jwt(9, generatePrivateKey()))).status).toBe(401);
    expect((await post(jwt(9, privateKey))).status).toBe(201);
    await strict.close();
  });

  it('hides repositories of other installations and 404s unknown installations', async () => {
    gh.store.addRepo({ owner: 'other', repo: 'secret', installationId: 99 });
    expect((await api('GET', '/repos/other/secret')).status).toBe(404);
    const otherApi = client(gh, await installationToken(gh, 99));
    expect((await otherApi('GET', '/repos/other/secret')).json.full_name).toBe('other/secret');
    const missing = await fetch(`${gh.url}/app/installations/5/access_tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${jwt(APP_ID)}` },
    });
    expect(missing.status).toBe(404);
  });
});

describe('pull requests and pagination', () => {
  beforeEach(() => {
    gh.store.addPullRequest({
      owner: OWNER,
      repo: REPO,
      number: 7,
      title: 'feat: checkout',
      user: 'alice',
      head: { ref: 'checkout', sha: HEAD },
      files: Array.from({ length: 250 }, (_, i) => ({
        filename: `src/file${i}.ts`,
        status: 'added' as const,
        patch: patchOf((i % 5) + 1),
      })),
      reviews: [{ user: 'bob', state: 'APPROVED' }],
      labels: ['large-change-ok'],
    });
  });

  it('pages files with Link headers and caps per_page at 100', async () => {
    const first = await api('GET', `/repos/${OWNER}/${REPO}/pulls/7/files?per_page=100`);
    expect(first.json).toHaveLength(100);
    expect(first.headers.get('link')).toBe(
      `<${gh.url}/repos/${OWNER}/${REPO}/pulls/7/files?per_page=100&page=2>; rel="next", <${gh.url}/repos/${OWNER}/${REPO}/pulls/7/files?per_page=100&page=3>; rel="last"`,
    );
    const third = await api('GET', `/repos/${OWNER}/${REPO}/pulls/7/files?per_page=100&page=3`);
    expect(third.json).toHaveLength(50);
    expect(third.json[0].filename).toBe('src/file200.ts');
    expect(third.headers.get('link')).toContain('rel="prev"');
    expect(third.headers.get('link')).toContain('rel="first"');
    expect(third.headers.get('link')).not.toContain('rel="next"');
    const capped = await api('GET', `/repos/${OWNER}/${REPO}/pulls/7/files?per_page=500`);
    expect(capped.json).toHaveLength(100);
    const defaulted = await api('GET', `/repos/${OWNER}/${REPO}/pulls/7/files`);
    expect(defaulted.json).toHaveLength(30);
    expect(first.json[2]).toMatchObject({ filename: 'src/file2.ts', status: 'added', additions: 3, deletions: 0, changes: 3 });
  });

  it('lists at most 3,000 files, as GitHub does', async () => {
    gh.store.addPullRequest({
      owner: OWNER,
      repo: REPO,
      number: 8,
      files: Array.from({ length: 3100 }, (_, i) => ({ filename: `f${i}`, patch: patchOf(1) })),
    });
    const octokit = new ProbotOctokit({ auth: { token: [...gh.store.tokens.keys()][0] }, baseUrl: gh.url });
    const files = await octokit.paginate(octokit.rest.pulls.listFiles, { owner: OWNER, repo: REPO, pull_number: 8, per_page: 100 });
    expect(files).toHaveLength(3000);
    const pull = await api('GET', `/repos/${OWNER}/${REPO}/pulls/8`);
    expect(pull.json.changed_files).toBe(3100);
  });

  it('answers the pull request, its reviews, commits and the pulls of a commit in GitHub shapes', async () => {
    const pull = await api('GET', `/repos/${OWNER}/${REPO}/pulls/7`);
    expect(pull.json).toMatchObject({
      number: 7,
      title: 'feat: checkout',
      user: { login: 'alice' },
      head: { sha: HEAD, ref: 'checkout' },
      base: { ref: 'trunk' },
      merged: false,
      labels: [{ name: 'large-change-ok' }],
    });
    expect(pull.json.additions).toBe(750);
    const reviews = await api('GET', `/repos/${OWNER}/${REPO}/pulls/7/reviews`);
    expect(reviews.json).toEqual([
      expect.objectContaining({ state: 'APPROVED', commit_id: HEAD, user: expect.objectContaining({ login: 'bob' }) }),
    ]);
    const commits = await api('GET', `/repos/${OWNER}/${REPO}/pulls/7/commits`);
    expect(commits.json.map((c: { sha: string }) => c.sha)).toEqual([HEAD]);
    const pulls = await api('GET', `/repos/${OWNER}/${REPO}/commits/${HEAD}/pulls`);
    expect(pulls.json.map((p: { number: number }) => p.number)).toEqual([7]);
    const diff = await api('GET', `/repos/${OWNER}/${REPO}/pulls/7`, undefined, { accept: 'application/vnd.github.v3.diff' });
    expect(diff.text).toContain(
      'diff --git a/src/file0.ts b/src/file0.ts\nnew file mode 100644\n--- /dev/null\n+++ b/src/file0.ts\n@@ -0,0 +1,1 @@\n+line 0\n',
    );
  });

  it('compares commits between two refs', async () => {
    const base = 'b'.repeat(40);
    gh.store.addCommit(OWNER, REPO, { sha: base, message: 'base' });
    gh.store.addCommit(OWNER, REPO, {
      sha: '1'.repeat(40),
      parents: [base],
      message: 'one',
      files: [{ filename: 'a.ts', patch: patchOf(2) }],
    });
    gh.store.addCommit(OWNER, REPO, { sha: '2'.repeat(40), parents: ['1'.repeat(40)], message: 'two', author: 'carol' });
    const compare = await api('GET', `/repos/${OWNER}/${REPO}/compare/${base}...${'2'.repeat(40)}`);
    expect(compare.json).toMatchObject({ status: 'ahead', ahead_by: 2, behind_by: 0, total_commits: 2 });
    expect(compare.json.commits.map((c: { commit: { message: string } }) => c.commit.message)).toEqual(['one', 'two']);
    expect(compare.json.files).toEqual([expect.objectContaining({ filename: 'a.ts', additions: 2 })]);
  });

  it('file entries name the current head; the comparison still knows the files of an earlier head', async () => {
    const base = 'b'.repeat(40);
    const first = '1'.repeat(40);
    const second = '2'.repeat(40);
    gh.store.addPullRequest({
      owner: OWNER,
      repo: REPO,
      number: 9,
      base: { sha: base },
      head: { sha: first },
      files: [{ filename: 'src/a.ts', status: 'added', patch: patchOf(2) }],
    });
    gh.store.addPullRequest({
      owner: OWNER,
      repo: REPO,
      number: 9,
      base: { sha: base },
      head: { sha: second },
      files: [{ filename: 'src/b.ts', status: 'added', patch: patchOf(5) }],
    });
    const listed = await api('GET', `/repos/${OWNER}/${REPO}/pulls/9/files`);
    expect(listed.json).toEqual([
      expect.objectContaining({
        filename: 'src/b.ts',
        contents_url: `${gh.url}/repos/${OWNER}/${REPO}/contents/src/b.ts?ref=${second}`,
        raw_url: `https://github.com/${OWNER}/${REPO}/raw/${second}/src/b.ts`,
        blob_url: `https://github.com/${OWNER}/${REPO}/blob/${second}/src/b.ts`,
      }),
    ]);
    const earlier = await api('GET', `/repos/${OWNER}/${REPO}/compare/${base}...${first}?per_page=1`);
    expect(earlier.status).toBe(200);
    expect(earlier.json).toMatchObject({ status: 'ahead', ahead_by: 1, commits: [expect.objectContaining({ sha: first })] });
    expect(earlier.json.files).toEqual([
      expect.objectContaining({ filename: 'src/a.ts', additions: 2, contents_url: expect.stringContaining(`?ref=${first}`) }),
    ]);
    // Files are on the first page only, as GitHub pages a comparison.
    const secondPage = await api('GET', `/repos/${OWNER}/${REPO}/compare/${base}...${first}?per_page=1&page=2`);
    expect(secondPage.json.files).toEqual([]);
    expect(gh.violations).toEqual([]);
  });
});

describe('contents', () => {
  it('returns base64 content with an ETag, 304 on If-None-Match (not counted), and a new ETag after a change', async () => {
    gh.store.setFile(OWNER, REPO, '.github/monoenv.yml', 'mode: advise\n');
    const path = `/repos/${OWNER}/${REPO}/contents/.github%2Fmonoenv.yml`;
    const first = await api('GET', path);
    expect(first.status).toBe(200);
    expect(Buffer.from(first.json.content, 'base64').toString()).toBe('mode: advise\n');
    expect(first.json).toMatchObject({ type: 'file', encoding: 'base64', path: '.github/monoenv.yml', size: 13 });
    // git's blob id, as `printf 'mode: advise\n' | git hash-object --stdin` prints it
    expect(first.json.sha).toBe('588c473e5e0aefba9b4b8e924a9fc6c8577e75cf');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^W\/"[0-9a-f]{40}"$/);

    const counted = gh.counters.rateLimited;
    const cached = await api('GET', path, undefined, { 'if-none-match': etag });
    expect(cached.status).toBe(304);
    expect(cached.text).toBe('');
    expect(gh.counters.notModified).toBe(1);
    expect(gh.counters.rateLimited).toBe(counted);

    gh.store.setFile(OWNER, REPO, '.github/monoenv.yml', 'mode: enforce\n');
    const changed = await api('GET', path, undefined, { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(changed.json.sha).not.toBe(first.json.sha);
  });

  it("answers a write with the ETag a GET of what it wrote answers with, per token, as GitHub's recorded answers show", async () => {
    const runs = `/repos/${OWNER}/${REPO}/check-runs`;
    const created = await api('POST', runs, { name: 'monoenv', head_sha: HEAD, status: 'completed', conclusion: 'success' });
    expect(created.status).toBe(201);
    const createdEtag = created.headers.get('etag');
    expect(createdEtag).toMatch(/^W\/"[0-9a-f]{40}"$/);
    const counted = gh.counters.rateLimited;
    const unchanged = await api('GET', `${runs}/${created.json.id}`, undefined, { 'if-none-match': createdEtag! });
    expect(unchanged.status).toBe(304);
    expect(gh.counters.rateLimited).toBe(counted);

    const updated = await api('PATCH', `${runs}/${created.json.id}`, { conclusion: 'failure' });
    const updatedEtag = updated.headers.get('etag');
    expect(updatedEtag).toMatch(/^W\/"[0-9a-f]{40}"$/);
    expect(updatedEtag).not.toBe(createdEtag);
    expect((await api('GET', `${runs}/${created.json.id}`, undefined, { 'if-none-match': createdEtag! })).status).toBe(200);
    expect((await api('GET', `${runs}/${created.json.id}`, undefined, { 'if-none-match': updatedEtag! })).status).toBe(304);

    // Another token of the same installation (a replica, or the next hour's): its own ETags, the same content.
    const other = client(gh, await installationToken(gh));
    const seenByOther = await api('GET', `${runs}/${created.json.id}`);
    const otherAnswer = await other('GET', `${runs}/${created.json.id}`, undefined, { 'if-none-match': updatedEtag! });
    expect(otherAnswer.status).toBe(200);
    expect(otherAnswer.text).toBe(seenByOther.text);
    expect(otherAnswer.headers.get('etag')).not.toBe(updatedEtag);
    expect(
      (await other('GET', `${runs}/${created.json.id}`, undefined, { 'if-none-match': otherAnswer.headers.get('etag')! })).status,
    ).toBe(304);
  });

  it('serves files by ref, raw on request, directories as lists, and 404 for what is missing', async () => {
    gh.store.setFile(OWNER, REPO, '.gitattributes', 'dist/** linguist-generated\n');
    gh.store.setFile(OWNER, REPO, '.gitattributes', '', 'feature');
    gh.store.setFile(OWNER, REPO, 'src/a.ts', 'a');
    gh.store.setFile(OWNER, REPO, 'src/lib/b.ts', 'b');
    const raw = await api('GET', `/repos/${OWNER}/${REPO}/contents/.gitattributes`, undefined, { accept: 'application/vnd.github.raw' });
    expect(raw.text).toBe('dist/** linguist-generated\n');
    const onBranch = await api('GET', `/repos/${OWNER}/${REPO}/contents/.gitattributes?ref=feature`);
    expect(onBranch.json.size).toBe(0);
    const dir = await api('GET', `/repos/${OWNER}/${REPO}/contents/src`);
    expect(dir.json.map((e: { name: string; type: string }) => `${e.type}:${e.name}`)).toEqual(['file:a.ts', 'dir:lib']);
    expect((await api('GET', `/repos/${OWNER}/${REPO}/contents/missing.yml`)).status).toBe(404);
    expect((await api('GET', `/repos/${OWNER}/${REPO}/contents/.gitattributes?ref=no-such-branch`)).status).toBe(404);
  });

  it("is read by Probot's config plugin (raw media type)", async () => {
    gh.store.setFile(OWNER, REPO, '.github/monoenv.yml', 'size:\n  warn_lines: 200\n');
    const octokit = new ProbotOctokit({ auth: { token: [...gh.store.tokens.keys()][0] }, baseUrl: gh.url });
    const { config } = await octokit.config.get({ owner: OWNER, repo: REPO, path: '.github/monoenv.yml' });
    expect(config).toEqual({ size: { warn_lines: 200 } });
  });
});

describe('check runs', () => {
  const annotations = (n: number, from = 1) =>
    Array.from({ length: n }, (_, i) => ({
      path: 'src/a.ts',
      start_line: from + i,
      end_line: from + i,
      annotation_level: 'warning',
      message: `finding ${from + i}`,
    }));

  it('creates, updates and lists check runs, appending annotations on every request', async () => {
    const created = await api('POST', `/repos/${OWNER}/${REPO}/check-runs`, {
      name: 'monoenv',
      head_sha: HEAD,
      status: 'in_progress',
      external_id: '7',
      output: { title: 'Checking', summary: 'Running', annotations: annotations(50) },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      name: 'monoenv',
      head_sha: HEAD,
      status: 'in_progress',
      conclusion: null,
      external_id: '7',
      app: { id: APP_ID },
      output: { annotations_count: 50 },
    });
    expect(created.json.check_suite.id).toEqual(expect.any(Number));
    expect(created.json.node_id).toEqual(expect.any(String));

    const updated = await api('PATCH', `/repos/${OWNER}/${REPO}/check-runs/${created.json.id}`, {
      conclusion: 'failure',
      output: { title: 'XL change', summary: 'Too big', annotations: annotations(30, 51) },
    });
    expect(updated.status).toBe(200);
    expect(updated.json).toMatchObject({
      status: 'completed',
      conclusion: 'failure',
      output: { title: 'XL change', annotations_count: 80 },
    });
    expect(updated.json.completed_at).toMatch(/Z$/);

    const fetched = await api('GET', `/repos/${OWNER}/${REPO}/check-runs/${created.json.id}`);
    expect(fetched.json.conclusion).toBe('failure');
    const annotationPage = await api('GET', `/repos/${OWNER}/${REPO}/check-runs/${created.json.id}/annotations?per_page=100`);
    expect(annotationPage.json).toHaveLength(80);
    expect(annotationPage.json[79]).toMatchObject({ start_line: 80, message: 'finding 80', annotation_level: 'warning' });

    await api('POST', `/repos/${OWNER}/${REPO}/check-runs`, { name: 'other-check', head_sha: HEAD });
    const listed = await api('GET', `/repos/${OWNER}/${REPO}/commits/${HEAD}/check-runs?check_name=monoenv`);
    expect(listed.json.total_count).toBe(1);
    expect(listed.json.check_runs[0].id).toBe(created.json.id);
    expect(gh.checkRuns(OWNER, REPO, HEAD).map((r) => r.name)).toEqual(['monoenv', 'other-check']);
    expect(gh.checkRuns(OWNER, REPO, HEAD)[0].updates).toBe(1);
    expect(gh.violations).toEqual([]);
  });

  it('keeps every run of racing creators; the list shows the latest unless filter=all', async () => {
    const create = () => api('POST', `/repos/${OWNER}/${REPO}/check-runs`, { name: 'monoenv', head_sha: HEAD, status: 'queued' });
    const [a, b] = await Promise.all([create(), create()]);
    expect(new Set([a.json.id, b.json.id]).size).toBe(2);
    expect(gh.checkRuns(OWNER, REPO, HEAD)).toHaveLength(2);
    const latest = await api('GET', `/repos/${OWNER}/${REPO}/commits/${HEAD}/check-runs?check_name=monoenv`);
    expect(latest.json.check_runs.map((r: { id: number }) => r.id)).toEqual([Math.max(a.json.id, b.json.id)]);
    const all = await api('GET', `/repos/${OWNER}/${REPO}/commits/${HEAD}/check-runs?check_name=monoenv&filter=all`);
    expect(all.json.total_count).toBe(2);
  });

  it('lists runs by branch name and filters by app', async () => {
    gh.store.setBranch(OWNER, REPO, 'trunk', HEAD);
    await api('POST', `/repos/${OWNER}/${REPO}/check-runs`, { name: 'monoenv', head_sha: HEAD });
    const otherApp = client(gh, await installationToken(gh, INSTALLATION, 31337));
    await otherApp('POST', `/repos/${OWNER}/${REPO}/check-runs`, { name: 'monoenv', head_sha: HEAD });
    const mine = await api('GET', `/repos/${OWNER}/${REPO}/commits/trunk/check-runs?app_id=${APP_ID}`);
    expect(mine.json.check_runs.map((r: { app: { id: number } }) => r.app.id)).toEqual([APP_ID]);
    const both = await api('GET', `/repos/${OWNER}/${REPO}/commits/trunk/check-runs`);
    expect(both.json.total_count).toBe(2);
    const foreign = gh.checkRuns(OWNER, REPO, HEAD).find((r) => r.appId === 31337)!;
    expect((await api('PATCH', `/repos/${OWNER}/${REPO}/check-runs/${foreign.id}`, { status: 'in_progress' })).status).toBe(403);
  });

  it.each([
    ['51 annotations', { output: { title: 't', summary: 's', annotations: annotations(51) } }, /50/],
    ['status completed without conclusion', { status: 'completed' }, /conclusion/],
    ['a conclusion GitHub does not know', { conclusion: 'done' }, /enum/],
    ['a short head_sha', { head_sha: 'abc123' }, /No commit found for SHA: abc123/],
    ['a numeric external_id', { external_id: 7 }, /external_id.*must be string/],
    ['a summary over 65,535 bytes', { output: { title: 't', summary: '€'.repeat(30_000) } }, /65535/],
    [
      'an annotation without its level',
      { output: { title: 't', summary: 's', annotations: [{ path: 'a', start_line: 1, end_line: 1, message: 'm' }] } },
      /annotation_level/,
    ],
    ['output without a summary', { output: { title: 't' } }, /summary/],
  ])('rejects %s with 422 and records the violation', async (_, overrides, message) => {
    const body = { name: 'monoenv', head_sha: HEAD, ...overrides };
    const response = await api('POST', `/repos/${OWNER}/${REPO}/check-runs`, body);
    expect(response.status).toBe(422);
    expect(response.json.message).toMatch(/Invalid request|No commit found/);
    expect(gh.violations).toHaveLength(1);
    expect(gh.violations[0]).toMatchObject({ method: 'POST', route: '/repos/{owner}/{repo}/check-runs', body });
    expect(gh.violations[0].messages.join('\n')).toMatch(message);
    expect(gh.checkRuns(OWNER, REPO)).toEqual([]);
  });

  it('rejects an update that completes a run without a conclusion', async () => {
    const created = await api('POST', `/repos/${OWNER}/${REPO}/check-runs`, { name: 'monoenv', head_sha: HEAD });
    const response = await api('PATCH', `/repos/${OWNER}/${REPO}/check-runs/${created.json.id}`, { status: 'completed' });
    expect(response.status).toBe(422);
    expect(gh.violations).toHaveLength(1);
    expect(gh.checkRuns(OWNER, REPO, HEAD)[0].status).toBe('queued');
  });
});

describe('comments and labels', () => {
  beforeEach(() => {
    gh.store.addPullRequest({ owner: OWNER, repo: REPO, number: 3, labels: ['bug'] });
  });

  it("posts and lists comments as the app's bot user", async () => {
    gh.store.addApp({ id: APP_ID, slug: 'monoenv' });
    const posted = await api('POST', `/repos/${OWNER}/${REPO}/issues/3/comments`, { body: 'Merged without review by @alice' });
    expect(posted.status).toBe(201);
    expect(posted.json).toMatchObject({
      body: 'Merged without review by @alice',
      user: { login: 'monoenv[bot]', type: 'Bot' },
      performed_via_github_app: { id: APP_ID },
    });
    const listed = await api('GET', `/repos/${OWNER}/${REPO}/issues/3/comments`);
    expect(listed.json.map((c: { id: number }) => c.id)).toEqual([posted.json.id]);
    expect(gh.comments(OWNER, REPO, 3)).toEqual([{ id: posted.json.id, body: 'Merged without review by @alice', user: 'monoenv[bot]' }]);
    expect((await api('POST', `/repos/${OWNER}/${REPO}/issues/404/comments`, { body: 'x' })).status).toBe(404);
  });

  it('adds labels (creating missing ones), removes them, and 422s a duplicate label without a violation', async () => {
    const added = await api('POST', `/repos/${OWNER}/${REPO}/issues/3/labels`, { labels: ['unreviewed-merge'] });
    expect(added.json.map((l: { name: string }) => l.name)).toEqual(['bug', 'unreviewed-merge']);
    expect(gh.labels(OWNER, REPO, 3)).toEqual(['bug', 'unreviewed-merge']);
    const duplicate = await api('POST', `/repos/${OWNER}/${REPO}/labels`, { name: 'Unreviewed-Merge', color: 'b60205' });
    expect(duplicate.status).toBe(422);
    expect(duplicate.json.errors).toEqual([{ resource: 'Label', code: 'already_exists', field: 'name' }]);
    expect(gh.violations).toEqual([]);
    const created = await api('POST', `/repos/${OWNER}/${REPO}/labels`, { name: 'size/XL', color: 'b60205' });
    expect(created.status).toBe(201);
    const removed = await api('DELETE', `/repos/${OWNER}/${REPO}/issues/3/labels/bug`);
    expect(removed.json.map((l: { name: string }) => l.name)).toEqual(['unreviewed-merge']);
    const listed = await api('GET', `/repos/${OWNER}/${REPO}/issues/3/labels`);
    expect(listed.json.map((l: { name: string }) => l.name)).toEqual(['unreviewed-merge']);
  });
});

describe('GitHub Enterprise base URL', () => {
  it('answers under /api/v3 as Probot uses it with GHE_HOST, with Link headers keeping the prefix', async () => {
    gh.store.addPullRequest({
      owner: OWNER,
      repo: REPO,
      number: 2,
      files: Array.from({ length: 3 }, (_, i) => ({ filename: `f${i}`, patch: patchOf(1) })),
    });
    const page = await api('GET', `/api/v3/repos/${OWNER}/${REPO}/pulls/2/files?per_page=2`);
    expect(page.json).toHaveLength(2);
    expect(page.headers.get('link')).toContain(`<${gh.url}/api/v3/repos/${OWNER}/${REPO}/pulls/2/files?per_page=2&page=2>; rel="next"`);
    expect(gh.unmatched).toEqual([]);
  });
});

describe('unexpected routes', () => {
  it('404s and records a route the emulator lacks, naming the GitHub route it would be', async () => {
    const response = await api('GET', `/repos/${OWNER}/${REPO}/branches/trunk/protection`);
    expect(response.status).toBe(404);
    expect(gh.unmatched).toEqual([
      {
        method: 'GET',
        path: `/repos/${OWNER}/${REPO}/branches/trunk/protection`,
        githubRoute: '/repos/{owner}/{repo}/branches/{branch}/protection',
      },
    ]);
    await api('GET', '/not/a/github/route');
    expect(gh.unmatched[1].githubRoute).toBeNull();
    expect(gh.counters.unmatched).toBe(2);
  });
});

describe('fault injection', () => {
  beforeEach(() => {
    gh.store.addPullRequest({
      owner: OWNER,
      repo: REPO,
      number: 7,
      files: Array.from({ length: 250 }, (_, i) => ({ filename: `f${i}.ts`, patch: patchOf(1) })),
    });
  });

  it('fails a route N times, then answers normally', async () => {
    gh.faults.add({ route: 'GET /repos/{owner}/{repo}/pulls/{pull_number}', status: 502, times: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await api('GET', `/repos/${OWNER}/${REPO}/pulls/7`)).status);
    expect(statuses).toEqual([502, 502, 200]);
    expect(gh.faults.log.map((f) => f.status)).toEqual([502, 502]);
    expect(gh.faults.pending()).toEqual([]);
    expect(gh.requests.filter((r) => r.route?.includes('pulls')).map((r) => r.faultId)).toEqual([1, 1, null]);
  });

  it('cuts the connection in the middle of page 3', async () => {
    gh.faults.add({ route: '/repos/{owner}/{repo}/pulls/{pull_number}/files', after: 2, reset: true });
    expect((await api('GET', `/repos/${OWNER}/${REPO}/pulls/7/files?per_page=100`)).status).toBe(200);
    expect((await api('GET', `/repos/${OWNER}/${REPO}/pulls/7/files?per_page=100&page=2`)).status).toBe(200);
    await expect(api('GET', `/repos/${OWNER}/${REPO}/pulls/7/files?per_page=100&page=3`)).rejects.toThrow();
    expect((await api('GET', `/repos/${OWNER}/${REPO}/pulls/7/files?per_page=100&page=3`)).json).toHaveLength(50);
    expect(gh.faults.log).toEqual([
      expect.objectContaining({ reset: true, path: `/repos/${OWNER}/${REPO}/pulls/7/files?per_page=100&page=3` }),
    ]);
  });

  it('matches regular expressions and query values', async () => {
    gh.faults.add({ route: /\/files\b/, query: { page: '2' }, status: 500 });
    expect((await api('GET', `/repos/${OWNER}/${REPO}/pulls/7/files`)).status).toBe(200);
    expect((await api('GET', `/repos/${OWNER}/${REPO}/pulls/7/files?page=2`)).status).toBe(500);
  });

  it('imitates the primary and secondary rate limits', async () => {
    gh.faults.primaryRateLimit({ route: '/repos/{owner}/{repo}', seconds: 30 });
    const primary = await api('GET', `/repos/${OWNER}/${REPO}`);
    expect(primary.status).toBe(403);
    expect(primary.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(primary.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000 + 20);
    gh.faults.secondaryRateLimit({ route: '/repos/{owner}/{repo}', seconds: 5 });
    const secondary = await api('GET', `/repos/${OWNER}/${REPO}`);
    expect(secondary.status).toBe(403);
    expect(secondary.headers.get('retry-after')).toBe('5');
    expect(secondary.json.message).toMatch(/You have exceeded a secondary rate limit/);
    gh.faults.secondaryRateLimit({ route: '/repos/{owner}/{repo}', status: 429 });
    expect((await api('GET', `/repos/${OWNER}/${REPO}`)).status).toBe(429);
    expect((await api('GET', `/repos/${OWNER}/${REPO}`)).status).toBe(200);
  });

  it('delays answers, and loses the answer to a request it did process', async () => {
    gh.faults.add({ route: '/repos/{owner}/{repo}', delayMs: 150 });
    const started = Date.now();
    expect((await api('GET', `/repos/${OWNER}/${REPO}`)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);

    gh.faults.add({ route: 'POST /repos/{owner}/{repo}/check-runs', status: 500, when: 'after' });
    const lost = await api('POST', `/repos/${OWNER}/${REPO}/check-runs`, { name: 'monoenv', head_sha: HEAD });
    expect(lost.status).toBe(500);
    expect(gh.checkRuns(OWNER, REPO, HEAD)).toHaveLength(1);
  });

  it('enforces a primary rate limit budget when asked, and 304s do not spend it', async () => {
    const limited = await startEmulator({ rateLimit: { limit: 2, enforce: true } });
    limited.store.addRepo({ owner: OWNER, repo: REPO, installationId: INSTALLATION });
    const call = client(limited, await installationToken(limited));
    const first = await call('GET', `/repos/${OWNER}/${REPO}`);
    expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
    expect((await call('GET', `/repos/${OWNER}/${REPO}`, undefined, { 'if-none-match': first.headers.get('etag')! })).status).toBe(304);
    expect((await call('GET', `/repos/${OWNER}/${REPO}`)).headers.get('x-ratelimit-remaining')).toBe('0');
    expect((await call('GET', `/repos/${OWNER}/${REPO}`)).status).toBe(403);
    expect(limited.counters).toMatchObject({ rateLimited: 3, notModified: 1, tokens: 1 });
    await limited.close();
  });
});

describe('webhooks', () => {
  it("signs deliveries so GitHub's verification accepts them", async () => {
    const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
    const app = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
    gh.store.addPullRequest({ owner: OWNER, repo: REPO, number: 5, head: { sha: HEAD } });
    const event = pullRequestEvent(gh, { owner: OWNER, repo: REPO, number: 5, action: 'opened' });
    const status = await deliverWebhook(url, { ...event, secret: 's3cret', id: 'delivery-1' });
    await new Promise<void>((resolve) => app.close(() => resolve()));
    expect(status).toBe(202);
    const [delivery] = received;
    expect(delivery.headers).toMatchObject({
      'x-github-event': 'pull_request',
      'x-github-delivery': 'delivery-1',
      'content-type': 'application/json',
    });
    expect(await verify('s3cret', delivery.body, String(delivery.headers['x-hub-signature-256']))).toBe(true);
    expect(await verify('wrong', delivery.body, String(delivery.headers['x-hub-signature-256']))).toBe(false);
    const payload = JSON.parse(delivery.body);
    expect(payload).toMatchObject({
      action: 'opened',
      number: 5,
      installation: { id: INSTALLATION },
      repository: { full_name: `${OWNER}/${REPO}`, default_branch: 'trunk' },
      pull_request: { head: { sha: HEAD } },
    });
  });

  it('builds push payloads from stored commits', () => {
    gh.store.addCommit(OWNER, REPO, {
      sha: '1'.repeat(40),
      message: 'hotfix',
      author: 'dave',
      files: [{ filename: 'src/pay.ts', status: 'modified', patch: patchOf(1) }],
    });
    const { name, payload } = pushEvent(gh, {
      owner: OWNER,
      repo: REPO,
      before: '0'.repeat(40),
      commits: ['1'.repeat(40)],
      pusher: 'dave',
    });
    expect(name).toBe('push');
    expect(payload).toMatchObject({
      ref: 'refs/heads/trunk',
      after: '1'.repeat(40),
      head_commit: { id: '1'.repeat(40), message: 'hotfix', modified: ['src/pay.ts'] },
      pusher: { name: 'dave' },
    });
  });

  it('builds review, check_run and check_suite payloads that agree with the API', async () => {
    gh.store.addPullRequest({
      owner: OWNER,
      repo: REPO,
      number: 4,
      user: 'alice',
      head: { sha: HEAD },
      reviews: [{ user: 'bob', state: 'CHANGES_REQUESTED' }],
    });
    const review = pullRequestReviewEvent(gh, { owner: OWNER, repo: REPO, number: 4 });
    expect(review.payload).toMatchObject({
      action: 'submitted',
      review: { state: 'changes_requested', user: { login: 'bob' }, commit_id: HEAD },
      pull_request: { number: 4 },
      sender: { login: 'bob' },
    });

    const created = await api('POST', `/repos/${OWNER}/${REPO}/check-runs`, {
      name: 'monoenv',
      head_sha: HEAD,
      external_id: '4',
      conclusion: 'neutral',
      output: { title: 't', summary: 's' },
    });
    const run = checkRunEvent(gh, { owner: OWNER, repo: REPO, checkRunId: created.json.id });
    expect(run.payload).toMatchObject({
      action: 'rerequested',
      check_run: {
        id: created.json.id,
        external_id: '4',
        app: { id: APP_ID },
        check_suite: { id: created.json.check_suite.id, head_sha: HEAD },
      },
    });
    expect(run.payload.check_run.pull_requests).toEqual([expect.objectContaining({ number: 4 })]);

    const suite = checkSuiteEvent(gh, { owner: OWNER, repo: REPO, headSha: HEAD, appId: APP_ID });
    expect(suite.payload.check_suite).toMatchObject({
      id: created.json.check_suite.id,
      head_sha: HEAD,
      status: 'completed',
      conclusion: 'neutral',
      latest_check_runs_count: 1,
    });
    suite.payload.sender.login = 'edited';
    expect(checkSuiteEvent(gh, { owner: OWNER, repo: REPO, headSha: HEAD, appId: APP_ID }).payload.sender.login).toBe('octocat');
  });

  it('drives a Probot app end to end: webhook in, check run out, no violations', async () => {
    const privateKey = generatePrivateKey();
    const probot = new Probot({ appId: APP_ID, privateKey, secret: 'hook', baseUrl: gh.url, logLevel: 'fatal' });
    const middleware = await createNodeMiddleware(
      (app) => {
        app.on('pull_request.opened', async (context) => {
          const files = await context.octokit.paginate(context.octokit.rest.pulls.listFiles, context.pullRequest({ per_page: 100 }));
          await context.octokit.rest.checks.create(
            context.repo({
              name: 'monoenv',
              head_sha: context.payload.pull_request.head.sha,
              conclusion: 'success' as const,
              output: { title: `${files.length} files`, summary: 'ok' },
            }),
          );
        });
      },
      { probot },
    );
    const server = createServer((req, res) => void middleware(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    gh.store.addPullRequest({
      owner: OWNER,
      repo: REPO,
      number: 9,
      head: { sha: HEAD },
      files: Array.from({ length: 120 }, (_, i) => ({ filename: `f${i}`, patch: patchOf(1) })),
    });
    gh.resetCounters();
    const status = await deliverWebhook(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, {
      ...pullRequestEvent(gh, { owner: OWNER, repo: REPO, number: 9, action: 'opened' }),
      secret: 'hook',
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(status).toBe(200);
    expect(gh.checkRuns(OWNER, REPO, HEAD)).toEqual([
      expect.objectContaining({
        name: 'monoenv',
        conclusion: 'success',
        output: expect.objectContaining({ title: '120 files' }),
        appId: APP_ID,
      }),
    ]);
    expect(gh.violations).toEqual([]);
    expect(gh.unmatched).toEqual([]);
    expect(gh.counters).toMatchObject({ tokens: 1, rateLimited: 3 });
  }, 20_000);
});
