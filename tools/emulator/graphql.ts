/**
 * GitHub's GraphQL API, answered from the emulator's store. Queries are parsed, validated and executed by
 * graphql-js against GitHub's own published schema (`@octokit/graphql-schema`), so a query GitHub would
 * reject (unknown field, wrong argument, missing `first`, `first` over 100) is rejected here too; fields the
 * store knows nothing about resolve to null. Each query is priced with GitHub's documented cost formula.
 */
import { schema as published } from '@octokit/graphql-schema';
import {
  buildSchema,
  execute,
  getNamedType,
  GraphQLError,
  isObjectType,
  isInterfaceType,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import type { Store, StoredCommit, StoredDeployment, StoredPullRequest, StoredRelease, StoredRepo } from './store.js';

let schemaCache: GraphQLSchema | undefined;
/** GitHub's schema, built once per process (about half a second). */
export function githubSchema(): GraphQLSchema {
  schemaCache ??= buildSchema(published.idl, { assumeValidSDL: true });
  return schemaCache;
}

export interface GraphqlAnswer {
  status: number;
  body: unknown;
  /** Rate-limit points GitHub would charge (0 when the query did not run). */
  cost: number;
}

type Args = Record<string, any>;
const encodeCursor = (n: number): string => Buffer.from(`cursor:v2:${n}`).toString('base64');
const decodeCursor = (cursor: string): number => Number(Buffer.from(cursor, 'base64').toString('utf8').replace('cursor:v2:', ''));

/** A connection page with GitHub's pagination rules: `first` or `last` is required, at most 100. */
function connection<T>(items: readonly T[], args: Args, name: string, map: (item: T) => unknown): unknown {
  if (args.first == null && args.last == null) {
    throw new GraphQLError(`You must provide a \`first\` or \`last\` value to properly paginate the \`${name}\` connection.`);
  }
  for (const key of ['first', 'last'] as const) {
    if (args[key] != null && args[key] > 100) {
      throw new GraphQLError(`Requesting ${args[key]} records on the \`${name}\` connection exceeds the \`${key}\` limit of 100 records.`);
    }
  }
  let start = args.after ? decodeCursor(args.after) + 1 : 0;
  let end = args.before ? decodeCursor(args.before) : items.length;
  if (args.first != null) end = Math.min(end, start + args.first);
  if (args.last != null) start = Math.max(start, end - args.last);
  const slice = items.slice(start, end);
  const nodes = slice.map(map);
  return {
    totalCount: items.length,
    nodes,
    edges: nodes.map((node, i) => ({ cursor: encodeCursor(start + i), node })),
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: slice.length ? encodeCursor(start) : null,
      endCursor: slice.length ? encodeCursor(end - 1) : null,
    },
  };
}

/** GraphQL names a bot by its slug (`dependabot`) and types it `Bot`, where REST says `dependabot[bot]`. */
const actor = (login: string | null): unknown =>
  login === null ? null : login.endsWith('[bot]') ? { __typename: 'Bot', login: login.slice(0, -5) } : { __typename: 'User', login };

const CHANGE_TYPE: Record<string, string> = {
  added: 'ADDED',
  removed: 'DELETED',
  modified: 'MODIFIED',
  renamed: 'RENAMED',
  copied: 'COPIED',
  changed: 'CHANGED',
  unchanged: 'MODIFIED',
};
const ORDER = (direction: string | undefined) => (direction === 'ASC' ? 1 : -1);

/** The most recent change to a pull request GitHub would report as `updatedAt`. */
export function pullUpdatedAt(p: StoredPullRequest): string {
  return [p.updated_at, p.merged_at ?? '', p.closed_at ?? '', ...p.reviews.map((r) => r.submitted_at)].sort().at(-1)!;
}

class Models {
  constructor(
    private readonly store: Store,
    private readonly visible: (repo: StoredRepo) => boolean,
  ) {}

  repository(owner: string, name: string): unknown {
    const repo = this.store.getRepo(owner, name);
    if (!repo || !this.visible(repo)) {
      throw new GraphQLError(`Could not resolve to a Repository with the name '${owner}/${name}'.`, { extensions: { type: 'NOT_FOUND' } });
    }
    return this.repo(repo);
  }

