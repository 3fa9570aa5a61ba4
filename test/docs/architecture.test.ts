/** docs/architecture.md says only what the tree holds: the paths it names exist, and every long file is explained. */
import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;
const doc = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');

function filesUnder(dir: string, suffixes: readonly string[]): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && suffixes.some((suffix) => entry.name.endsWith(suffix)))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

describe('docs/architecture.md', () => {
  it('names only files and folders that exist', () => {
    const named = [...doc.matchAll(/`((?:src|tools|test|bench|scripts|docs|\.github)\/[^`*<>\s]*)`/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(40);
    expect(named.filter((path) => !existsSync(join(ROOT, path)))).toEqual([]);
  });

  it('explains every file in src over 400 lines', () => {
    const long = filesUnder('src', ['.ts']).filter((file) => readFileSync(join(ROOT, file), 'utf8').split('\n').length - 1 > 400);
    const explained = new Set([...doc.matchAll(/^\| `(src\/[^`]+)` \| /gm)].map((m) => m[1]));
    expect(long.filter((file) => !explained.has(file)).sort()).toEqual([]);
  });
});

describe('benchmarks and scripts', () => {
  it('import nothing from test/ (what they share with the tests lives in tools/)', () => {
    const importsOfTest = [...filesUnder('bench', ['.ts', '.mjs', '.js']), ...filesUnder('scripts', ['.ts', '.mjs', '.js'])].filter(
      (file) => /(?:from|import\()\s*['"](?:\.\.\/)+test\//.test(readFileSync(join(ROOT, file), 'utf8')),
    );
    expect(importsOfTest).toEqual([]);
  });
});
