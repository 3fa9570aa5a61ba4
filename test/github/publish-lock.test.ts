/**
 * The publish lock against a real Redis server (test/reliability/redis-server.ts: `redis-server` on a Unix
 * socket of its own). Without the binary these tests are skipped and listed; under CI they fail.
 *
 * Nothing here measures time: each test waits for what the lock does (a refused attempt and its pause, a
 * renewal, a log line), and the lock's clock is stepped by hand where its bound is what is tested.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { RedisPublishLock, publishLockFromEnv } from '../../src/github/publish-lock.js';
import { startRedisServer, type RedisServer } from '../reliability/redis-server.js';
import { describeWithRedis } from '../reliability/with-redis.js';
import { CountingClock, SteppedClock } from './lock-clocks.js';

const KEY = { owner: 'acme', repo: 'shop', sha: 'a'.repeat(40) };
const REDIS_KEY = `monoenv:publish:acme/shop@${'a'.repeat(40)}`;

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

class Lines {
  readonly warnings: string[] = [];
  readonly infos: string[] = [];
  readonly #infoSeen = deferred();
  warn = (...args: unknown[]): void => {
    this.warnings.push(String(args.find((a) => typeof a === 'string')));
  };
  info = (...args: unknown[]): void => {
    this.infos.push(String(args.find((a) => typeof a === 'string')));
    this.#infoSeen.resolve();
  };
  /** Resolves at the first info line. */
  get firstInfo(): Promise<void> {
    return this.#infoSeen.promise;
  }
}

/** A socket path nothing listens on, in a folder of its own (so nothing else can start listening there). */
const deadSocket = (): string => join(mkdtempSync(join(tmpdir(), 'monoenv-no-redis-')), 'redis.sock');