  organization(login: string): unknown {
    const repos = [...this.store.repos.values()].filter((r) => r.owner.toLowerCase() === login.toLowerCase() && this.visible(r));
    if (repos.length === 0)
      throw new GraphQLError(`Could not resolve to an Organization with the login of '${login}'.`, { extensions: { type: 'NOT_FOUND' } });
    return {
      __typename: 'Organization',
      login,
      repositories: (args: Args) => {
        const sorted = [...repos].sort((a, b) => a.name.localeCompare(b.name) * (args.orderBy?.direction === 'DESC' ? -1 : 1));
        return connection(
          sorted.filter((r) => args.isArchived === undefined || args.isArchived === null || r.archived === args.isArchived),
          args,
          'repositories',
          (r) => this.repo(r),
        );
      },
    };
  }

  private repo(repo: StoredRepo): unknown {
    const url = `https://github.com/${repo.owner}/${repo.name}`;
    return {
      __typename: 'Repository',
      id: Buffer.from(`Repository:${repo.id}`).toString('base64'),
      databaseId: repo.id,
      name: repo.name,
      nameWithOwner: `${repo.owner}/${repo.name}`,
      owner: { __typename: repo.ownerType === 'User' ? 'User' : 'Organization', login: repo.owner },
      url,
      isPrivate: repo.private,
      isArchived: repo.archived,
      isFork: false,
      isEmpty: false,
      defaultBranchRef: {
        name: repo.defaultBranch,
        prefix: 'refs/heads/',
        target: () => this.commit(repo, repo.branches.get(repo.defaultBranch)!),
      },
      object: (args: Args) => this.object(repo, args.expression as string | undefined),
      mergeQueue: (args: Args) => this.mergeQueue(repo, (args.branch as string | undefined) ?? repo.defaultBranch),
      pullRequests: (args: Args) => {
        const states: string[] | undefined = args.states;
        const state = (p: StoredPullRequest) => (p.merged ? 'MERGED' : p.state === 'closed' ? 'CLOSED' : 'OPEN');
        const key = args.orderBy?.field === 'UPDATED_AT' ? pullUpdatedAt : (p: StoredPullRequest) => p.created_at;
        const pulls = [...repo.pulls.values()]
          .filter((p) => !states || states.includes(state(p)))
          .filter((p) => !args.baseRefName || p.base.ref === args.baseRefName)
          .sort((a, b) => (key(a).localeCompare(key(b)) || a.number - b.number) * ORDER(args.orderBy?.direction ?? 'ASC'));
        return connection(pulls, args, 'pullRequests', (p) => this.pull(repo, p, state(p)));
      },
      deployments: (args: Args) => {
        const environments: string[] | undefined = args.environments;
        const list = repo.deployments
          .filter((d) => !environments || environments.includes(d.environment))
          .sort((a, b) => (a.created_at.localeCompare(b.created_at) || a.id - b.id) * ORDER(args.orderBy?.direction ?? 'ASC'));
        return connection(list, args, 'deployments', (d) => this.deployment(repo, d));
      },
      releases: (args: Args) => {
        const list = [...repo.releases].sort((a, b) => a.created_at.localeCompare(b.created_at) * ORDER(args.orderBy?.direction ?? 'ASC'));
        return connection(list, args, 'releases', (r) => this.release(repo, r));
      },
    };
  }

  /** The queue of a branch, as `Repository.mergeQueue(branch:)` shows it; a branch never queued has an empty one. */
  private mergeQueue(repo: StoredRepo, branch: string): unknown {
    if (!repo.branches.has(branch) && branch !== repo.defaultBranch) return null;
    const entries = repo.mergeQueues?.get(branch) ?? [];
    return {
      __typename: 'MergeQueue',
      id: Buffer.from(`MergeQueue:${repo.id}:${branch}`).toString('base64'),
      entries: (args: Args) =>
        connection(entries, args, 'entries', (entry) => {
          const pull = repo.pulls.get(entry.number);
          return {
            __typename: 'MergeQueueEntry',
            position: entries.indexOf(entry) + 1,
            state: entry.state ?? 'AWAITING_CHECKS',
            headCommit: entry.headSha === null ? null : this.commit(repo, entry.headSha),
            baseCommit: entry.baseSha === null ? null : this.commit(repo, entry.baseSha),
            pullRequest: pull ? this.pull(repo, pull, pull.merged ? 'MERGED' : pull.state === 'closed' ? 'CLOSED' : 'OPEN') : null,
          };
        }),
    };
  }

