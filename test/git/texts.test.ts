import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { readTexts } from '../../src/git/texts.js';
import { gitIn } from '../../src/git/runner.js';
import { changeFromFiles } from '../../tools/judge/change-from-files.js';
import { TempRepo, removeTemporaryFolders } from '../cli/repo.js';

jest.setTimeout(30_000);
afterAll(removeTemporaryFolders);

describe('whole texts read from git objects', () => {
  it('reads the files asked, in the order asked, up to the bound, and says why the others were not read', async () => {
    const repo = TempRepo.create({ 'a.ts': 'a(0);\n', 'b.ts': 'b(0);\n', 'c.ts': 'c(0);\n' });
    const base = repo.git('rev-parse', 'HEAD').trim();
    const head = repo.commit('change', { 'a.ts': 'a(1);\n', 'b.ts': 'b(1);\n', 'c.ts': 'c(1);\n' });
    const change = changeFromFiles({
      base: { 'a.ts': 'a(0);\n', 'b.ts': 'b(0);\n', 'c.ts': 'c(0);\n' },
      head: { 'a.ts': 'a(1);\n', 'b.ts': 'b(1);\n', 'c.ts': 'c(1);\n' },
    });
    const wanted = ['c.ts', 'a.ts', 'b.ts'].map((path) => ({ path, head: true, base: true, risky: true }));

    await readTexts(gitIn(repo.dir, { env: repo.env }), change, wanted, base, head, { maxFiles: 2 });

    expect(change.files.map((f) => [f.path, f.text])).toEqual([
      ['a.ts', { head: 'a(1);\n', base: 'a(0);\n' }],
      ['b.ts', { unreadable: 'monoenv reads at most 2 files of a change whole' }],
      ['c.ts', { head: 'c(1);\n', base: 'c(0);\n' }],
    ]);
  });
});
