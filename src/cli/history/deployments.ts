/**
 * What reached production, for the DORA keys: GitHub deployments to the production environment, else
 * releases, else the clone's tags, else the merges themselves (the first source with any in the window).
 *
 * One GraphQL query asks for deployments (with their latest status) and releases together: 100 of each,
 * newest first, cost 1 point. Pages follow only while the window is not covered. Answers are cached beside the
 * pull requests; a later run asks again only for what may have changed since the last one (a deployment's
 * status can still turn to failure for a while): usually one request.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { GitRunner } from '../../git/runner.js';
import type { DeploymentEvent } from './dora.js';
import type { DeploymentSource } from './model.js';
import { GitHubError, graphqlRequest, type GraphqlEndpoint, type Spend } from './graphql.js';

export const DEPLOYMENTS_QUERY = `query MonoenvDeployments($owner: String!, $name: String!, $environments: [String!], $deploymentsAfter: String, $releasesAfter: String, $withDeployments: Boolean!, $withReleases: Boolean!) {
  repository(owner: $owner, name: $name) {
    deployments(environments: $environments, first: 100, after: $deploymentsAfter, orderBy: {field: CREATED_AT, direction: DESC}) @include(if: $withDeployments) {
      pageInfo { hasNextPage endCursor }
      nodes { createdAt commitOid environment latestStatus { state createdAt } }
    }
    releases(first: 100, after: $releasesAfter, orderBy: {field: CREATED_AT, direction: DESC}) @include(if: $withReleases) {
      pageInfo { hasNextPage endCursor }
      nodes { tagName createdAt publishedAt isDraft isPrerelease tagCommit { oid } }
    }
  }
  rateLimit { cost }
}`;

const CACHE_VERSION = 1;
/** How long after a deployment its status may still change: re-read at each run. */
const SETTLE_MS = 7 * 86_400_000;

export interface CachedDeployment {
  createdAt: string;
  sha: string;
  environment: string;
  state: string | null;
}
export interface CachedRelease {
  tag: string;
  at: string;
  sha: string | null;
  draft: boolean;
  prerelease: boolean;
}

interface CacheFile {
  version: number;
  repository: string;
  environments: string[];
  coveredSince: string;
  fetchedAt: string;
  deployments: CachedDeployment[];
  releases: CachedRelease[];
}

export interface DeploymentOptions extends GraphqlEndpoint {
  repository: string;
  environments: string[];
  since: Date;
  until: Date;
  cacheFile: string | undefined;
  /** The clone, for its tags. */
  git: GitRunner;
  now?: Date;
}

export interface DeploymentsRead {
  source: DeploymentSource;
  sourceNote: string;
  /** Undefined for `merges`: each change is its own deployment. */
  events: DeploymentEvent[] | undefined;
  spend: Spend;
  missing: string[];
}

/** Final deployment statuses; a deployment still pending or in progress has not reached production yet. */
const SHIPPED = new Set(['SUCCESS', 'INACTIVE']);
const FAILED = new Set(['FAILURE', 'ERROR']);

async function loadCache(file: string | undefined, repository: string, environments: string[]): Promise<CacheFile | undefined> {
  if (file === undefined) return undefined;
  try {
    const cache = JSON.parse(await readFile(file, 'utf8')) as CacheFile;
    const same = cache.version === CACHE_VERSION && cache.repository === repository && cache.environments.join() === environments.join();
    return same ? cache : undefined;
  } catch {
    return undefined;
  }
}

async function saveCache(file: string, cache: CacheFile): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(cache));
  await rename(temporary, file);
}

type Page<T> = { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: T[] };
interface DeploymentNode {
  createdAt: string;
  commitOid: string;
  environment: string | null;
  latestStatus: { state: string } | null;
}
interface ReleaseNode {
  tagName: string;
  createdAt: string;
  publishedAt: string | null;
  isDraft: boolean;
  isPrerelease: boolean;
  tagCommit: { oid: string } | null;
}

/** Reads deployments and releases newest first until both reach `stopAt`. */
async function fetchFromGitHub(
  options: DeploymentOptions,
  stopAt: string,
  spend: Spend,
): Promise<{ deployments: CachedDeployment[]; releases: CachedRelease[] }> {
  const [owner, name] = options.repository.split('/');
  const deployments: CachedDeployment[] = [];
  const releases: CachedRelease[] = [];
  let deploymentsAfter: string | null = null;
  let releasesAfter: string | null = null;
  let withDeployments = true;
  let withReleases = true;
  while (withDeployments || withReleases) {
    const data: { repository: { deployments?: Page<DeploymentNode>; releases?: Page<ReleaseNode> } | null } = await graphqlRequest(
      options,
      DEPLOYMENTS_QUERY,
      { owner, name, environments: options.environments, deploymentsAfter, releasesAfter, withDeployments, withReleases },
      spend,
    );
    if (!data.repository) throw new GitHubError(`repository ${options.repository} not found or not readable with this token`);
    if (withDeployments) {
      const page = data.repository.deployments!;
      for (const d of page.nodes)
        deployments.push({
          createdAt: d.createdAt,
          sha: d.commitOid,
          environment: d.environment ?? '',
          state: d.latestStatus?.state ?? null,
        });
      withDeployments = page.pageInfo.hasNextPage && (page.nodes.at(-1)?.createdAt ?? '') >= stopAt;
      deploymentsAfter = page.pageInfo.endCursor;
    }
    if (withReleases) {
      const page = data.repository.releases!;
      for (const r of page.nodes)
        releases.push({
          tag: r.tagName,
          at: r.publishedAt ?? r.createdAt,
          sha: r.tagCommit?.oid ?? null,
          draft: r.isDraft,
          prerelease: r.isPrerelease,
        });
      withReleases = page.pageInfo.hasNextPage && (page.nodes.at(-1)?.createdAt ?? '') >= stopAt;
      releasesAfter = page.pageInfo.endCursor;
    }
  }
  return { deployments, releases };
}

