/**
 * The GraphQL the organisation report sends. The first page of several repositories goes in one request
 * (aliases r0…rN); a repository with more merged pull requests or default-branch commits in the window
 * continues alone with cursors. Cost of one repository's page (GitHub's formula): pull requests 1 + files 25 +
 * labels 25 + reviews 25 + commits 25 + their parents 25 × 10, history 1 + its associated pull requests 100:
 * 452 requests, 4.5 points; a batch of 5 repositories ≈ 23 points.
 */

export const PULLS_PER_PAGE = 25;
export const HISTORY_PER_PAGE = 100;
export const REPOSITORIES_PER_BATCH = 5;

const PULL_FIELDS = `number title createdAt mergedAt updatedAt headRefOid headRefName
  author { __typename login }
  mergeCommit { oid }
  labels(first: 10) { nodes { name } }
  files(first: 100) { totalCount nodes { path additions deletions changeType } }
  reviews(first: 20) { nodes { state submittedAt author { __typename login } commit { oid } } }
  commits(last: 10) { totalCount nodes { commit { oid message authoredDate parents(first: 2) { nodes { oid } } } } }`;

/** A repository's fields; `$since` bounds the history, the cursors continue a repository alone. */
function repositoryFields(continued: boolean): string {
  const pullsArgs = continued ? `first: ${PULLS_PER_PAGE}, after: $pullsAfter` : `first: ${PULLS_PER_PAGE}`;
  const historyArgs = continued
    ? `first: ${HISTORY_PER_PAGE}, since: $since, after: $historyAfter`
    : `first: ${HISTORY_PER_PAGE}, since: $since`;
  return `name url isArchived
    config: object(expression: "HEAD:.github/monoenv.yml") { ... on Blob { text byteSize } }
    attributes: object(expression: "HEAD:.gitattributes") { ... on Blob { text } }
    pullRequests(states: MERGED, ${pullsArgs}, orderBy: {field: UPDATED_AT, direction: DESC})${continued ? ' @include(if: $withPulls)' : ''} {
      pageInfo { hasNextPage endCursor }
      nodes { ${PULL_FIELDS} }
    }
    defaultBranchRef { name target { ... on Commit {
      history(${historyArgs})${continued ? ' @include(if: $withHistory)' : ''} {
        pageInfo { hasNextPage endCursor }
        nodes { oid committedDate messageHeadline author { name user { login } } associatedPullRequests(first: 1) { totalCount } }
      }
    } } }`;
}

/** GraphQL string literal of a repository or owner name (already checked to be [\w.-]). */
const literal = (name: string): string => JSON.stringify(name);

export function batchQuery(owner: string, names: readonly string[], withOrgDefault: boolean): string {
  const aliases = names.map(
    (name, i) => `r${i}: repository(owner: ${literal(owner)}, name: ${literal(name)}) { ${repositoryFields(false)} }`,
  );
  const orgDefault = withOrgDefault
    ? `orgDefault: repository(owner: ${literal(owner)}, name: ".github") { config: object(expression: "HEAD:.github/monoenv.yml") { ... on Blob { text byteSize } } }`
    : '';
  return `query MonoenvOrgBatch($since: GitTimestamp!) {
  ${aliases.join('\n  ')}
  ${orgDefault}
  rateLimit { cost remaining }
}`;
}

/** A file another configuration extends (`_extends`), on its repository's default branch. */
export const EXTENDED_FILE_QUERY = `query MonoenvExtended($owner: String!, $name: String!, $expression: String!) {
  repository(owner: $owner, name: $name) { file: object(expression: $expression) { ... on Blob { text } } }
}`;

export const CONTINUE_QUERY = `query MonoenvOrgMore($owner: String!, $name: String!, $since: GitTimestamp!, $pullsAfter: String, $historyAfter: String, $withPulls: Boolean!, $withHistory: Boolean!) {
  repository(owner: $owner, name: $name) { ${repositoryFields(true)} }
  rateLimit { cost remaining }
}`;

export const ORG_REPOSITORIES_QUERY = `query MonoenvOrgRepositories($login: String!, $after: String) {
  organization(login: $login) {
    repositories(first: 100, after: $after, orderBy: {field: NAME, direction: ASC}) {
      pageInfo { hasNextPage endCursor }
      nodes { name isArchived isFork }
    }
  }
  rateLimit { cost remaining }
}`;

type Actor = { __typename: string; login: string } | null;
export interface PullNode {
  number: number;
  title: string;
  createdAt: string;
  mergedAt: string;
  updatedAt: string;
  headRefOid: string;
  headRefName: string;
  author: Actor;
  mergeCommit: { oid: string } | null;
  labels: { nodes: { name: string }[] };
  files: { totalCount: number; nodes: { path: string; additions: number; deletions: number; changeType: string }[] };
  reviews: { nodes: { state: string; submittedAt: string | null; author: Actor; commit: { oid: string } | null }[] };
  commits: {
    totalCount: number;
    nodes: { commit: { oid: string; message: string; authoredDate: string; parents: { nodes: { oid: string }[] } } }[];
  };
}
export interface HistoryNode {
  oid: string;
  committedDate: string;
  messageHeadline: string;
  author: { name: string | null; user: { login: string } | null } | null;
  associatedPullRequests: { totalCount: number };
}
type Page<T> = { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: T[] };
export interface RepositoryNode {
  name: string;
  url: string;
  isArchived: boolean;
  config: { text: string; byteSize: number } | null;
  attributes: { text: string } | null;
  pullRequests?: Page<PullNode>;
  defaultBranchRef: { name: string; target: { history?: Page<HistoryNode> } | null } | null;
}
