import { beforeAll, describe, expect, it } from '@jest/globals';
import { loadSyntax } from '../../src/engine/syntax/load.js';
import type { Syntax } from '../../src/engine/syntax/index.js';
import { FlagMatcher } from '../../src/engine/flags/index.js';
import { ChangeAnalysis, type ParsedFile } from '../../src/engine/guards/analysis.js';

let syntax: Syntax;
beforeAll(async () => {
  syntax = await loadSyntax(['ruby', 'python']);
});

/** A file the change adds or edits: `added` rows (one-based lines) are new; `base` is its text before. */
function file(path: string, text: string, opts: { added?: number[]; base?: string; deleted?: string[] } = {}): ParsedFile {
  const grammar = path.endsWith('.rb') ? 'ruby' : 'python';
  const added = new Set((opts.added ?? text.split('\n').map((_, i) => i + 1)).map((l) => l - 1));
  return {
    path,
    tree: syntax.parse(grammar, text)!,
    isAdded: (row) => added.has(row),
    existedBefore: (name) => (opts.base ?? '').includes(name),
    deletedWords: new Set(opts.deleted ?? []),
  };
}

const matcher = new FlagMatcher({ flagCalls: ['FeatureToggle.enabled?'], flagPatterns: [] });

const concern = `module PaidOnly
  private

  def paid_only?
    FeatureToggle.enabled?(:paid_only, @user)
  end

  def paid_only(invoices)
    return invoices unless paid_only?

    invoices.where(state: "paid")
  end
end
`;
const exportBase = `class InvoiceExport
  def rows
    invoice_scope.order(:issued_at)
  end
end
`;
const exportHead = `class InvoiceExport
  include PaidOnly

  def rows
    paid_only(invoice_scope.order(:issued_at))
  end
end
`;

describe('guards: a concern mixed in, a filter that returns its argument unless a flag is on', () => {
  const analysis = () =>
    new ChangeAnalysis(
      [
        file('lib/exports/paid_only.rb', concern),
        file('lib/exports/invoice_export.rb', exportHead, {
          added: [2, 5],
          base: exportBase,
          deleted: ['invoice_scope', 'order', 'issued_at'],
        }),
      ],
      matcher,
    );

  it('reads a bare `private` as no behaviour', () => {
    expect(analysis().verdict('lib/exports/paid_only.rb', 1)).toMatchObject({
      evidence: 'guarded',
      why: expect.stringContaining('visibility'),
    });
  });

  it('reads `include` of a module the change adds as no behaviour of its own', () => {
    expect(analysis().verdict('lib/exports/invoice_export.rb', 1)).toMatchObject({
      evidence: 'guarded',
      why: expect.stringContaining('mixes in `PaidOnly`'),
    });
  });

  it('reads the old expression wrapped in the filter as the old behaviour when the flag is off', () => {
    expect(analysis().verdict('lib/exports/invoice_export.rb', 4)).toMatchObject({
      evidence: 'guarded',
      why: expect.stringContaining('`paid_only` returns its argument unchanged unless'),
    });
  });

  it('does not read a filter that always applies as the old behaviour', () => {
    const always = concern.replace('    return invoices unless paid_only?\n\n', '');
    const a = new ChangeAnalysis(
      [
        file('lib/exports/paid_only.rb', always),
        file('lib/exports/invoice_export.rb', exportHead, {
          added: [2, 5],
          base: exportBase,
          deleted: ['invoice_scope', 'order', 'issued_at'],
        }),
      ],
      matcher,
    );
    expect(a.verdict('lib/exports/invoice_export.rb', 4)?.evidence).toBe('unguarded');
  });

  it('does not take `include` of a module with an `included` hook as harmless', () => {
    const hooked = concern.replace('  private\n', '  included do\n    before_action :load_invoices\n  end\n\n  private\n');
    const a = new ChangeAnalysis(
      [
        file('lib/exports/paid_only.rb', hooked),
        file('lib/exports/invoice_export.rb', exportHead, {
          added: [2, 5],
          base: exportBase,
          deleted: ['invoice_scope', 'order', 'issued_at'],
        }),
      ],
      matcher,
    );
    expect(a.verdict('lib/exports/invoice_export.rb', 1)?.evidence).not.toBe('guarded');
  });
});

describe('guards: imports are not uses', () => {
  it('follows a parenthesised import to where the names are called', () => {
    const ranking = 'def rerank(results):\n    return sorted(results, key=score)\n';
    const views = [
      'from waffle import switch_is_active',
      'from shop.ranking import (',
      '    rerank,',
      ')',
      '',
      '',
      'def search(request):',
      '    results = lexical(request)',
      '    if switch_is_active("semantic-ranking"):',
      '        results = rerank(results)',
      '    return results',
      '',
    ].join('\n');
    const a = new ChangeAnalysis(
      [file('shop/ranking.py', ranking), file('shop/views.py', views, { added: [2, 3, 4, 9, 10], base: 'def search(request):\n' })],
      new FlagMatcher({ flagCalls: [], flagPatterns: [] }),
    );
    expect(a.verdict('shop/ranking.py', 1)).toMatchObject({ evidence: 'guarded', why: expect.stringContaining('shop/views.py:10') });
  });
});
