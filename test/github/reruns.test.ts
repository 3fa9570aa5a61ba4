/**
 * "Re-run" on a `monoenv` run or suite, for what is not an open pull request at its head: a push audit's
 * run (no pull request), a merged pull request's audit, a closed pull request, one that moved on, and a
 * suite on a commit this app has no run on. Every API call is pinned.
 */
import { describe, expect, it } from '@jest/globals';
import {
  withoutNetwork,
  APP_ID,
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
  mockToken,
  REVIEWS_PATH,
} from './harness.js';
import { PR_FILES } from './pull-files.js';

const PULL = `${REPO_PATH}/pulls/7`;
const COMMENTS = `${REPO_PATH}/issues/7/comments?per_page=100`;
const NEWER_SHA = '0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c';
const lookup = (sha: string): string => `${REPO_PATH}/commits/${sha}/check-runs?check_name=monoenv&filter=all`;

interface Body {
  head_sha?: string;
  conclusion?: string;
  external_id?: string;
  body?: string;
  output?: { title: string; summary: string };
}

type RunPayload = {
  check_run: { id: number; head_sha: string; external_id: string | null; check_suite: { head_sha: string; head_branch?: string } };
};
type SuitePayload = { check_suite: { head_sha: string; head_branch?: string; pull_requests: unknown[] } };

const pullRequest = (changes: Record<string, unknown> = {}): Record<string, unknown> => ({
  ...fixture<{ pull_request: Record<string, unknown> }>('pull_request.opened').pull_request,
  ...changes,
});

function rerequested(changes: Partial<RunPayload['check_run']>): RunPayload {
  const payload = fixture<RunPayload>('check_run.rerequested');
  Object.assign(payload.check_run, changes);
  return payload;
}

