/**
 * Reads an organisation's repositories through the API, a batch at a time, judges each as soon as its pages
 * are in, writes its reduced figures to the disk cache and lets the raw answers go: memory holds one batch,
 * whatever the number of repositories, and a run that is interrupted resumes from the repositories already
 * cached. REST is used only for patches the risky rule must read (pull requests touching `risky.paths`).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { changedFileFromGitHub } from '../../../facts/github-files.js';
import { GitHubError, graphqlRequest, type GraphqlEndpoint, type Spend } from '../graphql.js';
import {
  batchQuery,
  CONTINUE_QUERY,
  EXTENDED_FILE_QUERY,
  ORG_REPOSITORIES_QUERY,
  REPOSITORIES_PER_BATCH,
  type RepositoryNode,
} from './query.js';
import { CONFIG_PATH } from '../../../config/path.js';
import { resolveExtends, type FileReader } from './extends.js';
import { configInForce, directPush, judgePullRequest, needsPatches, type ConfigInForce, type DirectPush, type OrgChange } from './judge.js';

const CACHE_VERSION = 1;
/** A cached repository is reused for this long; after that it is read again. */
const CACHE_MAX_AGE_MS = 12 * 3_600_000;

export interface RepositoryResult {
  name: string;
  url: string;
  config: ConfigInForce;
  changes: OrgChange[];
  direct: DirectPush[];
  /** Why figures are missing or partial. */
  missing: string[];
}

interface CachedRepository extends RepositoryResult {
  version: number;
  coveredSince: string;
  fetchedAt: string;
}

export interface OrgCollectOptions extends GraphqlEndpoint {
  org: string;
  /** Only these repositories; all of the organisation's (not archived, not forks) when absent. */
  repos?: string[];
  since: Date;
  until: Date;
  cacheDir: string | undefined;
  onProgress?: (done: number, total: number) => void;
  now?: Date;
}

export interface OrgCollected {
  /** One entry per repository, in the order read; the caller reduces each as it comes. */
  repositories: AsyncGenerator<RepositoryResult>;
  total: number;
  spend: Spend;
  /** REST requests (pull request files with patches). */
  rest: { requests: number };
  fromCache: () => number;
}

const cachePath = (dir: string, org: string, name: string) => path.join(dir, `org-${org}`, `${name}.json`);

async function loadCached(options: OrgCollectOptions, name: string): Promise<RepositoryResult | undefined> {
  if (!options.cacheDir) return undefined;
  try {
    const cached = JSON.parse(await readFile(cachePath(options.cacheDir, options.org, name), 'utf8')) as CachedRepository;
    const now = (options.now ?? new Date()).getTime();
    const fresh =
      cached.version === CACHE_VERSION &&
      cached.coveredSince <= options.since.toISOString() &&
      now - Date.parse(cached.fetchedAt) < CACHE_MAX_AGE_MS;
    return fresh ? cached : undefined;
  } catch {
    return undefined;
  }
}

async function saveCached(options: OrgCollectOptions, result: RepositoryResult): Promise<void> {
  if (!options.cacheDir) return;
  const file = cachePath(options.cacheDir, options.org, result.name);
  await mkdir(path.dirname(file), { recursive: true });
  const entry: CachedRepository = {
    ...result,
    version: CACHE_VERSION,
    coveredSince: options.since.toISOString(),
    fetchedAt: (options.now ?? new Date()).toISOString(),
  };
  // Written aside and renamed: an interrupted run never leaves a half-written entry.
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(entry));
  await rename(temporary, file);
}

async function listRepositories(options: OrgCollectOptions, spend: Spend): Promise<string[]> {
  const names: string[] = [];
  let after: string | null = null;
  for (;;) {
    type Answer = {
      organization: {
        repositories: {
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
          nodes: { name: string; isArchived: boolean; isFork: boolean }[];
        };
      } | null;
    };
    const data: Answer = await graphqlRequest(options, ORG_REPOSITORIES_QUERY, { login: options.org, after }, spend);
    if (!data.organization) throw new GitHubError(`organisation ${options.org} not found or not readable with this token`);
    const page = data.organization.repositories;
    names.push(...page.nodes.filter((r) => !r.isArchived && !r.isFork && r.name !== '.github').map((r) => r.name));
    if (!page.pageInfo.hasNextPage) return names;
    after = page.pageInfo.endCursor;
  }
}

/** Patches of a pull request's files, from REST (GraphQL has none), 100 a page. */
async function fetchPatches(options: OrgCollectOptions, name: string, number: number, rest: { requests: number }) {
  const base = options.apiUrl.replace(/\/+$/, '');
  const files = [];
  for (let page = 1; page <= 30; page++) {
    rest.requests++;
    const response = await (options.fetch ?? fetch)(
      `${base}/repos/${options.org}/${name}/pulls/${number}/files?per_page=100&page=${page}`,
      {
        headers: { authorization: `bearer ${options.token}`, accept: 'application/vnd.github+json', 'user-agent': 'monoenv-report' },
      },
    );
    if (!response.ok) throw new GitHubError(`HTTP ${response.status} reading the files of ${name}#${number}`);
    const entries = (await response.json()) as {
      filename: string;
      status: string;
      additions: number;
      deletions: number;
      patch?: string;
      previous_filename?: string;
    }[];
    files.push(...entries.map((e) => changedFileFromGitHub(e)));
    if (!/rel="next"/.test(response.headers.get('link') ?? '')) break;
  }
  return files;
}

