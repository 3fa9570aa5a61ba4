/**
 * A local GitHub REST API on 127.0.0.1 for end-to-end tests, benchmarks and reliability tests.
 * node:http with a precompiled route table: a framework would add per-request cost and nothing we need.
 */
import { createHash, createPublicKey, createVerify, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Faults, defaultFaultBody, type Fault } from './faults.js';
import { findOperation, matchKnownRoute } from './openapi.js';
import { checkRunJson } from './shapes.js';
import { Store, type StoredCheckRun, type StoredRepo, type StoreOptions } from './store.js';
import { DOCS, HttpError, compileRoutes, decodeJwt, invalid, notFound, type Auth, type Ctx } from './http.js';
import { routeList } from './routes.js';

export interface EmulatorOptions extends StoreOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Keep a log of every request in `requests` (default true; benchmarks may turn it off). */
  recordRequests?: boolean;
  /** Primary rate limit per installation per hour; enforced (403 when spent) only with `enforce: true`. */
  rateLimit?: { limit?: number; enforce?: boolean };
  /** Apps whose JWTs are verified (RS256) against their key; JWTs of other apps are accepted unverified. */
  apps?: Array<{ id: number; slug?: string; name?: string; privateKey?: string }>;
  /** App id used for installation tokens whose JWT names no `iss`. Default 1. */
  defaultAppId?: number;
  /**
   * A network round trip added to every request (default 0): half before the request is processed, half
   * before its answer is sent, as between a client and api.github.com. Changeable later via `roundTripMs`.
   */
  roundTripMs?: number;
}

export interface RequestRecord {
  method: string;
  /** Path with query string, as received. */
  path: string;
  /** OpenAPI route template, or null when no emulated route matched. */
  route: string | null;
  status: number;
  installationId: number | null;
  /** Whether GitHub would count it against the installation's primary rate limit. */
  counted: boolean;
  faultId: number | null;
  /** `performance.now()` when the request arrived, and when its answer left (round trip included). */
  startedAt: number;
  endedAt: number;
}

export interface Violation {
  method: string;
  path: string;
  route: string | null;
  messages: string[];
  body: unknown;
}

export interface UnmatchedRequest {
  method: string;
  path: string;
  /** The GitHub route it would have hit, when GitHub has one (so the emulator lacks it). */
  githubRoute: string | null;
}

export interface Counters {
  /** Every request received. */
  total: number;
  /** Installation-token requests that count against the primary rate limit (all except 304s). */
  rateLimited: number;
  /** Conditional requests answered 304 (free on GitHub). */
  notModified: number;
  /** Installation tokens issued. */
  tokens: number;
  /** App-JWT requests other than token creation. */
  appRequests: number;
  /** Requests answered 401. */
  unauthorized: number;
  /** Requests answered with an injected fault. */
  faults: number;
  /** Requests that matched no emulated route. */
  unmatched: number;
  /** Requests rejected because they broke GitHub's API description or limits. */
  violations: number;
  /** Requests per route template (`METHOD template`). */
  byRoute: Record<string, number>;
  /** GraphQL requests (POST /graphql), and the rate-limit points GitHub would have charged for them. */
  graphql: number;
  graphqlPoints: number;
}

export interface Emulator {
  /** Base URL, e.g. `http://127.0.0.1:41234` (give it to Octokit/Probot as `baseUrl`). */
  url: string;
  port: number;
  store: Store;
  faults: Faults;
  requests: RequestRecord[];
  violations: Violation[];
  unmatched: UnmatchedRequest[];
  counters: Counters;
  resetCounters(): void;
  /** The round trip added to every request, in milliseconds (0: none). */
  roundTripMs: number;
  /** All check runs of a repository, oldest first; only those on `sha` when given. */
  checkRuns(owner: string, repo: string, sha?: string): StoredCheckRun[];
  /** Check runs as GitHub's API returns them (with `app`, `check_suite`, `output`). */
  checkRunsJson(owner: string, repo: string, sha?: string): Array<Record<string, unknown>>;
  comments(owner: string, repo: string, issueNumber: number): Array<{ id: number; body: string; user: string }>;
  labels(owner: string, repo: string, issueNumber: number): string[];
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const store = new Store(options);
  const faults = new Faults();
  const recordRequests = options.recordRequests ?? true;
  const rateLimit = { limit: options.rateLimit?.limit ?? 5000, enforce: options.rateLimit?.enforce ?? false };
  const defaultAppId = options.defaultAppId ?? 1;
  let roundTripMs = options.roundTripMs ?? 0;
  const appKeys = new Map<number, KeyObject>();
  for (const app of options.apps ?? []) {
    store.addApp(app);
    if (app.privateKey) appKeys.set(app.id, createPublicKey(app.privateKey));
  }

