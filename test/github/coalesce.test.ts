/**
 * Coalescing concurrent events for one commit: one evaluation at a time per key; the events that arrive
 * while it runs collapse into one run of the latest of them, after it, and all of them share its result.
 * Each job here finishes only when the test says so, so the order is the test's, not the clock's.
 */
import { describe, expect, it } from '@jest/globals';
import { CoalescingQueue } from '../../src/github/coalesce.js';

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
