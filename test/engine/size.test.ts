import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createPatch } from 'diff';
import { judgeSize, sizeClass } from '../../src/engine/rules/size.js';
import { countChanges, parseGitDiff } from '../../src/engine/diff.js';
import { changedFileFromGitHub } from '../../src/facts/github-files.js';
import { makeChange, type Change, type ChangedFile } from '../../src/engine/change.js';
import { configSchema, DEFAULT_CONFIG, type MonoenvConfigInput } from '../../src/config/schema.js';
import { evaluate } from '../../src/engine/evaluate.js';

const fixture = (name: string): string => readFileSync(fileURLToPath(new URL(`../fixtures/patches/${name}`, import.meta.url)), 'utf8');

/** A changed file as GitHub lists it: one hunk replacing `deletions` lines with `additions` lines. */
function file(path: string, additions: number, deletions = 0): ChangedFile {
  const header = `@@ -${deletions === 0 ? 0 : 1},${deletions} +${additions === 0 ? 0 : 1},${additions} @@`;
  const body = [...Array.from({ length: deletions }, (_, i) => `-old ${i}`), ...Array.from({ length: additions }, (_, i) => `+new ${i}`)];
  const changed = changedFileFromGitHub({ filename: path, status: 'modified', additions, deletions, patch: [header, ...body].join('\n') });
  expect(countChanges(changed.hunks)).toEqual({ additions, deletions });
  return changed;
}

const judge = (change: Change, config: MonoenvConfigInput = {}) =>
  judgeSize({ change, config: configSchema.parse(config), kind: { kind: 'feature', source: 'test', signals: [] } });

describe('size class', () => {
  it('uses the Kubernetes buckets on counted lines', () => {
    const classes = [0, 9, 10, 29, 30, 99, 100, 499, 500, 999, 1000, 250_000].map(sizeClass);
    expect(classes).toEqual(['XS', 'XS', 'S', 'S', 'M', 'M', 'L', 'L', 'XL', 'XL', 'XXL', 'XXL']);
  });
});

describe('judgeSize on a real pull request diff', () => {
  const change = makeChange({ files: parseGitDiff(fixture('git-mixed.diff')) });

  it('counts everything but the lockfile, and says why it is excluded', () => {
    const { facts, outcome } = judge(change);
    expect(facts).toMatchObject({ class: 'M', lines: 68, files: 12, excludedLines: 8, excludedFiles: 1, fromTotals: false, parts: [] });
    expect(facts.excluded).toEqual([{ path: 'package-lock.json', lines: 8, reason: 'lockfile' }]);
    expect(outcome.summary).toEqual({
      rule: 'size',
      status: 'pass',
      summary: 'M change: 68 lines in 12 files counted; 8 lines in 1 file excluded (lockfile)',
    });
    expect(outcome.findings).toEqual([]);
  });

  it('fires on files when the limits are low, splitting by package and folder in landing order', () => {
    const { facts, outcome } = judge(change, { size: { warn_files: 5, fail_files: 10 } });
    expect(outcome.summary.status).toBe('error');
    expect(outcome.summary.headline).toBe('too many files: 12 > 10');
    expect(facts.parts.map((p) => [p.name, p.lines, p.files.length])).toEqual([
      // The root package.json changes: every other part sits in that package, so it lands first; then the migration.
      ['(root)', 2, 2],
      ['schema', 11, 1],
      ['src/billing', 48, 2],
      ['scripts', 3, 2],
      ['docs', 2, 1],
      ['café', 1, 1],
      ['packages/api', 1, 1],
      ['assets', 0, 2],
    ]);
  });
});

