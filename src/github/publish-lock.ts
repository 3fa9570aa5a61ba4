/**
 * A per-commit publish lock shared by every replica through `REDIS_URL` (the Redis Probot already uses to
 * pace requests across replicas). Two replicas that handle events for the same commit at the same instant
 * would otherwise both look up the commit's run, both find none, and both create one. Under the lock, the
 * second replica's look-up finds the first one's run and updates it.
 *
 * The lock is Redis's single-instance recipe: `SET key token NX PX ttl`, released by a script that deletes
 * the key only while it still holds this holder's token. Written here rather than taken from a library
 * because it is these two commands and one script, and the fallback below (never block publishing) is
 * specific to this app. While the work runs the lock is extended, so the TTL only bounds how long a crashed
 * holder blocks the commit.
 *
 * Redis is an aid, not a dependency: when it cannot be reached, publishing goes on unlocked (the in-process
 * serialisation still holds) and this is logged once per outage.
 */
import { randomUUID } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'probot';

export interface PublishLock {
  /** Runs `work` while no other replica publishes to `key`'s commit. */
  hold<T>(key: PublishLockKey, work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface PublishLockKey {
  owner: string;
  repo: string;
  sha: string;
}

export interface RedisPublishLockOptions {
  /** How long a holder that stopped answering keeps the commit locked (default 30 s). */
  ttlMs?: number;
  /** How long a replica waits for another one's lock before publishing anyway (default: TTL + 10 s). */
  maxWaitMs?: number;
  /** First and largest pause between attempts to take a held lock (defaults 25 ms and 500 ms). */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Deadline of one Redis command; an unreachable Redis costs at most this once per outage (default 1 s). */
  commandTimeoutMs?: number;
  log?: Pick<Logger, 'warn' | 'info'>;
  keyPrefix?: string;
  /** Time, pauses and the renewal timer (default: the real ones). */
  clock?: LockClock;
}

/** The lock's view of time, apart so that tests can step it instead of waiting. */
export interface LockClock {
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Calls `tick` every `ms` until the returned function is called. */
  every(ms: number, tick: () => Promise<unknown>): () => void;
}

export const realClock: LockClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  every: (ms, tick) => {
    const timer = setInterval(() => void tick(), ms);
    return () => clearInterval(timer);
  },
};

const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;
const EXTEND = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`;

export class RedisPublishLock implements PublishLock {
  readonly #redis: Redis;
  readonly #ttlMs: number;
  readonly #maxWaitMs: number;
  readonly #minBackoffMs: number;
  readonly #maxBackoffMs: number;
  readonly #log: Pick<Logger, 'warn' | 'info'> | undefined;
  readonly #prefix: string;
  readonly #clock: LockClock;
  /** Set from the first failure of an outage until Redis is ready again: no command is tried meanwhile. */
  #unreachable = false;

  constructor(url: string, options: RedisPublishLockOptions = {}) {
    this.#ttlMs = options.ttlMs ?? 30_000;
    this.#maxWaitMs = options.maxWaitMs ?? this.#ttlMs + 10_000;
    this.#minBackoffMs = options.minBackoffMs ?? 25;
    this.#maxBackoffMs = options.maxBackoffMs ?? 500;
    this.#log = options.log;
    this.#prefix = options.keyPrefix ?? 'monoenv:publish:';
    this.#clock = options.clock ?? realClock;
    const redisOptions: RedisOptions = {
      commandTimeout: options.commandTimeoutMs ?? 1_000,
      connectTimeout: options.commandTimeoutMs ?? 1_000,
      maxRetriesPerRequest: 0,
      // Keep reconnecting in the background (at most every 2 s), so the lock comes back with Redis.
      retryStrategy: (times) => Math.min(times * 200, 2_000),
    };
    this.#redis = new Redis(url, redisOptions);
    // Without a listener, ioredis's connection errors would be thrown as unhandled 'error' events.
    this.#redis.on('error', (error: Error) => this.#failed(error));
    this.#redis.on('ready', () => {
      if (!this.#unreachable) return;
      this.#unreachable = false;
      this.#log?.info('publish lock: Redis is reachable again; check-run publishing is locked across replicas');
    });
  }

  #failed(error: unknown): void {
    if (this.#unreachable) return;
    this.#unreachable = true;
    this.#log?.warn(
      { err: error },
      `publish lock: Redis unreachable (${(error as Error).message}); publishing without the lock across replicas until it is back`,
    );
  }

  async hold<T>(key: PublishLockKey, work: () => Promise<T>): Promise<T> {
    if (this.#unreachable && this.#redis.status !== 'ready') return work();
    const name = `${this.#prefix}${key.owner}/${key.repo}@${key.sha}`;
    const token = randomUUID();
    let held: boolean;
    try {
      held = await this.#acquire(name, token, key);
    } catch (error) {
      this.#failed(error);
      return work();
    }
    if (!held) return work();
    // Extend while the work runs (a create retried after timeouts can outlast the TTL).
    const stopExtending = this.#clock.every(Math.max(1, Math.floor(this.#ttlMs / 3)), () =>
      this.#redis.eval(EXTEND, 1, name, token, this.#ttlMs).catch(() => undefined),
    );
    try {
      return await work();
    } finally {
      stopExtending();
      // A lost release only leaves the key to expire.
      await this.#redis.eval(RELEASE, 1, name, token).catch(() => undefined);
    }
  }

  /** True once the lock is taken; false when another holder kept it past `maxWaitMs`. */
  async #acquire(name: string, token: string, key: PublishLockKey): Promise<boolean> {
    const deadline = this.#clock.now() + this.#maxWaitMs;
    let pause = this.#minBackoffMs;
    for (;;) {
      if ((await this.#redis.set(name, token, 'PX', this.#ttlMs, 'NX')) === 'OK') return true;
      const left = deadline - this.#clock.now();
      if (left <= 0) {
        this.#log?.warn(
          { sha: key.sha, repository: `${key.owner}/${key.repo}` },
          `publish lock: another replica held the commit's lock for over ${this.#maxWaitMs} ms; publishing anyway`,
        );
        return false;
      }
      // Jitter keeps waiting replicas from retrying in step.
      await this.#clock.sleep(Math.min(left, pause / 2 + Math.random() * (pause / 2)));
      pause = Math.min(pause * 2, this.#maxBackoffMs);
    }
  }

  async close(): Promise<void> {
    if (this.#redis.status !== 'ready') return this.#redis.disconnect();
    await this.#redis.quit().catch(() => this.#redis.disconnect());
  }
}

/** The lock for this deployment: through `REDIS_URL` when it is set, else none (in-process serialisation only). */
export function publishLockFromEnv(env: NodeJS.ProcessEnv, log?: Pick<Logger, 'warn' | 'info'>): PublishLock | undefined {
  const url = env.REDIS_URL;
  if (url === undefined || url.trim() === '') return undefined;
  return new RedisPublishLock(url, log === undefined ? {} : { log });
}
