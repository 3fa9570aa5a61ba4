/**
 * `monoenv report --org` follows `_extends` as the App does: the configuration in force is the merged chain,
 * each file named read once for the organisation (through the local GitHub API emulator, GraphQL included).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadGraphqlSchema, startEmulator, type Emulator } from '../../../tools/emulator/index.js';
import { runReportCommand } from '../../../src/cli/history/command.js';
import type { OrgReportData } from '../../../src/cli/history/org/command.js';
import { extendsTarget, mergeOver, resolveExtends } from '../../../src/cli/history/org/extends.js';
import { seedOrganisation } from '../../../tools/org-seed.js';

let gh: Emulator;
let dir: string;
let token: string;
const now = new Date('2024-03-31T00:00:00Z');

beforeAll(() => void loadGraphqlSchema(), 60_000);
beforeAll(async () => {
  gh = await startEmulator({ now: () => now });
  const installation = seedOrganisation(gh, {
    org: 'extco',
    repositories: ['web', 'svc', 'loop', 'plain'],
    pullsPerRepository: 8,
    start: Date.parse('2024-01-02T00:00:00Z'),
  });
  // The organisation's default names the billing code risky; it extends nothing.
  gh.store.addRepo({ owner: 'extco', repo: '.github', installationId: installation });
  gh.store.setFile('extco', '.github', '.github/monoenv.yml', 'risky:\n  paths: ["src/billing/**"]\n');
  // A shared policy repository, itself extending the organisation's default.
  gh.store.addRepo({ owner: 'extco', repo: 'policies', installationId: installation });
  gh.store.setFile('extco', 'policies', 'strict.yml', '_extends: .github\nreview:\n  approvals: 2\n');
  gh.store.setFile('extco', 'web', '.github/monoenv.yml', '_extends: .github\nsize:\n  warn_lines: 100\n');
  gh.store.setFile('extco', 'svc', '.github/monoenv.yml', '_extends: policies:strict.yml\n');
  gh.store.setFile('extco', 'loop', '.github/monoenv.yml', '_extends: loop\n');
  token = gh.store.issueToken(installation, 1).token;
  dir = mkdtempSync(path.join(tmpdir(), 'monoenv-org-extends-'));
});
afterAll(async () => {
  await gh.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('monoenv report --org with _extends', () => {
  it('judges each repository with the merged chain, reading each extended file once', async () => {
    let stdout = '';
    const code = await runReportCommand(
      { since: '2024-01-01', until: '2024-03-31', format: 'json', cache: false, org: 'extco', repos: 'web,svc,loop,plain' } as never,
      {
        cwd: dir,
        env: { GITHUB_TOKEN: token, GITHUB_API_URL: gh.url },
        stdout: { write: (t: string) => (stdout += t) },
        stderr: { write: () => true },
      },
    );
    expect(code).toBe(0);
    const data = JSON.parse(stdout) as OrgReportData;
    const byName = Object.fromEntries(data.repositories.map((r) => [r.name, r]));
    expect(byName.web.config).toEqual({
      origin: 'own',
      valid: true,
      errors: [],
      extends: '.github',
      chain: ['extco/.github:.github/monoenv.yml'],
    });
    expect(byName.svc.config).toEqual({
      origin: 'own',
      valid: true,
      errors: [],
      extends: 'policies:strict.yml',
      chain: ['extco/policies:strict.yml', 'extco/.github:.github/monoenv.yml'],
    });
    // The risky paths come from the organisation's default, through the chain: 2 billing changes in 8.
    expect(byName.web.riskyTouched).toBe(2);
    expect(byName.svc.riskyTouched).toBe(2);
    expect(byName.plain).toMatchObject({ config: { origin: 'org default', valid: true }, riskyTouched: 2 });
    expect(byName.loop.config.valid).toBe(false);
    expect(byName.loop.config.errors).toEqual([
      '_extends cycle: extco/loop:.github/monoenv.yml was already read (from extco/loop:.github/monoenv.yml)',
    ]);
    // One batch for the four repositories, then one request per file extended (.github's came with the batch).
    expect(data.cost.graphqlRequests).toBe(2);
    expect(gh.violations).toEqual([]);
  });
});

describe('resolveExtends', () => {
  const start = { owner: 'acme', repo: 'shop', path: '.github/monoenv.yml' };

  it('reads _extends as Probot does', () => {
    expect(extendsTarget('.github', 'acme')).toEqual({ owner: 'acme', repo: '.github', path: '.github/monoenv.yml' });
    expect(extendsTarget('other/policies:team/strict.yaml', 'acme')).toEqual({
      owner: 'other',
      repo: 'policies',
      path: 'team/strict.yaml',
    });
    expect(extendsTarget('not a repo', 'acme')).toBeUndefined();
    expect(extendsTarget(3, 'acme')).toBeUndefined();
  });

  it('merges objects key by key, the nearest file winning, and replaces arrays', async () => {
    const files: Record<string, string> = {
      'acme/base:.github/monoenv.yml': 'size:\n  warn_lines: 400\n  fail_lines: 1000\nrisky:\n  paths: ["a/**", "b/**"]\n',
    };
    const resolved = await resolveExtends(
      '_extends: base\nsize:\n  warn_lines: 200\nrisky:\n  paths: ["c/**"]\n',
      start,
      async (f) => files[`${f.owner}/${f.repo}:${f.path}`],
    );
    expect(resolved).toEqual({
      merged: { size: { warn_lines: 200, fail_lines: 1000 }, risky: { paths: ['c/**'] } },
      chain: ['acme/base:.github/monoenv.yml'],
      errors: [],
    });
    expect(mergeOver({ a: { b: 1, c: [1] } }, { a: { c: [2] } })).toEqual({ a: { b: 1, c: [2] } });
  });

  it('says when a file named is missing or the value is not one', async () => {
    expect((await resolveExtends('_extends: gone\n', start, async () => undefined)).errors).toEqual([
      '_extends: acme/gone:.github/monoenv.yml not found (named in acme/shop:.github/monoenv.yml)',
    ]);
    expect((await resolveExtends('_extends: "a b"\n', start, async () => undefined)).errors).toEqual([
      'invalid _extends value "a b" in acme/shop:.github/monoenv.yml',
    ]);
  });
});
