/**
 * Creating the check run when GitHub fails: a POST is never retried blindly (it is not idempotent), so after
 * an ambiguous failure the commit's runs are looked up first and a run GitHub stored is adopted; a refused
 * output (422) is answered once with a plain one. The pauses go through an injected sleep that records them.
 */
import { describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { CheckRunPublisher, type CheckRunTarget } from '../../src/github/checks.js';
import type { CheckOutput } from '../../src/present/check-run.js';
import type { GitHubClient } from '../../src/github/facts.js';
import {
  API,
  APP_ID,
  HEAD_SHA,
  OWNER,
  REPO,
  REPO_PATH,
  TestOctokit,
  captureBody,
  runHolding,
  withoutNetwork,
  LOOKUP_PATH,
} from './harness.js';

const CREATE = `${REPO_PATH}/check-runs`;

const OUTPUT: CheckOutput = {
  conclusion: 'failure',
  title: 'Risky change unflagged',
  summary: '| Rule | Status |',
  annotations: Array.from({ length: 3 }, (_, i) => ({
    path: 'src/billing.ts',
    start_line: i + 1,
    end_line: i + 1,
    annotation_level: 'failure' as const,
    title: 'risky',
    message: `line ${i + 1}`,
  })),
};

const noRuns = { total_count: 0, check_runs: [] };
const storedRun = (id: number, appId = APP_ID) => ({
  total_count: 1,
  check_runs: [
    {
      id,
      external_id: '7',
      status: 'completed',
      conclusion: 'failure',
      app: { id: appId },
      output: { title: 'Risky change unflagged', summary: 'x', annotations_count: 0 },
    },
  ],
});

function setUp(options: { createRetries?: number } = {}) {
  const octokit = new TestOctokit({ auth: { token: 'ghs_test' } }) as unknown as GitHubClient;
  const target: CheckRunTarget = {
    octokit,
    installationId: 2,
    repository: { owner: OWNER, repo: REPO },
    headSha: HEAD_SHA,
    externalId: '7',
  };
  const pauses: number[] = [];
  const warnings: string[] = [];
  const publisher = new CheckRunPublisher(async () => APP_ID, {
    retryBaseMs: 1_000,
    settleMs: 10_000,
    sleep: async (ms) => void pauses.push(ms),
    log: { warn: ((_: unknown, message: string) => void warnings.push(message)) as never },
    ...options,
  });
  return { target, publisher, pauses, warnings };
}

describe('creating the check run when GitHub fails', () => {
  withoutNetwork();

  it('after a 5xx answer: waits its backoff, finds no run stored, and creates it again', async () => {
    const { target, publisher, pauses } = setUp();
    const bodies: unknown[] = [];
    const scope = nock(API)
      .get(LOOKUP_PATH)
      .reply(200, noRuns)
      .post(CREATE)
      .reply(502, { message: 'Bad Gateway' })
      .get(LOOKUP_PATH)
      .reply(200, noRuns)
      .post(CREATE, captureBody(bodies))
      .reply(201, { id: 31 });
    expect(await publisher.publish(target, OUTPUT)).toEqual({ id: 31, action: 'created', writes: 1 });
    expect(scope.isDone()).toBe(true);
    // GitHub answered, so no settling time: only the first backoff step.
    expect(pauses).toEqual([1_000]);
    expect(bodies[0]).toMatchObject({
      name: 'monoenv',
      head_sha: HEAD_SHA,
      status: 'completed',
      conclusion: 'failure',
      external_id: '7',
      output: { annotations: OUTPUT.annotations },
    });
  });

  it('after a cut connection: gives GitHub its settling time, finds the run it stored, adopts it and writes the whole output to it', async () => {
    const { target, publisher, pauses, warnings } = setUp();
    const updates: Array<{ output: { annotations: unknown[] } }> = [];
    const scope = nock(API)
      .get(LOOKUP_PATH)
      .reply(200, noRuns)
      .post(CREATE)
      .replyWithError({ code: 'ECONNRESET', message: 'socket hang up' })
      .get(LOOKUP_PATH)
      .reply(200, storedRun(77))
      .patch(`${REPO_PATH}/check-runs/77`, captureBody(updates))
      .reply(200, { id: 77 });
    expect(await publisher.publish(target, OUTPUT)).toEqual({ id: 77, action: 'created', writes: 1 });
    expect(scope.isDone()).toBe(true);
    expect(pauses).toEqual([10_000]);
    expect(warnings).toEqual(['check run creation failed after GitHub stored it; using the stored run']);
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({
      status: 'completed',
      conclusion: 'failure',
      output: { title: OUTPUT.title, annotations: OUTPUT.annotations },
    });
    // Remembered: the same verdict again writes nothing, once GitHub shows that the run still holds it.
    const held = nock(API)
      .get(`${REPO_PATH}/check-runs/77`)
      .reply(200, runHolding(77, updates as never));
    expect(await publisher.publish(target, OUTPUT)).toEqual({ id: 77, action: 'unchanged', writes: 0 });
    expect(held.isDone()).toBe(true);
  });

  it('does not adopt a run another app left on the commit', async () => {
    const { target, publisher } = setUp();
    const scope = nock(API)
      .get(LOOKUP_PATH)
      .reply(200, storedRun(5, 999))
      .post(CREATE)
      .reply(503, { message: 'Service Unavailable' })
      .get(LOOKUP_PATH)
      .reply(200, storedRun(5, 999))
      .post(CREATE)
      .reply(201, { id: 32 });
    expect(await publisher.publish(target, OUTPUT)).toMatchObject({ id: 32, action: 'created' });
    expect(scope.isDone()).toBe(true);
  });

  it("gives up after its retries, on plugin-retry's schedule (1, 4, 9 × the base), looking up before each", async () => {
    const { target, publisher, pauses } = setUp();
    const scope = nock(API).get(LOOKUP_PATH).reply(200, noRuns);
    for (let attempt = 0; attempt < 3; attempt++)
      scope.post(CREATE).reply(502, { message: 'Bad Gateway' }).get(LOOKUP_PATH).reply(200, noRuns);
    scope.post(CREATE).reply(502, { message: 'Bad Gateway' });
    await expect(publisher.publish(target, OUTPUT)).rejects.toMatchObject({ status: 502 });
    expect(scope.isDone()).toBe(true);
    expect(pauses).toEqual([1_000, 4_000, 9_000]);
  });

  it('does not retry a refusal that is not ambiguous (403)', async () => {
    const { target, publisher, pauses } = setUp();
    const scope = nock(API)
      .get(LOOKUP_PATH)
      .reply(200, noRuns)
      .post(CREATE)
      .reply(403, { message: 'Resource not accessible by integration' });
    await expect(publisher.publish(target, OUTPUT)).rejects.toMatchObject({ status: 403 });
    expect(scope.isDone()).toBe(true);
    expect(pauses).toEqual([]);
  });

  it('answers a 422 once with the verdict alone, saying what GitHub refused', async () => {
    const { target, publisher, warnings } = setUp();
    const bodies: Array<{ conclusion: string; output: { title: string; summary: string; annotations: unknown[] } }> = [];
    const scope = nock(API)
      .get(LOOKUP_PATH)
      .reply(200, noRuns)
      .post(CREATE)
      .reply(422, { message: 'Invalid request.\n\nFor \'items\', {"path"=>"x"} is not a valid annotation.' })
      .post(CREATE, captureBody(bodies))
      .reply(201, { id: 41 });
    expect(await publisher.publish(target, OUTPUT)).toEqual({ id: 41, action: 'created', writes: 1 });
    expect(scope.isDone()).toBe(true);
    expect(bodies).toHaveLength(1);
    expect(bodies[0].conclusion).toBe('failure');
    expect(bodies[0].output.title).toBe(OUTPUT.title);
    expect(bodies[0].output.annotations).toEqual([]);
    expect(bodies[0].output.summary).toMatch(
      /^\| Rule \| Status \|\n\n---\nGitHub refused the full output of this run \(Invalid request\./,
    );
    expect(warnings).toEqual([expect.stringMatching(/^GitHub refused the check run's output \(Invalid request/)]);
  });

  it('a second 422, on the plain output too, is an error: it is not retried again', async () => {
    const { target, publisher } = setUp();
    const scope = nock(API)
      .get(LOOKUP_PATH)
      .reply(200, noRuns)
      .post(CREATE)
      .reply(422, { message: 'Invalid request.' })
      .post(CREATE)
      .reply(422, { message: 'Invalid request.' });
    await expect(publisher.publish(target, OUTPUT)).rejects.toMatchObject({ status: 422 });
    expect(scope.isDone()).toBe(true);
  });
});
