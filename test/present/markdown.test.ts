import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  codeSpan,
  escapeMarkdown,
  GITHUB_OUTPUT_LIMIT,
  renderSummary,
  renderDetails,
  truncateUtf8,
  utf8Length,
} from '../../src/present/markdown.js';
import type { Finding, Report } from '../../src/engine/report.js';
import { auditMerge } from '../../src/engine/rules/review/index.js';
import { makeChange } from '../../src/engine/change.js';
import { DEFAULT_CONFIG } from '../../src/config/schema.js';

function report(partial: Partial<Report> = {}): Report {
  return {
    conclusion: 'failure',
    title: 'XL change (1,240 lines) · 2 files without tests',
    findings: [],
    rules: [
      {
        rule: 'size',
        status: 'error',
        summary: '1,240 lines in 14 files (XL)',
        advice: 'Split it into the parts listed in the details.',
        headline: 'XL change',
      },
      {
        rule: 'tests',
        status: 'warning',
        summary: '2 source files changed without tests',
        advice: 'Add tests for them.',
        headline: '2 files without tests',
      },
      { rule: 'risky', status: 'waived', summary: 'No risky paths changed (waived by label "no-flag-needed")' },
      { rule: 'review', status: 'notice', summary: '1 of 1 valid approval (by @bob).' },
    ],
    size: {
      class: 'XL',
      lines: 1240,
      files: 14,
      excludedLines: 3020,
      excludedFiles: 2,
      excluded: [
        { path: 'package-lock.json', lines: 3000, reason: 'lockfile' },
        { path: 'src/__generated__/schema.ts', lines: 20, reason: 'generated' },
      ],
      parts: [{ name: 'packages/api', lines: 900, files: ['packages/api/a.ts', 'packages/api/b.ts'] }],
      fromTotals: false,
    },
    overrides: [{ rule: 'risky', label: 'no-flag-needed' }],
    mode: 'enforce',
    draft: false,
    kind: { kind: 'feature', source: 'title', signals: [] },
    ...partial,
  };
}

const finding = (i: number, extra: Partial<Finding> = {}): Finding => ({
  rule: 'tests',
  level: i % 3 === 0 ? 'error' : i % 3 === 1 ? 'warning' : 'notice',
  title: `no test for src/模块/ファイル${i}.ts 🚀`,
  message: `src/模块/ファイル${i}.ts changed without a test — 👨‍👩‍👧‍👦 ${'é'.repeat(40)}`,
  path: `src/模块/ファイル${i}.ts`,
  startLine: i + 1,
  ...extra,
});

/** Table rows are lines that start with a pipe; an intact row also ends with one. */
const tableRows = (markdown: string): string[] => markdown.split('\n').filter((line) => line.startsWith('|'));
/** Pipes that separate cells (not escaped with a backslash). */
const cellSeparators = (row: string): number => row.match(/(?<!\\)\|/g)?.length ?? 0;
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The list items of the findings section (the facts above it are list items too). */
const findingItems = (summary: string): string[] =>
  summary
    .slice(summary.indexOf('**Findings'))
    .split('\n')
    .filter((line) => line.startsWith('- '));

describe('utf8Length and truncateUtf8', () => {
  it('count bytes, not UTF-16 units', () => {
    expect(utf8Length('a')).toBe(1);
    expect(utf8Length('é')).toBe(2);
    expect(utf8Length('日')).toBe(3);
    expect(utf8Length('🚀')).toBe(4);
  });

  it('cut between characters and mark the cut', () => {
    expect(truncateUtf8('ab🚀cd', 5)).toBe('ab…');
    expect(truncateUtf8('ab🚀cd', 7)).toBe('ab…');
    expect(truncateUtf8('ab🚀cd', 8)).toBe('ab🚀cd');
    expect(truncateUtf8('ab🚀cdef', 9)).toBe('ab🚀…');
    expect(truncateUtf8('short', 100)).toBe('short');
  });

  it('never split an emoji sequence', () => {
    const family = '👨‍👩‍👧‍👦'; // 25 bytes, one grapheme
    expect(truncateUtf8(`x${family}y`, 20)).toBe('x…');
    expect(truncateUtf8(`x${family}yzwvu`, 29)).toBe(`x${family}…`);
  });
});

