/**
 * `.ci/run` on a machine without redis-server: it installs it when it can, and otherwise stops before
 * installing anything else, so CI cannot go green with the Redis tests skipped. Run with a PATH of stand-in
 * tools, so nothing is installed for real.
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;
const BASH = spawnSync('sh', ['-c', 'command -v bash'], { encoding: 'utf8' }).stdout.trim();

/** A PATH holding only what the script needs from the system, plus the given stand-ins. */
function machine(tools: Record<string, string>): { bin: string; calls: string } {
  const bin = mkdtempSync(join(tmpdir(), 'monoenv-ci-'));
  const calls = join(bin, 'calls.log');
  for (const real of ['dirname', 'id']) {
    symlinkSync(spawnSync('sh', ['-c', `command -v ${real}`], { encoding: 'utf8' }).stdout.trim(), join(bin, real));
  }
  for (const [name, body] of Object.entries(tools)) {
    writeFileSync(join(bin, name), `#!${BASH}\necho "${name} $* CI=$CI" >> ${calls}\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  }
  return { bin, calls };
}

function runCi(bin: string): { status: number | null; stderr: string } {
  const result = spawnSync(BASH, [join(ROOT, '.ci/run')], { env: { PATH: bin, HOME: bin }, encoding: 'utf8' });
  return { status: result.status, stderr: result.stderr };
}

const calls = (file: string): string[] => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : []);

describe('.ci/run', () => {
  it('fails before npm when redis-server is missing and cannot be installed', () => {
    const { bin, calls: log } = machine({ npm: 'exit 0' });
    const { status, stderr } = runCi(bin);
    expect(status).toBe(1);
    expect(stderr).toContain('redis-server is missing and could not be installed');
    expect(calls(log)).toEqual([]);
  });

  it('fails when the installation fails, instead of going on without Redis', () => {
    const { bin, calls: log } = machine({
      npm: 'exit 0',
      'apt-get': 'exit 100',
      sudo: '[ "$1" = -n ] && shift; [ "$1" = true ] && exit 0; "$@"',
    });
    const { status, stderr } = runCi(bin);
    expect(status).toBe(1);
    expect(stderr).toContain('could not be installed');
    expect(calls(log).some((line) => line.startsWith('apt-get update'))).toBe(true);
    expect(calls(log).filter((line) => line.startsWith('npm'))).toEqual([]);
  });

  it('installs redis-server when it can, then runs the tests with CI set', () => {
    const { bin, calls: log } = machine({
      npm: 'exit 0',
      sudo: '[ "$1" = -n ] && shift; [ "$1" = true ] && exit 0; "$@"',
      env: 'while [ "${1#*=}" != "$1" ]; do export "$1"; shift; done; "$@"',
      // A successful install puts the binary on PATH.
      'apt-get': `if [ "$1" = install ]; then printf '#!${BASH}\\n' > "$(dirname "$0")/redis-server"; chmod +x "$(dirname "$0")/redis-server"; fi`,
    });
    const { status } = runCi(bin);
    expect(status).toBe(0);
    const lines = calls(log);
    expect(lines.some((line) => line.startsWith('apt-get install -y -qq --no-install-recommends redis-server'))).toBe(true);
    expect(lines.filter((line) => line.startsWith('npm'))).toEqual(['npm ci --no-audit --no-fund CI=true', 'npm test CI=true']);
  });
});
