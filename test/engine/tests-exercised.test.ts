import { describe, expect, it } from '@jest/globals';
import { exercisingTest } from '../../src/engine/rules/tests-exercised.js';
import { SOURCE_ROOTS, TEST_ROOTS } from '../../src/engine/rules/test-mapping.js';
import { changedFileFromGitHub } from '../../src/facts/github-files.js';
import type { ChangedFile } from '../../src/engine/change.js';

const ROOTS = { source: SOURCE_ROOTS, test: TEST_ROOTS };

/** A file whose one hunk (with `section` as git's function context) adds `lines`. */
function added(path: string, lines: string[], section = ''): ChangedFile {
  const patch = [`@@ -20,1 +20,${lines.length + 1} @@ ${section}`, ' context()', ...lines.map((l) => `+${l}`)].join('\n');
  return changedFileFromGitHub({ filename: path, status: 'modified', additions: lines.length, deletions: 0, patch });
}

describe('exercisingTest', () => {
  it('finds a differently named test that imports the file (a relative import, a Python module)', () => {
    const cache = added('src/features/sync/delta-cache.ts', ['    this.events.sort(byName);'], 'export class DeltaCache {');
    const test = added('src/features/sync/sync-delta.test.ts', ["import { DeltaCache } from './delta-cache.js';"]);
    expect(exercisingTest(cache, [test], ROOTS)).toEqual({ test: test.path, how: 'imports it' });

    const classifier = added('portal/moderation/classifier.py', ['    return verdict.spam > 0.9']);
    const pyTest = added('portal/tickets/tests/test_triage.py', ['from portal.moderation.classifier import classify_ticket']);
    expect(exercisingTest(classifier, [pyTest], ROOTS)).toEqual({ test: pyTest.path, how: 'imports it' });
  });

  it('finds a test that uses the class the file stands for, or calls a function whose body the edit changes', () => {
    const check = added('app/controllers/concerns/stock_check.rb', ['    return if order.completed?']);
    const spec = added('spec/controllers/concerns/checkout_flow_spec.rb', ['RSpec.describe StockCheck do']);
    expect(exercisingTest(check, [spec], ROOTS)?.how).toBe('tests `StockCheck`, the class it stands for');

    const total = added(
      'src/billing/invoice-total.ts',
      ['  return Math.max(total - credit, 0);'],
      'export function applyCredit(total: number, credit: number) {',
    );
    const checkout = added('src/billing/checkout.test.ts', ['  expect(applyCredit(10, 25)).toBe(0);']);
    expect(exercisingTest(total, [checkout], ROOTS)?.how).toBe('calls `applyCredit`, which its edit changes');
  });

  it('does not take a variable of the same words, a mere mention of the class, a generic name, or a test of another project as proof', () => {
    const cycle = added(
      'app/models/order_cycle.rb',
      ['    where(id: ids).minimum(:orders_close_at)'],
      'def self.earliest_closing_times(ids)',
    );
    const unrelated = added('spec/serializers/shop_serializer_spec.rb', ['  let(:order_cycle) { create(:order_cycle) }']);
    expect(exercisingTest(cycle, [unrelated], ROOTS)).toBeUndefined();

    const adjustment = added(
      'app/models/adjustment_rule.rb',
      ['    joins(:metadata).find_by(originator:)'],
      'class AdjustmentRule < ApplicationRecord',
    );
    const mention = added('spec/lib/fee_calculator_spec.rb', ['    expect(AdjustmentRule.where(order:).count).to eq(2)']);
    expect(exercisingTest(adjustment, [mention], ROOTS)).toBeUndefined();

    const utils = added('src/lib/utils.ts', ['  return value ?? fallback;'], 'export function update(value) {');
    const generic = added('src/lib/store.test.ts', ['  store.update(1);']);
    expect(exercisingTest(utils, [generic], ROOTS)).toBeUndefined();

    const web = added('frontend/src/cache/DeltaCache.ts', ['  this.sorted = true;'], 'export class DeltaCache {');
    const api = added('src/test/delta.test.ts', ['  const cache = new DeltaCache(events);']);
    expect(exercisingTest(web, [api], ROOTS)).toBeUndefined();
  });
});
