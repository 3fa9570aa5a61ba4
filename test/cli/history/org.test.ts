/**
 * `monoenv report --org`: an organisation's repositories read through the local GitHub API emulator
 * (GraphQL against GitHub's schema, REST for patches), judged by `evaluate`, cached and resumable.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadGraphqlSchema, startEmulator, type Emulator } from '../../../tools/emulator/index.js';
import { runReportCommand } from '../../../src/cli/history/command.js';
import type { OrgReportData } from '../../../src/cli/history/org/command.js';
import { seedOrganisation } from '../../../tools/org-seed.js';

let gh: Emulator;
let dir: string;
let token: string;
let bigToken: string;
const now = new Date('2024-03-31T00:00:00Z');

async function run(extra: Record<string, unknown> = {}, env: Record<string, string> = {}, terminal = false) {
  let stdout = '';
  let stderr = '';
  const code = await runReportCommand(
    {
      since: '2024-01-01',
      until: '2024-03-31',
      format: 'json',
      cache: true,
      org: 'acme',
      cacheDir: path.join(dir, 'cache'),
      ...extra,
    } as never,
    {
      cwd: dir,
      env: { GITHUB_TOKEN: token, GITHUB_API_URL: gh.url, ...env },
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: (t: string) => (stderr += t), ...(terminal ? { isTTY: true, columns: 100 } : {}) },
    },
  );
  return { code, stderr, data: code === 0 && stdout.startsWith('{') ? (JSON.parse(stdout) as OrgReportData) : undefined, stdout };
}

beforeAll(() => void loadGraphqlSchema(), 60_000);
beforeAll(async () => {
  gh = await startEmulator({ now: () => now });
  const installation = seedOrganisation(gh, {
    org: 'acme',
    repositories: ['shop', 'api', 'legacy'],
    pullsPerRepository: 12,
    start: Date.parse('2024-01-02T00:00:00Z'),
  });
  // The organisation's default configuration, in its .github repository.
  gh.store.addRepo({ owner: 'acme', repo: '.github', installationId: installation });
  gh.store.setFile('acme', '.github', '.github/monoenv.yml', 'review:\n  approvals: 1\n');
  gh.store.setFile('acme', 'shop', '.github/monoenv.yml', 'risky:\n  paths: ["src/billing/**"]\n');
  gh.store.setFile('acme', 'legacy', '.github/monoenv.yml', 'size:\n  fail_line: 3\n');
  token = gh.store.issueToken(installation, 1).token;
  bigToken = gh.store.issueToken(
    seedOrganisation(gh, { org: 'bigco', repositories: ['monolith'], pullsPerRepository: 60, start: Date.parse('2024-01-02T00:00:00Z') }),
    1,
  ).token;
  dir = mkdtempSync(path.join(tmpdir(), 'monoenv-org-'));
});
afterAll(async () => {
  await gh.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => gh.resetCounters());

describe('monoenv report --org', () => {
  it('reads every repository, judges it, and sorts those needing attention first', async () => {
    const { code, data } = await run();
    expect(code).toBe(0);
    const byName = Object.fromEntries(data!.repositories.map((r) => [r.name, r]));
    expect(Object.keys(byName).sort()).toEqual(['api', 'legacy', 'shop']);
    expect(byName.shop.config).toEqual({ origin: 'own', valid: true, errors: [] });
    expect(byName.api.config).toEqual({ origin: 'org default', valid: true, errors: [] });
    expect(byName.legacy.config.valid).toBe(false);
    expect(byName.legacy.config.errors[0]).toMatch(/^\.github\/monoenv\.yml:2:3: size\.fail_line/);
    // The seed: 12 pull requests (every third unreviewed), 3 direct pushes, 1 unflagged billing change in 4.
    expect(byName.shop).toMatchObject({
      pullRequests: 12,
      unreviewedMerges: 4,
      directPushes: 3,
      changes: 15,
      riskyTouched: 3,
      riskyUnflagged: 2,
    });
    expect(byName.api.riskyTouched).toBe(0); // no risky.paths in the org default
    expect(data!.repositories[0].name).toBe('legacy'); // invalid configuration first
    expect(byName.shop.reasons).toContain('2 risky changes without a flag');
    expect(byName.shop.weeks).toHaveLength(13);
    // One batch for the three repositories (plus the listing), REST only for the billing pull requests' patches.
    expect(data!.cost).toMatchObject({ graphqlRequests: 2, restRequests: 3, fromCache: 0 });
    expect(gh.counters.graphql).toBe(2);
    expect(gh.violations).toEqual([]);
    expect(gh.unmatched).toEqual([]);
  });

  it('resumes from its cache: a second run only lists the repositories; an interrupted one reads only what is left', async () => {
    const { data } = await run();
    expect(data!.cost.fromCache).toBe(3);
    expect(gh.counters.graphql).toBe(1);
    expect(gh.counters.rateLimited).toBe(0); // no REST
    expect(readdirSync(path.join(dir, 'cache', 'org-acme')).sort()).toEqual(['api.json', 'legacy.json', 'shop.json']);
    // As if the run had stopped before the last repository was written.
    rmSync(path.join(dir, 'cache', 'org-acme', 'shop.json'));
    gh.resetCounters();
    const resumed = await run();
    expect(resumed.data!.cost).toMatchObject({ fromCache: 2, graphqlRequests: 2, restRequests: 3 });
    expect(resumed.data!.repositories.find((r) => r.name === 'shop')!.changes).toBe(15);
  });

  it('counts the repositories read in a progress bar on a terminal, and draws nothing into a pipe', async () => {
    const piped = await run({ cache: false });
    expect(piped.code).toBe(0);
    expect(piped.stderr).toBe('');
    const terminal = await run({ cache: false }, {}, true);
    expect(terminal.code).toBe(0);
    // The bar may be drawn fewer times on a fast run, but always at its end, then cleared before the report.
    expect(terminal.stderr).toMatch(/^\rReading repositories \[[█░]+\] \d\/3 repositories/);
    expect(terminal.stderr.endsWith(`\rReading repositories [${'█'.repeat(40)}] 3/3 repositories\r\x1b[2K`)).toBe(true);
  });

  it('reads GitHub Enterprise Server: REST under /api/v3, GraphQL at /api/graphql', async () => {
    const { code, data } = await run({ cache: false }, { GITHUB_API_URL: `${gh.url}/api/v3` });
    expect(code).toBe(0);
    const shop = data!.repositories.find((r) => r.name === 'shop')!;
    expect(shop).toMatchObject({ pullRequests: 12, changes: 15, riskyTouched: 3, riskyUnflagged: 2 });
    expect(data!.cost).toMatchObject({ graphqlRequests: 2, restRequests: 3 });
    const paths = gh.requests.map((r) => r.path);
    expect(paths.filter((p) => p === '/api/graphql')).toHaveLength(2);
    expect(paths.filter((p) => p.startsWith('/api/v3/repos/acme/shop/pulls/'))).toHaveLength(3);
    expect(paths.every((p) => p.startsWith('/api/'))).toBe(true);
    expect(gh.unmatched).toEqual([]);
  });

  it('follows a repository alone past its first page of pull requests', async () => {
    const { data } = await run({ org: 'bigco', cache: false }, { GITHUB_TOKEN: bigToken });
    // 60 merged pull requests, 25 a page: the batch, then two pages for this repository alone (plus the listing).
    expect(data!.missing).toEqual([]);
    expect(data!.repositories[0]).toMatchObject({ name: 'monolith', pullRequests: 60, directPushes: 15 });
    expect(data!.cost.graphqlRequests).toBe(4);
    expect(gh.violations).toEqual([]);
  });

  it('reads only the repositories named and writes the page with small multiples', async () => {
    const html = path.join(dir, 'org.html');
    const { code, data } = await run({ repos: 'shop,api', cache: false, html });
    expect(code).toBe(0);
    expect(data!.repositories.map((r) => r.name).sort()).toEqual(['api', 'shop']);
    expect(data!.cost.graphqlRequests).toBe(1);
    const page = (await import('node:fs')).readFileSync(html, 'utf8');
    expect(page).toContain('monoenv report · organisation acme');
    expect(page.match(/<svg\b/g)).toHaveLength(1);
    expect(page).not.toMatch(/<script|\bsrc=|<link/);
  });

  it('says what is wrong with bad input and a missing token', async () => {
    expect((await run({ org: 'bad org' })).code).toBe(2);
    const noToken = await run({}, { GITHUB_TOKEN: '' });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toMatch(/set GITHUB_TOKEN/);
    const unknown = await run({ org: 'nobody', cache: false });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Could not resolve to an Organization/);
  });
});
