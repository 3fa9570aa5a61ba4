/**
 * The publish lock against a real Redis server (started here on a free port from the `redis-server` binary;
 * .ci/run installs it). Without the binary these tests are skipped and say so.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { RedisPublishLock, publishLockFromEnv } from '../../src/github/publish-lock.js';

const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;
if (!hasRedisServer) {
  process.stderr.write('publish-lock.test.ts: SKIPPED, no redis-server binary on PATH (apt-get install -y redis-server; .ci/run does this)\n');
}
const describeWithRedis = hasRedisServer ? describe : describe.skip;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const KEY = { owner: 'acme', repo: 'shop', sha: 'a'.repeat(40) };
const REDIS_KEY = `monoenv:publish:acme/shop@${'a'.repeat(40)}`;

class Lines {
  readonly warnings: string[] = [];
  readonly infos: string[] = [];
  warn = (...args: unknown[]): void => {
    this.warnings.push(String(args.find((a) => typeof a === 'string')));
  };
  info = (...args: unknown[]): void => {
    this.infos.push(String(args.find((a) => typeof a === 'string')));
  };
}

describeWithRedis('publish lock across replicas (real Redis)', () => {
  let server: ChildProcess;
  let url: string;
  let admin: Redis;
  const locks: RedisPublishLock[] = [];
  const lock = (options: ConstructorParameters<typeof RedisPublishLock>[1] = {}, at = url): RedisPublishLock => {
    const made = new RedisPublishLock(at, options);
    locks.push(made);
    return made;
  };

  beforeAll(async () => {
    const port = await freePort();
    server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    url = `redis://127.0.0.1:${port}`;
    // Commands wait in ioredis's queue until the server listens.
    admin = new Redis(url, { retryStrategy: () => 50 });
    await admin.ping();
  }, 15_000);

  afterAll(async () => {
    for (const made of locks) await made.close();
    await admin.quit();
    server.kill('SIGTERM');
  });

  it('lets one replica at a time into the same commit, and the others in after it', async () => {
    const [a, b, c] = [lock(), lock(), lock()];
    let inside = 0;
    let most = 0;
    const order: string[] = [];
    const work = (name: string) => async () => {
      inside++;
      most = Math.max(most, inside);
      order.push(`${name} in`);
      await sleep(60);
      order.push(`${name} out`);
      inside--;
      return name;
    };
    const results = await Promise.all([a.hold(KEY, work('a')), b.hold(KEY, work('b')), c.hold(KEY, work('c'))]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(most).toBe(1);
    // Each entry is followed by its own exit.
    for (let i = 0; i < order.length; i += 2) expect(order[i + 1]).toBe(order[i].replace(' in', ' out'));
    expect(await admin.exists(REDIS_KEY)).toBe(0);
  });

  it('does not hold back other commits', async () => {
    const [a, b] = [lock(), lock()];
    let inside = 0;
    let most = 0;
    const work = async () => {
      inside++;
      most = Math.max(most, inside);
      await sleep(80);
      inside--;
    };
    await Promise.all([a.hold(KEY, work), b.hold({ ...KEY, sha: 'b'.repeat(40) }, work)]);
    expect(most).toBe(2);
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

  it('waits out a crashed holder: the key expires after its TTL', async () => {
    await admin.set(REDIS_KEY, 'crashed-replica', 'PX', 300);
    const a = lock();
    const started = Date.now();
    await a.hold(KEY, async () => undefined);
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(250);
    expect(waited).toBeLessThan(2_000);
  });

  it('extends the lock while the work outlasts the TTL', async () => {
    const [a, b] = [lock({ ttlMs: 200 }), lock({ ttlMs: 200 })];
    const events: string[] = [];
    await Promise.all([
      a.hold(KEY, async () => {
        events.push('a in');
        await sleep(700);
        events.push('a out');
      }),
      sleep(50).then(() => b.hold(KEY, async () => void events.push('b in'))),
    ]);
    expect(events).toEqual(['a in', 'a out', 'b in']);
  });

  it('publishes anyway after waiting its bound for a lock that is never released', async () => {
    await admin.set(REDIS_KEY, 'stuck-replica', 'PX', 10_000);
    const lines = new Lines();
    const a = lock({ maxWaitMs: 300, log: lines });
    let ran = false;
    const started = Date.now();
    await a.hold(KEY, async () => {
      ran = true;
    });
    expect(ran).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(lines.warnings).toEqual([expect.stringContaining('publishing anyway')]);
    expect(await admin.get(REDIS_KEY)).toBe('stuck-replica');
    await admin.del(REDIS_KEY);
  });

  it('publishes without the lock when Redis is unreachable, says so once, and does not wait on every publish', async () => {
    const closedPort = await freePort();
    const lines = new Lines();
    const a = lock({ log: lines, commandTimeoutMs: 300 }, `redis://127.0.0.1:${closedPort}`);
    const durations: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = Date.now();
      expect(await a.hold(KEY, async () => i)).toBe(i);
      durations.push(Date.now() - started);
    }
    expect(lines.warnings).toHaveLength(1);
    expect(lines.warnings[0]).toContain('Redis unreachable');
    expect(Math.max(...durations)).toBeLessThan(1_000);
    // After the first outage is noticed, publishing does not touch Redis at all.
    expect(durations.slice(1).every((ms) => ms < 50)).toBe(true);
  });

  it('comes back when Redis does, and says so', async () => {
    const port = await freePort();
    const lines = new Lines();
    const a = lock({ log: lines, commandTimeoutMs: 300 }, `redis://127.0.0.1:${port}`);
    await a.hold(KEY, async () => undefined);
    expect(lines.warnings).toHaveLength(1);
    const late = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    try {
      for (let waited = 0; lines.infos.length === 0 && waited < 5_000; waited += 100) await sleep(100);
      expect(lines.infos).toEqual([expect.stringContaining('reachable again')]);
      const other = lock({}, `redis://127.0.0.1:${port}`);
      let inside = 0;
      let most = 0;
      const work = async () => {
        inside++;
        most = Math.max(most, inside);
        await sleep(50);
        inside--;
      };
      await Promise.all([a.hold(KEY, work), other.hold(KEY, work)]);
      expect(most).toBe(1);
    } finally {
      await a.close();
      late.kill('SIGTERM');
    }
  });
});

describe('publish lock from the environment', () => {
  it('is made only when REDIS_URL is set', async () => {
    expect(publishLockFromEnv({})).toBeUndefined();
    expect(publishLockFromEnv({ REDIS_URL: ' ' })).toBeUndefined();
    const made = publishLockFromEnv({ REDIS_URL: 'redis://127.0.0.1:1' });
    expect(made).toBeInstanceOf(RedisPublishLock);
    await made!.close();
  });
});
