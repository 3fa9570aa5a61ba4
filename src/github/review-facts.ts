/**
 * What review judgement reads beyond the reviews themselves, each at most once per process and key:
 * - CODEOWNERS at the base commit: one GraphQL request reads the three places GitHub looks, in its order
 *   (immutable per commit, so remembered by commit);
 * - the members of the teams that own changed files (`members: read`), remembered per installation for
 *   `TEAM_TTL_MS`; a team that cannot be read is remembered as unreadable, and the review row says why;
 * - the change an approval was given on (`compare base...approved`), for approval freshness by patch id,
 *   remembered by the SHA pair (a comparison of two commits never changes);
 * - whether a merge after an approval holds work of its own (merge-content.ts), remembered by merge commit.
 */
import { LRUCache } from 'lru-cache';
import { CODEOWNERS_PATHS, type CodeownersFile } from '../engine/codeowners.js';
import type { MergeContent } from '../engine/change.js';
import type { GitHubClient, PullRequestFile, RepoRef } from './facts.js';

export const TEAM_TTL_MS = 10 * 60_000;

/** Process-wide memory of immutable (or slowly changing) review facts; bounded. */
export class ReviewFactCache {
  readonly codeowners = new LRUCache<string, { file: CodeownersFile | null }>({ max: 5_000 });
  readonly teams = new LRUCache<string, { members: string[] | null }>({ max: 5_000, ttl: TEAM_TTL_MS });
  readonly comparisons = new LRUCache<string, PullRequestFile[]>({ max: 2_000 });
  readonly merges = new LRUCache<string, MergeContent>({ max: 5_000 });
}

const repoKey = (repository: RepoRef): string => `${repository.owner}/${repository.repo}`.toLowerCase();

const CODEOWNERS_QUERY = `query Codeowners($owner: String!, $name: String!, ${CODEOWNERS_PATHS.map((_, i) => `$e${i}: String!`).join(', ')}) {
  repository(owner: $owner, name: $name) {
    ${CODEOWNERS_PATHS.map((_, i) => `f${i}: object(expression: $e${i}) { ... on Blob { text } }`).join('\n    ')}
  }
}`;

/** The CODEOWNERS file GitHub uses at `sha`: the first of its three places that holds one; null when none does. */
export async function readCodeowners(
  octokit: GitHubClient,
  repository: RepoRef,
  sha: string,
  cache: ReviewFactCache,
): Promise<CodeownersFile | null> {
  const key = `${repoKey(repository)}@${sha}`;
  const known = cache.codeowners.get(key);
  if (known !== undefined) return known.file;
  const variables: Record<string, string> = { owner: repository.owner, name: repository.repo };
  CODEOWNERS_PATHS.forEach((path, i) => (variables[`e${i}`] = `${sha}:${path}`));
  const answer = await octokit.graphql<{ repository: Record<string, { text?: string | null } | null> | null }>(CODEOWNERS_QUERY, variables);
  let file: CodeownersFile | null = null;
  for (const [i, path] of CODEOWNERS_PATHS.entries()) {
    const text = answer.repository?.[`f${i}`]?.text;
    if (typeof text === 'string') {
      file = { path, text };
      break;
    }
  }
  cache.codeowners.set(key, { file });
  return file;
}

/**
 * The members (logins) of each team, `org/slug` → logins, or null for a team that cannot be read: without the
 * organisation permission Members: read GitHub answers 403, and 404 for a team the app cannot see.
 */
export async function readTeamMembers(
  octokit: GitHubClient,
  installationId: number,
  teams: readonly string[],
  cache: ReviewFactCache,
  warn: (team: string, status: number) => void,
): Promise<Record<string, string[] | null>> {
  const members: Record<string, string[] | null> = {};
  for (const team of teams) {
    const key = `${installationId}/${team}`;
    const known = cache.teams.get(key);
    if (known !== undefined) {
      members[team] = known.members;
      continue;
    }
    const [org, slug] = team.split('/') as [string, string];
    let logins: string[] | null;
    try {
      const listed = await octokit.paginate(octokit.rest.teams.listMembersInOrg, { org, team_slug: slug, per_page: 100 });
      logins = listed.flatMap((member) => (member === null ? [] : [member.login]));
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status !== 403 && status !== 404) throw error;
      warn(team, status);
      logins = null;
    }
    cache.teams.set(key, { members: logins });
    members[team] = logins;
  }
  return members;
}

/** The files of `base...head` (the pull request's view of the change at `head`), one request per SHA pair. */
export async function compareOnce(
  octokit: GitHubClient,
  repository: RepoRef,
  base: string,
  head: string,
  cache: ReviewFactCache,
): Promise<PullRequestFile[]> {
  const key = `${repoKey(repository)}@${base}...${head}`;
  const known = cache.comparisons.get(key);
  if (known !== undefined) return known;
  const { data } = await octokit.rest.repos.compareCommitsWithBasehead({ ...repository, basehead: `${base}...${head}`, per_page: 1 });
  const files = (data.files ?? []) as PullRequestFile[];
  cache.comparisons.set(key, files);
  return files;
}
