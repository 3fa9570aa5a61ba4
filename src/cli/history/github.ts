/**
 * What git cannot know, from GitHub: reviews and timing of merged pull requests.
 *
 * GraphQL, not REST: one request returns 50 merged pull requests with their reviews and commits, where REST
 * needs a list call plus one reviews call (and one commits call, for review freshness) per pull request.
 * Pull requests come newest-updated first, so the walk stops at the window's start, and on a second run at
 * the newest update the on-disk cache already holds: a re-run costs one request.
 *
 * Cost (GitHub's formula: one request per node of the enclosing connections, summed, / 100): a page is
 * 1 + 50 (reviews) + 50 (commits) + 50 × 40 (each commit's parents) = 2,101 requests, 21 points. The parents
 * tell a merge of the base from new work after an approval; only the last 40 commits are read, which holds
 * every commit pushed after the last approval unless more than 40 were.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { makeChange, type Commit, type Review, type ReviewState } from '../../engine/change.js';
import { approvalState } from '../../engine/rules/review/index.js';
import type { MonoenvConfig } from '../../config/schema.js';
import type { PullFacts } from './model.js';
import { GitHubError, graphqlRequest } from './graphql.js';

export const MERGED_PULLS_QUERY = `query MonoenvMergedPulls($owner: String!, $name: String!, $first: Int!, $after: String) {
  repository(owner: $owner, name: $name) {
    pullRequests(states: MERGED, first: $first, after: $after, orderBy: {field: UPDATED_AT, direction: DESC}) {
      pageInfo { hasNextPage endCursor }
      nodes {
        number title createdAt mergedAt updatedAt headRefOid
        author { __typename login }
        mergeCommit { oid }
        reviews(first: 100) { nodes { state submittedAt author { __typename login } commit { oid } } }
        commits(last: 40) { nodes { commit { oid message authoredDate parents(first: 3) { nodes { oid } } } } }
      }
    }
  }
}`;

const PAGE_SIZE = 50;
const CACHE_VERSION = 2;

/** A merged pull request as cached: what the review rule needs, not yet judged (the config may change). */
export interface CachedPull {
  number: number;
  title: string;
  author: { login: string; bot: boolean };
  createdAt: string;
  mergedAt: string;
  updatedAt: string;
  headSha: string;
  mergeCommitSha: string | null;
  /** The earliest author date of its commits (or its creation, if earlier): where lead time starts. */
  firstCommitAt: string;
  reviews: Review[];
  commits: Commit[];
}

interface CacheFile {
  version: number;
  repository: string;
  /** Every pull request merged and updated since this date is in `pulls`. */
  coveredSince: string;
  /** The newest `updatedAt` seen: a later run only asks for what changed after it. */
  watermark: string;
  pulls: Record<string, CachedPull>;
}

export interface GitHubOptions {
  /** owner/name */
  repository: string;
  token: string | undefined;
  /** GITHUB_API_URL, e.g. https://api.github.com or https://ghe.example/api/v3 */
  apiUrl: string;
  since: Date;
  cacheFile: string | undefined;
  config: MonoenvConfig;
  /** A proposed configuration to judge reviews with as well (`--config`). */
  proposed?: MonoenvConfig;
  fetch?: typeof fetch;
}

export interface GitHubResult {
  /** Undefined when GitHub could not be read at all (see `missing`). */
  pulls: PullFacts[] | undefined;
  requests: number;
  fromCache: number;
  missing: string[];
}

export { graphqlUrl } from './graphql.js';

type Actor = { __typename: string; login: string } | null;
interface PullNode {
  number: number;
  title: string;
  createdAt: string;
  mergedAt: string;
  updatedAt: string;
  headRefOid: string;
  author: Actor;
  mergeCommit: { oid: string } | null;
  reviews: { nodes: { state: ReviewState; submittedAt: string | null; author: Actor; commit: { oid: string } | null }[] };
  commits: { nodes: { commit: { oid: string; message: string; authoredDate: string; parents: { nodes: { oid: string }[] } } }[] };
}

/** GraphQL names a bot `dependabot` where REST, webhooks and review.exempt_authors say `dependabot[bot]`. */
function person(actor: Actor): { login: string; bot: boolean } {
  if (actor === null) return { login: 'ghost', bot: false };
  const bot = actor.__typename === 'Bot' || /\[bot\]$/i.test(actor.login);
  return { login: bot && !actor.login.endsWith('[bot]') ? `${actor.login}[bot]` : actor.login, bot };
}

export function pullFromNode(node: PullNode): CachedPull {
  return {
    number: node.number,
    title: node.title,
    author: person(node.author),
    createdAt: node.createdAt,
    mergedAt: node.mergedAt,
    updatedAt: node.updatedAt,
    headSha: node.headRefOid,
    mergeCommitSha: node.mergeCommit?.oid ?? null,
    firstCommitAt: [node.createdAt, ...node.commits.nodes.map((c) => c.commit.authoredDate)].sort()[0],
    reviews: node.reviews.nodes.map((r) => ({
      reviewer: person(r.author),
      state: r.state,
      commitId: r.commit?.oid ?? null,
      ...(r.submittedAt ? { submittedAt: r.submittedAt } : {}),
    })),
    commits: node.commits.nodes.map(({ commit }) => ({
      sha: commit.oid,
      parents: commit.parents.nodes.map((p) => p.oid),
      message: commit.message,
    })),
  };
}

