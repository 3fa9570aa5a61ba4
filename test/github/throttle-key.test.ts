/**
 * Octokit's throttling spaces writes a second apart per limiter key. The clients Probot gives webhook
 * handlers must be keyed by installation: one key for the whole app would queue every organisation's
 * writes behind each other.
 */
import { describe, expect, it } from '@jest/globals';
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
    try {
      for (const installation of [501, 502]) {
        nock(API)
          .post(`/app/installations/${installation}/access_tokens`)
          .reply(201, { token: `ghs_${installation}`, expires_at: '2099-01-01T00:00:00Z', permissions: {}, repository_selection: 'all' });
      }
      nock(API).post('/repos/a/r/check-runs').times(3).reply(201, { id: 1 });
      nock(API).post('/repos/b/r/check-runs').reply(201, { id: 2 });
      const finished: string[] = [];
      const app: ApplicationFunction = (probot) => {
        probot.on('check_suite.requested', async (context) => {
          await context.octokit.rest.checks.create({ owner: context.payload.repository.owner.login, repo: 'r', name: 'monoenv', head_sha: 'f'.repeat(40) });
          finished.push(context.id);
        });
      };
      const probot = new Probot({ appId: APP_ID, privateKey: testPrivateKey(), Octokit: MonoenvOctokit as never, logLevel: 'fatal' });
      await probot.load(app);
      const event = (id: string, owner: string, installation: number) =>
        probot.receive({
          id,
          name: 'check_suite',
          payload: { action: 'requested', installation: { id: installation }, repository: { name: 'r', owner: { login: owner } } } as never,
        });
      // Installation a has two writes waiting their second each when b's first write arrives: b must not wait.
      await event('a1', 'a', 501);
      const queued = [event('a2', 'a', 501), event('a3', 'a', 501)];
      await new Promise((resolve) => setTimeout(resolve, 100));
      await Promise.all([event('b1', 'b', 502), ...queued]);
      expect(finished).toEqual(['a1', 'b1', 'a2', 'a3']);
      expect(nock.isDone()).toBe(true);
    } finally {
      nock.cleanAll();
      nock.enableNetConnect();
    }
  });
});