/** Tags of the clone with the commit they name and when they were made (the tagger's date, or the commit's). */
export async function readTags(git: GitRunner): Promise<{ tag: string; sha: string; at: string }[]> {
  const out = await git.maybe([
    'for-each-ref',
    '--format=%(refname:short)%00%(objectname)%00%(*objectname)%00%(creatordate:iso-strict)',
    'refs/tags',
  ]);
  return (out ?? '')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [tag = '', object = '', peeled = '', at = ''] = line.split('\0');
      return { tag, sha: peeled || object, at: new Date(at).toISOString() };
    });
}

export async function readDeployments(options: DeploymentOptions): Promise<DeploymentsRead> {
  const spend: Spend = { requests: 0, points: 0 };
  const missing: string[] = [];
  const sinceIso = options.since.toISOString();
  const untilIso = options.until.toISOString();
  const inWindow = (at: string) => at >= sinceIso && at <= untilIso;
  const environments = options.environments;
  let deployments: CachedDeployment[] = [];
  let releases: CachedRelease[] = [];

  if (options.token) {
    const cache = await loadCache(options.cacheFile, options.repository, environments);
    const incremental = cache !== undefined && cache.coveredSince <= sinceIso;
    const stopAt = incremental ? new Date(Date.parse(cache.fetchedAt) - SETTLE_MS).toISOString() : sinceIso;
    try {
      const fresh = await fetchFromGitHub(options, stopAt < sinceIso ? sinceIso : stopAt, spend);
      const key = (d: CachedDeployment) => `${d.createdAt}\0${d.sha}`;
      const byKey = new Map((incremental ? cache.deployments : []).map((d) => [key(d), d]));
      for (const d of fresh.deployments) byKey.set(key(d), d);
      deployments = [...byKey.values()];
      const byTag = new Map((incremental ? cache.releases : []).map((r) => [r.tag, r]));
      for (const r of fresh.releases) byTag.set(r.tag, r);
      releases = [...byTag.values()];
      if (options.cacheFile !== undefined) {
        await saveCache(options.cacheFile, {
          version: CACHE_VERSION,
          repository: options.repository,
          environments,
          coveredSince: incremental ? cache.coveredSince : sinceIso,
          fetchedAt: (options.now ?? new Date()).toISOString(),
          deployments,
          releases,
        }).catch((error: Error) => missing.push(`deployment cache not written (${error.message})`));
      }
    } catch (error) {
      const reason = error instanceof GitHubError ? error.message : `cannot reach GitHub: ${(error as Error).message}`;
      missing.push(`deployments and releases: GitHub request ${spend.requests} failed (${reason}); DORA keys fall back to tags or merges`);
      if (cache) {
        deployments = cache.deployments;
        releases = cache.releases;
      }
    }
  }

  const deployed = deployments.filter((d) => inWindow(d.createdAt) && d.state !== null && (SHIPPED.has(d.state) || FAILED.has(d.state)));
  if (deployed.length > 0) {
    return {
      source: 'deployments',
      sourceNote: `GitHub deployments to ${environments.join(' or ')}`,
      events: deployed.map((d) => ({ at: d.createdAt, sha: d.sha, failedStatus: FAILED.has(d.state!) })),
      spend,
      missing,
    };
  }
  const published = releases.filter((r) => inWindow(r.at) && !r.draft && !r.prerelease);
  if (published.length > 0) {
    return {
      source: 'releases',
      sourceNote: 'GitHub releases (no deployments to production)',
      events: published.map((r) => ({ at: r.at, sha: r.sha, failedStatus: false })),
      spend,
      missing,
    };
  }
  const tags = (await readTags(options.git)).filter((t) => inWindow(t.at));
  if (tags.length > 0) {
    return {
      source: 'tags',
      sourceNote: 'tags of the clone (no deployments or releases on GitHub)',
      events: tags.map((t) => ({ at: t.at, sha: t.sha, failedStatus: false })),
      spend,
      missing,
    };
  }
  return {
    source: 'merges',
    sourceNote: 'merges to the default branch (no deployments, releases or tags)',
    events: undefined,
    spend,
    missing,
  };
}
