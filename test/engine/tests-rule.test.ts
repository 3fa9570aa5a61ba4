import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { judgeTests, isTestPath, isSourcePath } from '../../src/engine/rules/tests.js';
import { parseGitDiff } from '../../src/engine/diff.js';
import { changedFileFromGitHub } from '../../src/facts/github-files.js';
import { makeChange, type ChangedFile, type FileStatus } from '../../src/engine/change.js';
import { configSchema, DEFAULT_CONFIG, type MonoenvConfigInput } from '../../src/config/schema.js';
import { evaluate } from '../../src/engine/evaluate.js';

const fixture = (name: string): string => readFileSync(fileURLToPath(new URL(`../fixtures/patches/${name}`, import.meta.url)), 'utf8');

/** A modified file whose first added line is line 12 (two context lines after line 10). */
function changed(path: string, lines: string[] = ['const added = true;'], status: FileStatus = 'modified'): ChangedFile {
  const patch = [
    `@@ -10,3 +10,${3 + lines.length} @@ export function context() {`,
    '   first();',
    '   second();',
    ...lines.map((l) => `+${l}`),
    ' }',
  ].join('\n');
  return changedFileFromGitHub({ filename: path, status, additions: lines.length, deletions: 0, patch });
}

const judge = (files: ChangedFile[], config: MonoenvConfigInput = {}) =>
  judgeTests({ change: makeChange({ files }), config: configSchema.parse(config), kind: { kind: 'feature', source: 'test', signals: [] } });

/** Which of `sources` the rule reports as lacking a test when changed together with `tests`. */
function untested(sources: string[], tests: string[]): string[] {
  return judge([...sources, ...tests].map((p) => changed(p))).findings.map((f) => f.path!);
}

describe('isTestPath and isSourcePath with the default globs', () => {
  it('recognises the common ecosystems’ tests', () => {
    const tests = [
      'src/cart.test.ts',
      'src/cart.spec.tsx',
      'src/__tests__/cart.ts',
      'apps/web/e2e/checkout.e2e-spec.ts',
      'cypress/e2e/login.cy.ts',
      'tests/test_cart.py',
      'shop/cart_test.py',
      'internal/cart/cart_test.go',
      'spec/models/user_spec.rb',
      'test/models/user_test.rb',
      'src/test/java/com/acme/CartTest.java',
      'app/src/androidTest/java/com/acme/CartScreen.kt',
      'tests/Shop.Tests/CartTests.cs',
      'tests/Unit/InvoiceTest.php',
      'test/shop/cart_test.exs',
      'Tests/ShopTests/CartTests.swift',
      'tests/parser.rs',
    ];
    expect(tests.filter((p) => !isTestPath(p, DEFAULT_CONFIG))).toEqual([]);
  });

  it('recognises capitalised test folders and the source sets of Gradle, Android and Kotlin Multiplatform', () => {
    const tests = [
      // Symfony bundles and many PHP libraries: `Tests/`, helpers and fixtures included.
      'src/Acme/ShopBundle/Tests/Fixtures/OrderFactory.php',
      'Tests/Unit/InvoiceTest.php',
      'Test/Helpers/Builder.php',
      // C#: a `Test/` folder, a `*.Test` or `*.UnitTest` project, `*Test.cs`.
      'Test/Shop/CartBuilder.cs',
      'src/Shop.Test/CartTest.cs',
      'src/Shop.UnitTest/Support/Clock.cs',
      'Shop.Tests/Services/CartTests.cs',
      // Java and Kotlin: `src/Test/java`, Gradle and Android source sets, Kotlin Multiplatform.
      'src/Test/java/com/acme/Fixtures.java',
      'shared/src/commonTest/kotlin/com/acme/FakeCart.kt',
      'shared/src/jvmTest/kotlin/com/acme/CartJvmTest.kt',
      'app/src/androidUnitTest/kotlin/com/acme/FakeClock.kt',
      'app/src/testDebug/java/com/acme/DebugRules.kt',
      'lib/src/testFixtures/java/com/acme/Orders.java',
    ];
    expect(tests.filter((p) => !isTestPath(p, DEFAULT_CONFIG))).toEqual([]);
    // Source folders of the same shape stay source.
    const source = [
      'shared/src/commonMain/kotlin/com/acme/Cart.kt',
      'src/Testing/Harness.php',
      'src/Contest/Entry.cs',
      'app/latest/feed.ts',
    ];
    expect(source.filter((p) => !isSourcePath(p, DEFAULT_CONFIG))).toEqual([]);
  });

  it('treats code, not docs, config, declarations, stories, fixtures or migrations, as source', () => {
    const source = [
      'src/cart.ts',
      'shop/cart.py',
      'internal/cart/cart.go',
      'app/models/user.rb',
      'src/main/java/com/acme/Cart.java',
      'src/lib.rs',
      'src/Shop/Cart.cs',
      'src/Invoice.php',
      'app/Http/Controllers/LangController.php',
      'src/lang/Parser.php',
      'lib/shop/cart.ex',
    ];
    const notSource = [
      'README.md',
      'docs/guide.ts',
      '.github/scripts/release.js',
      'src/types.d.ts',
      'src/Button.stories.tsx',
      'test/fixtures/user.ts',
      'jest.config.ts',
      'vite.config.mts',
      '.eslintrc.cjs',
      'shop/__init__.py',
      'db/migrate/20240611_create_orders.rb',
      'shop/migrations/0002_orders.py',
      'vendor/github.com/pkg/errors/errors.go',
      'api/search.pb.go',
      'src/cart.test.ts',
      'db/schema.rb',
      // Laravel's language files: arrays of translated strings, per locale.
      'lang/en/auth.php',
      'resources/lang/pt_BR/orders.php',
      'lang/de-CH/validation.php',
    ];
    expect(source.filter((p) => !isSourcePath(p, DEFAULT_CONFIG))).toEqual([]);
    expect(notSource.filter((p) => isSourcePath(p, DEFAULT_CONFIG))).toEqual([]);
  });
});

