/**
 * The real `monoenv` executable in a child process: bin/monoenv.js over the compiled lib/, laid out as the
 * published package is (bin/, lib/, package.json), so exit codes, standard input and output are the
 * process's own. The lib/ here is compiled from the current src/ (esbuild, no type-check: `tsc` checks
 * types in `npm test`), so the test never runs a stale build.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Report } from '../../src/engine/report.js';
import { TempRepo, linesOf, removeTemporaryFolders } from './repo.js';

jest.setTimeout(60_000);

const root = fileURLToPath(new URL('../../', import.meta.url));
// Inside the project's node_modules, so the compiled code resolves the project's dependencies.
const packageDir = join(root, 'node_modules', '.cache', `monoenv-binary-test-${process.pid}`);
const binary = join(packageDir, 'bin', 'monoenv.js');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

beforeAll(async () => {
  mkdirSync(join(packageDir, 'bin'), { recursive: true });
  copyFileSync(join(root, 'bin', 'monoenv.js'), binary);
  copyFileSync(join(root, 'package.json'), join(packageDir, 'package.json'));
  const src = join(root, 'src');
  await build({
    entryPoints: sourceFiles(src).map((file) => relative(root, file)),
    absWorkingDir: root,
    outdir: join(packageDir, 'lib'),
    outbase: 'src',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    bundle: false,
    logLevel: 'silent',
  });
});

afterAll(() => {
  rmSync(packageDir, { recursive: true, force: true });
  removeTemporaryFolders();
});

function monoenv(repo: TempRepo, argv: string[], options: { stdin?: string; env?: NodeJS.ProcessEnv } = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(
      process.execPath,
      [binary, ...argv],
      { cwd: repo.dir, env: { ...repo.env, ...options.env } },
      (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr });
      },
    );
    child.stdin?.end(options.stdin ?? '');
  });
}

const STRICT = 'size:\n  warn_lines: 5\n  fail_lines: 10\nrisky:\n  paths: ["src/billing/**"]\n  accept_declared: true\n';

function repoWith(config: string, files: Record<string, string>): TempRepo {
  const repo = TempRepo.create({ 'README.md': '# shop\n', '.github/monoenv.yml': config });
  repo.branch('feature');
  repo.commit('feat: the change', files);
  return repo;
}

describe('bin/monoenv.js', () => {
  it('prints its version', async () => {
    const repo = TempRepo.plainFolder();
    const { version } = (await import(join(root, 'package.json'), { with: { type: 'json' } })).default as { version: string };
    expect(await monoenv(repo, ['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('exits 1 with the JSON report when an error-level finding fires, 0 when not', async () => {
    const repo = repoWith(STRICT, { 'src/cart.ts': linesOf(12), 'src/cart.test.ts': 'test("cart", () => {});\n' });
    const failing = await monoenv(repo, ['check', '--format', 'json']);
    expect(failing.code).toBe(1);
    const report = JSON.parse(failing.stdout) as Report;
    expect(report.conclusion).toBe('failure');
    expect(report.size).toMatchObject({ lines: 13, files: 2 });

    const waived = await monoenv(repo, ['check', '--label', 'large-change-ok']);
    expect(waived.code).toBe(0);
    expect(waived.stdout.trimEnd().split('\n').at(-1)).toMatch(/^✔ success {2}/);
  });

  it('reads the pull-request body from standard input', async () => {
    const repo = repoWith(STRICT, { 'src/billing/charge.ts': 'registerCharge((amount: number) => {\n  return amount * 1.2;\n});\n' });
    expect((await monoenv(repo, ['check', '--label', 'no-tests-needed'])).code).toBe(1);
    const declared = await monoenv(repo, ['check', '--label', 'no-tests-needed', '--body', '-'], { stdin: 'Feature-Flag: charge_tax\n' });
    expect(declared.stderr).toBe('');
    expect(declared.code).toBe(0);
  });

  it('exits 2 on an invalid configuration, a bad option and outside a repository', async () => {
    const invalid = repoWith('size:\n  warn_lnies: 3\n', { 'a.txt': 'a\n' });
    const config = await monoenv(invalid, ['check']);
    expect(config.code).toBe(2);
    expect(config.stderr.split('\n')[0]).toBe('.github/monoenv.yml:2:3: size.warn_lnies: unknown key; did you mean `warn_lines`?');

    const usage = await monoenv(invalid, ['check', '--format', 'yaml']);
    expect(usage.code).toBe(2);
    expect(usage.stderr.trimEnd().split('\n')).toHaveLength(1);

    const outside = TempRepo.plainFolder();
    expect(await monoenv(outside, ['check'])).toEqual({ code: 2, stdout: '', stderr: `monoenv: not a git repository: ${outside.dir}\n` });
  });

  it('colours its text when FORCE_COLOR is set, though stdout is a pipe', async () => {
    const repo = repoWith(STRICT, { 'src/cart.ts': linesOf(12) });
    const plain = await monoenv(repo, ['check']);
    const forced = await monoenv(repo, ['check'], { env: { NO_COLOR: '', FORCE_COLOR: '1' } });
    expect(plain.stdout).not.toContain('\x1b[');
    expect(forced.stdout).toContain('\x1b[');
    expect(forced.code).toBe(1);
  });
});