/** The review rule's verdict on one merged pull request. Pure. */
export function judgePull(pull: CachedPull, config: MonoenvConfig, proposed?: MonoenvConfig): PullFacts {
  const change = makeChange({
    files: [],
    number: pull.number,
    title: pull.title,
    author: pull.author,
    head: { ref: '', sha: pull.headSha },
    reviews: pull.reviews,
    commits: pull.commits,
    merged: { by: pull.author, sha: pull.mergeCommitSha ?? '' },
  });
  const state = approvalState(change, config);
  const author = pull.author.login.toLowerCase();
  const reviewers = [...new Set(pull.reviews.map((r) => r.reviewer.login))].filter((login) => login.toLowerCase() !== author);
  return {
    number: pull.number,
    title: pull.title,
    author: pull.author.login,
    createdAt: pull.createdAt,
    mergedAt: pull.mergedAt,
    mergeCommitSha: pull.mergeCommitSha,
    firstCommitAt: pull.firstCommitAt,
    approvedBy: state.approvedBy,
    reviewers,
    exempt: config.review.exempt_authors.some((login) => login.toLowerCase() === author),
    reviewed: state.approvedBy.length >= state.required,
    ...(proposed ? { proposedReviewed: ((s) => s.approvedBy.length >= s.required)(approvalState(change, proposed)) } : {}),
  };
}

async function loadCache(file: string | undefined, repository: string): Promise<CacheFile | undefined> {
  if (file === undefined) return undefined;
  try {
    const cache = JSON.parse(await readFile(file, 'utf8')) as CacheFile;
    return cache.version === CACHE_VERSION && cache.repository === repository ? cache : undefined;
  } catch {
    return undefined;
  }
}

async function saveCache(file: string, cache: CacheFile): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  // Written aside and renamed, so an interrupted run never leaves a half-written cache.
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(cache));
  await rename(temporary, file);
}

async function requestPage(options: GitHubOptions, after: string | null): Promise<{ nodes: PullNode[]; next: string | null }> {
  const [owner, name] = options.repository.split('/');
  const data = await graphqlRequest<{
    repository: { pullRequests: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: PullNode[] } } | null;
  }>(options, MERGED_PULLS_QUERY, { owner, name, first: PAGE_SIZE, after });
  const connection = data.repository?.pullRequests;
  if (!connection) throw new GitHubError(`repository ${options.repository} not found or not readable with this token`);
  return { nodes: connection.nodes, next: connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null };
}

export async function fetchMergedPulls(options: GitHubOptions): Promise<GitHubResult> {
  const missing: string[] = [];
  const cache = await loadCache(options.cacheFile, options.repository);
  const sinceIso = options.since.toISOString();
  const incremental = cache !== undefined && cache.coveredSince <= sinceIso;
  const pulls = new Map<number, CachedPull>(Object.entries(cache?.pulls ?? {}).map(([, p]) => [p.number, p]));
  const fromCache = pulls.size;
  let watermark = cache?.watermark ?? '';
  let requests = 0;
  let complete = false;

  if (options.token === undefined || options.token === '') {
    missing.push("review figures: GITHUB_TOKEN is not set (GitHub's GraphQL API needs a token)");
  } else {
    try {
      let after: string | null = null;
      walk: for (;;) {
        requests++;
        const page = await requestPage(options, after);
        for (const node of page.nodes) {
          if (node.updatedAt < sinceIso || (incremental && node.updatedAt < cache.watermark)) break walk;
          const pull = pullFromNode(node);
          pulls.set(pull.number, pull);
          if (pull.updatedAt > watermark) watermark = pull.updatedAt;
        }
        if (page.next === null) break;
        after = page.next;
      }
      complete = true;
    } catch (error) {
      const reason = error instanceof GitHubError ? error.message : `cannot reach GitHub: ${(error as Error).message}`;
      missing.push(
        `review figures: GitHub request ${requests} failed (${reason}); ${pulls.size > 0 ? 'figures use the pull requests read so far and may be incomplete' : 'no pull requests could be read'}`,
      );
    }
  }

  if (complete && options.cacheFile !== undefined) {
    await saveCache(options.cacheFile, {
      version: CACHE_VERSION,
      repository: options.repository,
      coveredSince: incremental ? cache.coveredSince : sinceIso,
      watermark,
      pulls: Object.fromEntries([...pulls].map(([n, p]) => [String(n), p])),
    }).catch((error: Error) => missing.push(`GitHub cache not written (${error.message})`));
  }
  if (pulls.size === 0 && !complete) return { pulls: undefined, requests, fromCache, missing };
  const merged = [...pulls.values()].filter((p) => p.mergedAt >= sinceIso).map((p) => judgePull(p, options.config, options.proposed));
  return { pulls: merged, requests, fromCache, missing };
}