  const requests: RequestRecord[] = [];
  const violations: Violation[] = [];
  const unmatched: UnmatchedRequest[] = [];
  const freshCounters = (): Counters => ({
    total: 0,
    rateLimited: 0,
    notModified: 0,
    tokens: 0,
    appRequests: 0,
    unauthorized: 0,
    faults: 0,
    unmatched: 0,
    violations: 0,
    byRoute: {},
    graphql: 0,
    graphqlPoints: 0,
  });
  let counters = freshCounters();
  /** installation id → requests used in the current hour window */
  const usage = new Map<number, { used: number; resetAt: number }>();
  /** GraphQL's own budget: points per installation per hour, apart from REST's requests. */
  const graphqlUsage = new Map<number, { used: number; resetAt: number; limit: number }>();

  const checkRunsOf = (owner: string, repo: string, sha?: string): StoredCheckRun[] => store.checkRunsOf(owner, repo, sha);
  const matchRoute = compileRoutes(routeList({ store, defaultAppId, countToken: () => counters.tokens++ }));

  // ---- request pipeline --------------------------------------------------------------------------

  const authenticate = (req: IncomingMessage, kind: 'installation' | 'app'): Auth => {
    const header = req.headers.authorization;
    const unauthorized = (message: string): never => {
      throw new HttpError(401, { message, documentation_url: DOCS, status: '401' });
    };
    if (!header) return unauthorized('Requires authentication');
    const match = /^(?:token|bearer)\s+(\S+)$/i.exec(header);
    if (!match) return unauthorized('Bad credentials');
    const credential = match[1];
    if (kind === 'app') {
      const jwt = decodeJwt(credential);
      if (!jwt) return unauthorized('A JSON web token could not be decoded');
      const nowSeconds = Math.floor(store.now().getTime() / 1000);
      if (typeof jwt.payload.exp !== 'number' || jwt.payload.exp < nowSeconds) {
        return unauthorized(
          "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
        );
      }
      const appId = jwt.payload.iss === undefined ? null : Number(jwt.payload.iss);
      const key = appId === null ? undefined : appKeys.get(appId);
      if (key) {
        const verified = jwt.header.alg === 'RS256' && createVerify('RSA-SHA256').update(jwt.signed).verify(key, jwt.signature);
        if (!verified) return unauthorized('A JSON web token could not be decoded');
      }
      return { kind: 'app', installationId: null, appId: appId !== null && Number.isFinite(appId) ? appId : null };
    }
    const token = store.tokens.get(credential);
    if (!token || token.expiresAt <= store.now().getTime()) return unauthorized('Bad credentials');
    return { kind: 'installation', installationId: token.installationId, appId: token.appId };
  };

  const rateLimitHeaders = (installationId: number, count: boolean): Record<string, string> => {
    const now = Date.now();
    let window = usage.get(installationId);
    if (!window || window.resetAt <= now) usage.set(installationId, (window = { used: 0, resetAt: now + 3_600_000 }));
    if (count) window.used++;
    return {
      'x-ratelimit-limit': String(rateLimit.limit),
      'x-ratelimit-remaining': String(Math.max(0, rateLimit.limit - window.used)),
      'x-ratelimit-used': String(window.used),
      'x-ratelimit-reset': String(Math.ceil(window.resetAt / 1000)),
      'x-ratelimit-resource': 'core',
    };
  };

