/**
 * Fault injection: make chosen requests fail the way GitHub fails (5xx, rate limits, slow answers,
 * connections cut mid-response), a given number of times, then behave again.
 */

export interface FaultSpec {
  /**
   * Which requests: an OpenAPI route template (`/repos/{owner}/{repo}/check-runs`, optionally prefixed
   * with the method, `POST /repos/{owner}/{repo}/check-runs`), or a RegExp tested against the request
   * path with its query string (`/pulls\/7\/files\?.*page=3/`). Omitted: every request.
   */
  route?: string | RegExp;
  method?: string;
  /** Only requests whose query has these values, e.g. `{ page: '3' }`. */
  query?: Record<string, string>;
  /** Status to answer with (500, 502, 503, 403, 429, 422, 404 …). Omitted with `delayMs`: answer normally, late. */
  status?: number;
  /** How many matching requests fail (after the skipped ones). Default 1; `Infinity` for all. */
  times?: number;
  /** Skip this many matching requests before failing. */
  after?: number;
  headers?: Record<string, string>;
  /** Response body; defaults to GitHub's message for the status. */
  body?: unknown;
  /** Wait this long before answering (with the fault, or normally when there is no `status`/`reset`). */
  delayMs?: number;
  /** Cut the connection: headers and half the body are sent, then the socket is destroyed. */
  reset?: boolean;
  /**
   * `before` (default): the request is not processed. `after`: GitHub processed it (state changed)
   * but the answer is lost or replaced — the case that makes retries create duplicates.
   */
  when?: 'before' | 'after';
}

export interface Fault extends Required<Pick<FaultSpec, 'times' | 'after' | 'when'>>, Omit<FaultSpec, 'times' | 'after' | 'when'> {
  id: number;
  /** Matching requests seen so far (skipped + injected). */
  seen: number;
  injected: number;
}

export interface InjectedFault {
  faultId: number;
  method: string;
  path: string;
  route: string | null;
  status: number | null;
  reset: boolean;
  delayMs: number;
  when: 'before' | 'after';
  at: number;
}

export interface RateLimitFaultSpec {
  route?: string | RegExp;
  method?: string;
  query?: Record<string, string>;
  times?: number;
  after?: number;
  /** Seconds until the limit resets (primary) or the client may retry (secondary). Default 1. */
  seconds?: number;
}

const MESSAGES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Bad credentials',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  422: 'Validation Failed',
  429: 'Too Many Requests',
  500: 'Server Error',
  502: 'Server Error',
  503: 'Service Unavailable',
  504: "We couldn't respond to your request in time. Sorry about that. Please try resubmitting your request and contact us if the problem persists.",
};

export function defaultFaultBody(status: number): unknown {
  return { message: MESSAGES[status] ?? 'Error', documentation_url: 'https://docs.github.com/rest', status: String(status) };
}

export class Faults {
  private readonly faults: Fault[] = [];
  private nextId = 1;
  /** Every fault injected, in order. */
  readonly log: InjectedFault[] = [];

  add(spec: FaultSpec): Fault {
    let route = spec.route;
    let method = spec.method?.toUpperCase();
    if (typeof route === 'string') {
      const spaced = /^([A-Z]+)\s+(\/.*)$/.exec(route);
      if (spaced) {
        method ??= spaced[1];
        route = spaced[2];
      }
    }
    const fault: Fault = {
      ...spec,
      route,
      method,
      id: this.nextId++,
      times: spec.times ?? 1,
      after: spec.after ?? 0,
      when: spec.when ?? 'before',
      seen: 0,
      injected: 0,
    };
    this.faults.push(fault);
    return fault;
  }

  /** GitHub's primary rate limit: 403, `x-ratelimit-remaining: 0`, `x-ratelimit-reset` in epoch seconds. */
  primaryRateLimit(spec: RateLimitFaultSpec = {}): Fault {
    const reset = Math.ceil(Date.now() / 1000) + (spec.seconds ?? 1);
    return this.add({
      ...spec,
      status: 403,
      headers: {
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-used': '5000',
        'x-ratelimit-reset': String(reset),
        'x-ratelimit-resource': 'core',
      },
      body: {
        message: 'API rate limit exceeded for installation ID 1.',
        documentation_url: 'https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting',
        status: '403',
      },
    });
  }

  /** GitHub's secondary rate limit: 403 with its message and `retry-after` (or 429 with `status: 429`). */
  secondaryRateLimit(spec: RateLimitFaultSpec & { status?: 403 | 429 } = {}): Fault {
    return this.add({
      ...spec,
      status: spec.status ?? 403,
      headers: { 'retry-after': String(spec.seconds ?? 1) },
      body: {
        message:
          'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.',
        documentation_url:
          'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
        status: String(spec.status ?? 403),
      },
    });
  }

  /** The first fault that applies to this request at this phase, counting the request against it. */
  take(method: string, route: string | null, pathWithQuery: string, query: URLSearchParams, when: 'before' | 'after'): Fault | undefined {
    for (const fault of this.faults) {
      if (fault.when !== when || fault.injected >= fault.times) continue;
      if (fault.method && fault.method !== method) continue;
      if (fault.route instanceof RegExp) {
        fault.route.lastIndex = 0;
        if (!fault.route.test(pathWithQuery)) continue;
      } else if (fault.route !== undefined && fault.route !== route) continue;
      if (fault.query && !Object.entries(fault.query).every(([k, v]) => query.get(k) === v)) continue;
      fault.seen++;
      if (fault.seen <= fault.after) continue;
      fault.injected++;
      return fault;
    }
    return undefined;
  }

  record(fault: Fault, method: string, path: string, route: string | null): void {
    this.log.push({
      faultId: fault.id,
      method,
      path,
      route,
      status: fault.reset ? null : (fault.status ?? null),
      reset: fault.reset === true,
      delayMs: fault.delayMs ?? 0,
      when: fault.when,
      at: Date.now(),
    });
  }

  /** Faults that still have injections left. */
  pending(): Fault[] {
    return this.faults.filter((f) => f.injected < f.times);
  }

  list(): readonly Fault[] {
    return this.faults;
  }

  clear(): void {
    this.faults.length = 0;
    this.log.length = 0;
  }
}
