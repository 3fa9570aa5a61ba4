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
  ORG_CONFIG_PATH,
  Overlap,
  TOKEN_PATH,
  type ApiLog,
  REVIEWS_PATH,
} from './harness.js';
import { PR_FILES } from './pull-files.js';
import type { PublishLock, PublishLockKey } from '../../src/github/publish-lock.js';
import { RecordingPublisher } from '../../src/action/publisher.js';

const MERGE_LOOKUP = `${REPO_PATH}/commits/${MERGE_SHA}/check-runs?check_name=monoenv&filter=all`;
const HEAD_LOOKUP = `${REPO_PATH}/commits/${HEAD_SHA}/check-runs?check_name=monoenv&filter=all`;
const COMMENTS = `${REPO_PATH}/issues/7/comments?per_page=100`;
const CONFIG_AT_BASE = `${REPO_PATH}/contents/.github%2Fmonoenv.yml?ref=${BASE_SHA}`;

/** A first, complete audit of the unreviewed merge of PR 7 on a fresh app: the run and the comment it wrote. */
async function completedAudit(log: ApiLog): Promise<{ run: object; comment: string }> {
  const probot = await loadApp();
  const runs: Body[] = [];
  const comments: Body[] = [];
  mockNoConfigAt(mockToken(github(log)))
    .get(REVIEWS_PATH)
    .reply(200, [])
    .get(MERGE_LOOKUP)
    .reply(200, NO_RUNS)
    .post(`${REPO_PATH}/check-runs`, captureBody(runs))
    .reply(201, { id: 900 })
    .get(COMMENTS)
    .optionally()
    .reply(200, [])
    .post(`${REPO_PATH}/issues/7/labels`)
    .reply(200, [{ name: 'unreviewed-merge' }])
    .post(`${REPO_PATH}/issues/7/comments`, captureBody(comments))
    .reply(201, { id: 6 });
  await deliver(probot, 'pull_request', fixture('pull_request.closed.merged'), 'merge-1');
  nock.cleanAll();
  log.clear();
  const run = {
    id: 900,
    external_id: '7',
    status: 'completed',
    conclusion: 'failure',
    app: { id: APP_ID },
    output: { title: runs[0].output!.title, summary: runs[0].output!.summary, annotations_count: 0 },
  };
  return { run, comment: comments[0].body! };
}

/**
 * GitHub as two replicas see it: runs, labels and comments stored as they are written, every route answered
 * as often as asked. The comment is stored 150 ms after it is sent (GitHub is slow to answer), so a replica
 * that looks for it meanwhile does not find it.
 */
class SharedGitHub {
  readonly runs: Body[] = [];
  readonly labels: Body[] = [];
  readonly comments: Body[] = [];

  constructor(log: ApiLog) {
    const listed = () =>
      this.runs.map((run, i) => ({
        id: 900 + i,
        external_id: run.external_id,
        status: 'completed',
        conclusion: run.conclusion,
        app: { id: APP_ID },
        output: { title: run.output!.title, summary: run.output!.summary, annotations_count: 0 },
      }));
    github(log)
      .persist()
      .post(TOKEN_PATH)
      .reply(201, { token: 'ghs_test', expires_at: '2099-01-01T00:00:00Z', permissions: { checks: 'write', pull_requests: 'write' } })
      .get(CONFIG_AT_BASE)
      .reply(404, { message: 'Not Found' })
      .get(ORG_CONFIG_PATH)
      .reply(404, { message: 'Not Found' })
      .get(REVIEWS_PATH)
      .reply(200, [])
      .get(MERGE_LOOKUP)
      .reply(200, () => ({ total_count: this.runs.length, check_runs: listed() }))
      .post(`${REPO_PATH}/check-runs`)
      .reply(201, (_uri, body) => {
        this.runs.push(body as Body);
        return { id: 900 + this.runs.length - 1 };
      })
      .get(COMMENTS)
      .reply(200, () => this.comments.map((c, i) => ({ id: 60 + i, user: { login: 'monoenv[bot]', type: 'Bot' }, body: c.body })))
      .post(`${REPO_PATH}/issues/7/labels`)
      .reply(200, (_uri, body) => {
        this.labels.push(body as Body);
        return [{ name: 'unreviewed-merge' }];
      })
      .post(`${REPO_PATH}/issues/7/comments`)
      .reply((_uri, body, callback) => {
        setTimeout(() => {
          this.comments.push(body as Body);
          callback(null, [201, { id: 60 + this.comments.length - 1 }]);
        }, 150);
      });
  }
}