describeWithRedis('publish-lock.test.ts', 'publish lock across replicas (real Redis)', () => {
  let server: RedisServer;
  let admin: Redis;
  const locks: RedisPublishLock[] = [];
  // Servers a test starts are stopped here too, so that a test that fails midway leaves no process behind.
  const lateServers: RedisServer[] = [];
  const lock = (options: ConstructorParameters<typeof RedisPublishLock>[1] = {}, at = server.url): RedisPublishLock => {
    const made = new RedisPublishLock(at, options);
    locks.push(made);
    return made;
  };

  beforeAll(async () => {
    server = await startRedisServer();
    admin = new Redis(server.url);
    await admin.ping();
  }, 30_000);

  afterAll(async () => {
    for (const made of locks) await made.close();
    await admin?.quit();
    await server?.stop();
    for (const late of lateServers) await late.stop();
  });

  it('lets one replica at a time into the same commit, and the others in after it', async () => {
    const clocks = [new CountingClock(), new CountingClock(), new CountingClock()];
    const [a, b, c] = clocks.map((clock) => lock({ clock }));
    let inside = 0;
    let most = 0;
    const order: string[] = [];
    const waiting = new Set([0, 1, 2]);
    const work = (index: number, name: string) => async () => {
      inside++;
      most = Math.max(most, inside);
      waiting.delete(index);
      order.push(`${name} in`);
      // Stay inside until each replica still waiting has been refused once more: the lock kept it out.
      await Promise.all([...waiting].map((other) => clocks[other].pausedAtLeast(clocks[other].pauses + 1)));
      order.push(`${name} out`);
      inside--;
      return name;
    };
    const results = await Promise.all([a.hold(KEY, work(0, 'a')), b.hold(KEY, work(1, 'b')), c.hold(KEY, work(2, 'c'))]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(most).toBe(1);
    // Each entry is followed by its own exit.
    expect(order).toHaveLength(6);
    for (let i = 0; i < order.length; i += 2) expect(order[i + 1]).toBe(order[i].replace(' in', ' out'));
    expect(await admin.exists(REDIS_KEY)).toBe(0);
  });

  it('does not hold back other commits: both are inside at once, neither paused', async () => {
    const clock = new CountingClock();
    const [a, b] = [lock({ clock }), lock({ clock })];
    const entered = { a: deferred(), b: deferred() };
    // Each waits for the other to enter: were one held back, neither would finish.
    await Promise.all([
      a.hold(KEY, async () => {
        entered.a.resolve();
        await entered.b.promise;
      }),
      b.hold({ ...KEY, sha: 'b'.repeat(40) }, async () => {
        entered.b.resolve();
        await entered.a.promise;
      }),
    ]);
    expect(clock.pauses).toBe(0);
  });

  it('releases on failure, and the error reaches the caller', async () => {
    const a = lock();
    await expect(a.hold(KEY, async () => Promise.reject(new Error('GitHub answered 502')))).rejects.toThrow('GitHub answered 502');
    expect(await admin.exists(REDIS_KEY)).toBe(0);
  });

  it('never deletes a lock another holder took after its own expired', async () => {
    const a = lock({ ttlMs: 150 });
    await a.hold(KEY, async () => {
      // The holder stalls past its TTL without extending (as if paused): another replica takes the key.
      await admin.del(REDIS_KEY);
      await admin.set(REDIS_KEY, 'other-replica', 'PX', 5_000);
    });
    expect(await admin.get(REDIS_KEY)).toBe('other-replica');
    await admin.del(REDIS_KEY);
  });

  it('waits out a crashed holder: it is refused until the key expires, then holds it', async () => {
    await admin.set(REDIS_KEY, 'crashed-replica', 'PX', 300);
    const clock = new CountingClock();
    const a = lock({ clock });
    let holder: string | null = null;
    await a.hold(KEY, async () => {
      holder = await admin.get(REDIS_KEY);
    });
    // Refused at least once (the crashed holder's key was there), then in with a token of its own.
    expect(clock.pauses).toBeGreaterThanOrEqual(1);
    expect(holder).toMatch(/^[0-9a-f-]{36}$/);
    expect(await admin.exists(REDIS_KEY)).toBe(0);
  });

  it('extends the lock while the work outlasts the TTL, every third of it, and stops when the work ends', async () => {
    const clock = new SteppedClock();
    const waiting = new CountingClock();
    const a = lock({ ttlMs: 3_000, clock });
    const b = lock({ clock: waiting });
    const events: string[] = [];
    let bDone: Promise<void> | undefined;
    await a.hold(KEY, async () => {
      events.push('a in');
      expect(clock.renewalPeriods).toEqual([1_000]);
      // The TTL is about to run out…
      await admin.pexpire(REDIS_KEY, 50);
      // …when the renewal comes: the key has its whole TTL again.
      await clock.renew();
      expect(await admin.pttl(REDIS_KEY)).toBeGreaterThan(1_000);
      bDone = b.hold(KEY, async () => void events.push('b in'));
      // b is refused twice while a works on.
      await waiting.pausedAtLeast(2);
      events.push('a out');
    });
    await bDone;
    expect(events).toEqual(['a in', 'a out', 'b in']);
    expect(clock.renewalPeriods).toEqual([]);
  });

  it('a renewal that comes after another holder took the key leaves that holder alone', async () => {
    const clock = new SteppedClock();
    const a = lock({ ttlMs: 3_000, clock });
    await a.hold(KEY, async () => {
      await admin.set(REDIS_KEY, 'other-replica', 'PX', 500);
      await clock.renew();
      expect(await admin.get(REDIS_KEY)).toBe('other-replica');
      expect(await admin.pttl(REDIS_KEY)).toBeLessThanOrEqual(500);
    });
    expect(await admin.get(REDIS_KEY)).toBe('other-replica');
    await admin.del(REDIS_KEY);
  });

  it('publishes anyway after waiting its bound for a lock that is never released', async () => {
    await admin.set(REDIS_KEY, 'stuck-replica', 'PX', 60_000);
    const lines = new Lines();
    const clock = new SteppedClock();
    const a = lock({ maxWaitMs: 300, log: lines, clock });
    let ran = false;
    await a.hold(KEY, async () => {
      ran = true;
    });
    expect(ran).toBe(true);
    // Its pauses (doubling from 25 ms, with jitter, up to 500 ms) add up to exactly its bound.
    expect(clock.pausesMs.length).toBeGreaterThanOrEqual(3);
    expect(clock.pausesMs.reduce((sum, ms) => sum + ms, 0)).toBeCloseTo(300, 6);
    expect(lines.warnings).toEqual([expect.stringContaining('publishing anyway')]);
    expect(await admin.get(REDIS_KEY)).toBe('stuck-replica');
    await admin.del(REDIS_KEY);
  });

  it('publishes without the lock when Redis is unreachable, says so once, and then does not touch Redis', async () => {
    const lines = new Lines();
    const a = lock({ log: lines }, deadSocket());
    expect(await a.hold(KEY, async () => 'first')).toBe('first');
    expect(lines.warnings).toHaveLength(1);
    expect(lines.warnings[0]).toContain('Redis unreachable');
    for (let i = 0; i < 4; i++) {
      // Once the outage is known, the work starts in the same tick: no command is sent, nothing is awaited.
      let started = false;
      const held = a.hold(KEY, async () => {
        started = true;
        return i;
      });
      expect(started).toBe(true);
      expect(await held).toBe(i);
    }
    expect(lines.warnings).toHaveLength(1);
  });

  it('comes back when Redis does, and says so', async () => {
    const socket = deadSocket();
    const lines = new Lines();
    const a = lock({ log: lines }, socket);
    await a.hold(KEY, async () => undefined);
    expect(lines.warnings).toHaveLength(1);
    const late = await startRedisServer({ socket });
    lateServers.push(late);
    try {
      await lines.firstInfo;
      expect(lines.infos).toEqual([expect.stringContaining('reachable again')]);
      const clock = new CountingClock();
      const other = lock({ clock }, socket);
      const entered = deferred();
      const events: string[] = [];
      const second = entered.promise.then(() => other.hold(KEY, async () => void events.push('other in')));
      await a.hold(KEY, async () => {
        events.push('a in');
        entered.resolve();
        // Locked again across replicas: the other one is refused while a holds the commit.
        await clock.pausedAtLeast(1);
        events.push('a out');
      });
      await second;
      expect(events).toEqual(['a in', 'a out', 'other in']);
    } finally {
      await a.close();
      await late.stop();
    }
  });
});

describe('publish lock from the environment', () => {
  it('is made only when REDIS_URL is set', async () => {
    expect(publishLockFromEnv({})).toBeUndefined();
    expect(publishLockFromEnv({ REDIS_URL: ' ' })).toBeUndefined();
    const made = publishLockFromEnv({ REDIS_URL: deadSocket() });
    expect(made).toBeInstanceOf(RedisPublishLock);
    await made!.close();
  });
});
