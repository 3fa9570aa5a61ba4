/**
 * `monoenv report --org ORG`: every repository of an organisation on one page, from the GitHub API alone.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { homedir } from 'node:os';
import { weeksBetween } from '../aggregate.js';
import { progressBar, type ProgressStream } from '../progress.js';
import { GitHubError } from '../graphql.js';
import { collectOrganisation } from './collect.js';
import { byAttention, repositoryFigures, type OrgRepository } from './figures.js';
import { renderOrgText } from './render-text.js';

export interface OrgReportData {
  org: string;
  generatedAt: string;
  window: { since: string; until: string; weeks: number };
  repositories: OrgRepository[];
  totals: {
    repositories: number;
    changes: number;
    pullRequests: number;
    directPushes: number;
    unreviewedMerges: number;
    riskyUnflagged: number;
    withoutConfig: number;
    invalidConfig: number;
  };
  /** What the run cost: GraphQL requests and points, REST requests, repositories answered from the cache. */
  cost: { graphqlRequests: number; graphqlPoints: number; restRequests: number; fromCache: number };
  /** Figures that need a repository's history, and how the API approximates them. */
  approximations: string[];
  missing: string[];
}

export const APPROXIMATIONS = [
  'Pull requests are judged on their merged diff as GitHub lists it (paths and line counts from GraphQL; patches from REST only for files under risky.paths), not on a local checkout.',
  "The configuration in force is the one at the default branch's head today (the repository's own file, else the organisation's .github default), not the one at each change's base; its `_extends` chain is followed and merged as the App does.",
  '.gitattributes (linguist-generated, linguist-vendored) is read at the head, not at each base.',
  'Direct pushes are default-branch commits GitHub associates with no pull request; they are counted, not sized (their diffs would cost a request each).',
  'Review freshness reads the last 10 commits of each pull request; changes per week are weeks of the merge (or the push).',
];

export interface OrgOptions {
  org: string;
  repos?: string[];
  since: Date;
  until: Date;
  env: NodeJS.ProcessEnv;
  cacheDir?: string;
  noCache?: boolean;
  now?: Date;
  progress?: (done: number, total: number) => void;
}

export async function buildOrgReport(options: OrgOptions): Promise<OrgReportData> {
  const weeks = weeksBetween(options.since, options.until);
  const cacheDir = options.noCache
    ? undefined
    : (options.cacheDir ?? path.join(options.env.XDG_CACHE_HOME || path.join(homedir(), '.cache'), 'monoenv'));
  const collected = await collectOrganisation({
    org: options.org,
    ...(options.repos ? { repos: options.repos } : {}),
    since: options.since,
    until: options.until,
    token: options.env.GITHUB_TOKEN,
    apiUrl: options.env.GITHUB_API_URL || 'https://api.github.com',
    cacheDir,
    ...(options.now ? { now: options.now } : {}),
    ...(options.progress ? { onProgress: options.progress } : {}),
  });
  const repositories: OrgRepository[] = [];
  const missing: string[] = [];
  // Each repository is reduced as it arrives; its pull requests are not kept.
  for await (const result of collected.repositories) {
    const figures = repositoryFigures(result, weeks);
    repositories.push(figures);
    missing.push(...result.missing);
  }
  repositories.sort(byAttention);
  const sum = (pick: (r: OrgRepository) => number) => repositories.reduce((n, r) => n + pick(r), 0);
  return {
    org: options.org,
    generatedAt: (options.now ?? new Date()).toISOString(),
    window: { since: options.since.toISOString(), until: options.until.toISOString(), weeks: weeks.length },
    repositories,
    totals: {
      repositories: repositories.length,
      changes: sum((r) => r.changes),
      pullRequests: sum((r) => r.pullRequests),
      directPushes: sum((r) => r.directPushes),
      unreviewedMerges: sum((r) => r.unreviewedMerges),
      riskyUnflagged: sum((r) => r.riskyUnflagged),
      withoutConfig: repositories.filter((r) => r.config.origin === 'none').length,
      invalidConfig: repositories.filter((r) => !r.config.valid).length,
    },
    cost: {
      graphqlRequests: collected.spend.requests,
      graphqlPoints: collected.spend.points,
      restRequests: collected.rest.requests,
      fromCache: collected.fromCache(),
    },
    approximations: APPROXIMATIONS,
    missing,
  };
}

export interface OrgFlags {
  org: string;
  repos?: string;
  format: 'text' | 'json';
  html?: string;
  cacheDir?: string;
  cache: boolean;
}

export async function runOrgReport(
  flags: OrgFlags,
  window: { since: Date; until: Date; now: Date },
  io: { env: NodeJS.ProcessEnv; stdout: { write(text: string): unknown; isTTY?: boolean }; stderr: ProgressStream },
): Promise<number> {
  if (!/^[\w.-]+$/.test(flags.org)) {
    io.stderr.write('monoenv report: --org expects an organisation login\n');
    return 2;
  }
  const repos = flags.repos
    ?.split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  if (repos?.some((r) => !/^[\w.-]+$/.test(r))) {
    io.stderr.write('monoenv report: --repos expects repository names separated by commas\n');
    return 2;
  }
  if (!io.env.GITHUB_TOKEN) {
    io.stderr.write('monoenv report: --org reads the GitHub API: set GITHUB_TOKEN\n');
    return 2;
  }
  const bar = progressBar(io.stderr, 'Reading repositories', 'repositories');
  try {
    const data = await buildOrgReport({
      org: flags.org,
      since: window.since,
      until: window.until,
      now: window.now,
      env: io.env,
      noCache: !flags.cache,
      ...(repos ? { repos } : {}),
      ...(flags.cacheDir ? { cacheDir: flags.cacheDir } : {}),
      progress: (done, total) => bar.update(done, total),
    });
    bar.done();
    if (flags.html) {
      const { renderOrgHtml } = await import('./render-html.js');
      await writeFile(flags.html, await renderOrgHtml(data));
    }
    io.stdout.write(
      flags.format === 'json'
        ? `${JSON.stringify(data, null, 2)}\n`
        : renderOrgText(data, { color: io.stdout.isTTY === true && !io.env.NO_COLOR }),
    );
    return 0;
  } catch (error) {
    bar.done();
    if (error instanceof GitHubError) {
      io.stderr.write(`monoenv report: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
