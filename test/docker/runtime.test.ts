import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { deliverWebhook, generatePrivateKey, pullRequestEvent, startEmulator, type Emulator } from '../../tools/emulator/index.js';
import { HEAD_SHA, OWNER, PR_NUMBER, REPO, seedPullRequest } from '../../tools/scenario.js';
import { buildImageLocally, enterpriseFront, runtimeCommand, startServer, type BuiltImage, type RunningServer } from './runtime.js';

const APP_ID = 424242;
const WEBHOOK_SECRET = 'docker-webhook-secret';
let image: BuiltImage;

/** The check runs on the pull request's head once they are all completed (what there is after ~50 s otherwise). */
async function storedRuns(gh: Emulator): Promise<ReturnType<Emulator['checkRuns']>> {
  for (let polls = 0; ; polls++) {
    const runs = gh.checkRuns(OWNER, REPO, HEAD_SHA);
    if ((runs.length > 0 && runs.every((run) => run.status === 'completed')) || polls >= 1_000) return runs;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
let privateKey: string;

beforeAll(() => {
  image = buildImageLocally();
  privateKey = generatePrivateKey();
}, 180_000);

describe("the runtime image's files", () => {
  it('hold the compiled app, its schema and manifest, and nothing else', () => {
    const { argv } = runtimeCommand();
    const entry = argv.at(-1)!.replace(/^\.\//, '');
    expect(image.files).toContain(entry);
    expect(image.files).toContain('package.json');
    expect(image.files).toContain('schema/monoenv.schema.json');
    for (const file of image.files) expect(file).toMatch(/^(package\.json|lib\/.+\.js(\.map)?|schema\/monoenv\.schema\.json)$/);
    expect(image.files.filter((f) => /\.(pem|key|env)$|(^|\/)\.env|\.test\.|\.ts$/.test(f))).toEqual([]);
  });
});

describe("the runtime stage's command", () => {
  let gh: Emulator;
  let front: Awaited<ReturnType<typeof enterpriseFront>>;
  let server: RunningServer | undefined;

  beforeEach(async () => {
    gh = await startEmulator({ apps: [{ id: APP_ID, slug: 'monoenv', privateKey }] });
    seedPullRequest(gh);
    front = await enterpriseFront(gh.url);
  });

  afterEach(async () => {
    await server?.stop();
    server = undefined;
    await front.close();
    await gh.close();
  });

  const appEnv = (): Record<string, string> => ({
    APP_ID: String(APP_ID),
    PRIVATE_KEY: privateKey,
    WEBHOOK_SECRET,
    GHE_HOST: front.host,
    GHE_PROTOCOL: 'http',
    LOG_LEVEL: 'warn',
  });

  it("serves /ping, passes the image's HEALTHCHECK, and posts the check run for a signed webhook", async () => {
    server = await startServer(image.appDir, appEnv());
    expect(await (await fetch(`${server.url}/ping`)).text()).toBe('PONG');

    const { healthcheck } = runtimeCommand();
    const probe = await new Promise<number>((resolve) => {
      execFile(process.execPath, healthcheck.slice(1), { env: { PATH: process.env.PATH, PORT: String(server!.port) } }, (error) =>
        resolve(error ? Number(error.code ?? 1) : 0),
      );
    });
    expect(probe).toBe(0);

    const event = pullRequestEvent(gh, { owner: OWNER, repo: REPO, number: PR_NUMBER, action: 'opened' });
    // 200 once the handler is done; 202 when it outlasts Probot's 9 s (a loaded machine) and goes on: then the
    // run is awaited where it lands, in the emulator, for as long as the test's timeout allows.
    expect([200, 202]).toContain(await deliverWebhook(server.url, { ...event, secret: WEBHOOK_SECRET }));
    const runs = await storedRuns(gh);
    expect(runs.map((r) => [r.name, r.status, r.conclusion, r.appId])).toEqual([['monoenv', 'completed', 'failure', APP_ID]]);
    // Every API call went through the Enterprise path (GHE_HOST), none straight to the emulator.
    expect(front.forwarded()).toBeGreaterThan(0);
    expect(gh.requests.length).toBe(front.forwarded());
    expect(gh.violations).toEqual([]);
  }, 60_000);

  it('rejects a webhook signed with another secret', async () => {
    server = await startServer(image.appDir, appEnv());
    const event = pullRequestEvent(gh, { owner: OWNER, repo: REPO, number: PR_NUMBER, action: 'opened' });
    expect(await deliverWebhook(server.url, { ...event, secret: 'not-the-secret' })).toBe(400);
    expect(gh.checkRuns(OWNER, REPO)).toEqual([]);
  }, 60_000);

  it('refuses to start in production without a private key instead of falling into setup mode', async () => {
    const { PRIVATE_KEY: _dropped, ...withoutKey } = appEnv();
    await expect(startServer(image.appDir, withoutKey)).rejects.toThrow(/Certificate is missing/);
  }, 60_000);

  // In the image tini is PID 1 and forwards the signal; here the server gets it directly.
  it('exits promptly on SIGTERM', async () => {
    server = await startServer(image.appDir, appEnv());
    const started = Date.now();
    await server.stop();
    expect(server.process.exitCode !== null || server.process.signalCode !== null).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
    server = undefined;
  }, 60_000);
});

describe('two replicas on one GitHub', () => {
  let gh: Emulator;
  let front: Awaited<ReturnType<typeof enterpriseFront>>;
  let replicas: RunningServer[] = [];

  beforeEach(async () => {
    gh = await startEmulator({ apps: [{ id: APP_ID, slug: 'monoenv', privateKey }] });
    seedPullRequest(gh);
    front = await enterpriseFront(gh.url);
    const env = {
      APP_ID: String(APP_ID),
      PRIVATE_KEY: privateKey,
      WEBHOOK_SECRET,
      GHE_HOST: front.host,
      GHE_PROTOCOL: 'http',
      LOG_LEVEL: 'warn',
    };
    replicas = await Promise.all([startServer(image.appDir, env), startServer(image.appDir, env)]);
  }, 60_000);

  afterEach(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await front.close();
    await gh.close();
  });

  const deliver = (replica: RunningServer, action: string, id?: string): Promise<number> =>
    deliverWebhook(replica.url, {
      ...pullRequestEvent(gh, { owner: OWNER, repo: REPO, number: PR_NUMBER, action }),
      secret: WEBHOOK_SECRET,
      id,
    });

  it('leave one check run per commit when events for it reach different replicas', async () => {
    expect(await deliver(replicas[0], 'opened')).toBe(200);
    expect(await deliver(replicas[1], 'edited')).toBe(200);
    // GitHub redelivers the first event, and the load balancer sends it to the other replica.
    expect(await deliver(replicas[1], 'opened', 'delivery-1')).toBe(200);
    expect(await deliver(replicas[0], 'opened', 'delivery-1')).toBe(200);

    const runs = gh.checkRuns(OWNER, REPO, HEAD_SHA);
    expect(runs.map((r) => [r.name, r.status, r.conclusion])).toEqual([['monoenv', 'completed', 'failure']]);
    expect(gh.counters.byRoute['POST /repos/{owner}/{repo}/check-runs']).toBe(1);
  }, 60_000);

  it('show one completed check run per commit when two replicas handle its events at the same moment', async () => {
    const statuses = await Promise.all([deliver(replicas[0], 'opened'), deliver(replicas[1], 'labeled')]);
    expect(statuses).toEqual([200, 200]);
    // Two replicas that both find no run and both create one can leave two runs of the same name in the
    // commit's suite (there is no lock between them). GitHub then shows the latest run per app and name,
    // in the pull request and to branch protection; what must hold is that this one carries the full result
    // and that no run is left unfinished.
    const stored = gh.checkRuns(OWNER, REPO, HEAD_SHA);
    expect(stored.every((r) => r.status === 'completed' && r.conclusion === 'failure')).toBe(true);
    expect(new Set(stored.map((r) => r.output.title)).size).toBe(1);
    const token = gh.store.issueToken(gh.store.repo(OWNER, REPO).installationId, APP_ID).token;
    const response = await fetch(`${gh.url}/repos/${OWNER}/${REPO}/commits/${HEAD_SHA}/check-runs?check_name=monoenv&filter=latest`, {
      headers: { authorization: `token ${token}`, accept: 'application/vnd.github+json' },
    });
    const shown = (await response.json()) as {
      total_count: number;
      check_runs: Array<{ status: string; conclusion: string; output: { annotations_count: number } }>;
    };
    expect(shown.total_count).toBe(1);
    expect(shown.check_runs[0]).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(shown.check_runs[0].output.annotations_count).toBe(stored[0].annotations.length);
  }, 60_000);
});