/** The publish lock replicas share through Redis, in memory: one holder per key at a time, in arrival order. */
class MemoryLock implements PublishLock {
  readonly #tails = new Map<string, Promise<void>>();

  async hold<T>(key: PublishLockKey, work: () => Promise<T>): Promise<T> {
    const name = `${key.owner}/${key.repo}@${key.sha}`;
    const before = this.#tails.get(name) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    this.#tails.set(
      name,
      before.then(() => mine),
    );
    await before;
    try {
      return await work();
    } finally {
      release();
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

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

  it('unreviewed: a failing run on the merge commit, the label, then one comment naming the merger; no comment look-up', async () => {
    const probot = await loadApp();
    const runs: Body[] = [];
    const comments: Body[] = [];
    const labels: Body[] = [];
    const scope = mockNoConfigAt(mockToken(github(network.log)))
      .get(REVIEWS_PATH)
      .reply(200, [
        { id: 1, user: { login: 'octo-author', type: 'User' }, state: 'APPROVED', commit_id: HEAD_SHA, author_association: 'MEMBER' },
      ])
      .get(MERGE_LOOKUP)
      .reply(200, NO_RUNS)
      .post(`${REPO_PATH}/check-runs`, captureBody(runs))
      .reply(201, { id: 900 })
      .post(`${REPO_PATH}/issues/7/labels`, captureBody(labels))
      .reply(200, [{ name: 'unreviewed-merge' }])
      .post(`${REPO_PATH}/issues/7/comments`, captureBody(comments))
      .reply(201, { id: 6 });
    await deliver(probot, 'pull_request', fixture('pull_request.closed.merged'), 'merge-1');
    expect(scope.isDone()).toBe(true);
    // The run the audit created proves no comment of it exists: the comments are not listed.
    expect(network.log.routes).toEqual([
      `GET ${CONFIG_AT_BASE}`,
      `GET ${ORG_CONFIG_PATH}`,
      `GET ${REVIEWS_PATH}`,
      `GET ${MERGE_LOOKUP}`,
      `POST ${REPO_PATH}/check-runs`,
      `POST ${REPO_PATH}/issues/7/labels`,
      `POST ${REPO_PATH}/issues/7/comments`,
    ]);
    expect(network.log.routes).not.toContain(`GET ${COMMENTS}`);

    expect(runs[0]).toMatchObject({
      head_sha: MERGE_SHA,
      conclusion: 'failure',
      external_id: '7',
      output: { title: 'Merged without review' },
    });
    expect(comments[0].body).toContain('<!-- monoenv:unreviewed-merge -->');
    expect(comments[0].body).toContain('@octo-merger');
    expect(labels[0]).toEqual({ labels: ['unreviewed-merge'] });
  });

  it('a redelivery after the audit completed (another replica, nothing remembered) writes no second comment and no label', async () => {
    const done = await completedAudit(network.log);
    const probot = await loadApp();
    // GitHub redelivers the payload as it was sent: without the label the audit added since.
    const scope = mockNoConfigAt(mockToken(github(network.log)))
      .get(REVIEWS_PATH)
      .reply(200, [])
      .get(MERGE_LOOKUP)
      .reply(200, { total_count: 1, check_runs: [done.run] })
      .get(COMMENTS)
      .reply(200, [{ id: 6, user: { login: 'monoenv[bot]', type: 'Bot' }, body: done.comment }]);
    await deliver(probot, 'pull_request', fixture('pull_request.closed.merged'), 'merge-1');
    expect(scope.isDone()).toBe(true);
    expect(network.log.routes.filter((r) => !r.startsWith('GET'))).toEqual([]);
  });

  it('a redelivery after an audit that stopped after its run (no comment yet) adds the label and the comment', async () => {
    const done = await completedAudit(network.log);
    const probot = await loadApp();
    const scope = mockNoConfigAt(mockToken(github(network.log)))
      .get(REVIEWS_PATH)
      .reply(200, [])
      .get(MERGE_LOOKUP)
      .reply(200, { total_count: 1, check_runs: [done.run] })
      .get(COMMENTS)
      .reply(200, [{ id: 5, user: { login: 'someone', type: 'User' }, body: 'LGTM later <!-- monoenv:unreviewed-merge -->' }])
      .post(`${REPO_PATH}/issues/7/labels`)
      .reply(200, [{ name: 'unreviewed-merge' }])
      .post(`${REPO_PATH}/issues/7/comments`)
      .reply(201, { id: 6 });
    await deliver(probot, 'pull_request', fixture('pull_request.closed.merged'), 'merge-1');
    expect(scope.isDone()).toBe(true);
    expect(network.log.routes.filter((r) => !r.startsWith('GET'))).toEqual([
      `POST ${REPO_PATH}/issues/7/labels`,
      `POST ${REPO_PATH}/issues/7/comments`,
    ]);
  });

  it('two replicas sharing the lock, both handed the merge at once: one run, one label, one comment', async () => {
    const shared = new SharedGitHub(network.log);
    const lock = new MemoryLock();
    const [first, second] = await Promise.all([loadApp(undefined, { publishLock: lock }), loadApp(undefined, { publishLock: lock })]);
    const payload = fixture('pull_request.closed.merged');
    await Promise.all([deliver(first, 'pull_request', payload, 'merge-1'), deliver(second, 'pull_request', payload, 'merge-1')]);
    expect(shared.runs).toHaveLength(1);
    expect(shared.labels).toHaveLength(1);
    expect(shared.comments).toHaveLength(1);
    expect(shared.comments[0].body).toContain('<!-- monoenv:unreviewed-merge -->');
  });

  it('the Action whose token may not write check runs looks for its comment before commenting again (its run proves nothing)', async () => {
    const done = await completedAudit(network.log);
    const probot = await loadApp(undefined, { publisher: (checkRuns) => new RecordingPublisher(checkRuns, () => undefined) });
    const scope = mockNoConfigAt(mockToken(github(network.log)))
      .get(REVIEWS_PATH)
      .reply(200, [])
      .get(MERGE_LOOKUP)
      .reply(200, NO_RUNS)
      .post(`${REPO_PATH}/check-runs`)
      .reply(403, { message: 'Resource not accessible by integration' })
      .get(COMMENTS)
      .reply(200, [{ id: 6, user: { login: 'github-actions[bot]', type: 'Bot' }, body: done.comment }]);
    await deliver(probot, 'pull_request', fixture('pull_request.closed.merged'), 'merge-2');
    expect(scope.isDone()).toBe(true);
    expect(network.log.routes.filter((r) => !r.startsWith('GET'))).toEqual([`POST ${REPO_PATH}/check-runs`]);
  });

  it('a 403 on the label and the comment is logged; the check run is still posted', async () => {
    const probot = await loadApp();
    const runs: Body[] = [];
    const scope = mockNoConfigAt(mockToken(github(network.log)))
      .get(REVIEWS_PATH)
      .reply(200, [])
      .get(MERGE_LOOKUP)
      .reply(200, NO_RUNS)
      .post(`${REPO_PATH}/check-runs`, captureBody(runs))
      .reply(201, { id: 900 })
      .post(`${REPO_PATH}/issues/7/labels`)
      .reply(403, { message: 'Resource not accessible by integration' })
      .post(`${REPO_PATH}/issues/7/comments`)
      .reply(403, { message: 'Resource not accessible by integration' });
    await expect(deliver(probot, 'pull_request', fixture('pull_request.closed.merged'))).resolves.toBeUndefined();
    expect(scope.isDone()).toBe(true);
    expect(runs[0].output?.title).toBe('Merged without review');
  });

  it('reviewed: nothing fails, nothing is written', async () => {
    const probot = await loadApp();
    const scope = mockNoConfigAt(mockToken(github(network.log)))
      .get(REVIEWS_PATH)
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

  it("the commits' pull requests are looked up together, not one after another", async () => {
    const probot = await loadApp();
    const overlap = new Overlap();
    const head = '3333333333333333333333333333333333333333';
    const scope = mockNoConfigAt(mockToken(github(network.log)))
      .get(`${REPO_PATH}/commits/2222222222222222222222222222222222222222/pulls`)
      .reply(overlap.reply(200, [{ number: 7, merged_at: '2024-05-01T10:00:00Z' }]))
      .get(`${REPO_PATH}/commits/${head}/pulls`)
      .reply(overlap.reply(200, []))
      .get(`${REPO_PATH}/commits/${head}/check-runs?check_name=monoenv&filter=all`)
      .reply(200, NO_RUNS)
      .post(`${REPO_PATH}/check-runs`)
      .reply(201, { id: 31 });
    await deliver(probot, 'push', fixture('push'));
    expect(scope.isDone()).toBe(true);
    expect(overlap.most).toBe(2);
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
