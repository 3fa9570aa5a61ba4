/**
 * The app's Octokit: Probot's, with retries and rate-limit waits tuned. Both are Octokit's own plugins
 * (plugin-retry, plugin-throttling, built into ProbotOctokit); only their options are set here.
 *
 * - Server errors (5xx) and network failures are retried 3 times with backoff (1 s, 4 s, 9 s).
 * - A primary rate limit waits until `x-ratelimit-reset`, a secondary one `retry-after` (60 s when absent),
 *   each at most twice and only when the wait is short enough for a webhook; otherwise the request fails
 *   and the evaluation publishes a run that says so.
 */
import { ProbotOctokit } from 'probot';

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
    octokit.log.warn(`secondary rate limit hit on ${options.method} ${options.url}; ${retry ? `retrying in ${retryAfter} s` : 'giving up'}`);
    return retry;
  },
};

export const retryOptions = {
  retries: 3,
  // Octokit's list; a 429 is left to the throttling plugin, which knows how long to wait.
  doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451],
};

/**
 * Probot passes its own throttle handlers (retry twice, never on a secondary limit) as instance options;
 * these defaults run after them and keep their Redis connection while replacing the handlers. Options a
 * caller sets on a subclass (tests shortening the waits) still win.
 */
export const MonoenvOctokit = ProbotOctokit.defaults((instance: Record<string, unknown>) => {
  const throttle = (instance.throttle ?? {}) as Record<string, unknown>;
  const retry = (instance.retry ?? {}) as Record<string, unknown>;
  return {
    ...instance,
    throttle: { ...throttle, ...throttleOptions },
    retry: { ...retryOptions, ...retry },
  };
});
