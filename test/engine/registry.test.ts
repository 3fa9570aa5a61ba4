import { describe, expect, it } from '@jest/globals';
import { evaluate } from '../../src/engine/evaluate.js';
import { factNeeds, factsWanted } from '../../src/engine/facts.js';
import { RULES } from '../../src/engine/rules/index.js';
import { makeChange, type ChangedFile } from '../../src/engine/change.js';
import { parsePatch } from '../../src/engine/diff.js';
import { configSchema, DEFAULT_CONFIG } from '../../src/config/schema.js';
import type { ConfigError } from '../../src/config/load.js';

function file(path: string, patch: string, status: ChangedFile['status'] = 'modified'): ChangedFile {
  const hunks = parsePatch(patch);
  const additions = hunks.flatMap((h) => h.lines).filter((l) => l.type === 'add').length;
  const deletions = hunks.flatMap((h) => h.lines).filter((l) => l.type === 'del').length;
  return { path, status, additions, deletions, binary: false, patchMissing: false, hunks };
}

const CONFIG_EDIT = file('.github/monoenv.yml', '@@ -1,2 +1,2 @@\n size:\n-  warn_lines: 400\n+  warn_lines: lots');
const SOURCE_EDIT = file('src/cart.ts', '@@ -1,2 +1,3 @@\n export const a = 1;\n+export const b = 2;\n export const c = 3;');

describe('rule registry', () => {
  it('lists every rule of the configuration once, in the order of the report rows', () => {
    expect(RULES.map((r) => r.name)).toEqual(['size', 'tests', 'risky', 'review', 'migrations', 'flags']);
    // Each is a section of the configuration with a level.
    const sections = Object.entries(DEFAULT_CONFIG).filter(([, value]) => typeof value === 'object' && value !== null && 'level' in value);
    expect(sections.map(([name]) => name).sort()).toEqual(RULES.map((r) => r.name).sort());
  });

  it('asks for the file list only when a rule that reads it is on and not waived', () => {
    expect(factNeeds(DEFAULT_CONFIG, [])).toEqual({ files: true, gitattributes: true, reviews: false });
    const onlyReview = configSchema.parse({
      size: { level: 'off' },
      tests: { level: 'off' },
      migrations: { level: 'off' },
      flags: { level: 'off' },
      review: { before_merge: true },
    });
    expect(factNeeds(onlyReview, [])).toEqual({ files: false, gitattributes: false, reviews: true });
    // Risky reads files only when it has paths to match them against.
    const risky = configSchema.parse({
      size: { level: 'off' },
      tests: { level: 'off' },
      migrations: { level: 'off' },
      flags: { level: 'off' },
      risky: { paths: ['src/billing/**'] },
    });
    expect(factNeeds(risky, []).files).toBe(true);
    expect(factNeeds(risky, ['no-flag-needed']).files).toBe(false);
    // Waiving size spares .gitattributes; tests and migrations still read the files.
    expect(factNeeds(DEFAULT_CONFIG, ['large-change-ok'])).toEqual({ files: true, gitattributes: false, reviews: false });
  });

  it('wants nothing more for a plain source change, and the proposed configuration when the change edits it', () => {
    const plain = factsWanted(makeChange({ files: [SOURCE_EDIT] }), DEFAULT_CONFIG);
    expect(plain).toEqual({ texts: [], migrations: [], grammars: [], postgres: false, proposedConfig: false });
    expect(factsWanted(makeChange({ files: [SOURCE_EDIT, CONFIG_EDIT] }), DEFAULT_CONFIG).proposedConfig).toBe(true);
    const deleted = { ...CONFIG_EDIT, status: 'removed' as const };
    expect(factsWanted(makeChange({ files: [deleted] }), DEFAULT_CONFIG).proposedConfig).toBe(false);
  });

  it('asks for no whole file of a source that cannot read them', () => {
    const config = configSchema.parse({ risky: { paths: ['src/**'] } });
    const change = makeChange({ files: [SOURCE_EDIT] });
    expect(factsWanted(change, config).texts.map((t) => t.path)).toEqual(['src/cart.ts']);
    expect(factsWanted(change, config, { wholeFiles: false })).toMatchObject({ texts: [], grammars: [] });
  });

  it('asks for a migration’s parser and, for an edit, its whole text', () => {
    const migration = file(
      'db/migrate/20240101000000_add_total.rb',
      '@@ -3,3 +3,4 @@\n   def change\n     add_column :orders, :note, :text\n+    remove_column :orders, :total\n   end',
    );
    const wanted = factsWanted(makeChange({ files: [migration] }), DEFAULT_CONFIG);
    expect(wanted).toMatchObject({ postgres: true, migrations: [migration.path], grammars: ['ruby'] });
  });
});

describe('evaluate returns the final report', () => {
  const errors: ConfigError[] = [{ path: 'size.warn_lines', message: 'expected a number', line: 2, column: 15 }];

  it('folds in the errors of the configuration the change proposes: findings on its lines, failure, title', () => {
    const change = makeChange({ files: [SOURCE_EDIT, CONFIG_EDIT], labels: ['no-tests-needed'] });
    const clean = evaluate(change, DEFAULT_CONFIG);
    const report = evaluate(change, DEFAULT_CONFIG, { proposedConfig: { path: '.github/monoenv.yml', errors } });
    expect(report.conclusion).toBe('failure');
    expect(report.title).toBe(`${clean.title} · invalid .github/monoenv.yml`);
    expect(report.findings.filter((f) => f.rule === 'config')).toEqual([
      {
        rule: 'config',
        level: 'error',
        title: 'Invalid monoenv configuration',
        message: 'size.warn_lines: expected a number',
        path: '.github/monoenv.yml',
        startLine: 2,
        endLine: 2,
      },
    ]);
    expect(report.rules).toEqual(clean.rules);
  });

  it('a valid proposed configuration changes nothing; advise mode keeps its errors from failing', () => {
    const change = makeChange({ files: [CONFIG_EDIT] });
    expect(evaluate(change, DEFAULT_CONFIG, { proposedConfig: { path: '.github/monoenv.yml', errors: [] } })).toEqual(
      evaluate(change, DEFAULT_CONFIG),
    );
    const advise = evaluate(change, configSchema.parse({ mode: 'advise' }), { proposedConfig: { path: '.github/monoenv.yml', errors } });
    expect(advise.conclusion).toBe('neutral');
  });

  it('says how many files the tests and risky rules had to judge', () => {
    const config = configSchema.parse({ risky: { paths: ['src/**'] } });
    const report = evaluate(makeChange({ files: [SOURCE_EDIT, CONFIG_EDIT] }), config);
    expect(report.rules.find((r) => r.rule === 'tests')?.judged).toBe(1);
    expect(report.rules.find((r) => r.rule === 'risky')?.judged).toBe(1);
    const docsOnly = evaluate(makeChange({ files: [file('README.md', '@@ -1 +1,2 @@\n # shop\n+More.')] }), config);
    expect(docsOnly.rules.find((r) => r.rule === 'tests')?.judged).toBeUndefined();
    expect(docsOnly.rules.find((r) => r.rule === 'risky')?.judged).toBeUndefined();
  });
});
