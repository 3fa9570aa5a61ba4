/**
 * The app's Octokit: Probot's, with retries and rate-limit waits tuned. Both are Octokit's own plugins
 * (plugin-retry, plugin-throttling, built into ProbotOctokit); only their options are set here.
 *
 * - Server errors (5xx) and network failures are retried 3 times with backoff (1 s, 4 s, 9 s).
 * - A primary rate limit waits until `x-ratelimit-reset`, a secondary one `retry-after` (60 s when absent),
 *   each at most twice and only when the wait is short enough for a webhook; otherwise the request fails
 *   and the evaluation publishes a run that says so.
 * - Every attempt has a deadline and its whole body is read before Octokit sees the response (see
 *   `fetchWithDeadline`), so a hung or cut connection becomes a retried error instead of a wait without
 *   end or a silently empty page.
 */
import { ProbotOctokit } from 'probot';

/** One attempt (headers and body) gets this long; GitHub itself gives up on a request after 10 s. */
export const REQUEST_TIMEOUT_MS = 10_000;

const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

/**
 * `fetch` with a deadline per attempt that also covers reading the body. Octokit's own fetch wrapper
 * cannot be given either: without a deadline a request that never answers waits for undici's 5 minutes,
 * and a JSON body cut mid-stream is handed over as `""` with status 200 (a page of a paginated list then
 * silently holds nothing). Here both become a thrown error, which Octokit turns into a `RequestError` 500
 * that plugin-retry retries. An `AbortError` would not be retried, so the timeout is rethrown as a plain
 * error naming the deadline.
 */
export function fetchWithDeadline(timeoutMs: number, inner: typeof fetch = globalThis.fetch): typeof fetch {
  return async (input, init = {}) => {
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    try {
      const response = await inner(input, { ...init, signal });
      const body = NULL_BODY_STATUS.has(response.status) ? null : await response.arrayBuffer();
      const whole = new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
      Object.defineProperty(whole, 'url', { value: response.url });
      return whole;
    } catch (error) {
      if (deadline.aborted && init.signal?.aborted !== true) {
        throw new Error(`no complete answer within ${timeoutMs} ms`, { cause: error });
      }
      throw error;
    }
  };
}

export const MAX_RATE_LIMIT_RETRIES = 2;
/** Longer waits than this give up: GitHub redelivers nothing by itself, but the run says to re-run. */
export const MAX_RATE_LIMIT_WAIT_SECONDS = 15 * 60;

interface LimitedRequest {
  method: string;
  url: string;
  request: { retryCount: number };
}

interface Logged {
  log: { warn: (message: string) => void };
}

export const throttleOptions = {
  onRateLimit: (retryAfter: number, options: LimitedRequest, octokit: Logged): boolean => {
    const retry = options.request.retryCount < MAX_RATE_LIMIT_RETRIES && retryAfter <= MAX_RATE_LIMIT_WAIT_SECONDS;
    octokit.log.warn(`rate limit hit on ${options.method} ${options.url}; ${retry ? `retrying in ${retryAfter} s` : 'giving up'}`);
    return retry;
  },
  onSecondaryRateLimit: (retryAfter: number, options: LimitedRequest, octokit: Logged): boolean => {
    const retry = options.request.retryCount < MAX_RATE_LIMIT_RETRIES && retryAfter <= MAX_RATE_LIMIT_WAIT_SECONDS;
    octokit.log.warn(
      `secondary rate limit hit on ${options.method} ${options.url}; ${retry ? `retrying in ${retryAfter} s` : 'giving up'}`,
    );
    return retry;
  },
};

export const retryOptions = {
  retries: 3,
  // Octokit's list; a 429 is left to the throttling plugin, which knows how long to wait.
  doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451],
};

/**
 * The throttling plugin's limiters are shared by every Octokit in the process (and, with `REDIS_URL`, by
 * every replica) and keyed by `throttle.id`. Writes are spaced a second apart per key. Probot keys the
 * clients it makes with `probot.auth(id)` by installation, but not the ones it gives webhook handlers, which
 * all share one key: the whole app, across all its installations, would then write once a second. GitHub
 * asks for that spacing per user or installation, so the key here is the installation: one busy
 * organisation never slows another.
 */
export function throttleId(auth: unknown): string | undefined {
  if (typeof auth !== 'object' || auth === null) return undefined;
  const { installationId } = auth as { installationId?: unknown };
  if (typeof installationId !== 'number' && typeof installationId !== 'string') return undefined;
  return String(installationId);
}

/**
 * Probot passes its own throttle handlers (retry twice, never on a secondary limit) as instance options;
 * these defaults run after them and keep their Redis connection while replacing the handlers. Options a
 * caller sets on a subclass (tests shortening the waits) still win.
 */
export const MonoenvOctokit = ProbotOctokit.defaults((instance: Record<string, unknown>) => {
  const id = throttleId(instance.auth);
  const throttle = { ...(id === undefined ? {} : { id }), ...((instance.throttle ?? {}) as Record<string, unknown>) };
  const retry = (instance.retry ?? {}) as Record<string, unknown>;
  const request = (instance.request ?? {}) as { fetch?: typeof fetch };
  return {
    ...instance,
    request: { ...request, fetch: fetchWithDeadline(REQUEST_TIMEOUT_MS, request.fetch) },
    throttle: { ...throttle, ...throttleOptions },
    retry: { ...retryOptions, ...retry },
  };
});
