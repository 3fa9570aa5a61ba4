/**
 * A reliability world: the local GitHub API emulator and the monoenv app served over real HTTP on
 * 127.0.0.1 (Probot's node middleware, signed webhooks), with the app's log captured line by line.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { Probot, createNodeMiddleware } from 'probot';
import { deliverWebhook, generatePrivateKey, startEmulator, type Emulator, type EmulatorOptions } from '../../tools/emulator/index.js';
import { monoenvApp, type MonoenvAppOptions } from '../../src/github/index.js';
import { MonoenvOctokit, fetchWithDeadline } from '../../src/github/octokit.js';

export interface WorldOptions {
  appId?: number;
  secret?: string;
  /** Milliseconds per unit of retry backoff, Octokit's and check-run creation's (production: 1,000; 1, 4, 9 units). */
  retryBaseMs?: number;
  /** Deadline of one request attempt (production: 10 s). */
  requestTimeoutMs?: number;
  /** Octokit's throttling (rate-limit waits, writes spaced per installation); off unless asked. */
  throttle?: boolean;
  logLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error';
  emulator?: EmulatorOptions;
  /** An emulator shared with other worlds (two app instances, one GitHub). */
  gh?: Emulator;
  app?: MonoenvAppOptions;
}

export interface World {
  gh: Emulator;
  appUrl: string;
  appId: number;
  secret: string;
  privateKey: string;
  /** Every log line the app wrote (pino JSON). */
  logs: string[];
  /**
   * Delivers a signed webhook and resolves once the app has finished with it, with the status GitHub would
   * have seen had it waited: Probot answers 202 when a handler outlasts 9 s (a loaded machine) and goes on, so a
   * 202 is followed to the handler's end and reported as 200, or 500 when it failed.
   */
  send(event: { name: string; payload: unknown }, id?: string): Promise<number>;
  close(): Promise<void>;
}

let sharedKey: string | undefined;
export function appKey(): string {
  sharedKey ??= generatePrivateKey();
  return sharedKey;
}

export function reliabilityOctokit(options: { retryBaseMs: number; requestTimeoutMs: number; throttle: boolean }): typeof MonoenvOctokit {
  return MonoenvOctokit.defaults((instance: Record<string, unknown>) => ({
    ...instance,
    request: { ...(instance.request as object), fetch: fetchWithDeadline(options.requestTimeoutMs) },
    retry: { ...(instance.retry as object), retryAfterBaseValue: options.retryBaseMs },
    throttle: options.throttle ? { ...(instance.throttle as object) } : { ...(instance.throttle as object), enabled: false },
  }));
}

export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const appId = options.appId ?? 4242;
  const secret = options.secret ?? 'reliability-webhook-secret';
  const privateKey = appKey();
  const gh =
    options.gh ?? (await startEmulator({ recordRequests: false, ...options.emulator, apps: [{ id: appId, slug: 'monoenv', privateKey }] }));
  if (options.gh) gh.store.addApp({ id: appId, slug: 'monoenv' });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') logs.push(line);
      done();
    },
  });
  const log = pino({ level: options.logLevel ?? 'info' }, sink);
  const Octokit = reliabilityOctokit({
    retryBaseMs: options.retryBaseMs ?? 10,
    requestTimeoutMs: options.requestTimeoutMs ?? 1_000,
    throttle: options.throttle ?? false,
  });
  const probot = new Probot({ appId, privateKey, secret, baseUrl: gh.url, log: log, Octokit: Octokit });
  const middleware = await createNodeMiddleware(
    monoenvApp({ appId, retryBaseMs: options.retryBaseMs ?? 10, settleMs: options.requestTimeoutMs ?? 1_000, ...options.app }),
    { probot },
  );
  // Each delivery's handling, by delivery id, so a delivery answered 202 can be followed to its end.
  const handling = new Map<string, Promise<void>>();
  const webhooks = probot.webhooks;
  const verifyAndReceive = webhooks.verifyAndReceive.bind(webhooks);
  webhooks.verifyAndReceive = (delivery) => {
    const done = verifyAndReceive(delivery);
    handling.set(delivery.id, done);
    return done;
  };
  const server: Server = createServer((req, res) => void middleware(req, res));
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    gh,
    appUrl,
    appId,
    secret,
    privateKey,
    logs,
    send: async (event, id = randomUUID()) => {
      const status = await deliverWebhook(appUrl, { ...event, secret, id });
      const done = handling.get(id);
      handling.delete(id);
      if (status !== 202 || done === undefined) return status;
      return done.then(
        () => 200,
        () => 500,
      );
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (!options.gh) await gh.close();
    },
  };
}

/** Parsed log records of a world. */
export function records(world: Pick<World, 'logs'>): Array<Record<string, unknown> & { level: number; msg?: string }> {
  return world.logs.map((line) => JSON.parse(line) as Record<string, unknown> & { level: number; msg?: string });
}
