/**
 * The committed Action bundle is what the sources build today. GitHub runs an action straight from the
 * repository at the tag a workflow names, installing nothing, so `dist/action/` is what users run: a change
 * under src/ that is not rebuilt into it would not reach them. The bundle is rebuilt here into a fresh
 * folder (`scripts/bundle-action.mjs --out`, esbuild: the same sources give the same bytes) and compared
 * byte for byte, with the WebAssembly files beside it.
 *
 * Compared with: under CI, the commit itself (`git show HEAD:…`), because `npm ci` runs `prepare`, which
 * rebuilds the files in the working tree; elsewhere the working tree, so that a bundle rebuilt but not yet
 * committed passes while the change is being made.
 */
import { describe, expect, it } from '@jest/globals';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inCI } from '../reliability/redis-server.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const DIST = 'dist/action';
const fromCommit = inCI();

/** The committed version of a file of dist/action, or undefined when there is none. */
function committed(file: string): Buffer | undefined {
  if (fromCommit) {
    try {
      return execFileSync('git', ['show', `HEAD:${DIST}/${file}`], {
        cwd: ROOT,
        maxBuffer: 64 * 1024 * 1024,
        stdio: ['ignore', 'pipe', 'ignore'],
      });
    } catch {
      return undefined;
    }
  }
  return existsSync(join(ROOT, DIST, file)) ? readFileSync(join(ROOT, DIST, file)) : undefined;
}

function committedGrammars(): string[] {
  if (fromCommit)
    return execFileSync('git', ['ls-tree', '--name-only', `HEAD:${DIST}/grammars`], { cwd: ROOT, encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .sort();
  return existsSync(join(ROOT, DIST, 'grammars')) ? readdirSync(join(ROOT, DIST, 'grammars')).sort() : [];
}

function rebuild(into: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['scripts/bundle-action.mjs', '--out', join(into, 'index.js')],
      { cwd: ROOT, encoding: 'utf8' },
      (error, _stdout, stderr) => (error === null ? resolve() : reject(new Error(`${error.message}\n${stderr}`))),
    );
  });
}

describe('the committed Action bundle', () => {
  it('is what the sources build today, grammars included (else: npm run bundle:action, and commit dist/action)', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'monoenv-bundle-'));
    try {
      await rebuild(fresh);
      const built = readFileSync(join(fresh, 'index.js'));
      const bundle = committed('index.js');
      // Compared as a flag with the sizes, not as 2 MB of text in a failure message.
      expect({ current: bundle?.equals(built) === true, builtBytes: built.length, committedBytes: bundle?.length }).toEqual({
        current: true,
        builtBytes: built.length,
        committedBytes: built.length,
      });
      const grammars = readdirSync(join(fresh, 'grammars')).sort();
      expect(committedGrammars()).toEqual(grammars);
      const stale = grammars.filter((file) => committed(`grammars/${file}`)?.equals(readFileSync(join(fresh, 'grammars', file))) !== true);
      expect(stale).toEqual([]);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  }, 120_000);
});
