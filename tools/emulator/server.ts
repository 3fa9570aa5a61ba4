/**
 * A local GitHub REST API on 127.0.0.1 for end-to-end tests, benchmarks and reliability tests.
 * node:http with a precompiled route table: a framework would add per-request cost and nothing we need.
 */
import { createHash, createPublicKey, createVerify, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Faults, defaultFaultBody, type Fault } from './faults.js';
import { findOperation, matchKnownRoute } from './openapi.js';
import {
  annotationJson, appJson, checkRunJson, commentJson, commitJson, contentJson, directoryEntryJson, fileChangeJson,
  installationJson, issueLabelsJson, labelJson, pullJson, repoJson, reviewJson,
} from './shapes.js';
import {
  Store, type CheckConclusion, type CheckStatus, type StoredAnnotation, type StoredCheckRun, type StoredRepo,
  type StoreOptions,
} from './store.js';

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
  /** All check runs of a repository, oldest first; only those on `sha` when given. */
  checkRuns(owner: string, repo: string, sha?: string): StoredCheckRun[];
  /** Check runs as GitHub's API returns them (with `app`, `check_suite`, `output`). */
  checkRunsJson(owner: string, repo: string, sha?: string): Array<Record<string, unknown>>;
  comments(owner: string, repo: string, issueNumber: number): Array<{ id: number; body: string; user: string }>;
  labels(owner: string, repo: string, issueNumber: number): string[];
  close(): Promise<void>;
}

interface Auth {
  kind: 'installation' | 'app';
  installationId: number | null;
  appId: number | null;
}

interface Ctx {
  method: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: any;
  accept: string;
  auth: Auth;
  repo: StoredRepo;
  pathname: string;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  raw?: { text: string | Buffer; contentType: string };
}

type Handler = (ctx: Ctx) => Reply;

interface RouteDef {
  method: string;
  template: string;
  auth: 'installation' | 'app';
  /** Route is reached only through `repo` context (owner/repo params). */
  repoScoped: boolean;
  handler: Handler;
  segments: string[];
  /** The last parameter swallows the rest of the path (contents paths with slashes). */
  tail: boolean;
  key: string;
}

class HttpError extends Error {
  constructor(readonly status: number, readonly payload: Record<string, unknown>, readonly violation = false) {
    super(String(payload.message));
  }
}

const DOCS = 'https://docs.github.com/rest';
const notFound = (): never => {
  throw new HttpError(404, { message: 'Not Found', documentation_url: DOCS, status: '404' });
};
const invalid = (message: string, extra: Record<string, unknown> = {}): never => {
  throw new HttpError(422, { message, documentation_url: DOCS, status: '422', ...extra }, true);
};

const HEX40 = /^[0-9a-f]{40}$/;
const utf8Bytes = (text: unknown): number => (typeof text === 'string' ? Buffer.byteLength(text, 'utf8') : 0);

