/**
 * Tests that need Redis, on a machine without `redis-server`: skipped and listed at the end of the run
 * locally, failed under CI. Each case runs jest of its own on a fixture, with a PATH that lacks the binary.
 */
import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inCI } from './redis-server.js';

const ROOT = new URL('../../', import.meta.url).pathname;

/** A PATH with node and nothing else. */
function pathWithoutRedis(): string {
  const bin = mkdtempSync(join(tmpdir(), 'monoenv-no-redis-bin-'));
  symlinkSync(process.execPath, join(bin, 'node'));
  return bin;
}

function jestOnFixture(env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  const args = [
    join(ROOT, 'node_modules/jest/bin/jest.js'),
    '--rootDir',
    ROOT,
    '--testMatch',
    '<rootDir>/test/fixtures/with-redis/*.fixture.ts',
    '--testPathIgnorePatterns',
    '/node_modules/',
    '--no-cache',
    '--ci',
  ];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      { cwd: ROOT, env: { PATH: pathWithoutRedis(), NODE_OPTIONS: '--experimental-vm-modules', ...env } },
      (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : Number(error.code ?? 1), output: `${stdout}${stderr}` });
      },
    );
  });
}

describe('tests that need Redis, without redis-server', () => {
  it('are skipped locally, named on stderr and in the list of skipped tests at the end', async () => {
    const { code, output } = await jestOnFixture({});
    expect(code).toBe(0);
    expect(output).toContain('needs-redis.fixture.ts: SKIPPED "a block that needs Redis": no redis-server binary on PATH');
    expect(output).toMatch(
      /\*\*\* 1 test SKIPPED: what they cover went untested in this run \*\*\*\n {2}test\/fixtures\/with-redis\/needs-redis\.fixture\.ts\n {4}- a block that needs Redis ran against Redis/,
    );
  }, 60_000);

  it('fail the run under CI', async () => {
    const { code, output } = await jestOnFixture({ CI: 'true' });
    expect(code).toBe(1);
    expect(output).toContain('has redis-server on PATH (required under CI)');
    expect(output).toContain('under CI a missing Redis fails the run instead of skipping "a block that needs Redis"');
  }, 60_000);
});

describe('inCI', () => {
  it('reads CI as CI services set it', () => {
    expect(inCI({ CI: 'true' })).toBe(true);
    expect(inCI({ CI: '1' })).toBe(true);
    expect(inCI({})).toBe(false);
    expect(inCI({ CI: '' })).toBe(false);
    expect(inCI({ CI: 'false' })).toBe(false);
    expect(inCI({ CI: '0' })).toBe(false);
  });
});