  /** `HEAD:path`, `branch:path` or `sha:path`: a blob from the store's files; a commit sha or branch: its commit. */
  private object(repo: StoredRepo, expression: string | undefined): unknown {
    if (!expression) return null;
    const colon = expression.indexOf(':');
    if (colon < 0) {
      const sha = repo.branches.get(expression) ?? expression;
      return repo.commits.has(sha) || this.store.refExists(repo, sha) ? this.commit(repo, sha) : null;
    }
    const ref = expression.slice(0, colon);
    const file = this.store.filesAt(repo, ref === 'HEAD' || ref === '' ? undefined : ref)?.get(expression.slice(colon + 1));
    if (!file) return null;
    return {
      __typename: 'Blob',
      oid: file.sha,
      byteSize: file.content.length,
      isBinary: false,
      isTruncated: false,
      text: file.content.toString('utf8'),
    };
  }

  private pull(repo: StoredRepo, p: StoredPullRequest, state: string): unknown {
    return {
      __typename: 'PullRequest',
      number: p.number,
      title: p.title,
      body: p.body ?? '',
      url: `https://github.com/${repo.owner}/${repo.name}/pull/${p.number}`,
      state,
      merged: p.merged,
      isDraft: p.draft,
      createdAt: p.created_at,
      updatedAt: pullUpdatedAt(p),
      mergedAt: p.merged_at,
      closedAt: p.closed_at,
      headRefName: p.head.ref,
      headRefOid: p.head.sha,
      baseRefName: p.base.ref,
      baseRefOid: p.base.sha,
      author: actor(p.user),
      mergedBy: actor(p.merged_by),
      authorAssociation: p.author_association,
      additions: p.files.reduce((n, f) => n + f.additions, 0),
      deletions: p.files.reduce((n, f) => n + f.deletions, 0),
      changedFiles: p.files.length,
      mergeCommit: p.merge_commit_sha ? () => this.commit(repo, p.merge_commit_sha!) : null,
      labels: (args: Args) =>
        connection(this.store.labelsOf(repo.owner, repo.name, p.number), args, 'labels', (name) => ({ __typename: 'Label', name })),
      files: (args: Args) =>
        connection(p.files, args, 'files', (f) => ({
          path: f.filename,
          additions: f.additions,
          deletions: f.deletions,
          changeType: CHANGE_TYPE[f.status] ?? 'MODIFIED',
        })),
      reviews: (args: Args) =>
        connection(p.reviews, args, 'reviews', (r) => ({
          __typename: 'PullRequestReview',
          state: r.state,
          submittedAt: r.submitted_at,
          author: actor(r.user),
          authorAssociation: 'MEMBER',
          commit: { __typename: 'Commit', oid: r.commit_id },
        })),
      commits: (args: Args) =>
        connection(p.commits, args, 'commits', (sha) => ({ __typename: 'PullRequestCommit', commit: this.commit(repo, sha) })),
    };
  }