function paginate<T>(ctx: Ctx, apiUrl: string, items: T[], options: { defaultPerPage?: number; maxPerPage?: number } = {}): { page: T[]; headers: Record<string, string> } {
  const maxPerPage = options.maxPerPage ?? 100;
  const perPage = Math.min(maxPerPage, Math.max(1, Number(ctx.query.get('per_page') ?? options.defaultPerPage ?? 30) || 30));
  const pageNumber = Math.max(1, Number(ctx.query.get('page') ?? 1) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const page = items.slice((pageNumber - 1) * perPage, pageNumber * perPage);
  const link = (n: number, rel: string): string => {
    const query = new URLSearchParams(ctx.query);
    query.set('per_page', String(perPage));
    query.set('page', String(n));
    return `<${apiUrl}${ctx.pathname}?${query.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (pageNumber > 1) links.push(link(Math.min(pageNumber - 1, last), 'prev'));
  if (pageNumber < last) links.push(link(pageNumber + 1, 'next'), link(last, 'last'));
  if (pageNumber > 1) links.push(link(1, 'first'));
  return { page, headers: links.length ? { link: links.join(', ') } : {} };
}

function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown>; signed: string; signature: Buffer } | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as Record<string, unknown>;
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Record<string, unknown>;
    if (typeof header.alg !== 'string') return undefined;
    return { header, payload, signed: `${parts[0]}.${parts[1]}`, signature: Buffer.from(parts[2], 'base64url') };
  } catch {
    return undefined;
  }
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const store = new Store(options);
  const faults = new Faults();
  const recordRequests = options.recordRequests ?? true;
  const rateLimit = { limit: options.rateLimit?.limit ?? 5000, enforce: options.rateLimit?.enforce ?? false };
  const defaultAppId = options.defaultAppId ?? 1;
  const appKeys = new Map<number, KeyObject>();
  for (const app of options.apps ?? []) {
    store.addApp(app);
    if (app.privateKey) appKeys.set(app.id, createPublicKey(app.privateKey));
  }

  const requests: RequestRecord[] = [];
  const violations: Violation[] = [];
  const unmatched: UnmatchedRequest[] = [];
  const freshCounters = (): Counters => ({ total: 0, rateLimited: 0, notModified: 0, tokens: 0, appRequests: 0, unauthorized: 0, faults: 0, unmatched: 0, violations: 0, byRoute: {}, graphql: 0, graphqlPoints: 0 });
  let counters = freshCounters();
  /** installation id → requests used in the current hour window */
  const usage = new Map<number, { used: number; resetAt: number }>();
  /** GraphQL's own budget: points per installation per hour, apart from REST's requests. */
  const graphqlUsage = new Map<number, { used: number; resetAt: number; limit: number }>();

  // ---- handlers --------------------------------------------------------------------------------

  const api = (): string => store.apiUrl;
  const pullOf = (ctx: Ctx) => ctx.repo.pulls.get(Number(ctx.params.pull_number)) ?? notFound();
  const issueOf = (ctx: Ctx) => ctx.repo.issues.get(Number(ctx.params.issue_number)) ?? notFound();
  const runOf = (ctx: Ctx): StoredCheckRun => {
    const run = store.checkRunsById.get(Number(ctx.params.check_run_id));
    if (!run || store.getRepo(run.owner, run.repo) !== ctx.repo) return notFound();
    return run;
  };
  const appIdOf = (ctx: Ctx): number => ctx.auth.appId ?? defaultAppId;
  const ok = (body: unknown, headers?: Record<string, string>): Reply => ({ status: 200, body, headers });
  const list = <T>(ctx: Ctx, items: T[], toJson: (item: T) => unknown, options?: { defaultPerPage?: number; maxPerPage?: number }): Reply => {
    const { page, headers } = paginate(ctx, api(), items, options);
    return ok(page.map(toJson), headers);
  };

  const validateCheckRunBody = (body: Record<string, any>, creating: boolean): void => {
    if (creating && typeof body.head_sha === 'string' && !HEX40.test(body.head_sha)) {
      invalid(`No commit found for SHA: ${body.head_sha}`);
    }
    if ((body.status === 'completed' || body.completed_at !== undefined) && body.conclusion === undefined) {
      invalid('Invalid request.\n\n"conclusion" wasn\'t supplied.');
    }
    const output = body.output as Record<string, any> | undefined;
    if (!output) return;
    for (const field of ['summary', 'text']) {
      if (utf8Bytes(output[field]) > 65535) invalid(`Invalid request.\n\nFor 'properties/output/properties/${field}', the value is ${utf8Bytes(output[field])} bytes; at most 65535 are allowed.`);
    }
    const annotations = (output.annotations ?? []) as Array<Record<string, any>>;
    if (annotations.length > 50) invalid('Invalid request.\n\nOnly 50 annotations may be sent per request.');
    annotations.forEach((a, i) => {
      if (utf8Bytes(a.message) > 65536) invalid(`Invalid request.\n\nannotations[${i}].message is longer than 64 KB.`);
      if (utf8Bytes(a.raw_details) > 65536) invalid(`Invalid request.\n\nannotations[${i}].raw_details is longer than 64 KB.`);
      if (typeof a.title === 'string' && a.title.length > 255) invalid(`Invalid request.\n\nannotations[${i}].title is longer than 255 characters.`);
      if (typeof a.start_line === 'number' && typeof a.end_line === 'number' && a.end_line < a.start_line) invalid(`Invalid request.\n\nannotations[${i}]: end_line is before start_line.`);
      if (typeof a.start_line === 'number' && a.start_line < 1) invalid(`Invalid request.\n\nannotations[${i}]: start_line must be at least 1.`);
    });
  };

  const applyCheckRunBody = (run: StoredCheckRun, body: Record<string, any>): void => {
    if (body.name !== undefined) run.name = body.name;
    if (body.details_url !== undefined) run.details_url = body.details_url;
    if (body.external_id !== undefined) run.external_id = body.external_id;
    if (body.started_at !== undefined) run.started_at = body.started_at;
    if (body.status !== undefined) run.status = body.status as CheckStatus;
    if (body.conclusion !== undefined) {
      run.conclusion = body.conclusion as CheckConclusion;
      run.status = 'completed';
    }
    if (run.status === 'completed') run.completed_at = body.completed_at ?? run.completed_at ?? store.timestamp();
    if (body.actions !== undefined) run.actions = body.actions;
    const output = body.output as Record<string, any> | undefined;
    if (output) {
      if (output.title !== undefined) run.output.title = output.title;
      if (output.summary !== undefined) run.output.summary = output.summary;
      if (output.text !== undefined) run.output.text = output.text;
      // GitHub appends annotations on every create/update.
      for (const a of (output.annotations ?? []) as StoredAnnotation[]) run.annotations.push({ ...a });
    }
  };

  const checkRunsOf = (owner: string, repo: string, sha?: string): StoredCheckRun[] => store.checkRunsOf(owner, repo, sha);

  const readContents = (ctx: Ctx): Reply => {
    const ref = ctx.query.get('ref') ?? undefined;
    if (ref !== undefined && !store.refExists(ctx.repo, ref)) {
      throw new HttpError(404, { message: `No commit found for the ref ${ref}`, documentation_url: DOCS, status: '404' });
    }
    const refName = ref ?? ctx.repo.defaultBranch;
    const files = store.filesAt(ctx.repo, ref);
    const path = ctx.params.path.replace(/^\/+|\/+$/g, '');
    const file = files?.get(path);
    if (file) {
      if (/\.raw\b|vnd\.github\.raw/.test(ctx.accept)) {
        return { status: 200, raw: { text: file.content, contentType: 'application/vnd.github.raw; charset=utf-8' } };
      }
      return ok(contentJson(store, ctx.repo, file, refName));
    }
    // A directory: the entries directly below it.
    const prefix = path === '' ? '' : `${path}/`;
    const entries = new Map<string, Record<string, unknown>>();
    for (const [filePath, stored] of files ?? []) {
      if (!filePath.startsWith(prefix)) continue;
      const rest = filePath.slice(prefix.length);
      const slash = rest.indexOf('/');
      const name = slash === -1 ? rest : rest.slice(0, slash);
      const entryPath = prefix + name;
      if (!entries.has(name)) entries.set(name, directoryEntryJson(store, ctx.repo, entryPath, slash === -1 ? 'file' : 'dir', refName, slash === -1 ? stored : undefined));
    }
    if (entries.size === 0) return notFound();
    return ok([...entries.keys()].sort().map((k) => entries.get(k)));
  };

  const pullDiff = (ctx: Ctx): string => {
    const pull = pullOf(ctx);
    return pull.files.map((f) => {
      const from = f.status === 'added' ? '/dev/null' : `a/${f.previous_filename ?? f.filename}`;
      const to = f.status === 'removed' ? '/dev/null' : `b/${f.filename}`;
      const header = `diff --git a/${f.previous_filename ?? f.filename} b/${f.filename}\n`;
      const mode = f.status === 'added' ? 'new file mode 100644\n' : f.status === 'removed' ? 'deleted file mode 100644\n' : '';
      return `${header}${mode}--- ${from}\n+++ ${to}\n${f.patch ? `${f.patch}\n` : ''}`;
    }).join('');
  };

  /** Commits reachable from `head` and not from `base`, oldest first. */
  const commitsBetween = (repo: StoredRepo, base: string, head: string): string[] => {
    const reachable = (start: string): Set<string> => {
      const seen = new Set<string>();
      const stack = [start];
      while (stack.length) {
        const sha = stack.pop()!;
        if (seen.has(sha)) continue;
        seen.add(sha);
        for (const parent of repo.commits.get(sha)?.parents ?? []) stack.push(parent);
      }
      return seen;
    };
    const fromBase = reachable(base);
    return [...reachable(head)].filter((sha) => !fromBase.has(sha) && repo.commits.has(sha)).reverse();
  };

  const routes: Array<Omit<RouteDef, 'segments' | 'tail' | 'key' | 'repoScoped'>> = [
    { method: 'GET', template: '/app', auth: 'app', handler: (ctx) => ok(appJson(store, store.app(appIdOf(ctx)))) },
    {
      method: 'GET', template: '/app/installations/{installation_id}', auth: 'app',
      handler: (ctx) => ok(installationJson(store, store.installations.get(Number(ctx.params.installation_id)) ?? notFound())),
    },
    {
      method: 'POST', template: '/app/installations/{installation_id}/access_tokens', auth: 'app',
      handler: (ctx) => {
        const installation = store.installations.get(Number(ctx.params.installation_id)) ?? notFound();
        const token = store.issueToken(installation.id, ctx.auth.appId);
        counters.tokens++;
        return {
          status: 201,
          body: {
            token: token.token,
            expires_at: new Date(token.expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
            permissions: ctx.body?.permissions ?? { checks: 'write', contents: 'read', metadata: 'read', pull_requests: 'write' },
            repository_selection: 'selected',
          },
        };
      },
    },
    { method: 'GET', template: '/repos/{owner}/{repo}/installation', auth: 'app', handler: (ctx) => ok(installationJson(store, store.installations.get(ctx.repo.installationId)!)) },
    { method: 'GET', template: '/repos/{owner}/{repo}', auth: 'installation', handler: (ctx) => ok(repoJson(store, ctx.repo)) },
    {
      method: 'GET', template: '/repos/{owner}/{repo}/pulls/{pull_number}', auth: 'installation',
      handler: (ctx) => {
        if (/vnd\.github(\.v3)?\.diff/.test(ctx.accept)) return { status: 200, raw: { text: pullDiff(ctx), contentType: 'application/vnd.github.diff; charset=utf-8' } };
        return ok(pullJson(store, ctx.repo, pullOf(ctx)));
      },
    },
    {
      method: 'GET', template: '/repos/{owner}/{repo}/pulls/{pull_number}/files', auth: 'installation',
      // GitHub lists at most 3,000 files of a pull request.
      handler: (ctx) => { const pull = pullOf(ctx); return list(ctx, pull.files.slice(0, 3000), (f) => fileChangeJson(store, ctx.repo, pull.head.sha, f)); },
    },
    {
      method: 'GET', template: '/repos/{owner}/{repo}/pulls/{pull_number}/reviews', auth: 'installation',
      handler: (ctx) => { const pull = pullOf(ctx); return list(ctx, pull.reviews, (r) => reviewJson(store, ctx.repo, pull, r)); },
    },
    {
      method: 'GET', template: '/repos/{owner}/{repo}/pulls/{pull_number}/commits', auth: 'installation',
      // GitHub lists at most 250 commits of a pull request.
      handler: (ctx) => list(ctx, pullOf(ctx).commits.slice(0, 250), (sha) => commitJson(store, ctx.repo, ctx.repo.commits.get(sha)!)),
    },
    {
      method: 'GET', template: '/repos/{owner}/{repo}/commits/{commit_sha}/pulls', auth: 'installation',
      handler: (ctx) => list(ctx, store.pullsForCommit(ctx.repo, ctx.params.commit_sha), (p) => pullJson(store, ctx.repo, p)),
    },
    {
      method: 'GET', template: '/repos/{owner}/{repo}/commits/{ref}', auth: 'installation',
      handler: (ctx) => {
        const commit = ctx.repo.commits.get(store.resolveSha(ctx.repo, ctx.params.ref));
        if (!commit) invalid(`No commit found for SHA: ${ctx.params.ref}`);
        return ok(commitJson(store, ctx.repo, commit!, true));
      },
    },
    {
      method: 'GET', template: '/repos/{owner}/{repo}/compare/{basehead}', auth: 'installation',
      handler: (ctx) => {
        const [baseRef, headRef] = ctx.params.basehead.split('...');
        if (!headRef) return notFound();
        const base = store.resolveSha(ctx.repo, baseRef);
        const head = store.resolveSha(ctx.repo, headRef);
        if (!ctx.repo.commits.has(head)) return notFound();
        const ahead = commitsBetween(ctx.repo, base, head);
        const behind = commitsBetween(ctx.repo, head, base);
        const { page, headers } = paginate(ctx, api(), ahead, { defaultPerPage: 250, maxPerPage: 250 });
        const files = new Map<string, ReturnType<typeof fileChangeJson>>();
        for (const sha of ahead) for (const f of ctx.repo.commits.get(sha)!.files) files.set(f.filename, fileChangeJson(store, ctx.repo, head, f));
        const full = `${ctx.repo.owner}/${ctx.repo.name}`;
        return ok({
          url: `${api()}/repos/${full}/compare/${ctx.params.basehead}`,
          html_url: `https://github.com/${full}/compare/${ctx.params.basehead}`,
          base_commit: ctx.repo.commits.has(base) ? commitJson(store, ctx.repo, ctx.repo.commits.get(base)!) : null,
          status: ahead.length && behind.length ? 'diverged' : ahead.length ? 'ahead' : behind.length ? 'behind' : 'identical',
          ahead_by: ahead.length,
          behind_by: behind.length,
          total_commits: ahead.length,
          commits: page.map((sha) => commitJson(store, ctx.repo, ctx.repo.commits.get(sha)!)),
          // Up to 300 files of the whole comparison, on the first page only.
          files: ctx.query.get('page') === null || Number(ctx.query.get('page')) <= 1 ? [...files.values()].slice(0, 300) : [],
        }, headers);
      },
    },
    { method: 'GET', template: '/repos/{owner}/{repo}/contents/{path}', auth: 'installation', handler: readContents },
    {
      method: 'GET', template: '/repos/{owner}/{repo}/commits/{ref}/check-runs', auth: 'installation',
      handler: (ctx) => {
        const sha = store.resolveSha(ctx.repo, ctx.params.ref);
        const name = ctx.query.get('check_name');
        const status = ctx.query.get('status');
        const appId = ctx.query.get('app_id');
        let runs = checkRunsOf(ctx.repo.owner, ctx.repo.name, sha)
          .filter((r) => (name === null || r.name === name) && (status === null || r.status === status) && (appId === null || r.appId === Number(appId)))
          .sort((a, b) => b.id - a.id);
        if ((ctx.query.get('filter') ?? 'latest') === 'latest') {
          const seen = new Set<string>();
          runs = runs.filter((r) => { const key = `${r.appId}\0${r.name}`; if (seen.has(key)) return false; seen.add(key); return true; });
        }
        const { page, headers } = paginate(ctx, api(), runs);
        return ok({ total_count: runs.length, check_runs: page.map((r) => checkRunJson(store, ctx.repo, r)) }, headers);
      },
    },
    {
      method: 'GET', template: '/repos/{owner}/{repo}/check-suites/{check_suite_id}/check-runs', auth: 'installation',
      handler: (ctx) => {
        const suite = store.suitesById.get(Number(ctx.params.check_suite_id));
        if (!suite || store.getRepo(suite.owner, suite.repo) !== ctx.repo) return notFound();
        const runs = [...store.checkRunsById.values()].filter((r) => r.suiteId === suite.id).sort((a, b) => b.id - a.id);
        const { page, headers } = paginate(ctx, api(), runs);
        return ok({ total_count: runs.length, check_runs: page.map((r) => checkRunJson(store, ctx.repo, r)) }, headers);
      },
    },
    {
      method: 'POST', template: '/repos/{owner}/{repo}/check-runs', auth: 'installation',
      handler: (ctx) => {
        const body = ctx.body as Record<string, any>;
        validateCheckRunBody(body, true);
        const appId = appIdOf(ctx);
        const suite = store.suiteFor(ctx.repo.owner, ctx.repo.name, body.head_sha, appId);
        const run: StoredCheckRun = {
          id: store.newCheckRunId(),
          owner: ctx.repo.owner,
          repo: ctx.repo.name,
          head_sha: body.head_sha,
          name: body.name,
          status: 'queued',
          conclusion: null,
          started_at: store.timestamp(),
          completed_at: null,
          external_id: null,
          details_url: null,
          output: { title: null, summary: null, text: null },
          annotations: [],
          actions: [],
          appId,
          suiteId: suite.id,
          updates: 0,
        };
        applyCheckRunBody(run, body);
        store.addCheckRun(run);
        return { status: 201, body: checkRunJson(store, ctx.repo, run) };
      },
    },
    { method: 'GET', template: '/repos/{owner}/{repo}/check-runs/{check_run_id}', auth: 'installation', handler: (ctx) => ok(checkRunJson(store, ctx.repo, runOf(ctx))) },
    {
      method: 'PATCH', template: '/repos/{owner}/{repo}/check-runs/{check_run_id}', auth: 'installation',
      handler: (ctx) => {
        const run = runOf(ctx);
        if (run.appId !== appIdOf(ctx)) {
          throw new HttpError(403, { message: 'Resource not accessible by integration', documentation_url: DOCS, status: '403' });
        }
        validateCheckRunBody(ctx.body as Record<string, any>, false);
        applyCheckRunBody(run, ctx.body as Record<string, any>);
        run.updates++;
        return ok(checkRunJson(store, ctx.repo, run));
      },
    },
    {
      method: 'GET', template: '/repos/{owner}/{repo}/check-runs/{check_run_id}/annotations', auth: 'installation',
      handler: (ctx) => { const run = runOf(ctx); return list(ctx, run.annotations.map((_, i) => i), (i) => annotationJson(run, i)); },
    },
    {
      method: 'GET', template: '/repos/{owner}/{repo}/issues/{issue_number}/comments', auth: 'installation',
      handler: (ctx) => list(ctx, issueOf(ctx).comments, (c) => commentJson(store, ctx.repo, c)),
    },
    {
      method: 'POST', template: '/repos/{owner}/{repo}/issues/{issue_number}/comments', auth: 'installation',
      handler: (ctx) => {
        const issue = issueOf(ctx);
        const appId = appIdOf(ctx);
        const comment = store.addComment(ctx.repo, issue.number, ctx.body.body, `${store.app(appId).slug}[bot]`, appId);
        return { status: 201, body: commentJson(store, ctx.repo, comment) };
      },
    },
    {
      method: 'PATCH', template: '/repos/{owner}/{repo}/issues/comments/{comment_id}', auth: 'installation',
      handler: (ctx) => {
        const comment = store.commentsById.get(Number(ctx.params.comment_id));
        if (!comment || store.getRepo(comment.owner, comment.repo) !== ctx.repo) return notFound();
        comment.body = ctx.body.body;
        comment.updated_at = store.timestamp();
        return ok(commentJson(store, ctx.repo, comment));
      },
    },
    {
      method: 'GET', template: '/repos/{owner}/{repo}/issues/{issue_number}/labels', auth: 'installation',
      handler: (ctx) => { issueOf(ctx); return list(ctx, issueLabelsJson(store, ctx.repo, Number(ctx.params.issue_number)), (l) => l); },
    },
    {
      method: 'POST', template: '/repos/{owner}/{repo}/issues/{issue_number}/labels', auth: 'installation',
      handler: (ctx) => {
        const issue = issueOf(ctx);
        const given = Array.isArray(ctx.body) ? ctx.body : (ctx.body?.labels ?? []);
        for (const entry of given as Array<string | { name: string }>) store.addIssueLabel(ctx.repo, issue, typeof entry === 'string' ? entry : entry.name);
        return ok(issueLabelsJson(store, ctx.repo, issue.number));
      },
    },
    {
      method: 'PUT', template: '/repos/{owner}/{repo}/issues/{issue_number}/labels', auth: 'installation',
      handler: (ctx) => {
        const issue = issueOf(ctx);
        issue.labels = [];
        const given = Array.isArray(ctx.body) ? ctx.body : (ctx.body?.labels ?? []);
        for (const entry of given as Array<string | { name: string }>) store.addIssueLabel(ctx.repo, issue, typeof entry === 'string' ? entry : entry.name);
        return ok(issueLabelsJson(store, ctx.repo, issue.number));
      },
    },
    {
      method: 'DELETE', template: '/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}', auth: 'installation',
      handler: (ctx) => {
        const issue = issueOf(ctx);
        const index = issue.labels.findIndex((l) => l.toLowerCase() === ctx.params.name.toLowerCase());
        if (index === -1) throw new HttpError(404, { message: 'Label does not exist', documentation_url: DOCS, status: '404' });
        issue.labels.splice(index, 1);
        return ok(issueLabelsJson(store, ctx.repo, issue.number));
      },
    },
    {
      method: 'GET', template: '/repos/{owner}/{repo}/labels', auth: 'installation',
      handler: (ctx) => list(ctx, [...ctx.repo.labels.values()], (l) => labelJson(store, ctx.repo, l)),
    },
    {
      method: 'GET', template: '/repos/{owner}/{repo}/labels/{name}', auth: 'installation',
      handler: (ctx) => ok(labelJson(store, ctx.repo, ctx.repo.labels.get(ctx.params.name.toLowerCase()) ?? notFound())),
    },
    {
      method: 'POST', template: '/repos/{owner}/{repo}/labels', auth: 'installation',
      handler: (ctx) => {
        if (ctx.repo.labels.has(String(ctx.body.name).toLowerCase())) {
          // Not a misuse of the API: GitHub's answer when the label exists, so not recorded as a violation.
          throw new HttpError(422, { message: 'Validation Failed', errors: [{ resource: 'Label', code: 'already_exists', field: 'name' }], documentation_url: `${DOCS}/issues/labels#create-a-label`, status: '422' });
        }
        return { status: 201, body: labelJson(store, ctx.repo, store.createLabel(ctx.repo, ctx.body)) };
      },
    },
  ];

  // Precompiled route table, indexed by method and segment count; tail routes are tried after exact ones.
  const table = new Map<string, RouteDef[]>();
  const tailRoutes: RouteDef[] = [];
  for (const route of routes) {
    if (!findOperation(route.method, route.template)) throw new Error(`${route.method} ${route.template} is not in GitHub's API description`);
    const segments = route.template.split('/').slice(1);
    const def: RouteDef = { ...route, segments, tail: route.template.endsWith('/contents/{path}'), key: `${route.method} ${route.template}`, repoScoped: route.template.startsWith('/repos/{owner}/{repo}') };
    if (def.tail) tailRoutes.push(def);
    else {
      const key = `${route.method} ${segments.length}`;
      if (!table.has(key)) table.set(key, []);
      table.get(key)!.push(def);
    }
  }

  const matchSegments = (def: RouteDef, parts: string[]): Record<string, string> | undefined => {
    const params: Record<string, string> = {};
    for (let i = 0; i < def.segments.length; i++) {
      const segment = def.segments[i];
      if (segment.charCodeAt(0) === 123 /* { */) {
        const name = segment.slice(1, -1);
        if (def.tail && i === def.segments.length - 1) {
          params[name] = parts.slice(i).map(decodeURIComponent).join('/');
          return params;
        }
        if (parts[i] === undefined || parts[i] === '') return undefined;
        params[name] = decodeURIComponent(parts[i]);
      } else if (segment !== parts[i]) return undefined;
    }
    return params;
  };

  const matchRoute = (method: string, pathname: string): { def: RouteDef; params: Record<string, string> } | undefined => {
    const parts = pathname.split('/').slice(1);
    if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
    for (const def of table.get(`${method} ${parts.length}`) ?? []) {
      const params = matchSegments(def, parts);
      if (params) return { def, params };
    }
    for (const def of tailRoutes) {
      if (def.method !== method || parts.length < def.segments.length - 1) continue;
      const params = matchSegments(def, parts.length === def.segments.length - 1 ? [...parts, ''] : parts);
      if (params) return { def, params };
    }
    return undefined;
  };

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
        return unauthorized("'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires");
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
      if (recordRequests) requests.push({ method, path: rawUrl, route: routeTemplate, status, installationId, counted, faultId: injected?.id ?? null });
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
        if (!window || window.resetAt <= Date.now()) graphqlUsage.set(installationId!, (window = { used: 0, resetAt: Date.now() + 3_600_000, limit: rateLimit.limit }));
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
          throw new HttpError(403, { message: `API rate limit exceeded for installation ID ${auth.installationId}.`, documentation_url: DOCS, status: '403' });
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
      if (method === 'GET' && status === 200 && payload) {
        const etag = `W/"${createHash('sha1').update(payload).digest('hex')}"`;
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
        try { body = JSON.parse(body as string); } catch { /* keep text */ }
        violations.push({ method, path: rawUrl, route: routeTemplate, messages: (error.payload.errors as string[] | undefined) ?? [String(error.payload.message)], body });
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
    resetCounters() {
      counters = freshCounters();
      requests.length = 0;
      violations.length = 0;
      unmatched.length = 0;
    },
    checkRuns: (owner, repo, sha) => checkRunsOf(owner, repo, sha).sort((a, b) => a.id - b.id),
    checkRunsJson: (owner, repo, sha) => checkRunsOf(owner, repo, sha).sort((a, b) => a.id - b.id).map((r) => checkRunJson(store, store.repo(owner, repo), r)),
    comments: (owner, repo, issueNumber) => (store.getRepo(owner, repo)?.issues.get(issueNumber)?.comments ?? []).map((c) => ({ id: c.id, body: c.body, user: c.user })),
    labels: (owner, repo, issueNumber) => store.labelsOf(owner, repo, issueNumber),
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  } satisfies Emulator;
}
