/**
 * The app's id, which tells this app's check runs from other apps' of the same name: configured, else
 * `APP_ID`, else asked of GitHub once (`GET /app`, as the app, costing no installation's quota). When that
 * fails, runs are matched by name only and the next event asks again.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { Probot } from 'probot';
import { monoenvApp } from '../../src/github/index.js';
import { APP_ID, createProbot, deliver, fixture, github, withoutNetwork } from './harness.js';

type RunPayload = { check_run: { external_id: string | null; app: { id: number } } };

/** A re-run of a push audit's run (no pull request): after the app-id check, nothing more is asked. */
function rerunOfApp(appId: number): RunPayload {
  const payload = fixture<RunPayload>('check_run.rerequested');
  payload.check_run.external_id = null;
  payload.check_run.app.id = appId;
  return payload;
}

describe('the app id', () => {
  const network = withoutNetwork();
  const saved = process.env.APP_ID;
  beforeEach(() => {
    delete process.env.APP_ID;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.APP_ID;
    else process.env.APP_ID = saved;
  });

  async function appWithoutId(): Promise<{ probot: Probot; warnings: string[] }> {
    const probot = createProbot();
    const warnings: string[] = [];
    await probot.load(monoenvApp());
    // Probot makes its logger while loading; the app logs through it when the id cannot be read.
    probot.log.warn = (...args: unknown[]) => void warnings.push(String(args.find((a) => typeof a === 'string')));
    return { probot, warnings };
  }

  it('is asked of GitHub once, as the app, and remembered', async () => {
    const { probot, warnings } = await appWithoutId();
    const scope = github(network.log)
      .get('/app')
      .matchHeader('authorization', /^bearer /i)
      .reply(200, { id: APP_ID, slug: 'monoenv' });
    await deliver(probot, 'check_run', rerunOfApp(APP_ID), 'd-1');
    await deliver(probot, 'check_run', rerunOfApp(APP_ID), 'd-2');
    expect(scope.isDone()).toBe(true);
    expect(network.log.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /app']);
    // A second look-up would have found no answer here, and said so.
    expect(warnings).toEqual([]);
  });

  it("tells another app's run apart by it: nothing is re-evaluated for it", async () => {
    const { probot } = await appWithoutId();
    const scope = github(network.log).get('/app').reply(200, { id: APP_ID, slug: 'monoenv' });
    const other = fixture<RunPayload>('check_run.rerequested');
    other.check_run.app.id = APP_ID + 1;
    await deliver(probot, 'check_run', other);
    expect(scope.isDone()).toBe(true);
    // Without the id, the other app's run (external_id 7) would have had its pull request fetched.
    expect(network.log.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /app']);
  });

  it('comes from APP_ID when set, without asking', async () => {
    process.env.APP_ID = String(APP_ID);
    const { probot } = await appWithoutId();
    await deliver(probot, 'check_run', rerunOfApp(APP_ID + 1));
    expect(network.log.requests).toEqual([]);
  });

  it('when GitHub cannot say: runs are matched by name only, it says so, and the next event asks again', async () => {
    const { probot, warnings } = await appWithoutId();
    const scope = github(network.log)
      .get('/app')
      .reply(401, { message: 'Bad credentials' })
      .get('/app')
      .reply(200, { id: APP_ID, slug: 'monoenv' });
    await deliver(probot, 'check_run', rerunOfApp(APP_ID), 'd-1');
    expect(warnings).toEqual(['could not read the app id; check runs are matched by name only']);
    await deliver(probot, 'check_run', rerunOfApp(APP_ID), 'd-2');
    expect(scope.isDone()).toBe(true);
    expect(network.log.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['GET /app 401', 'GET /app 200']);
  });
});
