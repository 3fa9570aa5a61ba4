/**
 * Coalescing concurrent events for one commit: one evaluation at a time per key; the events that arrive
 * while it runs collapse into one run of the latest of them, after it, and all of them share its result.
 * Each job here finishes only when the test says so, so the order is the test's, not the clock's. The App
 * test holds the first evaluation's file list until the later events are in, every call pinned.
 */
import { describe, expect, it } from '@jest/globals';
import type { ReplyFnResult } from 'nock';
import { CoalescingQueue } from '../../src/github/coalesce.js';
import { monoenvApp } from '../../src/github/index.js';
import {
  withoutNetwork,
  APP_ID,
  BASE_SHA,
  HEAD_SHA,
  REPO_PATH,
  captureBody,
  createProbot,
  deliver,
  fixture,
  github,
  mockNoConfig,
  mockToken,
} from './harness.js';
import { PR_FILES } from './pull-files.js';

interface Job {
  run: () => Promise<void>;
  started: boolean;
  finish: () => void;
  fail: (error: Error) => void;
}

/** A job that records its start and waits to be finished or failed. */
function job(name: string, log: string[]): Job {
  const made = { started: false } as Job;
  made.run = () =>
    new Promise<void>((resolve, reject) => {
      made.started = true;
      log.push(name);
      made.finish = resolve;
      made.fail = reject;
    });
  return made;
}

