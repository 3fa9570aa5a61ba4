/**
 * merge_group.checks_requested: the `monoenv` check on the group's head commit, judged from the check of
 * each pull request in the group. Every request is pinned; the counts are the calls per group.
 */
import { describe, expect, it } from '@jest/globals';
import {
  withoutNetwork,
  APP_ID,
  BASE_SHA,
  HEAD_SHA,
  REPO_PATH,
  captureBody,
  deliver,
  fixture,
  github,
  loadApp,
  mockNoConfig,
  mockToken,
  Overlap,
} from './harness.js';
import { PR_FILES } from './pull-files.js';
import { groupEntries } from '../../src/github/merge-queue.js';

const GROUP_HEAD = '9e1a000000000000000000000000000000000007';
const GROUP_OF_6 = '9e1a000000000000000000000000000000000006';
const HEAD_OF_6 = 'b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6';
const runsOf = (sha: string) => `${REPO_PATH}/commits/${sha}/check-runs?check_name=monoenv&filter=all`;
const EMPTY_ETAG = 'W/"no-runs"';

interface CheckRunBody {
  head_sha?: string;
  conclusion?: string;
  external_id?: string;
  output: { title: string; summary: string; annotations: unknown[] };
}

function pull(number: number, head: string) {
  return {
    number,
    title: number === 7 ? 'feat(checkout): apply discount codes at checkout' : 'fix(cart): round totals',
    body: '',
    isDraft: false,
    state: 'OPEN',
    author: { __typename: 'User', login: 'octo-author' },
    labels: { nodes: [] },
    baseRefName: 'main',
    baseRefOid: BASE_SHA,
    headRefName: `branch-${number}`,
    headRefOid: head,
    additions: 4,
    deletions: 1,
    changedFiles: 2,
  };
}

/** The queue of main: #6, then #7 built on #6's group (the group judged). */
const QUEUE = {
  data: {
    repository: {
      mergeQueue: {
        entries: {
          pageInfo: { hasNextPage: false, endCursor: 'Y3Vyc29yOjI=' },
          nodes: [
            { position: 1, headCommit: { oid: GROUP_OF_6 }, baseCommit: { oid: BASE_SHA }, pullRequest: pull(6, HEAD_OF_6) },
            { position: 2, headCommit: { oid: GROUP_HEAD }, baseCommit: { oid: GROUP_OF_6 }, pullRequest: pull(7, HEAD_SHA) },
          ],
        },
      },
    },
  },
};

const run = (id: number, pr: number, conclusion: string, title: string, status = 'completed') => ({
  id,
  external_id: String(pr),
  status,
  conclusion: status === 'completed' ? conclusion : null,
  app: { id: APP_ID },
  html_url: `https://github.com/monoenv-demo/shop/runs/${id}`,
  output: { title, summary: '', annotations_count: 0 },
});
const listing = (...runs: unknown[]) => ({ total_count: runs.length, check_runs: runs });

