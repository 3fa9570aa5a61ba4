/**
 * An audit whose configuration is broken: the merge audit reads it at the pull request's base commit, the push
 * audit at `before` (or the organisation's `.github` repository for a new branch). A broken file there ends in
 * one failing run on the audited commit that names the mistake, and the audit itself is not done: no reviews
 * or commit look-ups, no comment, no label. Every request is pinned.
 */
import { describe, expect, it } from '@jest/globals';
import {
  NO_RUNS,
  withoutNetwork,
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
const BROKEN = 'size:\n  warn_lines: many\n';
const UNPARSABLE = 'size:\n  warn_lines: [300\n';
const PUSH_HEAD = '4444444444444444444444444444444444444444';
const AT_BASE = `${CONFIG_URL_PATH}?ref=${BASE_SHA}`;
const lookup = (sha: string): string => `${REPO_PATH}/commits/${sha}/check-runs?check_name=monoenv&filter=all`;

interface CheckRunBody {
  head_sha: string;
  conclusion: string;
  external_id?: string;
  output: {
    title: string;
    summary: string;
    annotations?: { path: string; start_line: number; annotation_level: string; message: string }[];
  };
}

describe('merge audit under a broken configuration at the base commit', () => {
  const network = withoutNetwork();

  it('an invalid file: a failing run on the merge commit lists the error on its line; no reviews, comment or label', async () => {
    const probot = await loadApp();
    const runs: CheckRunBody[] = [];
    const scope = mockToken(github(network.log))
      .get(AT_BASE)
      .reply(200, BROKEN, RAW)
      .get(lookup(MERGE_SHA))
      .reply(200, NO_RUNS)
      .post(`${REPO_PATH}/check-runs`, captureBody(runs))
      .reply(201, { id: 910 });
    await deliver(probot, 'pull_request', fixture('pull_request.closed.merged'));
    expect(scope.isDone()).toBe(true);
    // The file at a commit is read once: its positions come from the same answer.
    expect(network.log.routes).toEqual([`GET ${AT_BASE}`, `GET ${lookup(MERGE_SHA)}`, `POST ${REPO_PATH}/check-runs`]);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ head_sha: MERGE_SHA, conclusion: 'failure', output: { title: 'Invalid monoenv configuration' } });
    expect(runs[0].output.summary).toMatch(/size\.warn_lines/);
    expect(runs[0].output.annotations).toEqual([
      expect.objectContaining({ path: '.github/monoenv.yml', start_line: 2, annotation_level: 'failure' }),
    ]);
  });

  it('unparsable YAML: the same failing run, with the parser error on its line', async () => {
    const probot = await loadApp();
    const runs: CheckRunBody[] = [];
    const scope = mockToken(github(network.log))
      .get(AT_BASE)
      .reply(200, UNPARSABLE, RAW)
      .get(lookup(MERGE_SHA))
      .reply(200, NO_RUNS)
      .post(`${REPO_PATH}/check-runs`, captureBody(runs))
      .reply(201, { id: 911 });
    await deliver(probot, 'pull_request', fixture('pull_request.closed.merged'));
    expect(scope.isDone()).toBe(true);
    expect(network.log.routes.filter((r) => !r.startsWith('GET'))).toEqual([`POST ${REPO_PATH}/check-runs`]);
    expect(runs[0]).toMatchObject({ head_sha: MERGE_SHA, conclusion: 'failure', output: { title: 'Invalid monoenv configuration' } });
    expect(runs[0].output.annotations?.length).toBeGreaterThan(0);
  });
});