describe('judgeSize exclusions', () => {
  const files = [
    file('src/checkout/cart.ts', 50, 10),
    file('yarn.lock', 900, 300),
    file('services/search/go.sum', 40, 40),
    file('web/public/app.min.js', 1, 1),
    file('web/public/app.js.map', 1, 1),
    file('api/v1/search.pb.go', 500, 0),
    file('ml/model_pb2.py', 120, 0),
    file('ui/src/__generated__/graphql.ts', 300, 0),
    file('vendor/github.com/pkg/errors/errors.go', 80, 0),
    file('third_party/zlib/inflate.c', 60, 0),
    file('packages/ui/dist/index.js', 200, 0),
    file('packages/ui/src/__snapshots__/Button.test.tsx.snap', 30, 5),
    file('test/report.snap', 12, 0),
    file('api/openapi/client.ts', 700, 0),
    file('assets/fonts/inter.css', 15, 0),
    file('sdk/dist/keep.js', 7, 0),
    file('db/seeds/countries.sql', 250, 0),
  ];
  const change = makeChange({
    files,
    gitattributes: 'api/openapi/** linguist-generated\nassets/fonts/** linguist-vendored\nsdk/dist/** -linguist-generated\n',
  });

  it('names the reason of every excluded file, the user glob included', () => {
    const { facts } = judge(change, { size: { exclude: ['docs/**', 'db/seeds/**'] } });
    expect(Object.fromEntries(facts.excluded.map((e) => [e.path, e.reason]))).toEqual({
      'yarn.lock': 'lockfile',
      'services/search/go.sum': 'lockfile',
      'web/public/app.min.js': 'generated',
      'web/public/app.js.map': 'generated',
      'api/v1/search.pb.go': 'generated',
      'ml/model_pb2.py': 'generated',
      'ui/src/__generated__/graphql.ts': 'generated',
      'vendor/github.com/pkg/errors/errors.go': 'vendored',
      'third_party/zlib/inflate.c': 'vendored',
      'packages/ui/dist/index.js': 'generated',
      'packages/ui/src/__snapshots__/Button.test.tsx.snap': 'snapshot',
      'test/report.snap': 'snapshot',
      'api/openapi/client.ts': '.gitattributes linguist-generated',
      'assets/fonts/inter.css': '.gitattributes linguist-vendored',
      'db/seeds/countries.sql': 'size.exclude: db/seeds/**',
    });
    // -linguist-generated in the base .gitattributes keeps a dist/ file counted.
    expect(facts).toMatchObject({ lines: 60 + 7, files: 2 });
  });

  it('lists the reasons in the summary, those excluding most lines first', () => {
    const { outcome } = judge(makeChange({ files: [files[0], files[1], files[5], files[8]] }));
    expect(outcome.summary.summary).toBe(
      'M change: 60 lines in 1 file counted; 1,780 lines in 3 files excluded (lockfile, generated, vendored)',
    );
  });

  it('reads .gitattributes only from the change (the base commit), not from a changed .gitattributes file', () => {
    const relabel = file('.gitattributes', 1, 0);
    const { facts } = judge(makeChange({ files: [relabel, file('src/big.ts', 600, 0)] }));
    expect(facts.lines).toBe(601);
  });
});

describe('judgeSize thresholds', () => {
  const withLines = (lines: number): Change => makeChange({ files: [file('src/a.ts', lines - 10, 0), file('lib/b.ts', 10, 0)] });
  const withFiles = (count: number): Change => makeChange({ files: Array.from({ length: count }, (_, i) => file(`src/f${i}.ts`, 1, 0)) });

  it('fires only when strictly greater than the limits', () => {
    expect(judge(withLines(400)).outcome.summary.status).toBe('pass');
    expect(judge(withLines(401)).outcome.summary).toMatchObject({ status: 'warning', headline: 'big: 401 lines > 400' });
    expect(judge(withLines(1000)).outcome.summary.status).toBe('warning');
    expect(judge(withLines(1001)).outcome.summary).toMatchObject({ status: 'error', headline: 'too big: 1,001 lines > 1,000' });
    expect(judge(withFiles(30)).outcome.summary.status).toBe('pass');
    expect(judge(withFiles(31)).outcome.summary).toMatchObject({ status: 'warning', headline: 'many files: 31 > 30' });
    expect(judge(withFiles(101)).outcome.summary).toMatchObject({ status: 'error', headline: 'too many files: 101 > 100' });
  });

  it('fires at the configured level above the fail limits, and never warns louder than that level', () => {
    expect(judge(withLines(1001), { size: { level: 'warning' } }).outcome.findings[0].level).toBe('warning');
    expect(judge(withLines(1001), { size: { level: 'notice' } }).outcome.findings[0].level).toBe('notice');
    expect(judge(withLines(401), { size: { level: 'notice' } }).outcome.findings[0].level).toBe('notice');
  });

  it('is off with level off, but still measures', () => {
    const { outcome, facts } = judge(withLines(5000), { size: { level: 'off' } });
    expect(outcome.findings).toEqual([]);
    expect(outcome.summary.status).toBe('off');
    expect(outcome.summary.headline).toBeUndefined();
    expect(facts.class).toBe('XXL');
  });

  it('has no headline and no advice when nothing fires', () => {
    const { outcome } = judge(withLines(120));
    expect(outcome.summary.headline).toBeUndefined();
    expect(outcome.summary.advice).toBeUndefined();
  });

  it('names both breaches in one finding, headlined by the worse one', () => {
    const change = makeChange({ files: Array.from({ length: 40 }, (_, i) => file(`src/f${i}.ts`, 30, 0)) });
    const { outcome } = judge(change);
    expect(outcome.findings).toHaveLength(1);
    expect(outcome.findings[0].message).toContain(
      '1,200 counted lines in 40 files (1,200 lines > fail_lines 1,000, 40 files > warn_files 30)',
    );
    expect(outcome.summary.headline).toBe('too big: 1,200 lines > 1,000');
  });
});