describe('judgeTests per-file mapping', () => {
  it('JavaScript/TypeScript: beside, __tests__, test/ folders, and index files by folder', () => {
    expect(untested(['src/billing/invoice.ts'], ['src/billing/invoice.test.ts'])).toEqual([]);
    expect(untested(['src/components/Button.tsx'], ['src/components/__tests__/Button.tsx'])).toEqual([]);
    expect(untested(['src/cart.ts'], ['test/cart.spec.js'])).toEqual([]);
    expect(untested(['src/components/Modal/index.tsx'], ['src/components/Modal/Modal.test.tsx'])).toEqual([]);
    expect(untested(['packages/api/src/handlers/user.ts'], ['packages/api/test/user.test.ts'])).toEqual([]);
    expect(untested(['src/cart.ts'], ['src/cart.integration.test.ts'])).toEqual([]);
  });

  it('JavaScript/TypeScript: a test of the same name elsewhere does not count', () => {
    expect(untested(['src/orders/index.ts'], ['src/users/index.test.ts'])).toEqual(['src/orders/index.ts']);
    expect(untested(['packages/web/src/user.ts'], ['packages/api/test/user.test.ts'])).toEqual(['packages/web/src/user.ts']);
    expect(untested(['src/cart.ts'], ['src/checkout.test.ts'])).toEqual(['src/cart.ts']);
    expect(untested(['src/cart.ts'], ['tests/test_cart.py'])).toEqual(['src/cart.ts']);
  });

  it('Python: tests/test_x.py, x_test.py, tests/pkg/test_x.py', () => {
    expect(untested(['shop/cart.py'], ['tests/test_cart.py'])).toEqual([]);
    expect(untested(['shop/pricing.py'], ['shop/pricing_test.py'])).toEqual([]);
    expect(untested(['src/shop/tax.py'], ['tests/shop/test_tax.py'])).toEqual([]);
    expect(untested(['shop/refunds.py'], ['tests/payments/test_refunds.py'])).toEqual(['shop/refunds.py']);
  });

  it("Python: a Django app's tests.py tests the app's modules, in its folder and below, and nothing beside it", () => {
    expect(isTestPath('shop/orders/tests.py', DEFAULT_CONFIG)).toBe(true);
    expect(untested(['shop/orders/models.py', 'shop/orders/api/views.py'], ['shop/orders/tests.py'])).toEqual([]);
    expect(untested(['shop/billing/models.py'], ['shop/orders/tests.py'])).toEqual(['shop/billing/models.py']);
    expect(untested(['shop/orders_extra/models.py'], ['shop/orders/tests.py'])).toEqual(['shop/orders_extra/models.py']);
  });

  it('Go: any _test.go in the same package folder', () => {
    expect(untested(['internal/cart/cart.go'], ['internal/cart/cart_test.go'])).toEqual([]);
    expect(untested(['internal/cart/discount.go'], ['internal/cart/cart_test.go'])).toEqual([]);
    expect(untested(['internal/pay/pay.go'], ['internal/cart/pay_test.go'])).toEqual(['internal/pay/pay.go']);
  });

  it('Ruby: spec/ and test/ mirror app/ and lib/', () => {
    expect(untested(['app/models/user.rb'], ['spec/models/user_spec.rb'])).toEqual([]);
    expect(untested(['app/models/order.rb'], ['test/models/order_test.rb'])).toEqual([]);
    expect(untested(['lib/parser.rb'], ['spec/parser_spec.rb'])).toEqual([]);
    expect(untested(['app/controllers/user.rb'], ['spec/models/user_spec.rb'])).toEqual(['app/controllers/user.rb']);
  });

  it("Ruby: a controller's request spec is named after its resource, in spec/requests/ mirroring the controller's folders", () => {
    expect(untested(['app/controllers/voucher_adjustments_controller.rb'], ['spec/requests/voucher_adjustments_spec.rb'])).toEqual([]);
    expect(untested(['app/controllers/spree/admin/payments_controller.rb'], ['spec/requests/spree/admin/payments_spec.rb'])).toEqual([]);
    expect(
      untested(['engines/billing/app/controllers/invoices_controller.rb'], ['engines/billing/spec/requests/invoices_spec.rb']),
    ).toEqual([]);
    // Another namespace's request spec, or a model spec of the same name, is not the controller's.
    expect(untested(['app/controllers/admin/payments_controller.rb'], ['spec/requests/api/payments_spec.rb'])).toEqual([
      'app/controllers/admin/payments_controller.rb',
    ]);
    expect(untested(['app/controllers/payments_controller.rb'], ['spec/models/payments_spec.rb'])).toEqual([
      'app/controllers/payments_controller.rb',
    ]);
  });

  it('Java/Kotlin: src/test mirrors src/main with Test, Tests or IT', () => {
    expect(untested(['src/main/java/com/acme/Billing.java'], ['src/test/java/com/acme/BillingTest.java'])).toEqual([]);
    expect(untested(['src/main/java/com/acme/Ledger.java'], ['src/test/java/com/acme/LedgerIT.java'])).toEqual([]);
    expect(untested(['billing/src/main/kotlin/acme/Cart.kt'], ['billing/src/test/kotlin/acme/CartTests.kt'])).toEqual([]);
    expect(untested(['src/main/java/com/acme/Cart.java'], ['src/test/java/com/other/CartTest.java'])).toEqual([
      'src/main/java/com/acme/Cart.java',
    ]);
  });

  it('Rust: tests/x.rs, or a #[test] added to the file itself', () => {
    expect(untested(['src/parser.rs'], ['tests/parser.rs'])).toEqual([]);
    const lexer = changed('src/lexer.rs', ['pub fn lex() {}', '#[cfg(test)]', 'mod tests {', '    #[test]', '    fn lexes() {}', '}']);
    const asyncTest = changed('src/net.rs', ['    #[tokio::test]', '    async fn connects() {}']);
    const untestedRust = changed('src/eval.rs', ['pub fn eval() {}', '// #test is not an attribute']);
    expect(judge([lexer, asyncTest, untestedRust]).findings.map((f) => f.path)).toEqual(['src/eval.rs']);
  });

  it('C#, PHP, Elixir, Swift', () => {
    expect(untested(['src/Shop/Services/Cart.cs'], ['tests/Shop.Tests/Services/CartTests.cs'])).toEqual([]);
    expect(untested(['src/Invoice.php'], ['tests/Unit/InvoiceTest.php'])).toEqual([]);
    expect(untested(['lib/shop/cart.ex'], ['test/shop/cart_test.exs'])).toEqual([]);
    expect(untested(['Sources/Shop/Cart.swift'], ['Tests/ShopTests/CartTests.swift'])).toEqual([]);
    expect(untested(['src/Shop/Services/Order.cs'], ['tests/Shop.Tests/Services/CartTests.cs'])).toEqual(['src/Shop/Services/Order.cs']);
  });

  it("PHP and C#: capitalised Tests/ and Test/ folders, a Symfony bundle's own Tests/", () => {
    expect(untested(['src/Service/Cart.php'], ['Tests/Service/CartTest.php'])).toEqual([]);
    expect(untested(['src/Acme/ShopBundle/Service/Cart.php'], ['src/Acme/ShopBundle/Tests/Service/CartTest.php'])).toEqual([]);
    expect(untested(['src/Service/Cart.php'], ['Test/Service/CartTest.php'])).toEqual([]);
    expect(untested(['src/Shop/Services/Cart.cs'], ['src/Shop.Test/Services/CartTest.cs'])).toEqual([]);
    expect(untested(['src/Acme/ShopBundle/Service/Cart.php'], ['src/Acme/BillingBundle/Tests/Service/CartTest.php'])).toEqual([
      'src/Acme/ShopBundle/Service/Cart.php',
    ]);
  });

  it('Java and Kotlin: src/Test, Android and Kotlin Multiplatform source sets mirror their main source set', () => {
    expect(untested(['src/main/java/com/acme/Cart.java'], ['src/Test/java/com/acme/CartTest.java'])).toEqual([]);
    expect(untested(['shared/src/commonMain/kotlin/com/acme/Cart.kt'], ['shared/src/commonTest/kotlin/com/acme/CartTest.kt'])).toEqual([]);
    expect(untested(['shared/src/jvmMain/kotlin/com/acme/Db.kt'], ['shared/src/jvmTest/kotlin/com/acme/DbTest.kt'])).toEqual([]);
    expect(untested(['app/src/main/java/com/acme/Cart.kt'], ['app/src/androidUnitTest/kotlin/com/acme/CartTest.kt'])).toEqual([]);
    expect(untested(['app/src/main/java/com/acme/Cart.kt'], ['app/src/testDebug/java/com/acme/CartTest.kt'])).toEqual([]);
    expect(untested(['shared/src/commonMain/kotlin/com/acme/Cart.kt'], ['shared/src/commonTest/kotlin/com/other/CartTest.kt'])).toEqual([
      'shared/src/commonMain/kotlin/com/acme/Cart.kt',
    ]);
  });
});

