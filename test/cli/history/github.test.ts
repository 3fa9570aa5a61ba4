import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadGraphqlSchema, startEmulator, type Emulator } from '../../../tools/emulator/index.js';
import { fetchMergedPulls, graphqlUrl } from '../../../src/cli/history/github.js';
import { DEFAULT_CONFIG } from '../../../src/config/schema.js';

const since = new Date('2024-01-01T00:00:00Z');
const sha = (n: number): string => n.toString(16).padStart(40, 'a');

let emulator: Emulator;
let token: string;
let dir: string;

function seed(): void {
  emulator.store.addRepo({ owner: 'acme', repo: 'shop' });
  // #1: approved on the merged head by someone else → reviewed.
  emulator.store.addPullRequest({
    owner: 'acme',
    repo: 'shop',
    number: 1,
    user: 'ann',
    title: 'Add cart',
    head: { sha: sha(1) },
    commits: [{ sha: sha(1), message: 'cart' }],
    reviews: [{ user: 'bob', state: 'APPROVED', commit_id: sha(1), submitted_at: '2024-01-02T09:00:00Z' }],
    merged: true,
    created_at: '2024-01-02T08:00:00Z',
    merged_at: '2024-01-02T10:00:00Z',
    merge_commit_sha: sha(101),
  });
  // #2: approved, then another commit was pushed → stale approval, unreviewed merge.
  emulator.store.addPullRequest({
    owner: 'acme',
    repo: 'shop',
    number: 2,
    user: 'ann',
    title: 'Add checkout',
    head: { sha: sha(3) },
    commits: [
      { sha: sha(2), message: 'checkout' },
      { sha: sha(3), message: 'more checkout' },
    ],
    reviews: [{ user: 'bob', state: 'APPROVED', commit_id: sha(2), submitted_at: '2024-01-03T09:00:00Z' }],
    merged: true,
    created_at: '2024-01-03T00:00:00Z',
    merged_at: '2024-01-04T00:00:00Z',
    merge_commit_sha: sha(102),
  });
  // #3: a bot's dependency bump, self-merged: exempt.
  emulator.store.addPullRequest({
    owner: 'acme',
    repo: 'shop',
    number: 3,
    user: 'dependabot[bot]',
    title: 'Bump x',
    head: { sha: sha(4) },
    commits: [{ sha: sha(4), message: 'bump' }],
    merged: true,
    created_at: '2024-01-05T00:00:00Z',
    merged_at: '2024-01-05T01:00:00Z',
    merge_commit_sha: sha(103),
  });
  // Merged before the window: not asked for.
  emulator.store.addPullRequest({
    owner: 'acme',
    repo: 'shop',
    number: 4,
    user: 'ann',
    head: { sha: sha(5) },
    commits: [{ sha: sha(5), message: 'old' }],
    merged: true,
    created_at: '2023-11-01T00:00:00Z',
    merged_at: '2023-11-02T00:00:00Z',
  });
}

// GitHub's GraphQL schema takes a second to build, once per process.
beforeAll(() => void loadGraphqlSchema(), 60_000);
beforeEach(async () => {
  emulator = await startEmulator();
  dir = mkdtempSync(path.join(tmpdir(), 'monoenv-gh-'));
  seed();
  token = emulator.store.issueToken(emulator.store.repo('acme', 'shop').installationId, 1).token;
});
afterEach(async () => {
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

const options = () => ({
  repository: 'acme/shop',
  token,
  apiUrl: emulator.url,
  since,
  cacheFile: path.join(dir, 'cache.json'),
  config: DEFAULT_CONFIG,
});

describe('fetchMergedPulls', () => {
  it('judges each merged pull request with the review rule in one GraphQL request', async () => {
    const result = await fetchMergedPulls(options());
    expect(result.requests).toBe(1);
    expect(result.missing).toEqual([]);
    const byNumber = Object.fromEntries(result.pulls!.map((p) => [p.number, p]));
    expect(Object.keys(byNumber).sort()).toEqual(['1', '2', '3']);
    expect(byNumber[1]).toMatchObject({ reviewed: true, approvedBy: ['bob'], reviewers: ['bob'], exempt: false, mergeCommitSha: sha(101) });
    expect(byNumber[2]).toMatchObject({ reviewed: false, approvedBy: [], reviewers: ['bob'] });
    expect(byNumber[3]).toMatchObject({ author: 'dependabot[bot]', exempt: true });
    expect(emulator.counters.graphql).toBe(1);
    expect(emulator.counters.graphqlPoints).toBe(21);
  });

  it('costs one request on a second run and keeps what the cache holds', async () => {
    await fetchMergedPulls(options());
    const second = await fetchMergedPulls(options());
    expect(second.fromCache).toBe(3);
    expect(second.requests).toBe(1);
    expect(second.pulls!.map((p) => p.number).sort()).toEqual([1, 2, 3]);
  });

  it('pages through long histories', async () => {
    for (let n = 10; n < 70; n++) {
      emulator.store.addPullRequest({
        owner: 'acme',
        repo: 'shop',
        number: n,
        user: 'ann',
        head: { sha: sha(n + 1000) },
        commits: [{ sha: sha(n + 1000) }],
        merged: true,
        created_at: '2024-01-10T00:00:00Z',
        merged_at: `2024-01-10T00:${String(n).padStart(2, '0')}:00Z`,
      });
    }
    const result = await fetchMergedPulls(options());
    expect(result.requests).toBe(2);
    expect(result.pulls).toHaveLength(63);
  });

  it('reports what is missing when GitHub fails, and when no token is set', async () => {
    // One 502 (GitHub's answer to a slow query) is retried; three in a row are reported.
    emulator.faults.add({ route: 'POST /graphql', status: 502, body: { message: 'Server Error' } });
    expect((await fetchMergedPulls({ ...options(), cacheFile: undefined })).pulls).toHaveLength(3);
    emulator.faults.add({ route: 'POST /graphql', status: 502, times: 3, body: { message: 'Server Error' } });
    const failed = await fetchMergedPulls({ ...options(), cacheFile: undefined });
    expect(failed.pulls).toBeUndefined();
    expect(failed.missing).toEqual(['review figures: GitHub request 1 failed (HTTP 502: Server Error); no pull requests could be read']);
    const noToken = await fetchMergedPulls({ ...options(), token: undefined });
    expect(noToken.pulls).toBeUndefined();
    expect(noToken.missing[0]).toMatch(/GITHUB_TOKEN is not set/);
  });

  it('finds GraphQL on github.com and on GitHub Enterprise Server', () => {
    expect(graphqlUrl('https://api.github.com')).toBe('https://api.github.com/graphql');
    expect(graphqlUrl('https://ghe.example.com/api/v3/')).toBe('https://ghe.example.com/api/graphql');
  });
});