describe('push audit under a broken configuration', () => {
  const network = withoutNetwork();

  it('invalid at `before`: a failing run on the pushed head lists the error on its line; no commit is looked up', async () => {
    const probot = await loadApp();
    const runs: CheckRunBody[] = [];
    const scope = mockToken(github(network.log))
      .get(AT_BASE)
      .reply(200, BROKEN, RAW)
      .get(lookup(PUSH_HEAD))
      .reply(200, NO_RUNS)
      .post(`${REPO_PATH}/check-runs`, captureBody(runs))
      .reply(201, { id: 920 });
    await deliver(probot, 'push', fixture('push.config'));
    expect(scope.isDone()).toBe(true);
    expect(network.log.routes).toEqual([`GET ${AT_BASE}`, `GET ${lookup(PUSH_HEAD)}`, `POST ${REPO_PATH}/check-runs`]);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ head_sha: PUSH_HEAD, conclusion: 'failure', output: { title: 'Invalid monoenv configuration' } });
    expect(runs[0].output.summary).toMatch(/size\.warn_lines/);
    expect(runs[0].output.annotations).toEqual([expect.objectContaining({ path: '.github/monoenv.yml', start_line: 2 })]);
  });

  it('a new branch under an invalid organisation file: the run names it as extended, nothing is annotated', async () => {
    const probot = await loadApp();
    const runs: CheckRunBody[] = [];
    const payload = fixture<{ before: string; created: boolean }>('push.config');
    payload.before = '0000000000000000000000000000000000000000';
    payload.created = true;
    const scope = mockToken(github(network.log))
      .get(ORG_CONFIG_PATH)
      .reply(200, BROKEN, RAW)
      .get(lookup(PUSH_HEAD))
      .reply(200, NO_RUNS)
      .post(`${REPO_PATH}/check-runs`, captureBody(runs))
      .reply(201, { id: 921 });
    await deliver(probot, 'push', payload);
    expect(scope.isDone()).toBe(true);
    expect(network.log.routes).not.toContain(`GET ${CONFIG_URL_PATH}`);
    expect(runs[0]).toMatchObject({ head_sha: PUSH_HEAD, conclusion: 'failure', output: { title: 'Invalid monoenv configuration' } });
    expect(runs[0].output.summary).toContain('(with the configuration it extends)');
    expect(runs[0].output.annotations).toEqual([]);
  });

  it('a repository file that is missing at `before` falls back to the organisation; valid there, the audit goes on', async () => {
    const probot = await loadApp();
    const runs: CheckRunBody[] = [];
    const scope = mockToken(github(network.log))
      .get(AT_BASE)
      .reply(404, NOT_FOUND)
      .get(ORG_CONFIG_PATH)
      .reply(200, 'size:\n  level: warning\n', RAW)
      .get(`${REPO_PATH}/commits/${PUSH_HEAD}/pulls`)
      .reply(200, [])
      .get(lookup(PUSH_HEAD))
      .reply(200, NO_RUNS)
      .post(`${REPO_PATH}/check-runs`, captureBody(runs))
      .reply(201, { id: 922 });
    await deliver(probot, 'push', fixture('push.config'));
    expect(scope.isDone()).toBe(true);
    expect(runs[0]).toMatchObject({ head_sha: PUSH_HEAD, conclusion: 'failure', output: { title: 'Pushed without review' } });
  });
});

describe('an audit whose configuration GitHub cannot read', () => {
  const network = withoutNetwork();

  it('merge: the file at the base commit answers 500 on every attempt: the run says the audit failed, not that the file is invalid', async () => {
    const probot = await loadApp();
    const runs: CheckRunBody[] = [];
    const scope = mockToken(github(network.log))
      .get(AT_BASE)
      .times(4)
      .reply(500, { message: 'Server Error' })
      .get(lookup(MERGE_SHA))
      .reply(200, NO_RUNS)
      .post(`${REPO_PATH}/check-runs`, captureBody(runs))
      .reply(201, { id: 930 });
    await deliver(probot, 'pull_request', fixture('pull_request.closed.merged'));
    expect(scope.isDone()).toBe(true);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ head_sha: MERGE_SHA, conclusion: 'failure', output: { title: 'monoenv could not audit this merge' } });
    expect(runs[0].output.summary).toContain('GitHub API 500: Server Error');
    expect(network.log.routes).toEqual([
      ...Array<string>(4).fill(`GET ${AT_BASE}`),
      `GET ${lookup(MERGE_SHA)}`,
      `POST ${REPO_PATH}/check-runs`,
    ]);
  });
});