describe('judgeTests findings', () => {
  it('annotates the first added line and names the tests that would satisfy it', () => {
    const { findings, summary } = judge([
      changed('src/billing/invoice.ts'),
      changed('shop/cart.py'),
      changed('src/ok.ts'),
      changed('src/ok.test.ts'),
    ]);
    expect(findings).toEqual([
      {
        rule: 'tests',
        level: 'warning',
        title: 'Source changed without tests',
        message:
          'src/billing/invoice.ts changed, but no changed test covers it. Add or update invoice.test.ts, invoice.spec.ts or __tests__/invoice.ts.',
        path: 'src/billing/invoice.ts',
        startLine: 12,
        endLine: 12,
      },
      expect.objectContaining({
        path: 'shop/cart.py',
        message: "shop/cart.py changed, but no changed test covers it. Add or update test_cart.py, cart_test.py or the app's tests.py.",
      }),
    ]);
    expect(summary).toEqual({
      rule: 'tests',
      status: 'warning',
      summary: '2 of 3 changed source files without a changed test: src/billing/invoice.ts, shop/cart.py',
      advice: 'Add or update the test of each file named, or add the label "no-tests-needed" when the change needs none.',
      headline: '2 files without tests',
      judged: 3,
    });
  });

  it('exempts deleted files, pure renames, deletion-only edits, binaries and exempt paths', () => {
    const deletionOnly = changedFileFromGitHub({
      filename: 'src/legacy.ts',
      status: 'modified',
      additions: 0,
      deletions: 2,
      patch: '@@ -1,2 +0,0 @@\n-a\n-b',
    });
    const files = [
      { ...changed('src/removed.ts'), status: 'removed' as const, additions: 0, deletions: 30 },
      { ...changed('src/moved.ts'), status: 'renamed' as const, previousPath: 'src/old.ts', additions: 0, deletions: 0, hunks: [] },
      deletionOnly,
      changed('README.md'),
      changed('src/types.d.ts'),
      changed('src/Button.stories.tsx'),
      changed('jest.config.ts'),
    ];
    expect(judge(files)).toEqual({
      findings: [],
      summary: { rule: 'tests', status: 'pass', summary: 'No source files changed that need tests' },
    });
  });

  it('does not accept a deleted test as the test of a change', () => {
    const deletedTest = { ...changed('src/cart.test.ts'), status: 'removed' as const, additions: 0, deletions: 40 };
    expect(judge([changed('src/cart.ts'), deletedTest]).findings.map((f) => f.path)).toEqual(['src/cart.ts']);
  });

  it('judges a real diff: the renamed invoice.ts with edits lacks its test; SQL, lockfile and docs need none', () => {
    const files = parseGitDiff(fixture('git-mixed.diff'));
    const { findings } = judge(files);
    expect(findings).toEqual([expect.objectContaining({ path: 'src/billing/invoices/invoice.ts', startLine: 1, endLine: 1 })]);
  });

  it('annotates line 1 when the patch is missing', () => {
    const big = changedFileFromGitHub({ filename: 'src/huge.ts', status: 'modified', additions: 5000, deletions: 0 });
    expect(judge([big]).findings[0]).toMatchObject({ path: 'src/huge.ts', startLine: 1 });
  });

  it('with require: any, one changed test satisfies every source file', () => {
    const files = [changed('src/cart.ts'), changed('lib/tax.rb'), changed('spec/unrelated_spec.rb')];
    expect(judge(files, { tests: { require: 'any' } }).summary).toEqual({
      rule: 'tests',
      status: 'pass',
      summary: '2 source files changed, with 1 test file changed (require: any)',
      judged: 2,
    });
    const none = judge(files.slice(0, 2), { tests: { require: 'any' } });
    expect(none.findings.map((f) => f.message)).toEqual([
      'src/cart.ts changed, but no changed test covers it. Add or update any test.',
      'lib/tax.rb changed, but no changed test covers it. Add or update any test.',
    ]);
    expect(none.summary.headline).toBe('2 files without tests');
  });

  it('uses the configured level, and is silent when off', () => {
    expect(judge([changed('src/cart.ts')], { tests: { level: 'error' } }).findings[0].level).toBe('error');
    expect(judge([changed('src/cart.ts')], { tests: { level: 'off' } })).toEqual({
      findings: [],
      summary: { rule: 'tests', status: 'off', summary: 'The tests rule is off' },
    });
  });

  it('follows user globs', () => {
    const config = { tests: { source: ['app/**/*.sql'], test: ['checks/**'], exempt: [] } };
    expect(judge([changed('app/queries/orders.sql'), changed('checks/queries/orders.sql')], config).findings).toEqual([]);
    // Same name, but in a folder that does not mirror the source's.
    expect(judge([changed('app/queries/orders.sql'), changed('checks/reports/orders.sql')], config).findings).toHaveLength(1);
    expect(judge([changed('app/queries/orders.sql'), changed('src/cart.ts')], config).findings.map((f) => f.path)).toEqual([
      'app/queries/orders.sql',
    ]);
  });

  it('reads the one small file a well-tested change leaves without a test as a notice, and two such files as lacking', () => {
    const tested = ['internal/batch/evaluate.go', 'internal/batch/limits.go', 'internal/server/batch.go', 'internal/store/batch.go'];
    const testFiles = ['internal/batch/evaluate_test.go', 'internal/server/batch_test.go', 'internal/store/batch_test.go'];
    const wiring = changed('cmd/serve/serve.go', ['\tbatchv1.RegisterBatchServiceServer(grpcServer, s.server)']);
    const one = judge([...tested, ...testFiles].map((p) => changed(p)).concat(wiring));
    expect(one.findings).toEqual([
      expect.objectContaining({
        path: 'cmd/serve/serve.go',
        level: 'notice',
        message: expect.stringContaining(
          'the one small edit (1 added code line) left without a test in a change whose tests cover 4 of its 5 source files',
        ),
      }),
    ]);
    const quota = changed('internal/quota/quota.go', ['\tif n > perStoreLimit(store) {', '\t\treturn false', '\t}']);
    const two = judge([...tested, ...testFiles].map((p) => changed(p)).concat(wiring, quota));
    expect(two.findings.map((f) => [f.path, f.level])).toEqual([
      ['cmd/serve/serve.go', 'warning'],
      ['internal/quota/quota.go', 'warning'],
    ]);
    // Three tested files out of four are not enough of a change's tests to carry the fourth.
    const few = judge([...tested.slice(1), ...testFiles].map((p) => changed(p)).concat(wiring));
    expect(few.findings.map((f) => f.level)).toEqual(['warning']);
  });

  it('reads an edit that only takes code away, beside its own test losing the cases of it, as a notice', () => {
    const model = changedFileFromGitHub({
      filename: 'app/models/coupon.rb',
      status: 'modified',
      additions: 1,
      deletions: 1,
      patch:
        '@@ -3,2 +3,2 @@ class Coupon < ApplicationRecord\n   belongs_to :shop\n-  validates :code, presence: true, uniqueness: { scope: :shop_id }\n+  validates :code, presence: true',
    });
    const trimmedSpec = changedFileFromGitHub({
      filename: 'spec/models/coupon_spec.rb',
      status: 'modified',
      additions: 0,
      deletions: 1,
      patch:
        '@@ -2,2 +2,1 @@ RSpec.describe Coupon do\n   it { is_expected.to validate_presence_of(:code) }\n-  it { is_expected.to validate_uniqueness_of(:code).scoped_to(:shop_id) }',
    });
    expect(judge([model, trimmedSpec]).findings).toEqual([
      expect.objectContaining({
        level: 'notice',
        message: expect.stringContaining(
          'its edit only takes code away, and its own test spec/models/coupon_spec.rb drops the cases of what went',
        ),
      }),
    ]);
    // Without its own test trimmed, the same edit keeps the rule's level.
    expect(judge([model]).findings.map((f) => f.level)).toEqual(['warning']);
  });

  it('puts its headline in the check title', () => {
    const change = makeChange({ files: [changed('src/a.ts'), changed('src/b.ts')] });
    expect(evaluate(change, DEFAULT_CONFIG).title).toBe('XS change (2 lines) · 2 files without tests');
  });
});
