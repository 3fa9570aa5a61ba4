/** Probot + nock harness: a fresh Probot per test, every request pinned, API calls tallied. */
import { afterEach, beforeEach } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { Probot } from 'probot';
import { monoenvApp, type MonoenvAppOptions } from '../../src/github/index.js';
import { MonoenvOctokit } from '../../src/github/octokit.js';

export const API = 'https://api.github.com';
export const OWNER = 'monoenv-demo';
export const REPO = 'shop';
export const REPO_PATH = `/repos/${OWNER}/${REPO}`;
export const ORG_CONFIG_PATH = `/repos/${OWNER}/.github/contents/.github%2Fmonoenv.yml`;
export const CONFIG_URL_PATH = `${REPO_PATH}/contents/.github%2Fmonoenv.yml`;
export const INSTALLATION_ID = 2;
export const APP_ID = 123;
export const HEAD_SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
export const BASE_SHA = 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e';
export const MERGE_SHA = 'c4295bd74fb0f4fda03689c3df3f2803b658fd85';
export const TOKEN_PATH = `/app/installations/${INSTALLATION_ID}/access_tokens`;
/** The fixture pull request's (#7) lists, its base's `.gitattributes` and its head's check-run look-up, as the App asks for them. */
export const FILES_PATH = `${REPO_PATH}/pulls/7/files?per_page=100`;
export const REVIEWS_PATH = `${REPO_PATH}/pulls/7/reviews?per_page=100`;
export const COMMITS_PATH = `${REPO_PATH}/pulls/7/commits?per_page=100`;
export const GITATTRIBUTES_PATH = `${REPO_PATH}/contents/.gitattributes?ref=${BASE_SHA}`;
export const LOOKUP_PATH = `${REPO_PATH}/commits/${HEAD_SHA}/check-runs?check_name=monoenv&filter=all`;

let privateKey: string | undefined;
export function testPrivateKey(): string {
  privateKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  return privateKey;
}

export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/webhooks/${name}.json`, import.meta.url), 'utf8')) as T;
}

/** Retries without waiting, and no throttling (its write queue spaces writes a second apart). */
export const TestOctokit = MonoenvOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  throttle: { ...(options.throttle as object), enabled: false },
  retry: { ...(options.retry as object), retryAfterBaseValue: 1 },
}));

export function createProbot(Octokit: typeof MonoenvOctokit = TestOctokit): Probot {
  const probot = new Probot({ appId: APP_ID, privateKey: testPrivateKey(), Octokit: Octokit, logLevel: 'fatal' });
  return probot;
}

export async function loadApp(Octokit?: typeof MonoenvOctokit, options: MonoenvAppOptions = {}): Promise<Probot> {
  const probot = createProbot(Octokit);
  await probot.load(monoenvApp({ appId: APP_ID, ...options }));
  return probot;
}

export interface Recorded {
  method: string;
  path: string;
  status: number;
  body?: unknown;
  headers: Record<string, string | string[] | undefined>;
}

/** Every request that reached the mocked API, in order. */
export class ApiLog {
  readonly requests: Recorded[] = [];

  /** Rate-limited calls: everything but the installation token and 304s. */
  get limited(): Recorded[] {
    return this.requests.filter((r) => r.path !== TOKEN_PATH && r.status !== 304);
  }
  get notModified(): Recorded[] {
    return this.requests.filter((r) => r.status === 304);
  }
  get tokens(): Recorded[] {
    return this.requests.filter((r) => r.path === TOKEN_PATH);
  }
  /** `METHOD path` of the rate-limited calls, for readable assertions. */
  get routes(): string[] {
    return this.limited.map((r) => `${r.method} ${r.path}`);
  }
  clear(): void {
    this.requests.length = 0;
  }
}

/** A nock scope for api.github.com whose replies are logged. */
export function github(log: ApiLog): nock.Scope {
  const scope = nock(API);
  scope.on('replied', (req: { method: string; path: string; headers: Record<string, string> }, interceptor: { statusCode: number }) => {
    log.requests.push({ method: req.method, path: req.path, status: interceptor.statusCode, headers: req.headers });
  });
  return scope;
}

export function mockToken(scope: nock.Scope): nock.Scope {
  return scope.post(TOKEN_PATH).reply(201, {
    token: 'ghs_test',
    expires_at: '2099-01-01T00:00:00Z',
    permissions: { checks: 'write', contents: 'read', pull_requests: 'write', metadata: 'read' },
  });
}

/** No configuration anywhere: the repository's file and the org's `.github` one are both missing. */
export function mockNoConfig(scope: nock.Scope): nock.Scope {
  return scope.get(CONFIG_URL_PATH).reply(404, { message: 'Not Found' }).get(ORG_CONFIG_PATH).reply(404, { message: 'Not Found' });
}

/**
 * No configuration before the audited change: the repository's file at `commit` (a merged pull request's base,
 * a push's `before`; both BASE_SHA in the fixtures) and the org's `.github` one are both missing.
 */
export function mockNoConfigAt(scope: nock.Scope, commit: string = BASE_SHA): nock.Scope {
  return scope
    .get(`${CONFIG_URL_PATH}?ref=${commit}`)
    .reply(404, { message: 'Not Found' })
    .get(ORG_CONFIG_PATH)
    .reply(404, { message: 'Not Found' });
}

/** A check-run look-up that finds no monoenv run. */
export const NO_RUNS = { total_count: 0, check_runs: [] };
export const RAW = { 'content-type': 'application/vnd.github.raw; charset=utf-8' };

export function captureBody(into: unknown[]): (body: unknown) => boolean {
  return (body) => {
    into.push(body);
    return true;
  };
}

export function deliver(probot: Probot, name: string, payload: object, id = `delivery-${name}`): Promise<void> {
  return probot.receive({ id, name, payload } as never);
}

/**
 * For the tests of one describe block: no real network, nock cleaned after each test, and a fresh API log
 * per test (read it as `network.log`).
 */
export function withoutNetwork(): { readonly log: ApiLog } {
  const network = { log: new ApiLog() };
  beforeEach(() => {
    nock.disableNetConnect();
    network.log = new ApiLog();
  });
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });
  return network;
}

/** Answers held `ms` each, counting how many requests were in flight at once (requests sent together overlap). */
export class Overlap {
  #inFlight = 0;
  most = 0;

  reply(
    status: number,
    body: nock.Body,
    ms = 50,
  ): (uri: string, body: nock.Body, callback: (err: NodeJS.ErrnoException | null, result: nock.ReplyFnResult) => void) => void {
    return (_uri, _body, callback) => {
      this.#inFlight++;
      this.most = Math.max(this.most, this.#inFlight);
      setTimeout(() => {
        this.#inFlight--;
        callback(null, [status, body]);
      }, ms);
    };
  }
}

interface WrittenRun {
  conclusion?: string;
  output: { title: string; summary: string; annotations?: unknown[] };
}

/**
 * GitHub's answer to `GET …/check-runs/{id}` for a run that holds what was written to it last (`written`:
 * the bodies captured so far, creation first; later updates add annotations to the count).
 */
export function runHolding(id: number, written: readonly WrittenRun[]): () => object {
  return () => {
    const last = written.at(-1);
    if (last === undefined) throw new Error(`no write to run ${id} was captured`);
    return {
      id,
      status: 'completed',
      conclusion: last.conclusion,
      app: { id: APP_ID },
      output: { title: last.output.title, summary: last.output.summary, annotations_count: last.output.annotations?.length ?? 0 },
    };
  };
}
