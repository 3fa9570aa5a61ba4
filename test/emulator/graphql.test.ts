import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadGraphqlSchema, startEmulator, type Emulator } from '../../tools/emulator/index.js';

let gh: Emulator;
let token: string;

async function ask(query: string, variables: Record<string, unknown> = {}, path = '/graphql'): Promise<{ status: number; body: any }> {
  const response = await fetch(`${gh.url}${path}`, {
    method: 'POST',
    headers: { authorization: `bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: await response.json() };
}

// GitHub's GraphQL schema takes a second to build, once per process.
beforeAll(() => void loadGraphqlSchema(), 60_000);
beforeAll(async () => {
  gh = await startEmulator();
  const repo = gh.store.addRepo({ owner: 'acme', repo: 'shop' });
  gh.store.addRepo({ owner: 'acme', repo: 'api' });
  gh.store.addRepo({ owner: 'other', repo: 'hidden' });
  gh.store.setFile('acme', 'shop', '.github/monoenv.yml', 'mode: advise\n');
  gh.store.addPullRequest({
    owner: 'acme',
    repo: 'shop',
    number: 1,
    user: 'ann',
    title: 'Add cart',
    merged: true,
    created_at: '2024-01-02T08:00:00Z',
    merged_at: '2024-01-02T10:00:00Z',
    files: [{ filename: 'src/cart.ts', status: 'added', patch: '@@ -0,0 +1,2 @@\n+a\n+b' }],
    reviews: [{ user: 'bob', state: 'APPROVED', submitted_at: '2024-01-02T09:00:00Z' }],
  });
  gh.store.addPullRequest({ owner: 'acme', repo: 'shop', number: 2, user: 'dependabot[bot]', created_at: '2024-01-03T00:00:00Z' });
  gh.store.addDeployment('acme', 'shop', {
    sha: 'a'.repeat(40),
    created_at: '2024-01-02T11:00:00Z',
    statuses: [{ state: 'IN_PROGRESS' }, { state: 'SUCCESS' }],
  });
  gh.store.addDeployment('acme', 'shop', { sha: 'b'.repeat(40), environment: 'staging', created_at: '2024-01-02T12:00:00Z' });
  gh.store.addRelease('acme', 'shop', { tag: 'v1.0.0', sha: 'a'.repeat(40), created_at: '2024-01-02T11:00:00Z' });
  token = gh.store.issueToken(repo.installationId, 1).token;
});
afterAll(() => gh.close());

describe('the GraphQL endpoint', () => {
  it("answers pull requests with files, reviews and authors in GitHub's shapes", async () => {
    const { status, body } = await ask(
      `query($owner: String!, $name: String!) {
      repository(owner: $owner, name: $name) {
        nameWithOwner
        config: object(expression: "HEAD:.github/monoenv.yml") { ... on Blob { text } }
        pullRequests(states: MERGED, first: 10, orderBy: {field: UPDATED_AT, direction: DESC}) {
          totalCount
          nodes { number author { __typename login } files(first: 10) { nodes { path additions deletions changeType } } reviews(first: 5) { nodes { state author { login } } } }
        }
      }
      rateLimit { cost remaining }
    }`,
      { owner: 'acme', name: 'shop' },
    );
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data.repository.config).toEqual({ text: 'mode: advise\n' });
    expect(body.data.repository.pullRequests).toEqual({
      totalCount: 1,
      nodes: [
        {
          number: 1,
          author: { __typename: 'User', login: 'ann' },
          files: { nodes: [{ path: 'src/cart.ts', additions: 2, deletions: 0, changeType: 'ADDED' }] },
          reviews: { nodes: [{ state: 'APPROVED', author: { login: 'bob' } }] },
        },
      ],
    });
    // 1 (pullRequests) + 10 (files of each) + 10 (reviews of each) requests → 21 / 100, at least 1.
    expect(body.data.rateLimit.cost).toBe(1);
    expect(gh.counters.graphqlPoints).toBeGreaterThanOrEqual(1);
  });

  it('filters deployments by environment and lists releases', async () => {
    const { body } = await ask(`{ repository(owner: "acme", name: "shop") {
      deployments(environments: ["production"], first: 10, orderBy: {field: CREATED_AT, direction: DESC}) { nodes { commitOid state latestStatus { state } } }
      releases(first: 5, orderBy: {field: CREATED_AT, direction: DESC}) { nodes { tagName isDraft tagCommit { oid } } }
    } }`);
    expect(body.data.repository.deployments.nodes).toEqual([
      { commitOid: 'a'.repeat(40), state: 'ACTIVE', latestStatus: { state: 'SUCCESS' } },
    ]);
    expect(body.data.repository.releases.nodes).toEqual([{ tagName: 'v1.0.0', isDraft: false, tagCommit: { oid: 'a'.repeat(40) } }]);
  });

  it("lists an organisation's repositories the token can see, also under /api/graphql", async () => {
    const { body } = await ask(
      '{ organization(login: "acme") { repositories(first: 1) { totalCount pageInfo { hasNextPage endCursor } nodes { name } } } }',
      {},
      '/api/graphql',
    );
    expect(body.data.organization.repositories.totalCount).toBe(2);
    expect(body.data.organization.repositories.nodes).toEqual([{ name: 'api' }]);
    const next = await ask(
      'query($after: String) { organization(login: "acme") { repositories(first: 5, after: $after) { nodes { name } } } }',
      { after: body.data.organization.repositories.pageInfo.endCursor },
    );
    expect(next.body.data.organization.repositories.nodes).toEqual([{ name: 'shop' }]);
    const hidden = await ask('{ repository(owner: "other", name: "hidden") { name } }');
    expect(hidden.body).toMatchObject({ data: { repository: null }, errors: [{ type: 'NOT_FOUND' }] });
  });

  it('rejects what GitHub rejects: unknown fields, missing or oversized page sizes, no token', async () => {
    const unknown = await ask('{ repository(owner: "acme", name: "shop") { notAField } }');
    expect(unknown.body.errors[0].message).toMatch(/Cannot query field "notAField" on type "Repository"/);
    const unpaged = await ask('{ repository(owner: "acme", name: "shop") { pullRequests { totalCount } } }');
    expect(unpaged.body.errors[0].message).toMatch(/You must provide a `first` or `last` value/);
    const big = await ask('{ repository(owner: "acme", name: "shop") { pullRequests(first: 101) { totalCount } } }');
    expect(big.body.errors[0].message).toMatch(/exceeds the `first` limit of 100 records/);
    const anonymous = await fetch(`${gh.url}/graphql`, { method: 'POST', body: '{"query":"{ viewer { login } }"}' });
    expect(anonymous.status).toBe(401);
  });
});