describe('judgeSize split suggestion', () => {
  const change = makeChange({
    files: [
      file('packages/checkout/src/cart.ts', 300, 20),
      file('packages/checkout/src/payment.ts', 200, 0),
      file('packages/checkout/package.json', 2, 1),
      file('apps/web/src/pages/cart.tsx', 250, 50),
      file('services/billing/internal/invoice.go', 180, 0),
      file('services/billing/go.mod', 1, 0),
      file('tools/codegen/package.json', 3, 0),
      file('tools/codegen/index.js', 40, 0),
      file('docs/checkout.md', 60, 0),
      file('README.md', 5, 0),
      file('pnpm-lock.yaml', 800, 200),
    ],
  });

  it('groups counted files by nearest changed manifest, monorepo folder or top-level folder, largest first', () => {
    const { facts, outcome } = judge(change);
    expect(facts.parts.map((p) => [p.name, p.lines, p.files.length, p.carried])).toEqual([
      // No part changes the root manifest: the root lockfile goes with the first part.
      ['packages/checkout', 523, 3, ['pnpm-lock.yaml']],
      ['apps/web', 300, 1, undefined],
      ['services/billing', 181, 2, undefined],
      ['docs', 60, 1, undefined],
      ['tools/codegen', 43, 2, undefined],
      ['(root)', 5, 1, undefined],
    ]);
    const [finding] = outcome.findings;
    expect(finding).toMatchObject({ rule: 'size', level: 'error', title: 'Change too big' });
    expect(finding.path).toBeUndefined();
    expect(finding.message).toContain(
      'It could be split into 6 parts that do not import each other: 1. packages/checkout (523 lines, 3 files), 2. apps/web (300 lines, 1 file)',
    );
    expect(finding.message).toContain('Not counted: 1,000 lines in 1 file (lockfile).');
    expect(finding.suggestion?.split('\n')[0]).toBe('1. packages/checkout: 523 lines in 3 files');
    expect(outcome.summary.advice).toBe(
      'Split it into a stack of 6 pull requests, one per part in this order: packages/checkout → apps/web → services/billing → docs → tools/codegen → (root) (`monoenv split --base main` prints the plan and its commands; `--apply` creates the branches), or add the label "large-change-ok" if it cannot be split.',
    );
  });

  it('points at a file that holds most of the change, on its first added line', () => {
    const big = changedFileFromGitHub({
      filename: 'src/reports/export.ts',
      status: 'modified',
      additions: 1200,
      deletions: 0,
      patch: createPatch('x', 'a\nb\nc\nd\n', `a\nb\nc\n${'row\n'.repeat(1200)}d\n`),
    });
    const { outcome } = judge(makeChange({ files: [big, file('src/reports/index.ts', 3, 0)] }));
    expect(outcome.findings[0]).toMatchObject({ path: 'src/reports/export.ts', startLine: 4, endLine: 4 });
    expect(outcome.findings[0].message).toContain('All of it sits in one part');
  });
});

describe('judgeSize with an incomplete file list', () => {
  it('judges from the totals minus the exclusions it knows of, and says so', () => {
    // GitHub omits the patch of a file this large; its counts still come.
    const lockfile = changedFileFromGitHub({ filename: 'package-lock.json', status: 'modified', additions: 4000, deletions: 1000 });
    const files = [file('src/a.ts', 10, 0), lockfile];
    const change = makeChange({ files, filesComplete: false, totals: { additions: 9000, deletions: 2000, files: 3412 } });
    const { facts, outcome } = judge(change);
    expect(facts).toMatchObject({ fromTotals: true, lines: 6000, files: 3411, excludedLines: 5000, class: 'XXL' });
    expect(outcome.summary.summary).toBe(
      'XXL change: 6,000 lines in 3,411 files counted; 5,000 lines in 1 file excluded (lockfile); judged from the totals, as only 2 of 3,412 files were listed',
    );
    expect(outcome.findings[0].path).toBeUndefined();
  });
});

describe('size in the report', () => {
  it('gives the check title its class and headline', () => {
    const change = makeChange({ files: [file('src/a.ts', 1240, 0)] });
    const report = evaluate(change, DEFAULT_CONFIG);
    expect(report.title.startsWith('XXL change (1,240 lines) · too big: 1,240 lines > 1,000')).toBe(true);
    expect(report.size.lines).toBe(1240);
  });
});