/** Lets every settled promise's reactions run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('CoalescingQueue', () => {
  it('runs one job per key at a time; of those that arrive meanwhile only the latest runs, once, after it', async () => {
    const queue = new CoalescingQueue();
    const started: string[] = [];
    const [first, second, third, fourth] = ['first', 'second', 'third', 'fourth'].map((name) => job(name, started));
    const done: string[] = [];
    const track = (name: string, promise: Promise<void>) => promise.then(() => void done.push(name));

    const all = [
      track('first', queue.run('k', first.run)),
      track('second', queue.run('k', second.run)),
      track('third', queue.run('k', third.run)),
      track('fourth', queue.run('k', fourth.run)),
    ];
    await settle();
    expect(started).toEqual(['first']);
    expect(queue.active).toBe(1);

    first.finish();
    await settle();
    // The events that waited share one evaluation: the newest one's.
    expect(started).toEqual(['first', 'fourth']);
    expect(done).toEqual(['first']);
    expect(second.started || third.started).toBe(false);

    fourth.finish();
    await Promise.all(all);
    expect(done).toEqual(['first', 'second', 'third', 'fourth']);
    expect(queue.active).toBe(0);
  });

  it('runs different keys side by side', async () => {
    const queue = new CoalescingQueue();
    const started: string[] = [];
    const [a, b] = [job('a', started), job('b', started)];
    const both = [queue.run('commit-a', a.run), queue.run('commit-b', b.run)];
    await settle();
    expect(started).toEqual(['a', 'b']);
    expect(queue.active).toBe(2);
    a.finish();
    b.finish();
    await Promise.all(both);
    expect(queue.active).toBe(0);
  });

  it('goes on to the waiting job after a failure; the failure reaches only its own caller', async () => {
    const queue = new CoalescingQueue();
    const started: string[] = [];
    const [first, second] = [job('first', started), job('second', started)];
    const firstDone = queue.run('k', first.run);
    const secondDone = queue.run('k', second.run);
    await settle();
    first.fail(new Error('GitHub answered 502'));
    await expect(firstDone).rejects.toThrow('GitHub answered 502');
    await settle();
    expect(started).toEqual(['first', 'second']);
    second.finish();
    await expect(secondDone).resolves.toBeUndefined();
    expect(queue.active).toBe(0);
  });

  it("hands the waiting job's failure to every event it stood for", async () => {
    const queue = new CoalescingQueue();
    const started: string[] = [];
    const [first, second, third] = [job('first', started), job('second', started), job('third', started)];
    const firstDone = queue.run('k', first.run);
    const waiting = [queue.run('k', second.run), queue.run('k', third.run)];
    await settle();
    first.finish();
    await firstDone;
    await settle();
    third.fail(new Error('could not read the configuration'));
    for (const promise of waiting) await expect(promise).rejects.toThrow('could not read the configuration');
    expect(started).toEqual(['first', 'third']);
    expect(queue.active).toBe(0);
  });

  it('starts afresh for a key whose work has ended', async () => {
    const queue = new CoalescingQueue();
    const started: string[] = [];
    const [first, later] = [job('first', started), job('later', started)];
    const firstDone = queue.run('k', first.run);
    await settle();
    first.finish();
    await firstDone;
    expect(queue.active).toBe(0);
    const laterDone = queue.run('k', later.run);
    await settle();
    expect(started).toEqual(['first', 'later']);
    later.finish();
    await laterDone;
  });
});

describe('concurrent events for one commit in the App', () => {
  const network = withoutNetwork();
  const FILES_PATH = `${REPO_PATH}/pulls/7/files?per_page=100`;

  it('events that arrive while the commit is being evaluated cost one more evaluation, of the latest, and one update', async () => {
    const probot = createProbot();
    await probot.load(monoenvApp({ appId: APP_ID }));
    type Run = { output: { annotations: { annotation_level: string }[] } };
    const created: Run[] = [];
    const updated: Run[] = [];
    const levels = (run: Run): string[] => [...new Set(run.output.annotations.map((a) => a.annotation_level))];
    // The first evaluation's file list is answered only when the test says so.
    let answerFiles!: () => void;
    let filesAsked!: () => void;
    const asked = new Promise<void>((resolve) => (filesAsked = resolve));
    const scope = mockNoConfig(mockToken(github(network.log)))
      .get(FILES_PATH)
      .reply((_uri: string, _body: unknown, reply: (error: null, result: ReplyFnResult) => void) => {
        answerFiles = () => reply(null, [200, PR_FILES, { etag: '"files-v1"' }]);
        filesAsked();
      })
      .get(`${REPO_PATH}/contents/.gitattributes?ref=${BASE_SHA}`)
      .reply(404, { message: 'Not Found' })
      .get(`${REPO_PATH}/commits/${HEAD_SHA}/check-runs?check_name=monoenv&filter=all`)
      .reply(200, { total_count: 0, check_runs: [] })
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 1001 })
      // The second evaluation (of the label event): the pull request's labels as they are now, the unchanged
      // file list (304), and the run it updates.
      .get(`${REPO_PATH}/pulls/7`)
      .reply(200, fixture<{ pull_request: object }>('pull_request.labeled').pull_request)
      .get(FILES_PATH)
      .matchHeader('if-none-match', '"files-v1"')
      .reply(304, '')
      .patch(`${REPO_PATH}/check-runs/1001`, captureBody(updated))
      .reply(200, { id: 1001 });

    const first = deliver(probot, 'pull_request', fixture('pull_request.synchronize'), 'delivery-a');
    await asked;
    // Two more events for the same commit while the first is being evaluated: a push's redelivered
    // synchronize (no labels) and then the label that waives the tests rule.
    const second = deliver(probot, 'pull_request', fixture('pull_request.synchronize'), 'delivery-b');
    const third = deliver(probot, 'pull_request', fixture('pull_request.labeled'), 'delivery-c');
    for (let turn = 0; turn < 5; turn++) await settle();
    expect(network.log.routes.filter((route) => route.includes('/pulls/7/files'))).toEqual([]);
    answerFiles();
    await Promise.all([first, second, third]);

    expect(scope.isDone()).toBe(true);
    // One evaluation for the first event and one for the latest; the one in between never ran. The file
    // list and the look-up are sent together.
    const routes = network.log.routes.filter((route) => !route.includes('/contents/'));
    expect(routes.slice(0, 2).sort()).toEqual(
      [`GET ${FILES_PATH}`, `GET ${REPO_PATH}/commits/${HEAD_SHA}/check-runs?check_name=monoenv&filter=all`].sort(),
    );
    expect(routes.slice(2)).toEqual([`POST ${REPO_PATH}/check-runs`, `GET ${REPO_PATH}/pulls/7`, `PATCH ${REPO_PATH}/check-runs/1001`]);
    expect(network.log.notModified).toHaveLength(1);
    expect(levels(created[0])).toEqual(['warning']);
    // The update is the latest event's verdict: the label waives the tests rule's warnings into notices.
    expect(updated).toHaveLength(1);
    expect(levels(updated[0])).toEqual(['notice']);
  });
});
