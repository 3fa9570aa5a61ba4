import { describe, expect, it } from '@jest/globals';
import {
  withoutNetwork,
  HEAD_SHA,
  REPO_PATH,
  captureBody,
  deliver,
  fixture,
  github,
  loadApp,
  mockNoConfig,
  mockToken,
  FILES_PATH,
  GITATTRIBUTES_PATH,
} from './harness.js';
import { PR_FILES } from './pull-files.js';

const NEXT_SHA = '0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c';
const lookupPath = (sha: string): string => `${REPO_PATH}/commits/${sha}/check-runs?check_name=monoenv&filter=all`;
const EMPTY_ETAG = 'W/"empty-listing"';

/** The synchronize fixture moved on to another head commit. */
function synchronizedTo(sha: string): Record<string, unknown> {
  const payload = fixture<{ pull_request: { head: { sha: string } }; after?: string }>('pull_request.synchronize');
  payload.pull_request.head.sha = sha;
  payload.after = sha;
  return payload;
}

describe('looking up the run of a new commit', () => {
  const network = withoutNetwork();

  it('asks with the ETag of an empty answer, so a commit without runs costs a free 304 and one create', async () => {
    const probot = await loadApp();
    const created: unknown[] = [];
    const first = mockNoConfig(mockToken(github(network.log)))
      .get(FILES_PATH)
      .reply(200, PR_FILES, { etag: '"files-v1"' })
      .get(GITATTRIBUTES_PATH)
      .reply(404, { message: 'Not Found' })
      .get(lookupPath(HEAD_SHA))
      .reply(200, { total_count: 0, check_runs: [] }, { etag: EMPTY_ETAG })
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 1001 });
    await deliver(probot, 'pull_request', fixture('pull_request.synchronize'));
    expect(first.isDone()).toBe(true);
    network.log.clear();

    const second = github(network.log)
      .get(FILES_PATH)
      .matchHeader('if-none-match', '"files-v1"')
      .reply(304, '')
      .get(lookupPath(NEXT_SHA))
      .matchHeader('if-none-match', EMPTY_ETAG)
      .reply(304, '')
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 1002 });
    await deliver(probot, 'pull_request', synchronizedTo(NEXT_SHA), 'delivery-2');
    expect(second.isDone()).toBe(true);
    expect(created).toHaveLength(2);
    expect(created[1]).toMatchObject({ head_sha: NEXT_SHA, status: 'completed' });
    expect(network.log.routes).toEqual([`POST ${REPO_PATH}/check-runs`]);
    expect(network.log.notModified).toHaveLength(2);
  });

  it('still finds a run another replica created: the full answer comes back and the run is updated, not doubled', async () => {
    const probot = await loadApp();
    const first = mockNoConfig(mockToken(github(network.log)))
      .get(FILES_PATH)
      .reply(200, PR_FILES, { etag: '"files-v1"' })
      .get(GITATTRIBUTES_PATH)
      .reply(404, { message: 'Not Found' })
      .get(lookupPath(HEAD_SHA))
      .reply(200, { total_count: 0, check_runs: [] }, { etag: EMPTY_ETAG })
      .post(`${REPO_PATH}/check-runs`)
      .reply(201, { id: 1001 });
    await deliver(probot, 'pull_request', fixture('pull_request.synchronize'));
    expect(first.isDone()).toBe(true);
    network.log.clear();

    const updated: unknown[] = [];
    const existing = {
      id: 2002,
      external_id: '7',
      status: 'completed',
      conclusion: 'failure',
      app: { id: 123 },
      output: { title: 'stale', summary: 'stale', annotations_count: 0 },
    };
    const second = github(network.log)
      .get(FILES_PATH)
      .reply(304, '')
      .get(lookupPath(NEXT_SHA))
      .matchHeader('if-none-match', EMPTY_ETAG)
      .reply(200, { total_count: 1, check_runs: [existing] }, { etag: 'W/"one-run"' })
      .patch(`${REPO_PATH}/check-runs/2002`, captureBody(updated))
      .reply(200, { id: 2002 });
    await deliver(probot, 'pull_request', synchronizedTo(NEXT_SHA), 'delivery-2');
    expect(second.isDone()).toBe(true);
    expect(updated).toHaveLength(1);
    expect(network.log.routes).toEqual([`GET ${lookupPath(NEXT_SHA)}`, `PATCH ${REPO_PATH}/check-runs/2002`]);
  });
});
