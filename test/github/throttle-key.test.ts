/**
 * Octokit's throttling spaces writes a second apart per limiter key. The clients Probot gives webhook
 * handlers must be keyed by installation: one key for the whole app would queue every organisation's
 * writes behind each other.
 */
import { describe, expect, it } from '@jest/globals';
import Bottleneck from 'bottleneck';
import nock from 'nock';
import { Probot, type ApplicationFunction } from 'probot';
import { MonoenvOctokit, throttleId } from '../../src/github/octokit.js';
import { API, APP_ID, testPrivateKey } from './harness.js';

describe('throttleId', () => {
  it('is the installation, as Probot keys the clients of probot.auth(id)', () => {
    expect(throttleId({ appId: 123, installationId: 42, privateKey: 'k' })).toBe('42');
  });

  it('leaves the app (JWT) and token clients on the default key', () => {
    expect(throttleId({ appId: 123, privateKey: 'k' })).toBeUndefined();
    expect(throttleId('ghs_token')).toBeUndefined();
    expect(throttleId(undefined)).toBeUndefined();
  });
});

describe('write throttling of webhook handlers', () => {
  it("does not queue one installation's writes behind another's", async () => {
    nock.disableNetConnect();
    // Writes of one key spaced an hour apart instead of a second: whatever waits on that spacing cannot
    // finish during the test, so the outcome does not depend on how fast this machine is.
    const write = new Bottleneck.Group({ maxConcurrent: 1, minTime: 3_600_000 });
    const SpacedOctokit = MonoenvOctokit.defaults((options: Record<string, unknown>) => ({
      ...options,
      throttle: { ...(options.throttle as object), write },
    }));
    try {
      for (const installation of [501, 502]) {
        nock(API)
          .post(`/app/installations/${installation}/access_tokens`)
          .reply(201, { token: `ghs_${installation}`, expires_at: '2099-01-01T00:00:00Z', permissions: {}, repository_selection: 'all' });
      }
      nock(API).post('/repos/a/r/check-runs').reply(201, { id: 1 });
      nock(API).post('/repos/b/r/check-runs').reply(201, { id: 2 });
      const finished: string[] = [];
      const app: ApplicationFunction = (probot) => {
        probot.on('check_suite.requested', async (context) => {
          await context.octokit.rest.checks.create({
            owner: context.payload.repository.owner.login,
            repo: 'r',
            name: 'monoenv',
            head_sha: 'f'.repeat(40),
          });
          finished.push(context.id);
        });
      };
      const probot = new Probot({ appId: APP_ID, privateKey: testPrivateKey(), Octokit: SpacedOctokit, logLevel: 'fatal' });
      await probot.load(app);
      const event = (id: string, owner: string, installation: number) =>
        probot.receive({
          id,
          name: 'check_suite',
          payload: { action: 'requested', installation: { id: installation }, repository: { name: 'r', owner: { login: owner } } } as never,
        });
      await event('a1', 'a', 501);
      // Installation a's second write waits its (hour-long) spacing…
      const queued = new Promise<void>((resolve) => write.key('501').once('queued', () => resolve()));
      const a2 = event('a2', 'a', 501).catch((error: Error) => error);
      await queued;
      // …while installation b's first write goes through at once.
      await event('b1', 'b', 502);
      expect(finished).toEqual(['a1', 'b1']);
      // Scheduled, waiting out the spacing (Bottleneck counts such a job as running, not yet executing).
      const { QUEUED, RUNNING, EXECUTING } = write.key('501').counts();
      expect({ waiting: QUEUED + RUNNING, EXECUTING }).toEqual({ waiting: 1, EXECUTING: 0 });
      await write.key('501').stop({ dropWaitingJobs: true });
      expect(await a2).toBeInstanceOf(Error);
      expect(finished).toEqual(['a1', 'b1']);
    } finally {
      await Promise.all(write.limiters().map(({ limiter }) => limiter.stop({ dropWaitingJobs: true }).catch(() => undefined)));
      nock.cleanAll();
      nock.enableNetConnect();
    }
  });
});