  private commit(repo: StoredRepo, sha: string): unknown {
    const stored: StoredCommit | undefined = repo.commits.get(sha);
    const message = stored?.message ?? '';
    const date = stored?.date ?? repo.created_at;
    return {
      __typename: 'Commit',
      oid: sha,
      abbreviatedOid: sha.slice(0, 7),
      message,
      messageHeadline: message.split('\n')[0],
      messageBody: message.split('\n').slice(1).join('\n').trim(),
      committedDate: date,
      authoredDate: date,
      url: `https://github.com/${repo.owner}/${repo.name}/commit/${sha}`,
      author: {
        name: stored?.author ?? 'ghost',
        email: '',
        date,
        user: stored?.author ? { __typename: 'User', login: stored.author } : null,
      },
      additions: stored?.files.reduce((n, f) => n + f.additions, 0) ?? 0,
      deletions: stored?.files.reduce((n, f) => n + f.deletions, 0) ?? 0,
      changedFilesIfAvailable: stored?.files.length ?? 0,
      parents: (args: Args) => connection(stored?.parents ?? [], args, 'parents', (oid) => this.commit(repo, oid)),
      associatedPullRequests: (args: Args) => {
        const pulls = this.store.pullsForCommit(repo, sha).sort((a, b) => a.number - b.number);
        return connection(pulls, args, 'associatedPullRequests', (p) =>
          this.pull(repo, p, p.merged ? 'MERGED' : p.state === 'closed' ? 'CLOSED' : 'OPEN'),
        );
      },
      history: (args: Args) =>
        connection(this.ancestors(repo, sha, args.since, args.until), args, 'history', (c) => this.commit(repo, c.sha)),
      blame: (args: Args) => this.blame(repo, sha, args.path as string),
    };
  }

  /** The ranges a test set, else the whole file (as stored at the commit) to the commit itself. */
  private blame(repo: StoredRepo, sha: string, path: string): unknown {
    const commitOf = (oid: string) => ({ __typename: 'Commit', oid, committedDate: repo.commits.get(oid)?.date ?? repo.created_at });
    const set = repo.blames?.get(sha)?.get(path);
    if (set) return { ranges: set.map((r) => ({ startingLine: r.start, endingLine: r.end, age: 1, commit: commitOf(r.sha) })) };
    const file = this.store.filesAt(repo, sha)?.get(path);
    if (!file) throw new GraphQLError(`Could not resolve file for path '${path}'.`, { extensions: { type: 'NOT_FOUND' } });
    const lines = Math.max(1, file.content.toString('utf8').split('\n').length - 1);
    return { ranges: [{ startingLine: 1, endingLine: lines, age: 1, commit: commitOf(sha) }] };
  }

  /** The commit and its ancestors the store knows, newest first, as `Commit.history` lists them. */
  private ancestors(repo: StoredRepo, sha: string, since?: string, until?: string): StoredCommit[] {
    const seen = new Set<string>();
    const found: StoredCommit[] = [];
    const queue = [sha];
    while (queue.length > 0) {
      const next = queue.pop()!;
      if (seen.has(next)) continue;
      seen.add(next);
      const commit = repo.commits.get(next);
      if (!commit) continue;
      found.push(commit);
      queue.push(...commit.parents);
    }
    return found.filter((c) => (!since || c.date >= since) && (!until || c.date <= until)).sort((a, b) => b.date.localeCompare(a.date));
  }

  private deployment(repo: StoredRepo, d: StoredDeployment): unknown {
    const latest = d.statuses.at(-1);
    const status = (s: { state: string; created_at: string }) => ({
      __typename: 'DeploymentStatus',
      state: s.state,
      createdAt: s.created_at,
      updatedAt: s.created_at,
    });
    return {
      __typename: 'Deployment',
      databaseId: d.id,
      createdAt: d.created_at,
      updatedAt: latest?.created_at ?? d.created_at,
      environment: d.environment,
      originalEnvironment: d.environment,
      latestEnvironment: d.environment,
      commitOid: d.sha,
      commit: () => this.commit(repo, d.sha),
      state: latest === undefined ? 'PENDING' : latest.state === 'SUCCESS' ? 'ACTIVE' : latest.state,
      latestStatus: latest ? status(latest) : null,
      statuses: (args: Args) => connection(d.statuses, args, 'statuses', status),
    };
  }

  private release(repo: StoredRepo, r: StoredRelease): unknown {
    return {
      __typename: 'Release',
      name: r.name,
      tagName: r.tag,
      createdAt: r.created_at,
      publishedAt: r.published_at,
      isDraft: r.draft,
      isPrerelease: r.prerelease,
      tagCommit: () => this.commit(repo, r.sha),
      url: `https://github.com/${repo.owner}/${repo.name}/releases/tag/${r.tag}`,
    };
  }
}

