/**
 * `monoenv check`'s failures that are not about the change: a shallow clone (what actions/checkout gives by
 * default), git failing or missing, and an error nobody planned for. Each is one line on stderr and exit 2;
 * the stack only with MONOENV_DEBUG.
 */
import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { TempRepo, captureIO, linesOf, removeTemporaryFolders, temporaryFolder } from './repo.js';

jest.setTimeout(30_000);
afterAll(removeTemporaryFolders);

async function run(cwd: string, env: NodeJS.ProcessEnv, argv: string[], io?: Partial<CliIO>) {
  const captured = captureIO(cwd, env);
  const code = await main(argv, { ...captured.io, ...io });
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

/** main with two commits, and a branch `feature` two commits ahead of it. */
function upstream(): TempRepo {
  const repo = TempRepo.create({ 'README.md': '# shop\n' });
  repo.commit('Add prices', { 'src/prices.ts': linesOf(3) });
  repo.branch('feature');
  repo.commit('Add the cart', { 'src/cart.ts': linesOf(5) });
  repo.commit('Cart totals', { 'src/cart.ts': linesOf(8) });
  return repo;
}

describe('monoenv check: failures outside the change, exit 2', () => {
  it('a shallow clone without the merge base says to fetch more history, as actions/checkout needs', async () => {
    const source = upstream();
    const clone = temporaryFolder('monoenv-shallow-');
    // What `actions/checkout` does by default: one commit of history (here of both branches).
    source.git('clone', '--quiet', '--depth', '1', '--no-single-branch', '--branch', 'feature', `file://${source.dir}`, clone);
    const { code, stdout, stderr } = await run(clone, source.env, ['check', '--base', 'origin/main']);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toBe(
      'monoenv: no merge base between origin/main and HEAD: the clone is shallow; fetch more history (actions/checkout: fetch-depth: 0)\n',
    );
  });

  it('the same clone with its history judges the change', async () => {
    const source = upstream();
    const clone = temporaryFolder('monoenv-deep-');
    source.git('clone', '--quiet', '--no-single-branch', '--branch', 'feature', `file://${source.dir}`, clone);
    const { code, stdout } = await run(clone, source.env, ['check', '--base', 'origin/main', '--format', 'json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ size: { lines: 8 } });
  });

  it('git missing from PATH', async () => {
    const repo = upstream();
    const bin = mkdtempSync(join(tmpdir(), 'monoenv-no-git-'));
    symlinkSync(process.execPath, join(bin, 'node'));
    const { code, stdout, stderr } = await run(repo.dir, { ...repo.env, PATH: bin }, ['check', '--base', 'main']);
    rmSync(bin, { recursive: true, force: true });
    expect({ code, stdout, stderr }).toEqual({ code: 2, stdout: '', stderr: 'monoenv: git: git is not installed or not on PATH\n' });
  });

  it("git failing on a damaged repository gives git's own reason", async () => {
    const repo = upstream();
    // The changed file's content is gone from the object store: the refs resolve, reading the diff fails.
    const blob = repo.git('rev-parse', 'feature:src/cart.ts').trim();
    rmSync(join(repo.dir, '.git', 'objects', blob.slice(0, 2), blob.slice(2)));
    const { code, stdout, stderr } = await run(repo.dir, repo.env, ['check', '--base', 'main']);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toMatch(new RegExp(`^monoenv: git: .*${blob.slice(0, 7)}.*\n$`));
  });

  it('an unexpected error: one line, and the stack only with MONOENV_DEBUG', async () => {
    const repo = upstream();
    const broken = {
      write: (): never => {
        throw new Error('write EPIPE');
      },
    };
    const plain = await run(repo.dir, repo.env, ['check', '--base', 'main'], { stdout: broken });
    expect(plain).toEqual({ code: 2, stdout: '', stderr: 'monoenv: unexpected error: write EPIPE\n' });
    const debug = await run(repo.dir, { ...repo.env, MONOENV_DEBUG: '1' }, ['check', '--base', 'main'], { stdout: broken });
    expect(debug.code).toBe(2);
    expect(debug.stderr).toMatch(/^monoenv: unexpected error: write EPIPE\nError: write EPIPE\n {4}at /);
  });
});
