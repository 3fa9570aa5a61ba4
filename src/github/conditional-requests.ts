/**
 * Conditional requests: GitHub does not count a `304 Not Modified` against the installation's rate limit,
 * so every GET remembers its ETag and the next identical GET asks `If-None-Match`. Configuration,
 * `.gitattributes` and file lists that did not change then cost nothing.
 *
 * Two further shortcuts, both safe without shared state:
 * - content read at a full commit SHA (`?ref=<40 hex>`), and the comparison of two commit SHAs, never
 *   change, so they are served from memory without asking again, a 404 of content included (most
 *   repositories have no `.gitattributes`);
 * - a 404 for a file on the default branch (no configuration in this repository) is remembered briefly,
 *   and forgotten at once when a push touches the configuration. Another replica may keep it for at most
 *   `missTtlMs`; that bounds how late a newly added configuration can apply.
 */
import { LRUCache } from 'lru-cache';
import type { Octokit } from '@octokit/core';

interface StoredResponse {
  status: number;
  url: string;
  headers: Record<string, string | number | undefined>;
  data: unknown;
}

type Entry =
  | { kind: 'etag'; etag: string; response: StoredResponse }
  | { kind: 'immutable'; response: StoredResponse }
  | { kind: 'missing'; error: unknown; immutable: boolean };

export interface ConditionalRequestStats {
  /** Requests answered 304 by GitHub (free) and served from memory. */
  notModified: number;
  /** Requests served from memory without asking GitHub (immutable content, remembered 404s). */
  fromMemory: number;
}

export interface ResponseCacheOptions {
  /** Most entries kept; the least recently used go first. */
  maxEntries?: number;
  /** Bound on the memory the cached bodies take, in (approximate) bytes. */
  maxBytes?: number;
  /** How long a 404 on the default branch is remembered. */
  missTtlMs?: number;
}

/** Content at a full commit SHA: the same answer forever. */
const IMMUTABLE_CONTENT = /\/contents\/[^?]*\?(?:.*&)?ref=[0-9a-f]{40}(?:&|$)/i;
/** A comparison of two commits (not branches): the same answer forever too. */
const IMMUTABLE_COMPARISON = /\/compare\/[0-9a-f]{40}\.\.\.[0-9a-f]{40}(?:\?|$)/i;
const CONTENT_PATH = /\/repos\/[^/]+\/[^/]+\/contents\//;

function sizeOf(entry: Entry): number {
  if (entry.kind === 'missing') return 256;
  const data = entry.response.data;
  if (typeof data === 'string') return data.length + 512;
  // The length GitHub sent: serialising every parsed page again only to weigh it showed in CPU profiles.
  const sent = Number(entry.response.headers['content-length']);
  return (Number.isSafeInteger(sent) && sent > 0 ? sent : JSON.stringify(data ?? null).length) + 512;
}

/** The process-wide response cache, shared by every event of every installation (keys include the installation). */
export class ResponseCache {
  readonly #entries: LRUCache<string, Entry>;
  readonly #missTtlMs: number;

  constructor({ maxEntries = 5_000, maxBytes = 64 * 1024 * 1024, missTtlMs = 60_000 }: ResponseCacheOptions = {}) {
    this.#missTtlMs = missTtlMs;
    this.#entries = new LRUCache<string, Entry>({ max: maxEntries, maxSize: maxBytes, sizeCalculation: sizeOf });
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Forgets every cached response of `installationId` whose URL contains `urlPart`. */
  invalidate(installationId: number, urlPart: string): number {
    const prefix = `${installationId} `;
    let removed = 0;
    for (const key of [...this.#entries.keys()]) {
      if (key.startsWith(prefix) && key.includes(urlPart)) {
        this.#entries.delete(key);
        removed++;
      }
    }
    return removed;
  }

  /**
   * Adds the conditional-request layer to one event's Octokit. Added after Octokit's own plugins, it wraps
   * them: retries and rate-limit waits happen inside, and a 304 reaches it as a single answer.
   */
  attach(octokit: Pick<Octokit, 'hook' | 'request'>, installationId: number): ConditionalRequestStats {
    const stats: ConditionalRequestStats = { notModified: 0, fromMemory: 0 };
    octokit.hook.wrap('request', async (request, options) => {
      if (options.method !== 'GET') return request(options);
      const { url, headers } = octokit.request.endpoint.parse(options);
      const key = `${installationId} ${String(headers.accept ?? '')} ${url}`;
      const cached = this.#entries.get(key);
      if (cached?.kind === 'missing') {
        stats.fromMemory++;
        throw cached.error;
      }
      if (cached?.kind === 'immutable') {
        stats.fromMemory++;
        return { ...cached.response };
      }
      // Hooks wrapped inside this one are bound to this very options object (before-after-hook), so the
      // header is set on it rather than on a copy.
      if (cached?.kind === 'etag') options.headers['if-none-match'] = cached.etag;
      try {
        const response = await request(options);
        this.#remember(key, url, response as StoredResponse);
        return response;
      } catch (error) {
        const status = (error as { status?: number }).status;
        if (status === 304 && cached?.kind === 'etag') {
          stats.notModified++;
          return { ...cached.response };
        }
        if (status === 404 && CONTENT_PATH.test(url)) {
          const immutable = IMMUTABLE_CONTENT.test(url);
          this.#entries.set(key, { kind: 'missing', error, immutable }, immutable ? {} : { ttl: this.#missTtlMs });
        }
        throw error;
      }
    });
    return stats;
  }

  #remember(key: string, url: string, response: StoredResponse): void {
    const stored: StoredResponse = { status: response.status, url: response.url, headers: response.headers, data: response.data };
    if (IMMUTABLE_CONTENT.test(url) || IMMUTABLE_COMPARISON.test(url)) {
      this.#entries.set(key, { kind: 'immutable', response: stored });
      return;
    }
    const etag = response.headers.etag;
    if (typeof etag === 'string' && etag.length > 0) this.#entries.set(key, { kind: 'etag', etag, response: stored });
  }
}
