/** The emulator's HTTP vocabulary: a request's context, replies, GitHub's error answers, pagination and the route table. */
import { findOperation } from './openapi.js';
import type { StoredRepo } from './store.js';

export interface Auth {
  kind: 'installation' | 'app';
  installationId: number | null;
  appId: number | null;
}

export interface Ctx {
  method: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: any;
  accept: string;
  auth: Auth;
  repo: StoredRepo;
  pathname: string;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  raw?: { text: string | Buffer; contentType: string };
}

export type Handler = (ctx: Ctx) => Reply;

export interface RouteDef {
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

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly payload: Record<string, unknown>,
    readonly violation = false,
  ) {
    super(String(payload.message));
  }
}

export const DOCS = 'https://docs.github.com/rest';
export const notFound = (): never => {
  throw new HttpError(404, { message: 'Not Found', documentation_url: DOCS, status: '404' });
};
export const invalid = (message: string, extra: Record<string, unknown> = {}): never => {
  throw new HttpError(422, { message, documentation_url: DOCS, status: '422', ...extra }, true);
};

export const HEX40 = /^[0-9a-f]{40}$/;
export const utf8Bytes = (text: unknown): number => (typeof text === 'string' ? Buffer.byteLength(text, 'utf8') : 0);

export function paginate<T>(
  ctx: Ctx,
  apiUrl: string,
  items: T[],
  options: { defaultPerPage?: number; maxPerPage?: number } = {},
): { page: T[]; headers: Record<string, string> } {
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

export function decodeJwt(
  token: string,
): { header: Record<string, unknown>; payload: Record<string, unknown>; signed: string; signature: Buffer } | undefined {
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

/** A route as the handlers declare it. */
export type RouteSpec = Omit<RouteDef, 'segments' | 'tail' | 'key' | 'repoScoped'>;

/** The precompiled route table, indexed by method and segment count; tail routes are tried after exact ones. */
export function compileRoutes(
  routes: readonly RouteSpec[],
): (method: string, pathname: string) => { def: RouteDef; params: Record<string, string> } | undefined {
  const table = new Map<string, RouteDef[]>();
  const tailRoutes: RouteDef[] = [];
  for (const route of routes) {
    if (!findOperation(route.method, route.template))
      throw new Error(`${route.method} ${route.template} is not in GitHub's API description`);
    const segments = route.template.split('/').slice(1);
    const def: RouteDef = {
      ...route,
      segments,
      tail: route.template.endsWith('/contents/{path}'),
      key: `${route.method} ${route.template}`,
      repoScoped: route.template.startsWith('/repos/{owner}/{repo}'),
    };
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
  return matchRoute;
}
