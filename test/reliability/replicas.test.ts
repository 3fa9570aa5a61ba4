/**
 * Two app processes (`npm start`'s entry) sharing one emulator and one Redis (`REDIS_URL`): every event is
 * delivered to both at the same instant, so both handle the same commit together. The publish lock must
 * leave exactly one `monoenv` run per commit. Needs a `redis-server` binary (.ci/run installs it); without
 * one the test is skipped and listed (under CI, it fails).
 *
 * Each stage waits until both processes log that they finished every one of its deliveries (a delivery
 * answered 202 is still being handled), so no event is judged on a later push's files and no late second
 * run can appear after the counts are taken.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { deliverWebhook, pullRequestEvent, startEmulator, type Emulator } from '../../tools/emulator/index.js';
import { startAppProcess, type AppProcess } from './processes.js';
import { startRedisServer, type RedisServer } from './redis-server.js';
import { describeWithRedis } from './with-redis.js';
import { expectedConclusion, seedPull, verdict, type PullSpec } from './scenario.js';
import { appKey } from './world.js';

const APP_ID = 5151;
const SECRET = 'replicas-secret';

/** The app's last word on a delivery: handled, already handled, or failed (logged at error level). */
const finished =
  (id: string) =>
  (line: string): boolean =>
    line.includes(`"delivery":"${id}"`) &&
    (line.includes('monoenv: delivery handled') || line.includes('delivery already handled') || /"level":(50|60)/.test(line));

describeWithRedis('replicas.test.ts', 'two replicas sharing REDIS_URL, the same events at the same instant', () => {
  let gh: Emulator;
  let redis: RedisServer;
  let apps: AppProcess[] = [];

  beforeAll(async () => {
    gh = await startEmulator({ recordRequests: false, apps: [{ id: APP_ID, slug: 'monoenv', privateKey: appKey() }] });
    redis = await startRedisServer();
    const options = { appId: APP_ID, privateKey: appKey(), secret: SECRET, redisUrl: redis.url, logLevel: 'debug' };
    apps = await Promise.all([startAppProcess(gh, options), startAppProcess(gh, options)]);
  }, 60_000);

  afterAll(async () => {
    for (const app of apps) await app.stop();
    await redis?.stop();
    await gh?.close();
  });

  it('leaves exactly one run per commit, with the right conclusion', async () => {
    // Few installations: Octokit's throttling spaces each installation's writes (and the app's token
    // requests) one second apart, across both processes once they share Redis.
    const pulls: PullSpec[] = Array.from({ length: 6 }, (_, i) => ({
      owner: `replica${i % 2}`,
      repo: 'service',
      number: i + 1,
      installationId: 7_100 + (i % 2),
      sources: 1 + (i % 4),
      tested: i % 2 === 0,
    }));
    const statuses: number[] = [];
    // Delivered to both processes under one id; resolves once both have finished it.
    const both = async (event: { name: string; payload: unknown }): Promise<void> => {
      const id = randomUUID();
      statuses.push(...(await Promise.all(apps.map((app) => deliverWebhook(app.url, { ...event, secret: SECRET, id })))));
      await Promise.all(apps.map((app) => app.waitForLog(finished(id))));
    };
    const heads: Array<{ spec: PullSpec; head: string }> = [];
    for (const [revision, action] of [
      [0, 'opened'],
      [1, 'synchronize'],
      [1, 'edited'],
    ] as const) {
      const stage = pulls.map((spec) => {
        const at = { ...spec, revision, tested: revision === 0 ? spec.tested : !spec.tested };
        return {
          spec: at,
          head:
            action === 'edited' ? heads.find((h) => h.spec.number === spec.number && h.spec.revision === revision)!.head : seedPull(gh, at),
        };
      });
      if (action !== 'edited') heads.push(...stage);
      await Promise.all(
        pulls.map((spec) => both(pullRequestEvent(gh, { owner: spec.owner, repo: spec.repo, number: spec.number, action }))),
      );
    }
    expect(statuses.filter((status) => status !== 200 && status !== 202)).toEqual([]);
    const outcomes = heads.map(({ spec, head }) => {
      const result = verdict(gh, spec.owner, spec.repo, head, APP_ID);
      return {
        pull: `${spec.owner}#${spec.number}@${spec.revision}`,
        runs: result.runs,
        completed: result.completed,
        conclusion: result.conclusion,
      };
    });
    const expected = heads.map(({ spec }) => ({
      pull: `${spec.owner}#${spec.number}@${spec.revision}`,
      runs: 1,
      completed: true,
      conclusion: expectedConclusion(spec),
    }));
    expect(outcomes).toEqual(expected);
    expect(gh.violations).toEqual([]);
    expect(apps.flatMap((app) => app.logs).filter((line) => /"level":(50|60)/.test(line))).toEqual([]);
    // Redis answered throughout: no fallback to unlocked publishing, no wait past the bound.
    expect(apps.flatMap((app) => app.logs).filter((line) => line.includes('publish lock'))).toEqual([]);
  }, 120_000);
});
