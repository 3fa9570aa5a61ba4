import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Octokit } from '@octokit/core';
import { loadGraphqlSchema, startEmulator, type Emulator } from '../../tools/emulator/index.js';
import { githubFlagAgeSource } from '../../src/github/flag-ages.js';
import type { GitHubClient } from '../../src/github/facts.js';

let gh: Emulator;
let client: GitHubClient;
const BASE = 'b'.repeat(40);
const OLD = '1'.repeat(40);
const EDIT = '2'.repeat(40);
const TEXT = 'class Order\n  def total\n    if Flipper.enabled?(:new_checkout)\n      1\n    end\n  end\nend\n';

beforeAll(() => void loadGraphqlSchema(), 60_000);
beforeAll(async () => {
  gh = await startEmulator();
  const repo = gh.store.addRepo({ owner: 'acme', repo: 'shop' });
  gh.store.addCommit('acme', 'shop', { sha: OLD, date: '2023-03-01T00:00:00Z' });
  gh.store.addCommit('acme', 'shop', { sha: EDIT, date: '2024-11-01T00:00:00Z', parents: [OLD] });
  gh.store.addCommit('acme', 'shop', { sha: BASE, date: '2024-12-01T00:00:00Z', parents: [EDIT] });
  gh.store.setFile('acme', 'shop', 'app/models/order.rb', TEXT, BASE);
  gh.store.setFile('acme', 'shop', 'app/models/cart.rb', 'class Cart\n  Flipper.enabled?(:new_checkout)\nend\n', BASE);
  gh.store.setBlame('acme', 'shop', BASE, 'app/models/order.rb', [
    { start: 1, end: 2, sha: OLD },
    { start: 3, end: 3, sha: EDIT },
    { start: 4, end: 7, sha: OLD },
  ]);
  const token = gh.store.issueToken(repo.installationId, 1).token;
  client = new Octokit({ baseUrl: gh.url, auth: token }) as unknown as GitHubClient;
});
afterAll(() => gh.close());

describe("flag ages from GitHub, over HTTP against the emulator (GitHub's published GraphQL schema)", () => {
  it('reads the texts and blames of several files at the base in one valid request of one point', async () => {
    const before = gh.counters.graphqlPoints;
    const source = githubFlagAgeSource(client, { owner: 'acme', repo: 'shop' });
    const asked: Record<string, string> = {};
    const dated = await source.date(BASE, ['app/models/order.rb', 'app/models/cart.rb'], (path, text) => {
      asked[path] = text;
      return path === 'app/models/order.rb' ? [3] : [2];
    });
    expect(asked['app/models/order.rb']).toBe(TEXT);
    expect(dated.get('app/models/order.rb')).toEqual(new Map([[3, { sha: EDIT, at: '2024-11-01T00:00:00.000Z' }]]));
    // Without ranges set, the emulator blames the whole file to the commit itself.
    expect(dated.get('app/models/cart.rb')).toEqual(new Map([[2, { sha: BASE, at: '2024-12-01T00:00:00.000Z' }]]));
    expect(gh.counters.graphqlPoints - before).toBe(1);
  });

  it('skips a file the base does not have, and dates the others', async () => {
    const source = githubFlagAgeSource(client, { owner: 'acme', repo: 'shop' });
    const dated = await source.date(BASE, ['app/models/gone.rb', 'app/models/cart.rb'], () => [2]);
    expect([...dated.keys()]).toEqual(['app/models/cart.rb']);
  });
});