describe('re-runs of what is not an open pull request at its head', () => {
  const network = withoutNetwork();

  it("a push audit's run names no pull request: nothing to re-evaluate, no API call", async () => {
    const probot = await loadApp();
    await deliver(probot, 'check_run', rerequested({ external_id: null }));
    await deliver(probot, 'check_run', rerequested({ external_id: '7abc' }), 'delivery-2');
    expect(network.log.requests).toEqual([]);
  });

  it('a suite on a commit with no pull request and no run of this app: one look-up, nothing written', async () => {
    const probot = await loadApp();
    const payload = fixture<SuitePayload>('check_suite.rerequested');
    payload.check_suite.pull_requests = [];
    const scope = mockToken(github(network.log))
      .get(lookup(payload.check_suite.head_sha))
      .reply(200, {
        total_count: 1,
        check_runs: [
          {
            id: 5,
            external_id: '7',
            status: 'completed',
            conclusion: 'success',
            app: { id: 999 },
            output: { title: 'x', summary: 'x', annotations_count: 0 },
          },
        ],
      });
    await deliver(probot, 'check_suite', payload);
    expect(scope.isDone()).toBe(true);
    expect(network.log.routes).toEqual([`GET ${lookup(payload.check_suite.head_sha)}`]);
  });

  it('a closed pull request is not evaluated again', async () => {
    const probot = await loadApp();
    const scope = mockToken(github(network.log))
      .get(PULL)
      .reply(200, pullRequest({ state: 'closed', merged: false, merged_at: null }));
    await deliver(probot, 'check_run', rerequested({}));
    expect(scope.isDone()).toBe(true);
    expect(network.log.routes).toEqual([`GET ${PULL}`]);
  });

  it("the merge audit's run on a merged pull request runs the audit again, updating that run", async () => {
    const probot = await loadApp();
    const updated: Body[] = [];
    const comments: Body[] = [];
    const merged = fixture<{ pull_request: Record<string, unknown> }>('pull_request.closed.merged').pull_request;
    const scope = mockNoConfigAt(mockToken(github(network.log)).get(PULL).reply(200, merged))
      // Never asked: the run is on the default branch (a merge audit's), whose re-run reads no files.
      .get(`${REPO_PATH}/pulls/7/files?per_page=100`)
      .optionally()
      .reply(200, PR_FILES)
      .get(REVIEWS_PATH)
      .reply(200, [])
      .patch(`${REPO_PATH}/check-runs/4242`, captureBody(updated))
      .reply(200, { id: 4242 })
      .get(COMMENTS)
      .reply(200, [])
      .post(`${REPO_PATH}/issues/7/comments`, captureBody(comments))
      .reply(201, { id: 6 })
      .post(`${REPO_PATH}/issues/7/labels`)
      .reply(200, [{ name: 'unreviewed-merge' }]);
    await deliver(probot, 'check_run', rerequested({ head_sha: MERGE_SHA, check_suite: { head_sha: MERGE_SHA, head_branch: 'main' } }));
    expect(scope.isDone()).toBe(true);
    expect(updated).toEqual([
      expect.objectContaining({
        conclusion: 'failure',
        external_id: '7',
        output: expect.objectContaining({ title: 'Merged without review' }),
      }),
    ]);
    expect(comments[0].body).toContain('@octo-merger');
    // No look-up and no second run: the re-requested run is the one updated.
    expect(network.log.routes.filter((r) => r.includes('check-runs'))).toEqual([`PATCH ${REPO_PATH}/check-runs/4242`]);
    expect(network.log.routes.filter((r) => r.includes('/files'))).toEqual([]);
  });

  it("the merge audit's suite on a merged pull request runs the audit again, reading no files", async () => {
    const probot = await loadApp();
    const updated: Body[] = [];
    const comments: Body[] = [];
    const merged = fixture<{ pull_request: Record<string, unknown> }>('pull_request.closed.merged').pull_request;
    const scope = mockNoConfigAt(mockToken(github(network.log)).get(PULL).reply(200, merged))
      // Never asked: the run is on the default branch (a merge audit's), whose re-run reads no files.
      .get(`${REPO_PATH}/pulls/7/files?per_page=100`)
      .optionally()
      .reply(200, PR_FILES)
      .get(REVIEWS_PATH)
      .reply(200, [])
      .get(lookup(MERGE_SHA))
      .reply(200, { total_count: 0, check_runs: [] })
      .post(`${REPO_PATH}/check-runs`, captureBody(updated))
      .reply(201, { id: 4243 })
      .post(`${REPO_PATH}/issues/7/comments`, captureBody(comments))
      .reply(201, { id: 6 })
      .post(`${REPO_PATH}/issues/7/labels`)
      .reply(200, [{ name: 'unreviewed-merge' }]);
    const payload = fixture<SuitePayload>('check_suite.rerequested');
    Object.assign(payload.check_suite, { head_sha: MERGE_SHA, head_branch: 'main', pull_requests: [{ number: 7 }] });
    await deliver(probot, 'check_suite', payload);
    expect(scope.isDone()).toBe(true);
    expect(updated).toEqual([
      expect.objectContaining({
        conclusion: 'failure',
        external_id: '7',
        output: expect.objectContaining({ title: 'Merged without review' }),
      }),
    ]);
    expect(comments[0].body).toContain('@octo-merger');
    expect(network.log.routes.filter((r) => r.includes('/files'))).toEqual([]);
  });

  it('a run on a commit the pull request has moved on from: the head is evaluated, on a run of its own', async () => {
    const probot = await loadApp();
    const created: Body[] = [];
    const pull = pullRequest();
    (pull.head as { sha: string }).sha = NEWER_SHA;
    const scope = mockNoConfig(mockToken(github(network.log)).get(PULL).reply(200, pull))
      .get(`${REPO_PATH}/pulls/7/files?per_page=100`)
      .reply(200, PR_FILES)
      .get(`${REPO_PATH}/contents/.gitattributes?ref=f95f852bd8fca8fcc58a9a2d6c842781e32a215e`)
      .reply(404, {})
      .get(lookup(NEWER_SHA))
      .reply(200, { total_count: 0, check_runs: [] })
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 5005 });
    await deliver(probot, 'check_run', rerequested({ head_sha: HEAD_SHA }));
    expect(scope.isDone()).toBe(true);
    expect(created).toEqual([expect.objectContaining({ head_sha: NEWER_SHA, external_id: '7' })]);
    expect(network.log.routes).not.toContain(`PATCH ${REPO_PATH}/check-runs/4242`);
  });

  it("a suite whose run this app left on a fork PR's commit, but that PR is closed: nothing written", async () => {
    const probot = await loadApp();
    const payload = fixture<SuitePayload>('check_suite.rerequested');
    payload.check_suite.pull_requests = [];
    const scope = mockToken(github(network.log))
      .get(lookup(payload.check_suite.head_sha))
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
      .get(PULL)
      .reply(200, pullRequest({ state: 'closed', merged: false }));
    await deliver(probot, 'check_suite', payload);
    expect(scope.isDone()).toBe(true);
    expect(network.log.routes.filter((r) => !r.startsWith('GET'))).toEqual([]);
  });
});