describe('escaping user-controlled text', () => {
  it('keeps a pipe, HTML, emphasis and a newline inert', () => {
    expect(escapeMarkdown('a|b <img src=x> *bold* __init__\nnext')).toBe('a\\|b &lt;img src=x&gt; \\*bold\\* \\_\\_init\\_\\_ next');
  });

  it('opens no link, image, mention or autolink (a hostile commit subject)', () => {
    expect(escapeMarkdown('[x](https://evil) ![](https://track) @org/team @alice http://a.example www.b.example')).toBe(
      '\\[x\\](https&#8203;://evil) !\\[\\](https&#8203;://track) @&#8203;org/team @&#8203;alice http&#8203;://a.example www&#8203;.b.example',
    );
  });

  it('cross-references no issue or pull request (#123, owner/repo#123, GH-123), which would notify them', () => {
    expect(escapeMarkdown('fixes #123, acme/shop#45 and GH-6; gh-7 too; not #x, C# or a&#8203;b')).toBe(
      'fixes #&#8203;123, acme/shop#&#8203;45 and GH&#8203;-6; gh&#8203;-7 too; not #x, C# or a&amp;#&#8203;8203;b',
    );
    // The pull requests monoenv names on purpose stay links, only as `#N` of the repository.
    expect(escapeMarkdown('#7 and #8, acme/shop#7', undefined, new Set([7]))).toBe('#7 and #&#8203;8, acme/shop#&#8203;7');
    // The zero-width spaces monoenv adds itself are left whole.
    expect(escapeMarkdown('@bob #1 https://x')).toBe('@&#8203;bob #&#8203;1 https&#8203;://x');
  });

  it('keeps a mention only of the logins it is given, never of a team', () => {
    const mentions = new Set(['alice']);
    expect(escapeMarkdown('@alice and @alicex and @alice/team', mentions)).toBe('@alice and @&#8203;alicex and @&#8203;alice/team');
  });

  it('fences a code span longer than any backtick run inside, escaping pipes in tables', () => {
    expect(codeSpan('src/a.ts')).toBe('`src/a.ts`');
    expect(codeSpan('we``ird`')).toBe('``` we``ird` ```');
    expect(codeSpan('a|b.ts', true)).toBe('`a\\|b.ts`');
  });

  it('a file named a|b.ts cannot break a table', () => {
    const text = renderDetails(
      report({
        size: { ...report().size, excluded: [{ path: 'gen/a|b.ts', lines: 5, reason: 'size.exclude: gen/**|x' }] },
      }),
    );
    const rows = tableRows(text).filter((row) => row.includes('a\\|b'));
    expect(rows).toHaveLength(1);
    expect(cellSeparators(rows[0])).toBe(4);
  });

  it('a rule summary with pipes and newlines stays one row of four cells', () => {
    const summary = renderSummary(
      report({ rules: [{ rule: 'tests', status: 'warning', summary: 'src/a|b.ts\nsrc/`c`.ts <b>', advice: 'x | y' }] }),
    );
    const row = tableRows(summary).find((line) => line.includes('[tests]'))!;
    expect(cellSeparators(row)).toBe(5);
    expect(row).toContain('src/a\\|b.ts<br>src/\\`c\\`.ts &lt;b&gt;');
  });
});

