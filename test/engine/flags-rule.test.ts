import { describe, expect, it } from '@jest/globals';
import { evaluate } from '../../src/engine/evaluate.js';
import { factsWanted, factNeeds } from '../../src/engine/facts.js';
import { makeChange, type ChangedFile } from '../../src/engine/change.js';
import { parsePatch } from '../../src/engine/diff.js';
import { configSchema, DEFAULT_CONFIG } from '../../src/config/schema.js';
import { flagAgeRequest, gatherFlagAges, MAX_DATED_FILES, type FlagAge, type FlagAgeSource } from '../../src/engine/rules/flags/index.js';

function file(path: string, patch: string, status: ChangedFile['status'] = 'modified', previousPath?: string): ChangedFile {
  const hunks = parsePatch(patch);
  const additions = hunks.flatMap((h) => h.lines).filter((l) => l.type === 'add').length;
  const deletions = hunks.flatMap((h) => h.lines).filter((l) => l.type === 'del').length;
  return { path, status, additions, deletions, binary: false, patchMissing: false, hunks, ...(previousPath ? { previousPath } : {}) };
}

const change = (files: ChangedFile[], labels: string[] = []) =>
  makeChange({
    files,
    title: 'feat: totals',
    body: '',
    author: { login: 'ada', bot: false },
    labels,
    base: { ref: 'main', sha: 'b'.repeat(40) },
    head: { ref: 'totals', sha: 'h'.repeat(40) },
  });

// The change edits the line under a check of new_checkout (context), and adds a check of a new flag.
const ORDER = file(
  'app/models/order.rb',
  [
    '@@ -10,4 +10,5 @@ class Order',
    '   def total',
    '     if Flipper.enabled?(:new_checkout, user)',
    '-      items.sum(&:price)',
    '+      items.sum(&:price) - discount',
    '+      Flipper.enabled?(:fresh_discount) ? 1 : 0',
    '     end',
  ].join('\n'),
);
const SPEC = file(
  'spec/models/order_spec.rb',
  '@@ -1,1 +1,2 @@\n describe Order do\n+  before { allow(Flipper).to receive(:enabled?).and_return(Flipper.enabled?(:spec_only)) }',
);
const REMOVAL = file('app/models/cart.rb', '@@ -3,3 +3,2 @@\n def x\n-  return 1 if Flipper.enabled?(:old_cart)\n   2');

const NOW = '2025-01-01T00:00:00.000Z';
const age = (key: string, at: string, line = 11): FlagAge => ({
  key,
  since: { sha: 'c'.repeat(40), at },
  path: 'app/models/order.rb',
  line,
});

