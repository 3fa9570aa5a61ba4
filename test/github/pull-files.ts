/** The two files of PR #7 as GitHub's "list pull request files" gives them. */
export const PR_FILES = [
  {
    sha: 'd6fde92930d4715a2b49857d24b940956b26d2d3',
    filename: 'src/checkout/discount.ts',
    status: 'added',
    additions: 3,
    deletions: 0,
    changes: 3,
    patch:
      '@@ -0,0 +1,3 @@\n+export function applyDiscount(total: number, percent: number): number {\n+  return Math.round(total * (100 - percent)) / 100;\n+}',
  },
  {
    sha: 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391',
    filename: 'src/checkout/cart.ts',
    status: 'modified',
    additions: 1,
    deletions: 1,
    changes: 2,
    patch:
      '@@ -10,4 +10,4 @@ export class Cart {\n   total(): number {\n-    return this.items.reduce((n, i) => n + i.price, 0);\n+    return applyDiscount(this.items.reduce((n, i) => n + i.price, 0), this.discount);\n   }\n }',
  },
];
