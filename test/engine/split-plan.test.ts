import { describe, expect, it } from '@jest/globals';
import { createPatch } from 'diff';
import { changedFileFromGitHub } from '../../src/facts/github-files.js';
import { makeChange, type ChangedFile } from '../../src/engine/change.js';
import { DEFAULT_CONFIG } from '../../src/config/schema.js';
import { measureSize } from '../../src/engine/rules/size.js';
import { planSplit } from '../../src/engine/split/plan.js';
import { parseStackBranch, partSlug, stackBranchNames, stackOf } from '../../src/engine/split/stack.js';
import { evaluate } from '../../src/engine/evaluate.js';

/** A new file as GitHub lists it: every line added. */
function added(path: string, text: string): ChangedFile {
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  return changedFileFromGitHub({
    filename: path,
    status: 'added',
    additions: lines.length,
    deletions: 0,
    patch: [`@@ -0,0 +1,${lines.length} @@`, ...lines.map((l) => `+${l}`)].join('\n'),
  });
}

/** An edited file, its patch with GitHub's three lines of context. */
function edited(path: string, before: string, after: string): ChangedFile {
  const patch = createPatch(path, before, after, '', '', { context: 3 }).split('\n').slice(4).join('\n');
  const additions = patch.split('\n').filter((l) => l.startsWith('+')).length;
  const deletions = patch.split('\n').filter((l) => l.startsWith('-')).length;
  return changedFileFromGitHub({ filename: path, status: 'modified', additions, deletions, patch });
}

const plan = (files: ChangedFile[]) => {
  const change = makeChange({ files });
  return planSplit(change, DEFAULT_CONFIG, measureSize(change, DEFAULT_CONFIG).excluded);
};
const summary = (files: ChangedFile[]) => plan(files).map((p) => ({ name: p.name, files: p.files, needs: p.needs, carried: p.carried }));

describe('planSplit: a TypeScript service', () => {
  const files = [
    // Callers first in the list, to show the order comes from the imports, not from the listing.
    added('src/api/orders.ts', "import { Cart } from '../checkout/cart.js';\nexport const route = (cart: Cart) => cart.total();\n"),
    added(
      'test/checkout/cart.test.ts',
      "import { Cart } from '../../src/checkout/cart.js';\ntest('total', () => expect(new Cart().total()).toBe(0));\n",
    ),
    edited(
      'src/checkout/cart.ts',
      'export class Cart {\n  items: number[] = [];\n}\n',
      "import { sum } from '../lib/money.js';\nexport class Cart {\n  items: number[] = [];\n  total() {\n    return sum(this.items);\n  }\n}\n",
    ),
    added('src/lib/money.ts', 'export function sum(values: number[]): number {\n  return values.reduce((a, b) => a + b, 0);\n}\n'),
    added('db/migrations/20240611093000_add_discount.sql', 'ALTER TABLE orders ADD COLUMN discount integer;\n'),
    added('docs/checkout.md', '# Checkout\n\nTotals are summed.\n'),
    added('dist/index.js', 'export {};\n'),
  ];

  it('puts the schema first, then what others import, then its callers; tests travel with their subject', () => {
    expect(summary(files)).toEqual([
      { name: 'schema', files: ['db/migrations/20240611093000_add_discount.sql'], needs: [], carried: undefined },
      { name: 'src/lib', files: ['src/lib/money.ts'], needs: [], carried: undefined },
      { name: 'src/checkout', files: ['src/checkout/cart.ts', 'test/checkout/cart.test.ts'], needs: ['src/lib'], carried: undefined },
      // Free to go since the start, the larger of the two parts left goes first.
      { name: 'docs', files: ['docs/checkout.md'], needs: [], carried: undefined },
      // Generated output shares no folder with any part: it is built from everything, so it goes last.
      { name: 'src/api', files: ['src/api/orders.ts'], needs: ['src/checkout'], carried: ['dist/index.js'] },
    ]);
  });

  it('counts each part by its counted lines only', () => {
    const parts = plan(files);
    expect(parts.find((p) => p.name === 'src/checkout')!.lines).toBe(
      files.filter((f) => f.path.includes('checkout/cart')).reduce((n, f) => n + f.additions + f.deletions, 0),
    );
  });

  it('shows the plan in the size finding, the advice naming the command', () => {
    const report = evaluate(makeChange({ files, base: { ref: 'main', sha: '' }, head: { ref: 'feature/discount', sha: '' } }), {
      ...DEFAULT_CONFIG,
      size: { ...DEFAULT_CONFIG.size, warn_files: 2, fail_files: 3 },
    });
    const finding = report.findings.find((f) => f.rule === 'size')!;
    expect(finding.message).toContain(
      'It could be split into 5 parts, in the order they can land: 1. schema (1 line, 1 file), 2. src/lib (3 lines, 1 file), 3. src/checkout (',
    );
    expect(finding.message).toContain('; needs src/lib), 4. docs (3 lines, 1 file), 5. src/api (2 lines, 1 file; needs src/checkout).');
    expect(report.rules.find((r) => r.rule === 'size')!.advice).toContain('`monoenv split --base main` prints the plan');
    expect(report.size.splitFrom).toEqual({ branch: 'feature/discount', base: 'main' });
  });
});