/** Reads the rest of a repository's pages (pull requests and history) and judges it. */
async function finishRepository(
  options: OrgCollectOptions,
  node: RepositoryNode,
  orgDefault: string | undefined,
  spend: Spend,
  rest: { requests: number },
  readExtended: FileReader,
): Promise<RepositoryResult> {
  const sinceIso = options.since.toISOString();
  const untilIso = options.until.toISOString();
  const missing: string[] = [];
  const own = node.config?.text;
  const text = own ?? orgDefault;
  const start = { owner: options.org, repo: own !== undefined ? node.name : '.github', path: CONFIG_PATH };
  const resolved = text === undefined ? undefined : await resolveExtends(text, start, readExtended);
  const { config, facts } = configInForce(own, orgDefault, resolved);
  const changes: OrgChange[] = [];
  const direct: DirectPush[] = [];
  let pulls = node.pullRequests;
  let history = node.defaultBranchRef?.target?.history;
  for (;;) {
    let morePulls = false;
    for (const pull of pulls?.nodes ?? []) {
      if (pull.updatedAt < sinceIso) break;
      if (pull.mergedAt < sinceIso || pull.mergedAt > untilIso) continue;
      let patched;
      if (needsPatches(pull, config)) {
        try {
          patched = await fetchPatches(options, node.name, pull.number, rest);
        } catch (error) {
          missing.push(`${node.name}#${pull.number}: patches not read (${(error as Error).message}); judged from file counts`);
        }
      }
      changes.push(judgePullRequest(pull, config, node.attributes?.text, patched));
    }
    const lastPull = pulls?.nodes.at(-1);
    morePulls = pulls?.pageInfo.hasNextPage === true && lastPull !== undefined && lastPull.updatedAt >= sinceIso;
    for (const commit of history?.nodes ?? []) {
      const push = directPush(commit);
      if (push && push.at <= untilIso) direct.push(push);
    }
    const moreHistory = history?.pageInfo.hasNextPage === true;
    if (!morePulls && !moreHistory) break;
    type Answer = { repository: RepositoryNode | null };
    const data: Answer = await graphqlRequest(
      options,
      CONTINUE_QUERY,
      {
        owner: options.org,
        name: node.name,
        since: sinceIso,
        pullsAfter: pulls?.pageInfo.endCursor ?? null,
        historyAfter: history?.pageInfo.endCursor ?? null,
        withPulls: morePulls,
        withHistory: moreHistory,
      },
      spend,
    );
    pulls = morePulls ? data.repository?.pullRequests : undefined;
    history = moreHistory ? data.repository?.defaultBranchRef?.target?.history : undefined;
  }
  return { name: node.name, url: node.url, config: facts, changes, direct, missing };
}

export async function collectOrganisation(options: OrgCollectOptions): Promise<OrgCollected> {
  const spend: Spend = { requests: 0, points: 0 };
  const rest = { requests: 0 };
  const names = options.repos ?? (await listRepositories(options, spend));
  let cachedCount = 0;
  let done = 0;
  // Files that configurations extend, each read once for the whole organisation.
  const extended = new Map<string, Promise<string | undefined>>();
  const readExtended: FileReader = (file) => {
    const key = `${file.owner}/${file.repo}:${file.path}`;
    let text = extended.get(key);
    if (text === undefined) {
      type Answer = { repository: { file: { text: string | null } | null } | null };
      text = graphqlRequest<Answer>(
        options,
        EXTENDED_FILE_QUERY,
        { owner: file.owner, name: file.repo, expression: `HEAD:${file.path}` },
        spend,
        (e) => e.type === 'NOT_FOUND',
      ).then((answer) => answer.repository?.file?.text ?? undefined);
      extended.set(key, text);
    }
    return text;
  };
  async function* repositories(): AsyncGenerator<RepositoryResult> {
    let orgDefault: string | undefined;
    let orgDefaultRead = false;
    const pending: string[] = [];
    for (const name of names) {
      const cached = await loadCached(options, name);
      if (cached) {
        cachedCount++;
        options.onProgress?.(++done, names.length);
        yield cached;
      } else {
        pending.push(name);
      }
    }
    // A repository GitHub cannot resolve (renamed, deleted, not visible) answers null beside the others.
    const notFound = (e: { type?: string }) => e.type === 'NOT_FOUND';
    for (let i = 0; i < pending.length; i += REPOSITORIES_PER_BATCH) {
      const batch = pending.slice(i, i + REPOSITORIES_PER_BATCH);
      const data = await graphqlRequest<Record<string, unknown>>(
        options,
        batchQuery(options.org, batch, !orgDefaultRead),
        { since: options.since.toISOString() },
        spend,
        notFound,
      );
      if (!orgDefaultRead) {
        orgDefault = (data.orgDefault as { config: { text: string } | null } | null)?.config?.text;
        orgDefaultRead = true;
        // The organisation's default came with the batch: a chain that reaches it reads nothing more.
        extended.set(`${options.org}/.github:${CONFIG_PATH}`, Promise.resolve(orgDefault));
      }
      for (let r = 0; r < batch.length; r++) {
        const node = data[`r${r}`] as RepositoryNode | null;
        const result = node
          ? await finishRepository(options, node, orgDefault, spend, rest, readExtended)
          : {
              name: batch[r],
              url: '',
              config: { origin: 'none' as const, valid: true, errors: [] },
              changes: [],
              direct: [],
              missing: [`${batch[r]}: not found or not readable with this token`],
            };
        if (node) await saveCached(options, result).catch(() => result.missing.push('not cached (cache directory not writable)'));
        options.onProgress?.(++done, names.length);
        yield result;
      }
    }
  }
  return { repositories: repositories(), total: names.length, spend, rest, fromCache: () => cachedCount };
}
