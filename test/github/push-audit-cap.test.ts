/**
 * The push audit's bound: a push of more commits than it looks up (a history import, most likely) costs at
 * most MAX_AUDITED_COMMITS look-ups, of the newest commits, and its run says how many were left out.
 */
import { describe, expect, it } from '@jest/globals';
import { MAX_AUDITED_COMMITS } from '../../src/github/push-audit.js';
import { withoutNetwork, REPO_PATH, captureBody, deliver, fixture, github, loadApp, mockNoConfigAt, mockToken } from './harness.js';

type PushPayload = { after: string; commits: Array<{ id: string; message: string; author: { name: string; username?: string } }> };

const sha = (i: number): string => i.toString(16).padStart(40, 'a');

describe('push audit of a long push', () => {
  const network = withoutNetwork();

  it(`looks up only the newest ${MAX_AUDITED_COMMITS} commits, and says so`, async () => {
    const probot = await loadApp();
    const total = MAX_AUDITED_COMMITS + 20;
    const payload = fixture<PushPayload>('push');
    const template = payload.commits.find((c) => c.author.username === 'octo-author')!;
    payload.commits = Array.from({ length: total }, (_, i) => ({ ...template, id: sha(i + 1), message: `change ${i + 1}` }));
    payload.after = sha(total);
    const runs: Array<{ head_sha: string; conclusion: string; output: { title: string; summary: string } }> = [];
    const scope = mockNoConfigAt(mockToken(github(network.log)));
    // The newest commits, each pushed without a pull request.
    for (let i = total - MAX_AUDITED_COMMITS + 1; i <= total; i++) scope.get(`${REPO_PATH}/commits/${sha(i)}/pulls`).reply(200, []);
    scope
      .get(`${REPO_PATH}/commits/${sha(total)}/check-runs?check_name=monoenv&filter=all`)
      .reply(200, { total_count: 0, check_runs: [] })
      .post(`${REPO_PATH}/check-runs`, captureBody(runs))
      .reply(201, { id: 77 });
    await deliver(probot, 'push', payload);
    expect(scope.isDone()).toBe(true);
    const lookedUp = network.log.routes.filter((r) => r.endsWith('/pulls'));
    expect(lookedUp).toHaveLength(MAX_AUDITED_COMMITS);
    expect(lookedUp).not.toContain(`GET ${REPO_PATH}/commits/${sha(total - MAX_AUDITED_COMMITS)}/pulls`);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      head_sha: sha(total),
      conclusion: 'failure',
      output: { title: expect.stringMatching(/^Pushed without review/) },
    });
    expect(runs[0].output.summary).toContain(`Only the newest ${MAX_AUDITED_COMMITS} of ${total} commits were looked up.`);
  });

  it('says nothing of a cap when the push is within it', async () => {
    const probot = await loadApp();
    const runs: Array<{ output: { summary: string } }> = [];
    const scope = mockNoConfigAt(mockToken(github(network.log)))
      .get(`${REPO_PATH}/commits/2222222222222222222222222222222222222222/pulls`)
      .reply(200, [])
      .get(`${REPO_PATH}/commits/3333333333333333333333333333333333333333/pulls`)
      .reply(200, [])
      .get(`${REPO_PATH}/commits/3333333333333333333333333333333333333333/check-runs?check_name=monoenv&filter=all`)
      .reply(200, { total_count: 0, check_runs: [] })
      .post(`${REPO_PATH}/check-runs`, captureBody(runs))
      .reply(201, { id: 78 });
    await deliver(probot, 'push', fixture('push'));
    expect(scope.isDone()).toBe(true);
    expect(runs[0].output.summary).not.toContain('were looked up');
  });
});
