/**
 * The audits judge a change by the configuration from before it: a merge by the configuration at the pull
 * request's base commit, a push by the configuration at `before`. A change that turns review off (or lists
 * its author as exempt) cannot waive its own audit. Every request is pinned; the default branch's file (the
 * change's own version) is mocked apart and must stay unread.
 */
import { describe, expect, it } from '@jest/globals';
import nock from 'nock';
import {
  NO_RUNS,
  withoutNetwork,
  API,
  BASE_SHA,
  CONFIG_URL_PATH,
  MERGE_SHA,
  ORG_CONFIG_PATH,
  RAW,
  REPO_PATH,
  captureBody,
  deliver,
  fixture,
  github,
  loadApp,
  mockToken,
} from './harness.js';

const NOT_FOUND = { message: 'Not Found' };
const WAIVED = 'review:\n  level: "off"\n  exempt_authors: [octo-author, octo-admin]\n';

interface Body {
  conclusion?: string;
  head_sha?: string;
  output?: { title: string; summary: string };
}

/** The configuration as the audited change left it on the default branch: it must never be asked for. */
function changedDefaultBranch(): nock.Scope {
  return nock(API).get(CONFIG_URL_PATH).reply(200, WAIVED, RAW);
}

describe('merge audit: the configuration at the base commit', () => {
  const network = withoutNetwork();

  it('a self-merged pull request that turns review off is still audited', async () => {
    const probot = await loadApp();
    const runs: Body[] = [];
    const merged = changedDefaultBranch();
    const scope = mockToken(github(network.log))
      .get(`${CONFIG_URL_PATH}?ref=${BASE_SHA}`)
      .reply(404, NOT_FOUND)
      .get(ORG_CONFIG_PATH)
      .reply(404, NOT_FOUND)
      .get(`${REPO_PATH}/pulls/7/reviews?per_page=100`)
      .reply(200, [])
      .get(`${REPO_PATH}/commits/${MERGE_SHA}/check-runs?check_name=monoenv&filter=all`)
      .reply(200, NO_RUNS)
      .post(`${REPO_PATH}/check-runs`, captureBody(runs))
      .reply(201, { id: 900 })
      .post(`${REPO_PATH}/issues/7/labels`)
      .reply(200, [])
      .post(`${REPO_PATH}/issues/7/comments`)
      .reply(201, { id: 6 });
    await deliver(probot, 'pull_request', fixture('pull_request.closed.merged'));
    expect(scope.isDone()).toBe(true);
    expect(merged.isDone()).toBe(false);
    expect(runs[0]).toMatchObject({ head_sha: MERGE_SHA, conclusion: 'failure', output: { title: 'Merged without review' } });
  });

  it('the base commit configuration decides: review off there means no audit', async () => {
    const probot = await loadApp();
    const scope = mockToken(github(network.log)).get(`${CONFIG_URL_PATH}?ref=${BASE_SHA}`).reply(200, 'review:\n  level: "off"\n', RAW);
    await deliver(probot, 'pull_request', fixture('pull_request.closed.merged'));
    expect(scope.isDone()).toBe(true);
    expect(network.log.limited).toHaveLength(1);
  });
});

describe('push audit: the configuration at `before`', () => {
  const network = withoutNetwork();

  it('a direct push that turns review off and exempts its author is still audited', async () => {
    const probot = await loadApp();
    const runs: Body[] = [];
    const head = '4444444444444444444444444444444444444444';
    const pushed = changedDefaultBranch();
    const scope = mockToken(github(network.log))
      .get(`${CONFIG_URL_PATH}?ref=${BASE_SHA}`)
      .reply(200, 'size:\n  level: warning\n', RAW)
      .get(`${REPO_PATH}/commits/${head}/pulls`)
      .reply(200, [])
      .get(`${REPO_PATH}/commits/${head}/check-runs?check_name=monoenv&filter=all`)
      .reply(200, NO_RUNS)
      .post(`${REPO_PATH}/check-runs`, captureBody(runs))
      .reply(201, { id: 31 });
    await deliver(probot, 'push', fixture('push.config'));
    expect(scope.isDone()).toBe(true);
    expect(pushed.isDone()).toBe(false);
    expect(runs[0]).toMatchObject({ head_sha: head, conclusion: 'failure', output: { title: 'Pushed without review' } });
  });

  it('a push with no `before` (a new branch or repository) is judged by the organization configuration or the defaults', async () => {
    const probot = await loadApp();
    const runs: Body[] = [];
    const head = '4444444444444444444444444444444444444444';
    const payload = fixture<{ before: string; created: boolean }>('push.config');
    payload.before = '0000000000000000000000000000000000000000';
    payload.created = true;
    const pushed = changedDefaultBranch();
    const scope = mockToken(github(network.log))
      .get(ORG_CONFIG_PATH)
      .reply(404, NOT_FOUND)
      .get(`${REPO_PATH}/commits/${head}/pulls`)
      .reply(200, [])
      .get(`${REPO_PATH}/commits/${head}/check-runs?check_name=monoenv&filter=all`)
      .reply(200, NO_RUNS)
      .post(`${REPO_PATH}/check-runs`, captureBody(runs))
      .reply(201, { id: 32 });
    await deliver(probot, 'push', payload);
    expect(scope.isDone()).toBe(true);
    expect(pushed.isDone()).toBe(false);
    expect(runs[0]).toMatchObject({ conclusion: 'failure', output: { title: 'Pushed without review' } });
  });
});
