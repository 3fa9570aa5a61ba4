import { describe, expect, it } from '@jest/globals';
import { onlyTakesAway, regroups, tokens } from '../../src/engine/rules/tests-edits.js';
import { changedFileFromGitHub } from '../../src/facts/github-files.js';
import type { ChangedFile } from '../../src/engine/change.js';

/** One hunk replacing `removed` with `added` after a context line. */
function edit(path: string, removed: string[], added: string[]): ChangedFile {
  const patch = [
    `@@ -4,${removed.length + 1} +4,${added.length + 1} @@ class Context`,
    '  context()',
    ...removed.map((l) => `-${l}`),
    ...added.map((l) => `+${l}`),
  ].join('\n');
  return changedFileFromGitHub({ filename: path, status: 'modified', additions: added.length, deletions: removed.length, patch });
}

describe('tokens', () => {
  it('keeps Ruby predicate and bang names whole, and JavaScript optional chaining apart', () => {
    expect(tokens('featureChanges?.length ?? 0')).toEqual(['featureChanges', '?.', 'length', '??', '0']);
    expect(tokens('delegate :create_fees!, :paid?')).toEqual(['delegate', ':', 'create_fees!', ',', ':', 'paid?']);
  });
});

describe('regroups', () => {
  it('sees parentheses that change what a weaker operator binds (a precedence fix)', () => {
    const fix = edit(
      'src/RequestCell.tsx',
      ['    const total = featureChanges?.length ?? 0 + segmentChanges?.length ?? 0;'],
      ['    const total = (featureChanges?.length ?? 0) + (segmentChanges?.length ?? 0);'],
    );
    expect(regroups(fix)).toBe(true);
    expect(regroups(edit('perms.py', ['    return a or b and c'], ['    return (a or b) and c']))).toBe(true);
    expect(regroups(edit('calc.go', ['\tx := (a + b) * c'], ['\tx := a + b * c']))).toBe(true);
  });

  it("reads a formatter's parentheses around what already binds tighter as no change", () => {
    expect(regroups(edit('discount.ts', ['  return a && b || c;'], ['  return (a && b) || c;']))).toBe(false);
    expect(regroups(edit('total.ts', ['  x = a + b * c;'], ['  x = a + (b * c);']))).toBe(false);
    expect(regroups(edit('scope.rb', ['  x = a || b && c'], ['  x = a || (b && c)']))).toBe(false);
  });

  it("does not read a call's parentheses as a grouping, nor an edit that changes tokens", () => {
    expect(regroups(edit('report.rb', ['  render_report format, rows'], ['  render_report(format, rows)']))).toBe(false);
    expect(regroups(edit('sum.ts', ['  return a ?? 0 + b;'], ['  return (a ?? 0) + c;']))).toBe(false);
  });
});

describe('onlyTakesAway', () => {
  it('reads an option, an argument or a list item taken out as a deletion', () => {
    const validation = edit(
      'app/models/coupon.rb',
      ['  validates :code, presence: true, uniqueness: { scope: :shop_id }'],
      ['  validates :code, presence: true'],
    );
    expect(onlyTakesAway(validation)).toBe(true);
    const delegation = edit(
      'app/models/order.rb',
      ['  delegate :create_line_fees!, :create_order_fees!, :update_order_fees!,'],
      ['  delegate :create_order_fees!, :update_order_fees!,'],
    );
    expect(onlyTakesAway(delegation)).toBe(true);
  });

  it('does not read a dropped negation, a replaced argument or a new line as a deletion', () => {
    expect(onlyTakesAway(edit('gate.ts', ['  if (!allowed) deny();'], ['  if (allowed) deny();']))).toBe(false);
    expect(onlyTakesAway(edit('call.ts', ['  charge(order, card);'], ['  charge(order, wallet);']))).toBe(false);
    expect(
      onlyTakesAway(edit('coupon.rb', ['  validates :code, uniqueness: true'], ['  validates :code', '  validate :not_expired'])),
    ).toBe(false);
  });
});
