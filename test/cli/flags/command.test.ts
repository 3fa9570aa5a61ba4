import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../../../src/cli/main.js';
import { captureIO } from '../repo.js';
import { generateRepository } from '../../../tools/generate-repository.js';

// Each test starts git processes and reads whole histories; a loaded machine takes its time.
jest.setTimeout(30_000);

const DAY = 86_400;
const now = Math.floor(Date.now() / 1000);
const daysAgo = (days: number): number => now - days * DAY;

let root: string;
let repo: string;

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'monoenv-flags-cli-'));
  repo = path.join(root, 'repo');
  generateRepository(repo, [
    {
      message: 'Checkout behind a flag',
      time: daysAgo(212),
      files: {
        '.github/monoenv.yml': 'risky:\n  flag_calls: ["feature?"]\n',
        'app/models/order.rb': 'class Order\n  def total\n    feature?(:new_checkout) ? 1 : 2\n  end\nend\n',
      },
    },
    {
      message: 'Search behind a flag',
      time: daysAgo(5),
      files: { 'src/search.ts': "export const on = (c: Client) => c.isEnabled('fast-search');\n" },
    },
  ]);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const run = async (args: string[], cwd = repo) => {
  const captured = captureIO(cwd, process.env);
  const code = await main(['flags', ...args], captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
};

describe('monoenv flags', () => {
  it('prints the flags, the stale ones marked, with the configuration at the ref', async () => {
    const { code, stdout } = await run(['--no-cache']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/2 flags checked in the code · 1 stale \(in the code for more than 90 days\)/);
    expect(stdout).toMatch(/^! new_checkout +212 d +\d{4}-\d\d-\d\d +1 +app\/models\/order\.rb:3$/m);
    expect(stdout).toMatch(/^ {2}fast-search +5 d +\d{4}-\d\d-\d\d +1 +src\/search\.ts:1$/m);
  });

  it('prints JSON for machines, with --stale-after', async () => {
    const { code, stdout } = await run(['--format', 'json', '--stale-after', '4d']);
    expect(code).toBe(0);
    const inventory = JSON.parse(stdout);
    expect(inventory).toMatchObject({ ref: 'HEAD', staleAfterDays: 4, stale: 2, testOnly: [], removed: [] });
    expect(inventory.flags.map((f: { key: string; ageDays: number; files: number }) => [f.key, f.ageDays, f.files])).toEqual([
      ['new_checkout', 212, 1],
      ['fast-search', 5, 1],
    ]);
    expect(inventory).not.toHaveProperty('lives');
  });

  it('reads a bare repository (a mirror) as it is', async () => {
    const bare = path.join(root, 'bare.git');
    execFileSync('git', ['clone', '--quiet', '--bare', repo, bare]);
    const { code, stdout } = await run(['--format', 'json', '--no-cache'], bare);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).flags).toHaveLength(2);
  });

  it('says what is wrong, with exit code 2: a bad duration, an unknown ref, an invalid configuration, no repository', async () => {
    expect(await run(['--stale-after', 'soon'])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--stale-after.*expected a duration/),
    });
    expect(await run(['--ref', 'nope'])).toMatchObject({ code: 2, stderr: 'monoenv: unknown ref "nope" (--ref)\n' });
    const bad = path.join(root, 'bad.yml');
    writeFileSync(bad, 'flags:\n  stale_after_days: 0\n');
    const invalid = await run(['--config', bad]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/bad\.yml:2:\d+: flags\.stale_after_days: /);
    const plain = mkdtempSync(path.join(tmpdir(), 'monoenv-plain-'));
    try {
      expect(await run([], plain)).toMatchObject({ code: 2, stderr: expect.stringMatching(/^monoenv: not a git repository/) });
    } finally {
      rmSync(plain, { recursive: true, force: true });
    }
  });
});