describe('renderSummary', () => {
  it('has one row per rule, the size facts, the kind, overrides and the docs', () => {
    const summary = renderSummary(report());
    expect(tableRows(summary)).toHaveLength(2 + 4);
    expect(summary).toContain(
      '| [size](https://github.com/monoenv/monoenv/blob/main/docs/rules.md#size) | ❌ Error | 1,240 lines in 14 files (XL) |',
    );
    expect(summary).toContain('| 🏷️ Waived |');
    expect(summary).toContain('**Size:** XL · 1,240 lines in 14 files counted · 3,020 lines in 2 files excluded');
    expect(summary).toContain('**Kind of change:** feature (from title)');
    expect(summary).toContain('**Overrides:** risky waived by label `no-flag-needed`');
    expect(summary).toContain('[How monoenv judges changes](https://github.com/monoenv/monoenv/blob/main/docs/rules.md)');
    expect(summary).not.toContain('not shown');
  });

  it('lists findings most severe first with their place', () => {
    const summary = renderSummary(
      report({ findings: [finding(1), finding(2), finding(3, { path: 'src/a.ts', startLine: 4, endLine: 9 })] }),
    );
    const items = findingItems(summary);
    expect(items).toEqual([
      '- ❌ tests · `src/a.ts` lines 4–9 · no test for src/模块/ファイル3.ts 🚀',
      '- ⚠️ tests · `src/模块/ファイル1.ts` line 2 · no test for src/模块/ファイル1.ts 🚀',
      '- ℹ️ tests · `src/模块/ファイル2.ts` line 3 · no test for src/模块/ファイル2.ts 🚀',
    ]);
  });

  it('says what advise mode changes and when annotations were capped', () => {
    const summary = renderSummary(report({ mode: 'advise', findings: [finding(0)] }), { annotations: { sent: 1000, cut: 240 } });
    expect(summary).toContain('❌ Error (advise)');
    expect(summary).toContain('(1 error would fail it in enforce mode)');
    expect(summary).toContain('**Annotations:** 1,000 of 1,240 placed on lines');
  });

  it('leaves size and kind out of an audit report', () => {
    const change = makeChange({ files: [], number: 7, reviews: [], merged: { by: { login: 'carol', bot: false }, sha: 'f'.repeat(40) } });
    const summary = renderSummary(auditMerge(change, DEFAULT_CONFIG).report);
    expect(summary).not.toContain('**Size:**');
    expect(summary).not.toContain('**Kind of change:**');
    expect(summary).toContain('Merged without review');
  });

  it('stays under 65,535 bytes with thousands of multi-byte findings and says how many were cut', () => {
    const findings = Array.from({ length: 5000 }, (_, i) => finding(i));
    const summary = renderSummary(report({ findings }));
    expect(utf8Length(summary)).toBeLessThanOrEqual(GITHUB_OUTPUT_LIMIT);
    expect(utf8Length(summary)).toBeGreaterThan(GITHUB_OUTPUT_LIMIT - 1_000);
    expect(summary).not.toMatch(loneSurrogate);
    const shown = findingItems(summary).length;
    expect(shown).toBeGreaterThan(100);
    expect(summary).toContain(`… ${(5000 - shown).toLocaleString('en-US')} more findings not shown`);
    expect(summary.trimEnd().endsWith('(https://github.com/monoenv/monoenv/blob/main/docs/rules.md)')).toBe(true);
    for (const row of tableRows(summary)) expect(row.endsWith('|')).toBe(true);
  });

  it('cuts whole lines when even the fixed part does not fit a tiny budget', () => {
    const summary = renderSummary(report(), { maxBytes: 300 });
    expect(utf8Length(summary)).toBeLessThanOrEqual(300);
    expect(summary).toContain('output cut to fit the size limit');
    for (const row of tableRows(summary)) expect(row.endsWith('|')).toBe(true);
  });

  it('holds its limit and its table for any titles, paths and summaries', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 300 });
    fc.assert(
      fc.property(fc.array(fc.record({ title: text, path: text, message: text }), { maxLength: 60 }), text, (raw, ruleSummary) => {
        const findings: Finding[] = raw.map((r, i) => ({
          rule: 'risky',
          level: 'error',
          title: r.title,
          message: r.message,
          path: r.path,
          startLine: i + 1,
        }));
        const rules = report().rules.map((rule) => ({ ...rule, summary: ruleSummary, advice: ruleSummary }));
        const maxBytes = 4_000;
        for (const out of [
          renderSummary(report({ findings, rules }), { maxBytes }),
          renderDetails(report({ findings, rules }), { maxBytes }),
        ]) {
          expect(utf8Length(out)).toBeLessThanOrEqual(maxBytes);
          expect(out).not.toMatch(loneSurrogate);
          for (const row of tableRows(out)) {
            expect(row.endsWith('|')).toBe(true);
          }
        }
        const summaryRows = tableRows(renderSummary(report({ findings, rules }))).slice(2);
        for (const row of summaryRows) expect(cellSeparators(row)).toBe(5);
      }),
      { numRuns: 100 },
    );
  });
});