function argumentNumber(value: ValueNode | undefined, variables: Args): number | undefined {
  if (!value) return undefined;
  if (value.kind === Kind.INT) return Number(value.value);
  if (value.kind === Kind.VARIABLE) {
    const v = variables[value.name.value];
    return typeof v === 'number' ? v : undefined;
  }
  return undefined;
}

/**
 * GitHub's rate-limit cost of a query: every connection needs one request per node of its enclosing
 * connections (each assumed to return its `first`/`last`); the sum divided by 100, rounded, at least 1.
 * Also the node count GitHub limits to 500,000.
 */
export function queryCost(schema: GraphQLSchema, document: DocumentNode, variables: Args): { cost: number; nodes: number } {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  let requests = 0;
  let nodes = 0;
  const walk = (type: GraphQLNamedType | null | undefined, set: SelectionSetNode | undefined, multiplier: number): void => {
    if (!set || !type) return;
    for (const selection of set.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type, selection.selectionSet, multiplier);
      } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (fragment) walk(schema.getType(fragment.typeCondition.name.value), fragment.selectionSet, multiplier);
      } else if (isObjectType(type) || isInterfaceType(type)) {
        const field = type.getFields()[selection.name.value];
        if (!field) continue;
        const arg = (name: string) => argumentNumber(selection.arguments?.find((a) => a.name.value === name)?.value, variables);
        const size = arg('first') ?? arg('last');
        let inner = multiplier;
        if (size !== undefined && getNamedType(field.type).name.endsWith('Connection')) {
          requests += multiplier;
          nodes += multiplier * size;
          inner = multiplier * size;
        }
        walk(getNamedType(field.type), selection.selectionSet, inner);
      }
    }
  };
  for (const def of document.definitions) {
    if (def.kind === Kind.OPERATION_DEFINITION) walk(schema.getQueryType(), def.selectionSet, 1);
  }
  return { cost: Math.max(1, Math.round(requests / 100)), nodes };
}

/**
 * Answers one GraphQL request. `visible` says which repositories the token may see; `remaining` feeds
 * `rateLimit { remaining }`.
 */
export async function answerGraphql(
  store: Store,
  body: unknown,
  visible: (repo: StoredRepo) => boolean,
  rate: { used: number; limit: number; resetAt: number },
): Promise<GraphqlAnswer> {
  const { query, variables = {} } = (body ?? {}) as { query?: unknown; variables?: Args };
  if (typeof query !== 'string')
    return { status: 400, body: { message: 'A query attribute must be specified and must be a string.' }, cost: 0 };
  const schema = githubSchema();
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (error) {
    return { status: 200, body: { errors: [{ message: (error as Error).message }] }, cost: 0 };
  }
  const problems = validate(schema, document);
  if (problems.length > 0)
    return { status: 200, body: { errors: problems.map((e) => ({ message: e.message, locations: e.locations })) }, cost: 0 };
  const { cost, nodes } = queryCost(schema, document, variables);
  if (nodes > 500_000) {
    return {
      status: 200,
      body: {
        errors: [
          {
            type: 'MAX_NODE_LIMIT_EXCEEDED',
            message: `This query requests up to ${nodes} possible nodes which exceeds the maximum limit of 500,000.`,
          },
        ],
      },
      cost: 0,
    };
  }
  rate.used += cost;
  const models = new Models(store, visible);
  const root = {
    repository: (args: Args) => models.repository(args.owner, args.name),
    organization: (args: Args) => models.organization(args.login),
    rateLimit: () => ({
      cost,
      limit: rate.limit,
      remaining: Math.max(0, rate.limit - rate.used),
      used: rate.used,
      nodeCount: nodes,
      resetAt: new Date(rate.resetAt).toISOString(),
    }),
  };
  const result = await execute({ schema, document, rootValue: root, variableValues: variables });
  const errors = result.errors?.map((e) => ({
    ...(e.extensions?.type ? { type: e.extensions.type } : {}),
    message: e.message,
    path: e.path,
    locations: e.locations,
  }));
  return { status: 200, body: { data: result.data ?? null, ...(errors ? { errors } : {}) }, cost };
}
