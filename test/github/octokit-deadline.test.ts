/**
 * The app's Octokit (src/github/octokit.ts): every attempt has a deadline that covers the body, a body cut
 * mid-stream is an error rather than an empty page, and rate limits are waited out only when the wait is
 * short and only twice. The server here is a real one on 127.0.0.1 (port 0), answering as each test says.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import nock from 'nock';
import {
  fetchWithDeadline,
  MAX_RATE_LIMIT_RETRIES,
  MAX_RATE_LIMIT_WAIT_SECONDS,
  MonoenvOctokit,
  throttleOptions,
} from '../../src/github/octokit.js';
import { API } from './harness.js';

let server: Server;
let base: string;
let handle: (req: IncomingMessage, res: ServerResponse) => void = () => undefined;

beforeAll(async () => {
  server = createServer((req, res) => handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('fetchWithDeadline', () => {
  it('gives up on a server that never answers, naming the deadline', async () => {
    handle = () => undefined;
    await expect(fetchWithDeadline(50)(`${base}/hang`)).rejects.toThrow('no complete answer within 50 ms');
  });

  it('gives up on a body that stops arriving, though the headers came', async () => {
    handle = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('[{"filename":');
    };
    await expect(fetchWithDeadline(100)(`${base}/slow-body`)).rejects.toThrow('no complete answer within 100 ms');
  });

  it('turns a body cut mid-stream into an error, not an empty page', async () => {
    handle = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('[{"filename":"src/a.ts"');
      setImmediate(() => res.socket?.destroy());
    };
    await expect(fetchWithDeadline(10_000)(`${base}/cut`)).rejects.toThrow();
  });

  it('hands over the whole body, the status, headers and url', async () => {
    handle = (_req, res) => {
      res.writeHead(201, { etag: '"v1"' });
      res.end('{"id":1}');
    };
    const response = await fetchWithDeadline(10_000)(`${base}/ok`);
    expect([response.status, response.headers.get('etag'), response.url, await response.text()]).toEqual([
      201,
      '"v1"',
      `${base}/ok`,
      '{"id":1}',
    ]);
  });

  it('passes a 304 through without a body', async () => {
    handle = (_req, res) => {
      res.writeHead(304, { etag: '"v1"' });
      res.end();
    };
    const response = await fetchWithDeadline(10_000)(`${base}/same`);
    expect(response.status).toBe(304);
    expect(response.body).toBeNull();
  });

  it("leaves the caller's own abort as it is", async () => {
    handle = () => undefined;
    const caller = new AbortController();
    const pending = fetchWithDeadline(10_000)(`${base}/hang`, { signal: caller.signal });
    caller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('rate-limit handlers', () => {
  const logged = () => {
    const lines: string[] = [];
    return { lines, octokit: { log: { warn: (line: string) => void lines.push(line) } } };
  };
  const request = (retryCount: number) => ({
    method: 'GET',
    url: '/repos/{owner}/{repo}/pulls/{pull_number}/files',
    request: { retryCount },
  });

  it.each([
    ['onRateLimit', 'rate limit hit on'],
    ['onSecondaryRateLimit', 'secondary rate limit hit on'],
  ] as const)('%s: retries a short wait twice, then gives up; never waits longer than 15 minutes', (handler, words) => {
    const { lines, octokit } = logged();
    expect(throttleOptions[handler](60, request(0), octokit)).toBe(true);
    expect(throttleOptions[handler](60, request(MAX_RATE_LIMIT_RETRIES - 1), octokit)).toBe(true);
    expect(throttleOptions[handler](60, request(MAX_RATE_LIMIT_RETRIES), octokit)).toBe(false);
    expect(throttleOptions[handler](MAX_RATE_LIMIT_WAIT_SECONDS, request(0), octokit)).toBe(true);
    expect(throttleOptions[handler](MAX_RATE_LIMIT_WAIT_SECONDS + 1, request(0), octokit)).toBe(false);
    expect(lines).toEqual([
      `${words} GET /repos/{owner}/{repo}/pulls/{pull_number}/files; retrying in 60 s`,
      `${words} GET /repos/{owner}/{repo}/pulls/{pull_number}/files; retrying in 60 s`,
      `${words} GET /repos/{owner}/{repo}/pulls/{pull_number}/files; giving up`,
      `${words} GET /repos/{owner}/{repo}/pulls/{pull_number}/files; retrying in 900 s`,
      `${words} GET /repos/{owner}/{repo}/pulls/{pull_number}/files; giving up`,
    ]);
  });

  describe("through the app's Octokit", () => {
    // The throttling plugin's waits in milliseconds instead of seconds; the handlers are the app's own.
    const Fast = MonoenvOctokit.defaults((options: Record<string, unknown>) => ({
      ...options,
      throttle: { ...(options.throttle as object), retryAfterBaseValue: 1 },
    }));
    const warnings: string[] = [];
    const octokit = () =>
      new Fast({
        auth: { token: 'ghs_test' },
        log: { debug: () => undefined, info: () => undefined, warn: (line: string) => void warnings.push(line), error: () => undefined },
      });

    beforeAll(() => nock.disableNetConnect());
    afterAll(() => {
      nock.cleanAll();
      nock.enableNetConnect();
    });

    it('retries after a secondary rate limit with a short retry-after', async () => {
      warnings.length = 0;
      const scope = nock(API)
        .get('/repos/o/r')
        .reply(
          403,
          { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' },
          { 'retry-after': '3' },
        )
        .get('/repos/o/r')
        .reply(200, { id: 1 });
      const { data } = await octokit().request('GET /repos/{owner}/{repo}', { owner: 'o', repo: 'r' });
      expect(data).toEqual({ id: 1 });
      expect(scope.isDone()).toBe(true);
      expect(warnings).toEqual(['secondary rate limit hit on GET /repos/{owner}/{repo}; retrying in 3 s']);
    });

    it('fails at once when GitHub asks to wait longer than a webhook can', async () => {
      warnings.length = 0;
      const scope = nock(API)
        .get('/repos/o/r')
        .reply(403, { message: 'You have exceeded a secondary rate limit.' }, { 'retry-after': '3600' });
      await expect(octokit().request('GET /repos/{owner}/{repo}', { owner: 'o', repo: 'r' })).rejects.toMatchObject({ status: 403 });
      expect(scope.isDone()).toBe(true);
      expect(warnings).toEqual(['secondary rate limit hit on GET /repos/{owner}/{repo}; giving up']);
    });

    it('waits out a primary rate limit until its reset', async () => {
      warnings.length = 0;
      const reset = String(Math.floor(Date.now() / 1000) + 5);
      const scope = nock(API)
        .get('/repos/o/r')
        .reply(
          403,
          { message: 'API rate limit exceeded for installation ID 2.' },
          { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset },
        )
        .get('/repos/o/r')
        .reply(200, { id: 1 });
      await expect(octokit().request('GET /repos/{owner}/{repo}', { owner: 'o', repo: 'r' })).resolves.toMatchObject({ data: { id: 1 } });
      expect(scope.isDone()).toBe(true);
      expect(warnings).toEqual([expect.stringMatching(/^rate limit hit on GET \/repos\/\{owner\}\/\{repo\}; retrying in \d+ s$/)]);
    });
  });
});

describe("the app's Octokit reads each answer through fetchWithDeadline", () => {
  // Retries without waiting; the retry plugin and the fetch wrapper are the app's own.
  const Quick = MonoenvOctokit.defaults((options: Record<string, unknown>) => ({
    ...options,
    baseUrl: base,
    throttle: { ...(options.throttle as object), enabled: false },
    retry: { ...(options.retry as object), retryAfterBaseValue: 1 },
  }));
  const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

  it('a page cut mid-stream is retried, and the whole page comes back: never an empty one', async () => {
    const page = [{ filename: 'src/a.ts' }, { filename: 'src/b.ts' }];
    let attempts = 0;
    handle = (_req, res) => {
      attempts++;
      if (attempts === 1) {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
        res.write('[{"filename":"src/a.ts"');
        setImmediate(() => res.socket?.destroy());
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(page));
    };
    const octokit = new Quick({ auth: 'ghs_test', log: silent });
    const { data } = await octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', {
      owner: 'o',
      repo: 'r',
      pull_number: 7,
    });
    expect(data).toEqual(page);
    expect(attempts).toBe(2);
  });
});