  let requestSerial = 0;
  const baseHeaders = (): Record<string, string> => ({
    'x-github-api-version-selected': '2022-11-28',
    'x-github-request-id': `EMU:${(++requestSerial).toString(16).toUpperCase()}`,
    'x-github-media-type': 'github.v3; format=json',
  });

  const send = (res: ServerResponse, status: number, headers: Record<string, string>, payload: Buffer | null, reset: boolean): void => {
    // The way back of the round trip.
    if (roundTripMs > 0) setTimeout(() => answer(res, status, headers, payload, reset), roundTripMs / 2);
    else answer(res, status, headers, payload, reset);
  };
  const answer = (res: ServerResponse, status: number, headers: Record<string, string>, payload: Buffer | null, reset: boolean): void => {
    if (res.destroyed) return;
    if (payload) headers['content-length'] = String(payload.length);
    res.writeHead(status, headers);
    if (reset) {
      // Half the body, then the connection drops: the client sees a truncated response.
      if (payload && payload.length > 1) res.write(payload.subarray(0, Math.floor(payload.length / 2)));
      setImmediate(() => res.socket?.destroy());
      return;
    }
    res.end(payload ?? undefined);
  };

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  const handle = async (req: IncomingMessage, res: ServerResponse, bodyBuffer: Buffer): Promise<void> => {
    const startedAt = performance.now();
    // The way there of the round trip: GitHub sees the request (and stores what it writes) only then.
    if (roundTripMs > 0) await sleep(roundTripMs / 2);
    counters.total++;
    const method = req.method ?? 'GET';
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const pathname = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const query = new URLSearchParams(q === -1 ? '' : rawUrl.slice(q + 1));
    // GitHub Enterprise's prefix, which Probot adds when started with GHE_HOST=127.0.0.1:PORT GHE_PROTOCOL=http.
    const routePath = pathname.startsWith('/api/v3/') ? pathname.slice(7) : pathname;
    const matched = matchRoute(method, routePath);
    // GraphQL lives at /graphql on github.com and at /api/graphql on GitHub Enterprise Server.
    const isGraphql = method === 'POST' && (routePath === '/graphql' || pathname === '/api/graphql');
    const routeTemplate = matched?.def.template ?? (isGraphql ? '/graphql' : null);
    const headers: Record<string, string> = baseHeaders();
    let status = 500;
    let payload: Buffer | null = null;
    let installationId: number | null = null;
    let counted = false;
    let injected: Fault | undefined;

    const record = (): void => {
      if (recordRequests)
        requests.push({
          method,
          path: rawUrl,
          route: routeTemplate,
          status,
          installationId,
          counted,
          faultId: injected?.id ?? null,
          startedAt,
          endedAt: performance.now() + roundTripMs / 2,
        });
    };
    let cutResponse = false;
    /** Answers with the fault and returns true, or returns false when processing goes on (delays, cut responses). */
    const applyFault = async (fault: Fault, phase: 'before' | 'after'): Promise<boolean> => {
      injected = fault;
      faults.record(fault, method, rawUrl, routeTemplate);
      if (fault.delayMs) await sleep(fault.delayMs);
      if (fault.status === undefined && !fault.reset) return false; // only a delay
      counters.faults++;
      if (fault.status === undefined) {
        if (phase === 'before' && method !== 'GET') {
          // Connection lost before GitHub saw the request: nothing is processed, nothing is answered.
          status = 0;
          record();
          res.socket?.destroy();
          return true;
        }
        cutResponse = true; // the real answer, cut halfway
        return false;
      }
      status = fault.status;
      payload = status === 204 || status === 304 ? null : Buffer.from(JSON.stringify(fault.body ?? defaultFaultBody(status)));
      Object.assign(headers, { 'content-type': 'application/json; charset=utf-8' }, fault.headers ?? {});
      record();
      send(res, status, headers, payload, fault.reset === true);
      return true;
    };

    const before = faults.take(method, routeTemplate, rawUrl, query, 'before');
    if (before && (await applyFault(before, 'before'))) return;

    try {
      if (isGraphql) {
        const auth = authenticate(req, 'installation');
        installationId = auth.installationId;
        counters.graphql++;
        let window = graphqlUsage.get(installationId!);
        if (!window || window.resetAt <= Date.now())
          graphqlUsage.set(installationId!, (window = { used: 0, resetAt: Date.now() + 3_600_000, limit: rateLimit.limit }));
        let parsed: unknown;
        try {
          parsed = JSON.parse(bodyBuffer.toString('utf8'));
        } catch {
          throw new HttpError(400, { message: 'Problems parsing JSON', documentation_url: DOCS, status: '400' });
        }
        const { answerGraphql } = await import('./graphql.js');
        const answer = await answerGraphql(store, parsed, (r) => r.installationId === auth.installationId, window);
        counters.graphqlPoints += answer.cost;
        status = answer.status;
        payload = Buffer.from(JSON.stringify(answer.body), 'utf8');
        Object.assign(headers, {
          'content-type': 'application/json; charset=utf-8',
          'x-ratelimit-limit': String(window.limit),
          'x-ratelimit-remaining': String(Math.max(0, window.limit - window.used)),
          'x-ratelimit-used': String(window.used),
          'x-ratelimit-reset': String(Math.ceil(window.resetAt / 1000)),
          'x-ratelimit-resource': 'graphql',
        });
        const after = faults.take(method, routeTemplate, rawUrl, query, 'after');
        if (after && (await applyFault(after, 'after'))) return;
        record();
        send(res, status, headers, payload, cutResponse);
        return;
      }
      if (!matched) {
        counters.unmatched++;
        unmatched.push({ method, path: rawUrl, githubRoute: matchKnownRoute(method, routePath) ?? null });
        throw new HttpError(404, { message: 'Not Found', documentation_url: DOCS, status: '404' });
      }
      const { def, params } = matched;
      counters.byRoute[def.key] = (counters.byRoute[def.key] ?? 0) + 1;
      const auth = authenticate(req, def.auth);
      installationId = auth.installationId;

      let repo: StoredRepo | undefined;
      if (def.repoScoped) {
        repo = store.getRepo(params.owner, params.repo);
        // A repository outside the token's installation is invisible, as on GitHub.
        if (!repo || (auth.kind === 'installation' && repo.installationId !== auth.installationId)) notFound();
      }
      if (auth.kind === 'installation') {
        counted = true;
        Object.assign(headers, rateLimitHeaders(auth.installationId!, true));
        if (rateLimit.enforce && Number(headers['x-ratelimit-used']) > rateLimit.limit) {
          throw new HttpError(403, {
            message: `API rate limit exceeded for installation ID ${auth.installationId}.`,
            documentation_url: DOCS,
            status: '403',
          });
        }
      } else if (def.template !== '/app/installations/{installation_id}/access_tokens') {
        counters.appRequests++;
      }

      let body: unknown;
      if (bodyBuffer.length > 0) {
        try {
          body = JSON.parse(bodyBuffer.toString('utf8'));
        } catch {
          throw new HttpError(400, { message: 'Problems parsing JSON', documentation_url: DOCS, status: '400' });
        }
      }
      const operation = findOperation(def.method, def.template)!;
      const problems = [
        ...operation.validateParams({ ...params, ...Object.fromEntries(query) }),
        ...(method === 'GET' || method === 'DELETE' ? [] : operation.validateBody(body)),
      ];
      if (problems.length) invalid(`Invalid request.\n\n${problems.join('\n')}`, { errors: problems });

      const ctx: Ctx = { method, params, query, body, accept: String(req.headers.accept ?? ''), auth, repo: repo!, pathname };
      const reply = def.handler(ctx);
      status = reply.status;
      Object.assign(headers, reply.headers ?? {});
      if (reply.raw) {
        payload = typeof reply.raw.text === 'string' ? Buffer.from(reply.raw.text, 'utf8') : reply.raw.text;
        headers['content-type'] = reply.raw.contentType;
      } else if (reply.body !== undefined) {
        payload = Buffer.from(JSON.stringify(reply.body), 'utf8');
        headers['content-type'] = 'application/json; charset=utf-8';
      }
      // GitHub's ETags, as its recorded answers show them: a write's answer (201, 200) carries the ETag that a
      // GET answering the same body then carries, and the ETag depends on the credential as well as on the body
      // (GitHub support: "It's currently expected for ETags to be auth token specific"), so an ETag kept across
      // an installation token's renewal, or from another replica's token, no longer matches.
      const etagOf = (body: Buffer): string =>
        `W/"${createHash('sha1')
          .update(String(req.headers.authorization ?? ''))
          .update('\0')
          .update(body)
          .digest('hex')}"`;
      if (method !== 'GET' && (status === 200 || status === 201) && payload && headers['content-type']?.startsWith('application/json')) {
        headers.etag = etagOf(payload);
      }
      if (method === 'GET' && status === 200 && payload) {
        const etag = etagOf(payload);
        headers.etag = etag;
        const conditional = req.headers['if-none-match'];
        if (conditional && conditional.split(',').some((tag) => tag.trim() === etag || tag.trim() === etag.slice(2))) {
          status = 304;
          payload = null;
          delete headers['content-type'];
          if (counted) {
            counted = false;
            Object.assign(headers, rateLimitHeaders(auth.installationId!, false));
            // 304s are free: give back the unit taken above.
            usage.get(auth.installationId!)!.used--;
            headers['x-ratelimit-used'] = String(usage.get(auth.installationId!)!.used);
            headers['x-ratelimit-remaining'] = String(Math.max(0, rateLimit.limit - usage.get(auth.installationId!)!.used));
          }
          counters.notModified++;
        }
      }
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      status = error.status;
      payload = Buffer.from(JSON.stringify(error.payload), 'utf8');
      headers['content-type'] = 'application/json; charset=utf-8';
      if (status === 401) counters.unauthorized++;
      if (error.violation) {
        counters.violations++;
        let body: unknown = bodyBuffer.toString('utf8');
        try {
          body = JSON.parse(body as string);
        } catch {
          /* keep text */
        }
        violations.push({
          method,
          path: rawUrl,
          route: routeTemplate,
          messages: (error.payload.errors as string[] | undefined) ?? [String(error.payload.message)],
          body,
        });
      }
    }
    if (counted) counters.rateLimited++;

    const after = faults.take(method, routeTemplate, rawUrl, query, 'after');
    if (after && (await applyFault(after, 'after'))) return;
    record();
    send(res, status, headers, payload, cutResponse);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      handle(req, res, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)).catch((error: unknown) => {
        if (!res.headersSent && !res.destroyed) {
          res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
          res.end(JSON.stringify({ message: `Emulator error: ${(error as Error).message}`, status: '500' }));
        }
      });
    });
  });
  server.keepAliveTimeout = 30_000;
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  store.apiUrl = url;

  return {
    url,
    port,
    store,
    faults,
    requests,
    violations,
    unmatched,
    get counters() {
      return counters;
    },
    get roundTripMs() {
      return roundTripMs;
    },
    set roundTripMs(ms: number) {
      roundTripMs = Math.max(0, ms);
    },
    resetCounters() {
      counters = freshCounters();
      requests.length = 0;
      violations.length = 0;
      unmatched.length = 0;
    },
    checkRuns: (owner, repo, sha) => checkRunsOf(owner, repo, sha).sort((a, b) => a.id - b.id),
    checkRunsJson: (owner, repo, sha) =>
      checkRunsOf(owner, repo, sha)
        .sort((a, b) => a.id - b.id)
        .map((r) => checkRunJson(store, store.repo(owner, repo), r)),
    comments: (owner, repo, issueNumber) =>
      (store.getRepo(owner, repo)?.issues.get(issueNumber)?.comments ?? []).map((c) => ({ id: c.id, body: c.body, user: c.user })),
    labels: (owner, repo, issueNumber) => store.labelsOf(owner, repo, issueNumber),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  } satisfies Emulator;
}
