/**
 * The faults that could leave a wrong, duplicate or missing check, over real HTTP against the emulator.
 * The full matrix (every route × every fault) runs in `npm run test:reliability`.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pullRequestEvent } from '../../tools/emulator/index.js';
import { expectedConclusion, seedPull, verdict, type PullSpec } from './scenario.js';
import { records, startWorld, type World } from './world.js';

const CREATE = 'POST /repos/{owner}/{repo}/check-runs';
const FILES = 'GET /repos/{owner}/{repo}/pulls/{pull_number}/files';

describe('faults from GitHub', () => {
  let world: World;
  let serial = 0;
  const pull = (overrides: Partial<PullSpec> = {}): PullSpec => ({
    owner: 'acme',
    repo: `shop${++serial}`,
    number: 1,
    installationId: 700 + serial,
    sources: 3,
    tested: false,
    ...overrides,
  });
  const open = (spec: PullSpec) =>
    world.send(pullRequestEvent(world.gh, { owner: spec.owner, repo: spec.repo, number: spec.number, action: 'opened' }));

  beforeAll(async () => {
    world = await startWorld({ retryBaseMs: 5, requestTimeoutMs: 400 });
  });
  afterAll(async () => {
    await world.close();
  });

  it('a connection cut in the middle of page 2 of the file list is retried, and every file is judged', async () => {
    const spec = pull({ sources: 130 });
    const head = seedPull(world.gh, spec);
    world.gh.faults.add({ route: FILES, query: { page: '2' }, reset: true });
    expect(await open(spec)).toBe(200);
    const result = verdict(world.gh, spec.owner, spec.repo, head, world.appId);
    expect(result).toMatchObject({ runs: 1, completed: true, conclusion: 'failure' });
    // 130 source files without tests: a cut page would have lost some of them.
    expect(result.title).toContain('130 files without tests');
    expect(world.gh.faults.pending()).toEqual([]);
  });

  it('a request that never answers in time is retried', async () => {
    const spec = pull();
    const head = seedPull(world.gh, spec);
    world.gh.faults.add({ route: FILES, delayMs: 1_500, status: 200 });
    expect(await open(spec)).toBe(200);
    expect(verdict(world.gh, spec.owner, spec.repo, head, world.appId)).toMatchObject({ runs: 1, completed: true, conclusion: 'failure' });
  });

  it.each([
    ['a 502 after GitHub stored the run', { status: 502, when: 'after' as const }],
    ['a connection cut after GitHub stored the run', { reset: true, when: 'after' as const }],
    ['a timeout after GitHub stored the run', { delayMs: 1_500, when: 'after' as const }],
    ['a timeout while GitHub is still storing the run', { delayMs: 600 }],
  ])('%s: one run, not two', async (_name, fault) => {
    const spec = pull({ tested: true });
    const head = seedPull(world.gh, spec);
    world.gh.faults.add({ route: CREATE, ...fault });
    expect(await open(spec)).toBe(200);
    expect(verdict(world.gh, spec.owner, spec.repo, head, world.appId)).toMatchObject({
      runs: 1,
      completed: true,
      inProgress: 0,
      conclusion: expectedConclusion(spec),
    });
  });

  it('a 502 before GitHub stored the run: created on the next attempt', async () => {
    const spec = pull();
    const head = seedPull(world.gh, spec);
    world.gh.faults.add({ route: CREATE, status: 502, times: 2 });
    expect(await open(spec)).toBe(200);
    expect(verdict(world.gh, spec.owner, spec.repo, head, world.appId)).toMatchObject({ runs: 1, completed: true, conclusion: 'failure' });
  });

  it('a 422 on creating the run: the verdict is still published, without the annotations GitHub refused', async () => {
    const spec = pull();
    const head = seedPull(world.gh, spec);
    world.gh.faults.add({ route: CREATE, status: 422 });
    expect(await open(spec)).toBe(200);
    const runs = world.gh.checkRuns(spec.owner, spec.repo, head);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(runs[0].output.summary).toContain('GitHub refused');
    expect(records(world).some((r) => r.level === 40 && /refused/.test(String(r.msg)))).toBe(true);
  });

  it('check-run creation failing on every attempt: no run is left, and one error line says what failed', async () => {
    const spec = pull();
    const head = seedPull(world.gh, spec);
    world.logs.length = 0;
    world.gh.faults.add({ route: CREATE, status: 503, times: Infinity });
    expect(await open(spec)).toBeGreaterThanOrEqual(500);
    world.gh.faults.clear();
    expect(world.gh.checkRuns(spec.owner, spec.repo, head)).toEqual([]);
    const errors = records(world).filter((r) => r.level >= 50);
    expect(errors.map((r) => r.msg).join('\n')).toMatch(/failed: POST \S*\/repos\/acme\/shop\d+\/check-runs answered 503/);
  });
});
