import { describe, expect, it } from '@jest/globals';
import { readKind } from '../../src/engine/kind.js';
import { makeChange, type ChangedFile } from '../../src/engine/change.js';
import { changedFiles } from '../../tools/judge/change-from-files.js';

const file = (path: string, extra: Partial<ChangedFile> = {}): ChangedFile => ({
  path, status: 'modified', additions: 1, deletions: 1, binary: false, patchMissing: false, hunks: [], ...extra,
});
const kindOf = (title: string, labels: string[] = [], files: ChangedFile[] = [file('src/a.ts')]) => readKind(makeChange({ title, labels, files }));

describe('readKind', () => {
  it.each([
    ['fix(billing): round tax to cents', 'fix'],
    ['feat: express pay', 'feature'],
    ['refactor(search)!: drop the v1 API', 'feature'],
    ['refactor(search): extract ranking', 'refactor'],
    ['chore: bump node to 20', 'chore'],
    ['perf(db): batch ledger writes', 'feature'],
    ['build(deps): bump stripe from 14.1.0 to 14.2.0', 'deps'],
    ['chore(deps-dev): bump jest', 'deps'],
    ['deps: update zod', 'deps'],
    ['Bump lodash from 4.17.20 to 4.17.21', 'deps'],
    ['Update dependency eslint to v9', 'deps'],
    ['Revert "Group invoice lines by category"', 'revert'],
    ['revert: group invoice lines', 'revert'],
    ['docs: explain evidence', 'docs'],
    ['test: cover refunds', 'test'],
  ])('reads %s as %s', (title, kind) => {
    expect(kindOf(title).kind).toBe(kind);
  });

  it('names where it read the kind', () => {
    expect(kindOf('fix: handle nil cart')).toEqual({ kind: 'fix', source: 'the title `fix: handle nil cart`' });
    expect(kindOf('Handle nil cart', ['bug'])).toEqual({ kind: 'fix', source: 'the label `bug`' });
    expect(kindOf('Handle nil cart')).toEqual({ kind: 'feature', source: 'the default, as the title and labels name no type' });
  });

  it('lets a feature label win over a softer title, so a feature dressed as a fix stays a feature', () => {
    expect(kindOf('fix: checkout', ['enhancement'])).toEqual({ kind: 'feature', source: 'the label `enhancement`' });
  });

  it('reads the shape of the diff when title and labels say nothing', () => {
    expect(kindOf('Move helpers', [], [file('src/b.ts', { status: 'renamed', previousPath: 'src/a.ts', additions: 0, deletions: 0 })]).kind).toBe('refactor');
    expect(kindOf('Update lockfile', [], [file('package-lock.json'), file('package.json')])).toEqual({
      kind: 'deps',
      source: 'the diff (only dependency manifests and lockfiles)',
    });
    const types = changedFiles({
      base: { 'src/types.ts': 'export interface Order {\n  id: string;\n}\n' },
      head: { 'src/types.ts': 'export interface Order {\n  id: string;\n  total: number;\n}\n' },
    });
    expect(kindOf('Order total', [], types).kind).toBe('refactor');
    const code = changedFiles({ base: { 'src/a.ts': 'export const a = 1;\n' }, head: { 'src/a.ts': 'export const a = 2;\n' } });
    expect(kindOf('Change a', [], code).kind).toBe('feature');
  });
});
