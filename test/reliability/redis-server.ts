/**
 * A throw-away Redis server for the tests: `redis-server` listening only on a Unix socket in a fresh private
 * folder, no persistence. Nothing else can bind that path, so the server the tests reach is the one started
 * here; a TCP port picked in advance could be taken by another process between the pick and Redis's bind.
 * ioredis (and so Probot, Bottleneck and the publish lock) takes the socket's path as `REDIS_URL`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const hasRedisServer = (): boolean => spawnSync('redis-server', ['--version']).status === 0;

/** `CI` as GitHub Actions and most CI services set it: present and not "false" or "0". */
export const inCI = (env: NodeJS.ProcessEnv = process.env): boolean =>
  env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0';

export const REDIS_MISSING = 'no redis-server binary on PATH (apt-get install -y redis-server; .ci/run does this)';

export interface RedisServer {
  /** The socket's path, which ioredis takes as a URL. */
  url: string;
  stop(): Promise<void>;
}

export interface RedisServerOptions {
  /** The socket path to listen on (default: `redis.sock` in a fresh private folder). */
  socket?: string;
}

/** Starts `redis-server` on a Unix socket and resolves once it says it accepts connections there. */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const folder = mkdtempSync(join(tmpdir(), 'monoenv-redis-'));
  const socket = options.socket ?? join(folder, 'redis.sock');
  // `--port 0`: no TCP listener at all.
  const args = [
    '--port',
    '0',
    '--unixsocket',
    socket,
    '--unixsocketperm',
    '700',
    '--dir',
    folder,
    '--save',
    '',
    '--appendonly',
    'no',
    '--loglevel',
    'notice',
  ];
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      // With `--port 0` the socket is its only listener: Redis 6–7.0 say "…ready to accept connections at PATH",
      // 7.2 and later "Ready to accept connections unix".
      if (/ready to accept connections/i.test(output)) {
        child.stdout.off('data', onData);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}) before accepting connections:\n${output}`)));
  });
  // Keep draining its output, so a full pipe never stalls it.
  child.stdout.resume();
  child.stderr.resume();
  return {
    url: socket,
    stop: () =>
      new Promise<void>((resolve) => {
        const done = (): void => {
          rmSync(folder, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', done);
        child.kill('SIGTERM');
      }),
  };
}