describe('renderDetails', () => {
  it('gives every finding in full, the excluded files and the proposed parts', () => {
    const text = renderDetails(
      report({
        findings: [
          {
            rule: 'review',
            level: 'error',
            title: 'Merged without review',
            message: '@carol merged #7 with 0 of 1 valid approval.\n- @alice is the author (self-approval)',
            suggestion: 'Ask for a follow-up review.',
          },
        ],
      }),
    );
    expect(text).toContain('#### ❌ [review](https://github.com/monoenv/monoenv/blob/main/docs/rules.md#review) · Merged without review');
    // Check-run output mentions nobody: a login in a message is text, never a ping or a link.
    expect(text).toContain('@&#8203;carol merged #&#8203;7 with 0 of 1 valid approval.  \n- @&#8203;alice is the author (self-approval)  ');
    expect(text).toContain('**What to do:** Ask for a follow-up review.');
    expect(text).toContain('| `package-lock.json` | 3,000 | lockfile |');
    expect(text).toContain('| packages/api | 900 | `packages/api/a.ts`, `packages/api/b.ts` |');
  });

  it('says how many excluded files it could not show', () => {
    const excluded = Array.from({ length: 4000 }, (_, i) => ({ path: `vendor/библиотека/${i}/файл.js`, lines: i, reason: 'vendored' }));
    const text = renderDetails(report({ size: { ...report().size, excluded, excludedFiles: excluded.length } }));
    expect(utf8Length(text)).toBeLessThanOrEqual(GITHUB_OUTPUT_LIMIT);
    const shown = tableRows(text).filter((row) => row.includes('vendor/')).length;
    expect(text).toContain(`… ${(4000 - shown).toLocaleString('en-US')} more excluded files not shown.`);
    // The parts section comes after the cut, so it is only announced.
    expect(text).toContain('… 1 more part not shown.');
  });
});

describe('the split plan', () => {
  const parts = [
    { name: 'schema', lines: 40, files: ['db/migrate/20240611_add_discount.rb'], needs: [] },
    { name: 'src/lib', lines: 300, files: ['src/lib/money.ts'], needs: [], carried: ['package-lock.json'] },
    { name: 'src/checkout', lines: 900, files: ['src/checkout/cart.ts', 'test/checkout/cart.test.ts'], needs: ['src/lib'] },
  ];
  const planned = report({ size: { ...report().size, parts, splitFrom: { branch: "feat/it's", base: 'main' } } });

  it('lists the parts in landing order with their branches and the commands that make the stack', () => {
    const text = renderDetails(planned);
    expect(text).toContain('### Split plan (3 parts, in landing order)');
    expect(text).toContain("| 2 | src/lib<br>`feat/it's-2-lib` | 300 | `src/lib/money.ts`, `package-lock.json` |  |");
    expect(text).toContain(
      "| 3 | src/checkout<br>`feat/it's-3-checkout` | 900 | `src/checkout/cart.ts`, `test/checkout/cart.test.ts` | src/lib |",
    );
    expect(text).toContain(
      [
        '```sh',
        "git fetch origin && git checkout 'feat/it'\\''s'",
        'npx monoenv split --base origin/main --apply   # one branch per part, each one commit on the one before; the branch itself is left as it is',
        "git push --set-upstream origin 'feat/it'\\''s-1-schema' 'feat/it'\\''s-2-lib' 'feat/it'\\''s-3-checkout'",
        "gh pr create --base main --head 'feat/it'\\''s-1-schema' --fill",
        "gh pr create --base 'feat/it'\\''s-1-schema' --head 'feat/it'\\''s-2-lib' --fill",
        "gh pr create --base 'feat/it'\\''s-2-lib' --head 'feat/it'\\''s-3-checkout' --fill",
        '```',
      ].join('\n'),
    );
  });

  it('puts the plan and the command to run in the summary', () => {
    expect(renderSummary(planned)).toContain(
      "- **Split plan:** 1. `schema` → 2. `src/lib` → 3. `src/checkout` · on `feat/it's` run `npx monoenv split --base origin/main --apply` to make it a stack of branches (push and `gh pr create` commands in the details)",
    );
    expect(renderSummary(report())).not.toContain('Split plan');
  });

  it('says a stacked pull request is sized against its own base, and its place when known', () => {
    const stacked = report({ size: { ...report().size, stack: { base: 'feat-1-schema', defaultBranch: 'main', position: 2 } } });
    expect(renderSummary(stacked)).toContain(' · part 2 of a stack: sized against its base feat-1-schema, not main');
  });
});
