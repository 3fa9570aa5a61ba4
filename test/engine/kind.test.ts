import { describe, expect, it } from '@jest/globals';
import { bringsNewBehaviour, describeKind, readKind } from '../../src/engine/kind.js';
import { makeChange, type ChangedFile } from '../../src/engine/change.js';
import { changedFiles } from '../../tools/judge/change-from-files.js';

const file = (path: string, extra: Partial<ChangedFile> = {}): ChangedFile => ({
  path,
  status: 'modified',
  additions: 1,
  deletions: 1,
  binary: false,
  patchMissing: false,
  hunks: [],
  ...extra,
});
const kindOf = (
  title: string,
  labels: string[] = [],
  files: ChangedFile[] = [file('src/a.ts')],
  extra: { branch?: string; body?: string } = {},
) =>
  readKind(makeChange({ title, labels, files, body: extra.body ?? '', ...(extra.branch ? { head: { ref: extra.branch, sha: '' } } : {}) }));
const decided = (r: ReturnType<typeof readKind>) => ({ kind: r.kind, source: r.source });

describe('readKind', () => {
  it.each([
    ['fix(billing): round tax to cents', 'fix'],
    ['feat: express pay', 'feature'],
    ['refactor(search)!: drop the v1 API', 'feature'],
    ['refactor(search): extract ranking', 'refactor'],
    ['chore: bump node to 20', 'chore'],
    ['perf(db): batch ledger writes', 'perf'],
    ['build(deps): bump stripe from 14.1.0 to 14.2.0', 'deps'],
    ['chore(deps-dev): bump jest', 'deps'],
    ['deps: update zod', 'deps'],
    ['Bump lodash from 4.17.20 to 4.17.21', 'deps'],
    ['Update dependency eslint to v9', 'deps'],
    ['Revert "Group invoice lines by category"', 'revert'],
    ['revert: group invoice lines', 'revert'],
  ])('reads %s as %s', (title, kind) => {
    expect(kindOf(title).kind).toBe(kind);
  });

  it("reads the words after an issue tracker's keys, which name a ticket and not a kind", () => {
    expect(decided(kindOf('SHOP-38982 - Fix the voucher total'))).toEqual({
      kind: 'fix',
      source: 'the title `SHOP-38982 - Fix the voucher total` (`Fix…`)',
    });
    expect(kindOf('PAY-1203: fix(orders): subtract vouchers').kind).toBe('fix');
    expect(kindOf('[OPS-7] Bump lodash from 4.17.20 to 4.17.21').kind).toBe('deps');
    expect(kindOf('PAY-12, PAY-13 refactor: extract ranking').kind).toBe('refactor');
    // A key is no bug number, and a CVE id is no key.
    expect(kindOf('PAY-1203 Voucher totals on the order page')).toMatchObject({ kind: 'feature', signals: [] });
    expect(kindOf('CVE-2024-1234 hardening of the upload path').kind).toBe('feature');
  });

  it('names where it read the kind', () => {
    expect(decided(kindOf('fix: handle nil cart'))).toEqual({ kind: 'fix', source: 'the title `fix: handle nil cart`' });
    expect(decided(kindOf('Handle nil cart', ['bug']))).toEqual({ kind: 'fix', source: 'the label `bug`' });
    expect(kindOf('Cart totals')).toEqual({
      kind: 'feature',
      source: 'the default, as the title and labels name no type',
      signals: [],
    });
  });

  it('lets a feature label win over a softer title, so a feature dressed as a fix stays a feature', () => {
    expect(decided(kindOf('fix: checkout', ['enhancement']))).toEqual({ kind: 'feature', source: 'the label `enhancement`' });
  });

  it('reads the shape of the diff when title and labels say nothing', () => {
    expect(
      kindOf('Move helpers', [], [file('src/b.ts', { status: 'renamed', previousPath: 'src/a.ts', additions: 0, deletions: 0 })]).kind,
    ).toBe('refactor');
    expect(decided(kindOf('Lockfile', [], [file('package-lock.json'), file('package.json')]))).toEqual({
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

  it.each([
    ['Fix checkout order total and payment fees calculation', 'fix'],
    ['Fixes crash on empty cart', 'fix'],
    ['Error 500 checking out with Stripe, after navigating back to the Summary page', 'fix'],
    ['Products search times out when creating a subscription', 'fix'],
    ['Not paid order confirmations resemble paid orders 7603', 'fix'],
    ['Order lines are deleted when one tries to capture a payment after order cycle is closed', 'fix'],
    ['Cart empties when trying to apply a voucher twice', 'fix'],
    ['Bump rubocop to 1.86.6', 'deps'],
    ['Upgrade to python 3.14', 'deps'],
    ['[Rails upgrade] Upgrade to rails version 7.2', 'deps'],
    ['bump the latest language and apply the breaking changes (#2727)', 'deps'],
    ['Replace alias_attribute with alias_method', 'refactor'],
    ['Rename OrderCycle#closing to closes_at', 'refactor'],
    ['Extract the voucher form into a component', 'refactor'],
    ['Move search out of the strategies store', 'refactor'],
    ['Improve efficiency of OrderCycle.earliest_closing_times', 'perf'],
    ['Speed up the product list', 'perf'],
    ["Don't generate packing reports twice just to show the form", 'perf'],
    ['Avoid redundant queries when listing shops', 'perf'],
    ['Do not moderate wrong products for the ticket queue', 'feature'],
    ['Reverts the invoice grouping', 'revert'],
    ['Add voucher codes at checkout', 'feature'],
    ['Introduce spam classifier for tickets', 'feature'],
  ])('reads the free-text title %s as %s', (title, kind) => {
    expect(kindOf(title).kind).toBe(kind);
  });

  it.each([
    'Place quota per locale (#7061)',
    'Improve product reclassification',
    'Update checkout copy',
    'Split checkout: order summary page',
    'Do not moderate wrong products',
  ])('finds no type in %s, which stays a feature', (title) => {
    expect(kindOf(title).kind).toBe('feature');
  });

  it.each([
    ['Skip empty folders when syncing', 'Skip empty…'],
    ['Tolerate missing signature header in payment webhooks', 'Tolerate…'],
    ['Handle null account in the sync adapter', 'Handle null…'],
    ['Handling of missing prices in the export', 'Handling of missing…'],
    ['Guard against a zero exchange rate', 'Guard against…'],
    ['Avoid NPE when the intent has no extras', 'Avoid NPE…'],
    ['Ignore invalid rows when importing products', 'Ignore invalid…'],
    ['Restore the previous scroll position after rotation', 'Restore the previous…'],
    ['Restore support for PHP 8.1', 'Restore support…'],
    ['Correct the VAT rounding on credit notes', 'Correct…'],
    ['Correctly escape quotes in CSV exports', 'Correctly…'],
    ['Do not fail when the locale is unknown', 'Do not fail…'],
    ["Don't lose the draft on rotation", "Don't lose…"],
    ['Catch exceptions thrown by the mail transport', 'Catch exceptions…'],
    ['Add a null check for the account', 'Add a null check…'],
    ['Prevent duplicate charges when the button is tapped twice', 'Prevent duplicate…'],
  ])('reads the fix %s, whose verb and object describe a failure or an edge case, as a fix', (title, verb) => {
    const reading = kindOf(title);
    expect(reading.kind).toBe('fix');
    expect(reading.source).toContain(`(\`${verb}\`)`);
  });

  it.each([
    ['Prevent crash when the camera is unavailable'],
    ["Don't crash on malformed feeds"],
    ['Avoid NullPointerException in the sync worker'],
  ])('reads %s, which names a failure, as a fix', (title) => {
    expect(kindOf(title).kind).toBe('fix');
  });

  it.each([
    'Skip the intro screen for returning users',
    'Skip onboarding for invited users',
    'Handle refund webhooks from the payment provider',
    'Ignore archived orders in the monthly report',
    'Prevent guests from viewing wholesale prices',
    'Restore deleted orders from the trash',
    'Guard the admin routes with two-factor authentication',
    'Catch up on notifications after reconnecting',
    'Allow empty descriptions on products',
    'Check for updates on start',
  ])('reads %s, whose verb describes what a feature does, as a feature', (title) => {
    expect(kindOf(title).kind).toBe('feature');
  });

  it('reads docs and tests titles only where the diff agrees: code changes contradict them', () => {
    expect(kindOf('docs: explain evidence', [], [file('docs/rules.md')]).kind).toBe('docs');
    expect(kindOf('test: cover refunds', [], [file('test/refunds.test.ts')]).kind).toBe('test');
    expect(kindOf('Add tests for the voucher service', [], [file('spec/services/voucher_spec.rb')]).kind).toBe('test');
    expect(kindOf('Update the README with new information.', [], [file('README.md')]).kind).toBe('docs');
    expect(kindOf('Update the README with new information.', [], [file('README.md'), file('src/checkout/cart.ts')])).toEqual({
      kind: 'feature',
      source: 'the default, as the title and labels name no type',
      signals: [],
    });
  });

  it('reads the head branch, skipping a personal prefix, below the title and labels', () => {
    expect(decided(kindOf('Voucher total', [], undefined, { branch: 'fix/voucher-total' }))).toEqual({
      kind: 'fix',
      source: 'the branch `fix/voucher-total`',
    });
    expect(kindOf('Voucher total', [], undefined, { branch: 'jo/bugfix-voucher' }).kind).toBe('fix');
    expect(kindOf('Stripe 10.5', [], undefined, { branch: 'dependabot/bundler/stripe-10.5.0' }).kind).toBe('deps');
    expect(kindOf('Revert invoices', [], undefined, { branch: 'revert-812-invoices' }).kind).toBe('revert');
    expect(kindOf('Fix voucher total', [], undefined, { branch: 'feature/vouchers' }).kind).toBe('fix');
    expect(kindOf('Vouchers', ['bug'], undefined, { branch: 'feature/vouchers' }).kind).toBe('fix');
    expect(kindOf('Voucher total', [], undefined, { branch: 'HEAD' }).kind).toBe('feature');
  });

  it('reads a body that says it fixes an issue, but not one that only closes it', () => {
    expect(kindOf('Voucher total', [], undefined, { body: 'Fixes #812' }).kind).toBe('fix');
    expect(kindOf('Voucher total', [], undefined, { body: 'fixed acme/shop#812' }).kind).toBe('fix');
    expect(kindOf('Voucher total', [], undefined, { body: 'Closes #812' }).kind).toBe('feature');
  });

  it('keeps every signal, the deciding one first, and lets a feature win among equals', () => {
    const reading = kindOf('feat: vouchers', ['bug'], undefined, { branch: 'fix/vouchers', body: 'Fixes #3' });
    expect(reading.kind).toBe('feature');
    expect(reading.signals.map((s) => [s.from, s.kind])).toEqual([
      ['title', 'feature'],
      ['label', 'fix'],
      ['branch', 'fix'],
      ['body', 'fix'],
    ]);
    expect(describeKind(reading)).toBe(
      "feature (from the title `feat: vouchers`; also the label `bug`, read as fix; the branch `fix/vouchers`, read as fix; the body's `Fixes #3`, read as fix)",
    );
  });

  it('reads a manifest-dominated diff as a bump and a small edit with a new test as a fix', () => {
    const bump = changedFiles({
      base: { 'Gemfile.lock': 'stripe (10.3.0)\n', 'app/models/account.rb': 'rescue OAuthError\n' },
      head: { 'Gemfile.lock': 'stripe (10.5.0)\n', 'app/models/account.rb': 'rescue OAuthError => e\n' },
    });
    expect(kindOf('Stripe', [], bump).kind).toBe('deps');
    const regression = changedFiles({
      base: { 'app/models/order.rb': 'def total\n  item_total\nend\n' },
      head: {
        'app/models/order.rb': 'def total\n  [item_total, 0].max\nend\n',
        'spec/models/order_spec.rb': 'it "is never negative" do\n  expect(order.total).to eq(0)\nend\n',
      },
    });
    expect(decided(kindOf('Order total', [], regression))).toEqual({
      kind: 'fix',
      source: 'the diff (a small change to existing code, 2 lines, with a test)',
    });
    // A capitalised `Tests/` folder (a Symfony bundle's) and a Kotlin Multiplatform test source set hold tests too.
    const bundle = changedFiles({
      base: { 'src/Acme/ShopBundle/Service/Cart.php': '<?php\nreturn $this->items;\n' },
      head: {
        'src/Acme/ShopBundle/Service/Cart.php': '<?php\nreturn $this->items ?? [];\n',
        'src/Acme/ShopBundle/Tests/Service/CartTest.php': '<?php\n$this->assertSame([], (new Cart())->items());\n',
      },
    });
    expect(kindOf('Cart items', [], bundle).kind).toBe('fix');
    const multiplatform = changedFiles({
      base: { 'shared/src/commonMain/kotlin/Cart.kt': 'fun total() = items.sum()\n' },
      head: {
        'shared/src/commonMain/kotlin/Cart.kt': 'fun total() = items.sumOf { it.price }\n',
        'shared/src/commonTest/kotlin/CartChecks.kt': 'assertEquals(0, Cart().total())\n',
      },
    });
    expect(kindOf('Cart total', [], multiplatform).kind).toBe('fix');
    const layout = changedFiles({ base: { 'src/a.ts': 'const a = {x: 1};\n' }, head: { 'src/a.ts': 'const a = { x: 1 };\n' } });
    expect(kindOf('Object literal', [], layout).kind).toBe('chore');
  });

  it('reads declared performance work as new behaviour, and performance words in a title as tuning', () => {
    expect(bringsNewBehaviour(kindOf('perf: improve the intersection algorithm, reducing latency'))).toBe(true);
    expect(bringsNewBehaviour(kindOf('Speed up the product list', ['performance']))).toBe(true);
    expect(bringsNewBehaviour(kindOf('Improve efficiency of OrderCycle.earliest_closing_times'))).toBe(false);
    expect(bringsNewBehaviour(kindOf("Don't generate packing reports twice just to show the form"))).toBe(false);
    expect(bringsNewBehaviour(kindOf('Fix the order total'))).toBe(false);
    expect(bringsNewBehaviour(kindOf('Payment with credit'))).toBe(true);
  });

  it('reads a fix that changes what an API answers as new behaviour, and says why', () => {
    const reading = kindOf('fix: return 400 on incorrect client metrics input (#4193)');
    expect(reading.kind).toBe('feature');
    expect(describeKind(reading)).toContain('which changes what the code answers (`return 400`)');
    expect(kindOf('Reject invalid toggle names in metrics').kind).toBe('feature');
    expect(kindOf('fix: capture panics in the resolver, and return as errors').kind).toBe('fix');
    expect(kindOf('Error 500 checking out with Stripe').kind).toBe('fix');
  });
});