describe('planSplit: imports of other languages', () => {
  it('Python: absolute and relative imports, tests named after their subject', () => {
    expect(
      summary([
        added('app/services/billing.py', 'from app.models.order import Order\n\ndef bill(order: Order):\n    return order.total\n'),
        added('app/models/order.py', 'class Order:\n    total = 0\n'),
        added('app/models/__init__.py', 'from .order import Order\n'),
        added('tests/services/test_billing.py', 'from app.services.billing import bill\n\ndef test_bill():\n    assert bill\n'),
      ]),
    ).toEqual([
      { name: 'app/models', files: ['app/models/order.py', 'app/models/__init__.py'], needs: [], carried: undefined },
      {
        name: 'app/services',
        files: ['app/services/billing.py', 'tests/services/test_billing.py'],
        needs: ['app/models'],
        carried: undefined,
      },
    ]);
  });

  it('Go: an import path names the package folder it ends with', () => {
    const parts = summary([
      added(
        'cmd/api/main.go',
        'package main\n\nimport (\n\t"fmt"\n\t"example.com/shop/internal/billing"\n)\n\nfunc main() { fmt.Println(billing.Total()) }\n',
      ),
      added('internal/billing/invoice.go', 'package billing\n\nfunc Total() int { return 0 }\n'),
      added('internal/billing/invoice_test.go', 'package billing\n\nimport "testing"\n\nfunc TestTotal(t *testing.T) {}\n'),
    ]);
    expect(parts.map((p) => [p.name, p.files, p.needs])).toEqual([
      ['internal/billing', ['internal/billing/invoice.go', 'internal/billing/invoice_test.go'], []],
      ['cmd/api', ['cmd/api/main.go'], ['internal/billing']],
    ]);
  });

  it('a workspace package imported by its name goes before its importers', () => {
    const parts = summary([
      added('apps/web/src/page.tsx', "import { Button } from '@shop/ui';\nexport const Page = () => <Button />;\n"),
      added('packages/ui/package.json', '{\n  "name": "@shop/ui",\n  "version": "1.0.0"\n}\n'),
      added('packages/ui/src/Button.tsx', 'export const Button = () => <button />;\n'),
    ]);
    expect(parts.map((p) => [p.name, p.needs])).toEqual([
      ['packages/ui', []],
      ['apps/web', ['packages/ui']],
    ]);
  });
});

describe('planSplit: parts that cannot land apart', () => {
  it('merges parts that import each other into one', () => {
    const parts = summary([
      added('src/orders/order.ts', "import { Customer } from '../customers/customer';\nexport class Order { customer?: Customer; }\n"),
      added('src/customers/customer.ts', "import { Order } from '../orders/order';\nexport class Customer { orders: Order[] = []; }\n"),
      added('src/api/routes.ts', "import { Order } from '../orders/order';\nexport const list: Order[] = [];\n"),
    ]);
    expect(parts.map((p) => [p.name, p.needs])).toEqual([
      ['src/customers + src/orders', []],
      ['src/api', ['src/customers + src/orders']],
    ]);
  });

  it('a changed root manifest goes before every part inside it, its lockfile with it', () => {
    const parts = summary([
      added('src/api/server.ts', "import express from 'express';\nexport const app = express();\n"),
      edited('package.json', '{\n  "dependencies": {}\n}\n', '{\n  "dependencies": {\n    "express": "4.21.2"\n  }\n}\n'),
      added('package-lock.json', '{\n  "lockfileVersion": 3\n}\n'),
      added('docs/api.md', '# API\n'),
    ]);
    expect(parts).toEqual([
      { name: '(root)', files: ['package.json'], needs: [], carried: ['package-lock.json'] },
      { name: 'src/api', files: ['src/api/server.ts'], needs: ['(root)'], carried: undefined },
      { name: 'docs', files: ['docs/api.md'], needs: ['(root)'], carried: undefined },
    ]);
  });

  it('plans nothing when nothing counts', () => {
    expect(plan([added('package-lock.json', '{}\n')])).toEqual([]);
  });
});

describe('stack branches', () => {
  it('names each part for a branch', () => {
    expect(['packages/checkout', '(root)', 'src/customers + src/orders', 'schema', 'Café/Résumé', '2024'].map(partSlug)).toEqual([
      'checkout',
      'root',
      'customers-orders',
      'schema',
      'r-sum',
      'part2024',
    ]);
    expect(stackBranchNames('feature/discount', [{ name: 'schema' }, { name: 'src/lib' }])).toEqual([
      'feature/discount-1-schema',
      'feature/discount-2-lib',
    ]);
  });

  it('reads a stack branch name back', () => {
    expect(parseStackBranch('feature/discount-2-lib')).toEqual({ stem: 'feature/discount', position: 2 });
    expect(parseStackBranch('feature-2-v2-api')).toEqual({ stem: 'feature', position: 2 });
    expect(parseStackBranch('main')).toBeUndefined();
  });

  it('tells a stacked change and its place when the names agree', () => {
    expect(stackOf('main', 'feature-1-schema', 'main')).toBeUndefined();
    expect(stackOf('feature-1-schema', 'feature-2-lib', 'main')).toEqual({ base: 'feature-1-schema', defaultBranch: 'main', position: 2 });
    expect(stackOf('release/1.2', 'fix-typo', 'main')).toEqual({ base: 'release/1.2', defaultBranch: 'main' });
    expect(stackOf('feature-1-schema', 'other-2-lib', 'main')).toEqual({ base: 'feature-1-schema', defaultBranch: 'main' });
    expect(stackOf('develop', 'x', undefined)).toBeUndefined();
  });
});
