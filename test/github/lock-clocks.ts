/**
 * Clocks for the publish lock's tests, so that they wait on what the lock does (a failed attempt and its
 * pause, a renewal) instead of on wall-clock time.
 */
import { realClock, type LockClock } from '../../src/github/publish-lock.js';

/** Real time, with every pause between attempts counted, and a way to wait for the n-th one. */
export class CountingClock implements LockClock {
  pauses = 0;
  readonly #waiters: Array<{ count: number; resolve: () => void }> = [];

  now = (): number => realClock.now();
  every = (ms: number, tick: () => Promise<unknown>): (() => void) => realClock.every(ms, tick);

  sleep = (ms: number): Promise<void> => {
    this.pauses++;
    for (const waiter of this.#waiters.filter((w) => this.pauses >= w.count)) {
      this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
    return realClock.sleep(ms);
  };

  /** Resolves once `count` pauses have begun in all (a pause begins after a refused attempt). */
  pausedAtLeast(count: number): Promise<void> {
    if (this.pauses >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ count, resolve }));
  }
}

/** Time that moves only when the lock pauses (by the pause's length), and renewals run by hand. */
export class SteppedClock implements LockClock {
  time = 0;
  readonly pausesMs: number[] = [];
  readonly #renewals = new Map<number, { ms: number; tick: () => Promise<unknown> }>();
  #next = 0;

  now = (): number => this.time;

  sleep = (ms: number): Promise<void> => {
    this.pausesMs.push(ms);
    this.time += ms;
    // A macrotask, as a real pause is: Redis's answers get through between attempts.
    return new Promise((resolve) => setImmediate(resolve));
  };

  every = (ms: number, tick: () => Promise<unknown>): (() => void) => {
    const id = this.#next++;
    this.#renewals.set(id, { ms, tick });
    return () => void this.#renewals.delete(id);
  };

  /** The periods of the renewal timers running now. */
  get renewalPeriods(): number[] {
    return [...this.#renewals.values()].map((r) => r.ms);
  }

  /** Runs every renewal once, as if its period had passed, and waits for each to be answered. */
  async renew(): Promise<void> {
    await Promise.all([...this.#renewals.values()].map((r) => r.tick()));
  }
}
