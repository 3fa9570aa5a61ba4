import { describe, expect, it } from '@jest/globals';
import nock from 'nock';
import {
  NO_RUNS,
  withoutNetwork,
  APP_ID,
  RAW,
  HEAD_SHA,
  MERGE_SHA,
  REPO_PATH,
  captureBody,
  deliver,
  fixture,
  github,
  loadApp,
  mockNoConfig,
  mockNoConfigAt,
  BASE_SHA,
  mockToken,
} from './harness.js';
import { PR_FILES } from './pull-files.js';

const MERGE_LOOKUP = `${REPO_PATH}/commits/${MERGE_SHA}/check-runs?check_name=monoenv&filter=all`;
const HEAD_LOOKUP = `${REPO_PATH}/commits/${HEAD_SHA}/check-runs?check_name=monoenv&filter=all`;
const REVIEWS = `${REPO_PATH}/pulls/7/reviews?per_page=100`;
const COMMENTS = `${REPO_PATH}/issues/7/comments?per_page=100`;

interface Body {
  conclusion?: string;
  head_sha?: string;
  external_id?: string;
  body?: string;
  labels?: string[];
  output?: { title: string; summary: string };
}

describe('merge audit', () => {
  const network = withoutNetwork();

  it('unreviewed: a failing run on the merge commit, one comment naming the merger, the label — once, however often delivered', async () => {
    const probot = await loadApp();
    const runs: Body[] = [];
    const comments: Body[] = [];
    const labels: Body[] = [];
    const scope = mockNoConfigAt(mockToken(github(network.log)))
      .get(REVIEWS)
      .reply(200, [
        { id: 1, user: { login: 'octo-author', type: 'User' }, state: 'APPROVED', commit_id: HEAD_SHA, author_association: 'MEMBER' },
      ])
      .get(MERGE_LOOKUP)
      .reply(200, NO_RUNS)
      .post(`${REPO_PATH}/check-runs`, captureBody(runs))
      .reply(201, { id: 900 })
      .get(COMMENTS)
      .reply(200, [{ id: 5, user: { login: 'someone', type: 'User' }, body: 'LGTM later' }])
      .post(`${REPO_PATH}/issues/7/comments`, captureBody(comments))
      .reply(201, { id: 6 })
      .post(`${REPO_PATH}/issues/7/labels`, captureBody(labels))
      .reply(200, [{ name: 'unreviewed-merge' }]);
    const payload = fixture('pull_request.closed.merged');
    await deliver(probot, 'pull_request', payload, 'merge-1');
    expect(scope.isDone()).toBe(true);
    expect(network.log.limited).toHaveLength(8);

    expect(runs[0]).toMatchObject({
      head_sha: MERGE_SHA,
      conclusion: 'failure',
      external_id: '7',
      output: { title: 'Merged without review' },
    });
    expect(comments[0].body).toContain('<!-- monoenv:unreviewed-merge -->');
    expect(comments[0].body).toContain('@octo-merger');
    expect(labels[0]).toEqual({ labels: ['unreviewed-merge'] });

    // Redelivered (another replica, nothing remembered): everything is found done.
    network.log.clear();
    const again = await loadApp();
    const second = mockNoConfigAt(mockToken(github(network.log)))
      .get(REVIEWS)
      .reply(200, [
        { id: 1, user: { login: 'octo-author', type: 'User' }, state: 'APPROVED', commit_id: HEAD_SHA, author_association: 'MEMBER' },
      ])
      .get(MERGE_LOOKUP)
      .reply(200, {
        total_count: 1,
        check_runs: [
          {
            id: 900,
            external_id: '7',
            status: 'completed',
            conclusion: 'failure',
            app: { id: APP_ID },
            output: { title: 'Merged without review', summary: runs[0].output!.summary, annotations_count: 0 },
          },
        ],
      })
      .get(COMMENTS)
      .reply(200, [{ id: 6, user: { login: 'monoenv[bot]', type: 'Bot' }, body: comments[0].body }]);
    const redelivered = fixture<{ pull_request: { labels: { name: string }[] } }>('pull_request.closed.merged');
    redelivered.pull_request.labels = [{ name: 'unreviewed-merge' }];
    await deliver(again, 'pull_request', redelivered, 'merge-1');
    expect(second.isDone()).toBe(true);
    expect(network.log.routes.filter((r) => !r.startsWith('GET'))).toEqual([]);
  });

  it('a 403 on the comment and the label is logged; the check run is still posted', async () => {
    const probot = await loadApp();
    const runs: Body[] = [];
    const scope = mockNoConfigAt(mockToken(github(network.log)))
      .get(REVIEWS)
      .reply(200, [])
      .get(MERGE_LOOKUP)
      .reply(200, NO_RUNS)
      .post(`${REPO_PATH}/check-runs`, captureBody(runs))
      .reply(201, { id: 900 })
      .get(COMMENTS)
      .reply(200, [])
      .post(`${REPO_PATH}/issues/7/comments`)
      .reply(403, { message: 'Resource not accessible by integration' })
      .post(`${REPO_PATH}/issues/7/labels`)
      .reply(403, { message: 'Resource not accessible by integration' });
    await expect(deliver(probot, 'pull_request', fixture('pull_request.closed.merged'))).resolves.toBeUndefined();
    expect(scope.isDone()).toBe(true);
    expect(runs[0].output?.title).toBe('Merged without review');
  });

  it('reviewed: nothing fails, nothing is written', async () => {
    const probot = await loadApp();
    const scope = mockNoConfigAt(mockToken(github(network.log)))
      .get(REVIEWS)
      .reply(200, [
        { id: 1, user: { login: 'octo-reviewer', type: 'User' }, state: 'APPROVED', commit_id: HEAD_SHA, author_association: 'MEMBER' },
      ]);
    await deliver(probot, 'pull_request', fixture('pull_request.closed.merged'));
    expect(scope.isDone()).toBe(true);
    expect(network.log.limited).toHaveLength(3);
  });

  it('exempt authors cost only the configuration and their commit list', async () => {
    const probot = await loadApp();
    const payload = fixture<{ pull_request: { user: { login: string; type: string } } }>('pull_request.closed.merged');
    payload.pull_request.user = { ...payload.pull_request.user, login: 'dependabot[bot]', type: 'Bot' };
    const scope = mockNoConfigAt(mockToken(github(network.log)))
      .get(`${REPO_PATH}/pulls/7/commits?per_page=100`)
      .reply(200, [{ sha: HEAD_SHA, parents: [], commit: { message: 'bump' }, author: { login: 'dependabot[bot]', type: 'Bot' } }]);
    await deliver(probot, 'pull_request', payload);
    expect(scope.isDone()).toBe(true);
    expect(network.log.limited).toHaveLength(3);
  });
});