describe('the flags rule on a pull request', () => {
  it('asks to date the flags whose checks the change shows on its head side, in code, at the base', () => {
    const c = change([ORDER, SPEC, REMOVAL]);
    // Tests are setup; a check only removed is the flag being removed.
    expect(flagAgeRequest(c, DEFAULT_CONFIG)).toEqual({
      base: 'b'.repeat(40),
      files: [{ path: 'app/models/order.rb', keys: ['new_checkout', 'fresh_discount'] }],
    });
    expect(factsWanted(c, DEFAULT_CONFIG).flagAges).toEqual(flagAgeRequest(c, DEFAULT_CONFIG));
  });

  it('asks for nothing when no flag check is touched, when it is off, waived or the flag is permanent', () => {
    expect(flagAgeRequest(change([REMOVAL, SPEC]), DEFAULT_CONFIG)).toBeUndefined();
    expect(factsWanted(change([REMOVAL]), DEFAULT_CONFIG).flagAges).toBeUndefined();
    expect(flagAgeRequest(change([ORDER]), configSchema.parse({ flags: { level: 'off' } }))).toBeUndefined();
    expect(flagAgeRequest(change([ORDER], ['flag-kept']), configSchema.parse({ overrides: { flags: 'flag-kept' } }))).toBeUndefined();
    expect(
      flagAgeRequest(change([ORDER]), configSchema.parse({ flags: { permanent: ['new_checkout', 'fresh_discount'] } })),
    ).toBeUndefined();
    // Off, it asks for no file list either.
    const offOnly = configSchema.parse({
      size: { level: 'off' },
      tests: { level: 'off' },
      migrations: { level: 'off' },
      flags: { level: 'off' },
    });
    expect(factNeeds(offOnly, []).files).toBe(false);
  });

  it('dates a renamed file by its old path, not a file the change adds, and at most a fixed number of files', () => {
    const renamed = file(
      'app/models/purchase.rb',
      '@@ -1,2 +1,2 @@\n-x = 1 if Flipper.enabled?(:renamed_flag)\n+y = 1 if Flipper.enabled?(:renamed_flag)\n end',
      'renamed',
      'app/models/order.rb',
    );
    const added = file('app/models/new.rb', '@@ -0,0 +1,1 @@\n+x if Flipper.enabled?(:brand_new)', 'added');
    expect(flagAgeRequest(change([renamed, added]), DEFAULT_CONFIG)?.files).toEqual([
      { path: 'app/models/order.rb', keys: ['renamed_flag'] },
    ]);
    const many = Array.from({ length: MAX_DATED_FILES + 3 }, (_, i) =>
      file(`app/m${i}.rb`, `@@ -1,1 +1,1 @@\n-a\n+b if Flipper.enabled?(:f${i})`),
    );
    expect(flagAgeRequest(change(many), DEFAULT_CONFIG)?.files).toHaveLength(MAX_DATED_FILES);
  });

  it('gives a notice, never more, on the line of the check of a flag older than the limit', () => {
    const ages = new Map([
      ['new_checkout', age('new_checkout', '2024-06-01T12:00:00.000Z')],
      ['fresh_discount', age('fresh_discount', '2024-12-20T12:00:00.000Z')],
    ]);
    const report = evaluate(change([ORDER]), DEFAULT_CONFIG, { flagAges: ages, now: NOW });
    const flags = report.findings.filter((f) => f.rule === 'flags');
    expect(flags).toEqual([
      {
        rule: 'flags',
        level: 'notice',
        title: 'stale flag',
        message:
          '`new_checkout` has been in the code for at least 213 days: remove it? Its check on line 11 of `app/models/order.rb` dates from 2024-06-01 (ccccccc), older than `flags.stale_after_days` (90).',
        path: 'app/models/order.rb',
        startLine: 11,
        endLine: 11,
        suggestion: expect.stringContaining('`flags.permanent`'),
      },
    ]);
    expect(report.rules.find((r) => r.rule === 'flags')).toMatchObject({
      status: 'notice',
      summary: '1 stale flag touched: `new_checkout` (213 days)',
      headline: '1 stale flag',
    });
    expect(report.conclusion).not.toBe('failure');
    expect(report.title).toContain('1 stale flag');
  });

  it('has no row when no touched flag is stale, or no age is known', () => {
    const young = new Map([['new_checkout', age('new_checkout', '2024-12-01T00:00:00.000Z')]]);
    expect(evaluate(change([ORDER]), DEFAULT_CONFIG, { flagAges: young, now: NOW }).rules.map((r) => r.rule)).not.toContain('flags');
    expect(evaluate(change([ORDER]), DEFAULT_CONFIG, {}).rules.map((r) => r.rule)).not.toContain('flags');
    const limit = configSchema.parse({ flags: { stale_after_days: 365 } });
    expect(
      evaluate(change([ORDER]), limit, {
        flagAges: new Map([['new_checkout', age('new_checkout', '2024-06-01T12:00:00.000Z')]]),
        now: NOW,
      }).rules.map((r) => r.rule),
    ).not.toContain('flags');
  });
});

describe('gathering flag ages from a source', () => {
  const BASE_TEXT = [
    'class Order',
    '  def total',
    '    if Flipper.enabled?(:new_checkout, user)',
    '    end',
    '  end',
    '  def other = Flipper.enabled?(:new_checkout)',
    'end',
  ].join('\n');
  const request = { base: 'b'.repeat(40), files: [{ path: 'app/models/order.rb', keys: ['new_checkout'] }] };

  it('asks the lines of the base that check the touched keys, and keeps each key its oldest', async () => {
    const asked: number[][] = [];
    const source: FlagAgeSource = {
      async date(base, paths, linesOf) {
        expect(base).toBe('b'.repeat(40));
        const lines = linesOf(paths[0], BASE_TEXT);
        asked.push(lines);
        return new Map([
          [
            paths[0],
            new Map([
              [3, { sha: 'a'.repeat(40), at: '2024-03-01T00:00:00.000Z' }],
              [6, { sha: 'd'.repeat(40), at: '2023-01-01T00:00:00.000Z' }],
            ]),
          ],
        ]);
      },
    };
    const ages = await gatherFlagAges(request, source, DEFAULT_CONFIG);
    expect(asked).toEqual([[3, 6]]);
    expect(ages.get('new_checkout')).toEqual({
      key: 'new_checkout',
      since: { sha: 'd'.repeat(40), at: '2023-01-01T00:00:00.000Z' },
      path: 'app/models/order.rb',
      line: 6,
    });
  });

  it('calls no source when there is nothing to date, and leaves flags undated when the source fails', async () => {
    let calls = 0;
    const failing: FlagAgeSource = {
      async date() {
        calls++;
        throw new Error('blame timed out');
      },
    };
    expect((await gatherFlagAges(undefined, failing, DEFAULT_CONFIG)).size).toBe(0);
    expect(calls).toBe(0);
    expect((await gatherFlagAges(request, failing, DEFAULT_CONFIG)).size).toBe(0);
    expect(calls).toBe(1);
  });
});