describe('merge_group.checks_requested', () => {
  const network = withoutNetwork();

  it('every pull request passed its own check: the group passes, in 5 calls (1 GraphQL, 1 look-up per PR, the group run)', async () => {
    const probot = await loadApp();
    const queries: { query: string; variables: Record<string, string> }[] = [];
    const created: CheckRunBody[] = [];
    const scope = mockToken(github(network.log))
      .post('/graphql', captureBody(queries))
      .reply(200, QUEUE)
      .get(runsOf(HEAD_OF_6))
      .reply(200, listing(run(61, 6, 'success', 'XS change (2 lines)')))
      .get(runsOf(HEAD_SHA))
      .reply(200, listing(run(71, 7, 'neutral', 'S change (5 lines) · 2 files without tests')))
      .get(runsOf(GROUP_HEAD))
      .reply(200, listing())
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 900 });

    await deliver(probot, 'merge_group', fixture('merge_group.checks_requested'));

    expect(scope.isDone()).toBe(true);
    expect(queries[0].variables).toEqual({ owner: 'monoenv-demo', name: 'shop', branch: 'main' });
    expect(network.log.limited).toHaveLength(5);
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ head_sha: GROUP_HEAD, conclusion: 'neutral' });
    // The run names its group, so a re-run on it can judge the group again.
    expect(created[0].external_id).toBe(`merge_group:${BASE_SHA}:refs/heads/gh-readonly-queue/main/pr-7-${BASE_SHA}`);
    expect(created[0].output.title).toBe('Merge group of 2 pull requests: every pull request passes');
    expect(created[0].output.summary).toContain('| #6 fix(cart): round totals | ✅ success | XS change (2 lines) |');
    expect(created[0].output.summary).toContain('[its check run](https://github.com/monoenv-demo/shop/runs/71)');
  });

  it("the pull requests' runs are looked up together, not one after another", async () => {
    const probot = await loadApp();
    const overlap = new Overlap();
    const scope = mockToken(github(network.log))
      .post('/graphql')
      .reply(200, QUEUE)
      .get(runsOf(HEAD_OF_6))
      .reply(overlap.reply(200, listing(run(61, 6, 'success', 'XS change (2 lines)'))))
      .get(runsOf(HEAD_SHA))
      .reply(overlap.reply(200, listing(run(71, 7, 'success', 'XS change (3 lines)'))))
      .get(runsOf(GROUP_HEAD))
      .reply(200, listing())
      .post(`${REPO_PATH}/check-runs`)
      .reply(201, { id: 900 });
    await deliver(probot, 'merge_group', fixture('merge_group.checks_requested'));
    expect(scope.isDone()).toBe(true);
    expect(overlap.most).toBe(2);
  });

  it('one pull request failed its check: the group fails and names it', async () => {
    const probot = await loadApp();
    const created: CheckRunBody[] = [];
    const scope = mockToken(github(network.log))
      .post('/graphql')
      .reply(200, QUEUE)
      .get(runsOf(HEAD_OF_6))
      .reply(200, listing(run(61, 6, 'failure', 'XL change (2,400 lines) · 1 risky change unflagged')))
      .get(runsOf(HEAD_SHA))
      .reply(200, listing(run(71, 7, 'success', 'XS change (5 lines)')))
      .get(runsOf(GROUP_HEAD))
      .reply(200, listing())
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 900 });

    await deliver(probot, 'merge_group', fixture('merge_group.checks_requested'));

    expect(scope.isDone()).toBe(true);
    expect(created[0]).toMatchObject({ head_sha: GROUP_HEAD, conclusion: 'failure' });
    expect(created[0].output.title).toBe('Merge group of 2 pull requests: #6 fails');
    expect(created[0].output.summary).toContain(
      '| #6 fix(cart): round totals | ❌ failure | XL change (2,400 lines) · 1 risky change unflagged |',
    );
  });

  it('a pull request without a verdict on its head is evaluated now, its run published, and the group judged by it', async () => {
    const probot = await loadApp();
    const created: CheckRunBody[] = [];
    // #7 has only a run still in progress (a crashed evaluation): re-evaluated, and that run is updated.
    const updated: CheckRunBody[] = [];
    const scope = mockNoConfig(mockToken(github(network.log)))
      .post('/graphql')
      .reply(200, QUEUE)
      .get(runsOf(HEAD_OF_6))
      .reply(200, listing(run(61, 6, 'success', 'XS change (2 lines)')))
      .get(runsOf(HEAD_SHA))
      .reply(200, listing(run(71, 7, '', 'monoenv', 'in_progress')))
      .get(`${REPO_PATH}/pulls/7/files?per_page=100`)
      .reply(200, PR_FILES)
      .get(`${REPO_PATH}/contents/.gitattributes?ref=${BASE_SHA}`)
      .reply(404, { message: 'Not Found' })
      .patch(`${REPO_PATH}/check-runs/71`, captureBody(updated))
      .reply(200, { id: 71 })
      .get(runsOf(GROUP_HEAD))
      .reply(200, listing())
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 900 });

    await deliver(probot, 'merge_group', fixture('merge_group.checks_requested'));

    expect(scope.isDone()).toBe(true);
    expect(updated).toHaveLength(1);
    expect(updated[0]).toMatchObject({ conclusion: 'success', external_id: '7' });
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ head_sha: GROUP_HEAD, conclusion: 'success' });
    expect(created[0].output.summary).toMatch(
      /\| #7 feat\(checkout\): apply discount codes at checkout \| ✅ success \| XS change \(5 lines\).* \| re-evaluated now at `a1b2c3d` \|/,
    );
    // 1 GraphQL, 2 look-ups, the 2 configuration reads, files, .gitattributes, the PR run's update, the group's look-up and creation.
    expect(network.log.limited).toHaveLength(10);
  });

  it('a pull request without any run: its evaluation failing leaves it unjudged, and the group fails', async () => {
    const probot = await loadApp();
    const created: CheckRunBody[] = [];
    const scope = mockNoConfig(mockToken(github(network.log)))
      .post('/graphql')
      .reply(200, QUEUE)
      .get(runsOf(HEAD_OF_6))
      .reply(200, listing(run(61, 6, 'success', 'XS change (2 lines)')))
      .get(runsOf(HEAD_SHA))
      .reply(200, listing(), { etag: EMPTY_ETAG })
      .get(`${REPO_PATH}/pulls/7/files?per_page=100`)
      .times(4)
      .reply(502, { message: 'Bad Gateway' })
      // The publisher's own look-up sends the empty listing's ETag: a 304, not counted.
      .get(runsOf(HEAD_SHA))
      .matchHeader('if-none-match', EMPTY_ETAG)
      .reply(304)
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 701 })
      .get(runsOf(GROUP_HEAD))
      .matchHeader('if-none-match', EMPTY_ETAG)
      .reply(304)
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 900 });

    await deliver(probot, 'merge_group', fixture('merge_group.checks_requested'));

    expect(scope.isDone()).toBe(true);
    expect(created.map((c) => [c.head_sha, c.conclusion, c.output.title])).toEqual([
      [HEAD_SHA, 'failure', 'monoenv could not evaluate this change'],
      [GROUP_HEAD, 'failure', 'Merge group of 2 pull requests: #7 not judged'],
    ]);
  });

  it('the queue cannot be read: the pull request the group branch names is judged, and the summary says so', async () => {
    const probot = await loadApp();
    const created: CheckRunBody[] = [];
    const pr7 = fixture<{ pull_request: Record<string, unknown> }>('pull_request.opened').pull_request;
    const scope = mockToken(github(network.log))
      .post('/graphql')
      .reply(200, { data: null, errors: [{ type: 'FORBIDDEN', message: 'Resource not accessible by integration' }] })
      .get(`${REPO_PATH}/pulls/7`)
      .reply(200, pr7)
      .get(runsOf(HEAD_SHA))
      .reply(200, listing(run(71, 7, 'success', 'XS change (5 lines)')))
      .get(runsOf(GROUP_HEAD))
      .reply(200, listing())
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 900 });

    await deliver(probot, 'merge_group', fixture('merge_group.checks_requested'));

    expect(scope.isDone()).toBe(true);
    expect(created[0]).toMatchObject({ head_sha: GROUP_HEAD, conclusion: 'success' });
    expect(created[0].output.title).toBe('Merge group of 1 pull request: every pull request passes');
    expect(created[0].output.summary).toContain('The merge queue could not be read: judged #7');
  });
});