describe('push audit', () => {
  const network = withoutNetwork();

  it('lists the commits no merged PR brought in; skips exempt bots without a call', async () => {
    const probot = await loadApp();
    const runs: Body[] = [];
    const head = '3333333333333333333333333333333333333333';
    const scope = mockNoConfigAt(mockToken(github(network.log)))
      .get(`${REPO_PATH}/commits/2222222222222222222222222222222222222222/pulls`)
      .reply(200, [{ number: 7, merged_at: '2024-05-01T10:00:00Z' }])
      .get(`${REPO_PATH}/commits/${head}/pulls`)
      .reply(200, [])
      .get(`${REPO_PATH}/commits/${head}/check-runs?check_name=monoenv&filter=all`)
      .reply(200, NO_RUNS)
      .post(`${REPO_PATH}/check-runs`, captureBody(runs))
      .reply(201, { id: 31 });
    await deliver(probot, 'push', fixture('push'));
    expect(scope.isDone()).toBe(true);
    expect(network.log.routes).not.toContain(`GET ${REPO_PATH}/commits/1111111111111111111111111111111111111111/pulls`);
    expect(network.log.limited).toHaveLength(6);
    expect(runs[0]).toMatchObject({ head_sha: head, conclusion: 'failure', output: { title: 'Pushed without review' } });
    expect(runs[0].output!.summary).toContain('333333');
    expect(runs[0].output!.summary).not.toContain('222222');
    expect(runs[0].external_id).toBeUndefined();
  });

  it('a push that updates the configuration is audited by the one before it, and refreshes the cached one for what follows', async () => {
    const probot = await loadApp();
    // A PR event first: the missing configuration is remembered.
    const first = mockNoConfig(mockToken(github(network.log)))
      .get(`${REPO_PATH}/pulls/7/files?per_page=100`)
      .reply(200, PR_FILES)
      .get(`${REPO_PATH}/contents/.gitattributes?ref=f95f852bd8fca8fcc58a9a2d6c842781e32a215e`)
      .reply(404, {})
      .get(HEAD_LOOKUP)
      .reply(200, NO_RUNS)
      .post(`${REPO_PATH}/check-runs`)
      .reply(201, { id: 1 });
    await deliver(probot, 'pull_request', fixture('pull_request.opened'));
    expect(first.isDone()).toBe(true);
    network.log.clear();

    // Review was off before the push: its audit asks nothing more.
    const second = github(network.log)
      .get(`${REPO_PATH}/contents/.github%2Fmonoenv.yml?ref=${BASE_SHA}`)
      .reply(200, 'review:\n  level: "off"\n', RAW);
    await deliver(probot, 'push', fixture('push.config'));
    expect(second.isDone()).toBe(true);
    expect(network.log.routes).toEqual([`GET ${REPO_PATH}/contents/.github%2Fmonoenv.yml?ref=${BASE_SHA}`]);
    network.log.clear();

    // The next evaluation reads the new default-branch version: without the refresh the remembered 404 would answer.
    const third = github(network.log)
      .get(`${REPO_PATH}/contents/.github%2Fmonoenv.yml`)
      .reply(200, 'mode: advise\n', { ...RAW, etag: '"new"' })
      .get(`${REPO_PATH}/pulls/7/files?per_page=100`)
      .reply(200, PR_FILES)
      .patch(`${REPO_PATH}/check-runs/1`)
      .reply(200, { id: 1 });
    await deliver(probot, 'pull_request', fixture('pull_request.synchronize'));
    expect(third.isDone()).toBe(true);
    expect(network.log.routes[0]).toBe(`GET ${REPO_PATH}/contents/.github%2Fmonoenv.yml`);
  });

  it('ignores pushes to other branches', async () => {
    const probot = await loadApp();
    const payload = fixture<{ ref: string }>('push');
    payload.ref = 'refs/heads/feature';
    await deliver(probot, 'push', payload);
    expect(network.log.requests).toHaveLength(0);
  });
});

