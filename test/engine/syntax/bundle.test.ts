import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GRAMMARS } from '../../../src/engine/syntax/index.js';

const repoRoot = new URL('../../../', import.meta.url).pathname;

/** Bundles the probe the way the Action (or Lambda) is bundled, outside the repository (no node_modules). */
function runProbe(lambda: boolean, drop?: string): { parsed: string[]; unavailable: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'monoenv-syntax-bundle-'));
  const out = join(dir, lambda ? 'index.mjs' : 'index.js');
  const args = ['scripts/bundle-action.mjs', '--entry', 'test/fixtures/syntax/bundle-probe.ts', '--out', out];
  execFileSync(process.execPath, lambda ? [...args, '--lambda'] : args, { cwd: repoRoot, stdio: 'pipe' });
  if (drop) rmSync(join(dir, 'grammars', drop));
  const result = execFileSync(process.execPath, [out], { cwd: dir, encoding: 'utf8' });
  return JSON.parse(result);
}

describe('grammars in the bundles', () => {
  it('the Action bundle ships every grammar beside it and parses with each', () => {
    const result = runProbe(false);
    expect(result).toEqual({ parsed: [...GRAMMARS], unavailable: {} });
  }, 60_000);

  it('the Lambda bundle does too, and a missing grammar degrades to the line scanner without a crash', () => {
    const names = readdirSync(join(repoRoot, 'node_modules/@vscode/tree-sitter-wasm/wasm'));
    expect(names).toContain('tree-sitter-ruby.wasm');
    const result = runProbe(true, 'tree-sitter-ruby.wasm');
    expect(result.parsed).toEqual(GRAMMARS.filter((g) => g !== 'ruby'));
    expect(Object.keys(result.unavailable)).toEqual(['ruby']);
  }, 60_000);
});