describe('merge groups deeper in the queue, and re-runs of their check', () => {
  const network = withoutNetwork();
  const GROUP_ID = `merge_group:${BASE_SHA}:refs/heads/gh-readonly-queue/main/pr-7-${BASE_SHA}`;

  it('"Re-run" on the group run judges the group again and updates that run', async () => {
    const probot = await loadApp();
    const updated: CheckRunBody[] = [];
    const scope = mockToken(github(network.log))
      .post('/graphql')
      .reply(200, QUEUE)
      .get(runsOf(HEAD_OF_6))
      .reply(200, listing(run(61, 6, 'success', 'XS change (2 lines)')))
      .get(runsOf(HEAD_SHA))
      .reply(200, listing(run(71, 7, 'failure', 'XL change (2,400 lines)')))
      .patch(`${REPO_PATH}/check-runs/900`, captureBody(updated))
      .reply(200, { id: 900 });
    const payload = fixture<{ check_run: Record<string, unknown> }>('check_run.rerequested');
    Object.assign(payload.check_run, { id: 900, head_sha: GROUP_HEAD, external_id: GROUP_ID, app: { id: APP_ID } });

    await deliver(probot, 'check_run', payload);

    expect(scope.isDone()).toBe(true);
    expect(updated).toHaveLength(1);
    expect(updated[0]).toMatchObject({ conclusion: 'failure', external_id: GROUP_ID });
    expect(updated[0].output.title).toBe('Merge group of 2 pull requests: #7 fails');
    // 1 GraphQL, 1 look-up per pull request, the update of the re-requested run.
    expect(network.log.limited).toHaveLength(4);
  });

  it("a group behind 100 others: the queue is read page by page up to the group's own entry", async () => {
    const probot = await loadApp();
    const queries: { query: string; variables: Record<string, string> }[] = [];
    const created: CheckRunBody[] = [];
    const headOf = (position: number) => `9e1b${String(position).padStart(36, '0')}`;
    const ahead = Array.from({ length: 100 }, (_, i) => ({
      position: i + 1,
      headCommit: { oid: headOf(i + 1) },
      baseCommit: { oid: i === 0 ? BASE_SHA : headOf(i) },
      pullRequest: pull(100 + i, headOf(i + 1)),
    }));
    const page = (nodes: unknown[], hasNextPage: boolean, endCursor: string) => ({
      data: { repository: { mergeQueue: { entries: { pageInfo: { hasNextPage, endCursor }, nodes } } } },
    });
    // The group is built on the group ahead of it (its base commit is that group's head): it is judged alone.
    const own = { position: 101, headCommit: { oid: GROUP_HEAD }, baseCommit: { oid: headOf(100) }, pullRequest: pull(7, HEAD_SHA) };
    const scope = mockToken(github(network.log))
      .post('/graphql', captureBody(queries))
      .reply(200, page(ahead, true, 'Y3Vyc29yOjEwMA=='))
      .post('/graphql', captureBody(queries))
      .reply(200, page([own], false, 'Y3Vyc29yOjEwMQ=='))
      .get(runsOf(HEAD_SHA))
      .reply(200, listing(run(71, 7, 'success', 'XS change (5 lines)')))
      .get(runsOf(GROUP_HEAD))
      .reply(200, listing())
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 900 });
    const payload = fixture<{ merge_group: Record<string, unknown> }>('merge_group.checks_requested');
    payload.merge_group.base_sha = headOf(100);

    await deliver(probot, 'merge_group', payload);

    expect(scope.isDone()).toBe(true);
    expect(queries.map((q) => q.variables.after)).toEqual([undefined, 'Y3Vyc29yOjEwMA==']);
    expect(created[0]).toMatchObject({ head_sha: GROUP_HEAD, conclusion: 'success' });
    expect(created[0].output.title).toBe('Merge group of 1 pull request: every pull request passes');
    // 2 GraphQL pages, 1 look-up, the group's look-up and creation.
    expect(network.log.limited).toHaveLength(5);
  });
});