describe('re-runs', () => {
  const network = withoutNetwork();

  function evaluation(scope: nock.Scope): nock.Scope {
    return mockNoConfig(scope)
      .get(`${REPO_PATH}/pulls/7/files?per_page=100`)
      .reply(200, PR_FILES)
      .get(`${REPO_PATH}/contents/.gitattributes?ref=f95f852bd8fca8fcc58a9a2d6c842781e32a215e`)
      .reply(404, {});
  }

  it('check_run.rerequested on a fork PR (no pull_requests): the PR comes from external_id, the same run is updated', async () => {
    const probot = await loadApp();
    const updated: Body[] = [];
    const pull = fixture<{ pull_request: Record<string, unknown> }>('pull_request.opened').pull_request;
    const scope = evaluation(mockToken(github(network.log)).get(`${REPO_PATH}/pulls/7`).reply(200, pull))
      .patch(`${REPO_PATH}/check-runs/4242`, captureBody(updated))
      .reply(200, { id: 4242 });
    await deliver(probot, 'check_run', fixture('check_run.rerequested'));
    expect(scope.isDone()).toBe(true);
    expect(updated[0]).toMatchObject({ status: 'completed', external_id: '7' });
    expect(network.log.limited).toHaveLength(6);
  });

  it("check_suite.rerequested without pull_requests finds the PR from this app's run", async () => {
    const probot = await loadApp();
    const updated: Body[] = [];
    const pull = fixture<{ pull_request: Record<string, unknown> }>('pull_request.opened').pull_request;
    const scope = evaluation(
      mockToken(github(network.log))
        .get(HEAD_LOOKUP)
        .reply(200, {
          total_count: 1,
          check_runs: [
            {
              id: 4242,
              external_id: '7',
              status: 'completed',
              conclusion: 'success',
              app: { id: APP_ID },
              output: { title: 'x', summary: 'x', annotations_count: 0 },
            },
          ],
        })
        .get(`${REPO_PATH}/pulls/7`)
        .reply(200, pull),
    )
      .patch(`${REPO_PATH}/check-runs/4242`, captureBody(updated))
      .reply(200, { id: 4242 });
    await deliver(probot, 'check_suite', fixture('check_suite.rerequested'));
    expect(scope.isDone()).toBe(true);
    expect(updated).toHaveLength(1);
    expect(network.log.limited).toHaveLength(7);
  });

  it('ignores runs of other apps and other names', async () => {
    const probot = await loadApp();
    const other = fixture<{ check_run: { name: string; app: { id: number } } }>('check_run.rerequested');
    other.check_run.app.id = 999;
    await deliver(probot, 'check_run', other);
    const named = fixture<{ check_run: { name: string } }>('check_run.rerequested');
    named.check_run.name = 'lint';
    await deliver(probot, 'check_run', named);
    expect(network.log.requests).toHaveLength(0);
  });
});
