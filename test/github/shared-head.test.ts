/**
 * Two pull requests with the same head commit (one branch opened against `main` and against `release`): each
 * gets its own `monoenv` run, keyed by the head SHA and the pull request's number (`external_id`), and each
 * run is written only by its own pull request's events, on this replica and on another one.
 */
import { describe, expect, it } from '@jest/globals';
import {
  withoutNetwork,
  BASE_SHA,
  HEAD_SHA,
  REPO_PATH,
  APP_ID,
  captureBody,
  deliver,
  fixture,
  github,
  loadApp,
  mockNoConfig,
  mockToken,
  LOOKUP_PATH,
} from './harness.js';
import { PR_FILES } from './pull-files.js';

const RELEASE_SHA = '9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d';
const filesPath = (number: number): string => `${REPO_PATH}/pulls/${number}/files?per_page=100`;
const gitattributesPath = (base: string): string => `${REPO_PATH}/contents/.gitattributes?ref=${base}`;

interface Body {
  head_sha?: string;
  external_id?: string;
  conclusion?: string;
  output: { title: string; summary: string };
}

/** The event for pull request `number` into `base` (the fixture's head, HEAD_SHA, in both). */
function eventOf(name: 'pull_request.opened' | 'pull_request.labeled', number: number, base: { ref: string; sha: string }) {
  const payload = fixture<{ number: number; pull_request: { number: number; base: { ref: string; sha: string } } }>(name);
  payload.number = number;
  payload.pull_request.number = number;
  payload.pull_request.base.ref = base.ref;
  payload.pull_request.base.sha = base.sha;
  return payload;
}

const runOf = (id: number, externalId: string, title: string) => ({
  id,
  external_id: externalId,
  status: 'completed',
  conclusion: 'success',
  app: { id: APP_ID },
  output: { title, summary: title, annotations_count: 2 },
});

describe('pull requests that share a head commit', () => {
  const network = withoutNetwork();

  it('get one run each, and each run is updated only by its own pull request, on any replica', async () => {
    const replica = await loadApp();
    const created: Body[] = [];
    const updated: Body[] = [];
    const opened = mockNoConfig(mockToken(github(network.log)))
      .get(filesPath(7))
      .reply(200, PR_FILES)
      .get(gitattributesPath(BASE_SHA))
      .reply(404, { message: 'Not Found' })
      .get(LOOKUP_PATH)
      .reply(200, { total_count: 0, check_runs: [] })
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 1001 })
      // #8 into release: the commit's list holds #7's run, which is not #8's.
      .get(filesPath(8))
      .reply(200, PR_FILES)
      .get(gitattributesPath(RELEASE_SHA))
      .reply(404, { message: 'Not Found' })
      .get(LOOKUP_PATH)
      .reply(200, { total_count: 1, check_runs: [runOf(1001, '7', 'main')] })
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 1002 });
    await deliver(replica, 'pull_request', eventOf('pull_request.opened', 7, { ref: 'main', sha: BASE_SHA }), 'd-7');
    await deliver(replica, 'pull_request', eventOf('pull_request.opened', 8, { ref: 'release', sha: RELEASE_SHA }), 'd-8');
    expect(opened.isDone()).toBe(true);
    expect(created.map((b) => [b.head_sha, b.external_id])).toEqual([
      [HEAD_SHA, '7'],
      [HEAD_SHA, '8'],
    ]);

    // #8's label on another replica: of the commit's two runs it updates #8's, never #7's.
    const other = await loadApp();
    const labeled = mockNoConfig(mockToken(github(network.log)))
      .get(`${REPO_PATH}/pulls/8`)
      .optionally()
      .reply(200, { ...eventOf('pull_request.labeled', 8, { ref: 'release', sha: RELEASE_SHA }).pull_request })
      .get(filesPath(8))
      .reply(200, PR_FILES)
      .get(gitattributesPath(RELEASE_SHA))
      .reply(404, { message: 'Not Found' })
      .get(LOOKUP_PATH)
      .reply(200, { total_count: 2, check_runs: [runOf(1002, '8', 'release'), runOf(1001, '7', 'main')] })
      .patch(`${REPO_PATH}/check-runs/1002`, captureBody(updated))
      .reply(200, { id: 1002 });
    await deliver(other, 'pull_request', eventOf('pull_request.labeled', 8, { ref: 'release', sha: RELEASE_SHA }), 'd-8-labeled');
    expect(labeled.isDone()).toBe(true);
    expect(updated).toHaveLength(1);
    expect(updated[0].external_id).toBe('8');

    // #7's label on the first replica updates the run it created for #7.
    const again = github(network.log)
      .get(`${REPO_PATH}/pulls/7`)
      .optionally()
      .reply(200, { ...eventOf('pull_request.labeled', 7, { ref: 'main', sha: BASE_SHA }).pull_request })
      .get(filesPath(7))
      .reply(200, PR_FILES)
      .patch(`${REPO_PATH}/check-runs/1001`, captureBody(updated))
      .reply(200, { id: 1001 });
    await deliver(replica, 'pull_request', eventOf('pull_request.labeled', 7, { ref: 'main', sha: BASE_SHA }), 'd-7-labeled');
    expect(again.isDone()).toBe(true);
    expect(updated.map((b) => b.external_id)).toEqual(['8', '7']);
    expect(network.log.routes.filter((r) => r.startsWith('PATCH'))).toEqual([
      `PATCH ${REPO_PATH}/check-runs/1002`,
      `PATCH ${REPO_PATH}/check-runs/1001`,
    ]);
  });

  it('a verdict another replica wrote since is replaced, though this replica last wrote the same one', async () => {
    const replica = await loadApp();
    const created: Body[] = [];
    const updated: Body[] = [];
    const opened = mockNoConfig(mockToken(github(network.log)))
      .get(filesPath(7))
      .reply(200, PR_FILES, { etag: '"files-7"' })
      .get(gitattributesPath(BASE_SHA))
      .reply(404, { message: 'Not Found' })
      .get(LOOKUP_PATH)
      .reply(200, { total_count: 0, check_runs: [] })
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 1001 });
    await deliver(replica, 'pull_request', eventOf('pull_request.opened', 7, { ref: 'main', sha: BASE_SHA }), 'd-7');
    expect(opened.isDone()).toBe(true);

    // Another replica has since written another verdict to the run (from an event this one never saw). The
    // next event here computes this replica's earlier verdict again: GitHub's run decides, and is rewritten.
    const again = github(network.log)
      .get(filesPath(7))
      .reply(304, '')
      .get(`${REPO_PATH}/check-runs/1001`)
      .reply(200, { ...runOf(1001, '7', 'written by another replica'), conclusion: 'failure' })
      .patch(`${REPO_PATH}/check-runs/1001`, captureBody(updated))
      .reply(200, { id: 1001 });
    await deliver(replica, 'pull_request', eventOf('pull_request.opened', 7, { ref: 'main', sha: BASE_SHA }), 'd-7-again');
    expect(again.isDone()).toBe(true);
    expect(updated).toHaveLength(1);
    expect(updated[0]).toMatchObject({ conclusion: created[0].conclusion, output: { title: created[0].output.title } });
  });
});