describe('groupEntries', () => {
  const entry = (position: number, head: string, base: string) => ({
    position,
    headCommit: { oid: head },
    baseCommit: { oid: base },
    pullRequest: null,
  });
  const group = {
    head_sha: 'c',
    head_ref: 'refs/heads/gh-readonly-queue/main/pr-3-' + 'f'.repeat(40),
    base_sha: 'main',
    base_ref: 'refs/heads/main',
  };

  it('follows the chain of bases back to the group base, and no further', () => {
    const entries = [entry(1, 'a', 'main0'), entry(2, 'b', 'main'), entry(3, 'c', 'b'), entry(4, 'd', 'c')];
    expect(groupEntries(entries, group).map((e) => e.position)).toEqual([2, 3]);
  });

  it('a group based on the group ahead of it is that one entry', () => {
    const entries = [entry(1, 'b', 'main'), entry(2, 'c', 'b')];
    expect(groupEntries(entries, { ...group, base_sha: 'b' }).map((e) => e.position)).toEqual([2]);
  });

  it('a broken chain takes every entry ahead', () => {
    const entries = [entry(1, 'a', 'main'), entry(2, 'x', 'a'), entry(3, 'c', 'unknown')];
    expect(groupEntries(entries, group).map((e) => e.position)).toEqual([1, 2, 3]);
  });

  it('a group the queue no longer lists: none', () => {
    expect(groupEntries([entry(1, 'a', 'main')], group)).toEqual([]);
  });
});
