/**
 * Synthetic pull requests for the engine benchmark: realistic TypeScript in GitHub-style patches
 * (hunks of 40 changed lines with three lines of context on each side).
 */
import type { MonoenvConfig } from '../src/config/schema.js';
import { configSchema } from '../src/config/schema.js';

export interface Case {
  name: string;
  files: number;
  lines: number;
  /** Every source file under `risky.paths`, so every line of every file is scanned for flag calls. */
  allRisky: boolean;
}

export const CASES: Case[] = [
  { name: '10 files', files: 10, lines: 1_000, allRisky: false },
  { name: '100 files', files: 100, lines: 10_000, allRisky: false },
  { name: '1,000 files', files: 1_000, lines: 100_000, allRisky: false },
  { name: '3,000 files', files: 3_000, lines: 300_000, allRisky: false },
  { name: '3,000 files, all risky', files: 3_000, lines: 300_000, allRisky: true },
];

const PACKAGES = ['billing', 'checkout', 'search', 'accounts', 'catalog', 'shipping', 'notifications', 'web'];

/** Realistic TypeScript lines: calls, conditions, flag checks, strings, comments, long lines. */
function codeLine(i: number): string {
  switch (i % 12) {
    case 0:
      return `  const total${i} = items.reduce((sum, item) => sum + item.price * item.quantity, 0);`;
    case 1:
      return `  if (flags.isEnabled('checkout-v${i % 7}', { userId: user.id })) {`;
    case 2:
      return `    await ledger.record({ account: account.id, amount: total${i - 2}, currency: 'EUR' });`;
    case 3:
      return '  }';
    case 4:
      return `  // Rounds half-even to match the ledger (${i}).`;
    case 5:
      return `  logger.info(\`invoice \${invoice.id} settled in \${Date.now() - started}ms\`, { attempt: ${i % 5} });`;
    case 6:
      return `  const variant = client.variation('pricing-experiment', context, 'control');`;
    case 7:
      return '';
    case 8:
      return `  return formatMoney(total${i - 8}, { locale: 'de-DE', minimumFractionDigits: 2 });`;
    case 9:
      return `  throw new PaymentError('card declined', { code: 'E${i}', retryable: ${i % 2 === 0} });`;
    case 10:
      return `  const query = sql\`SELECT id, status FROM orders WHERE customer_id = \${customerId} AND created_at > now() - interval '30 days'\`;`;
    default:
      return `  ${'x'.repeat(60)}.map((value) => transform(value, ${i})).filter(Boolean).join(', ');`;
  }
}

function pathOf(i: number, allRisky: boolean): string {
  const pkg = PACKAGES[i % PACKAGES.length];
  if (!allRisky && i % 10 === 9) return `packages/${pkg}/test/module${i}.test.ts`;
  if (!allRisky && i % 50 === 7) return `packages/${pkg}/package-lock.json`;
  if (!allRisky && i % 25 === 3) return `packages/${pkg}/src/payments/flow${i}.ts`;
  return `packages/${pkg}/src/area${i % 17}/module${i}.ts`;
}

/** A GitHub-style patch: hunks of 40 changed lines (3/4 added, 1/4 deleted) with context around them. */
function patchOf(lines: number, seed: number): string {
  const out: string[] = [];
  let oldLine = 1;
  let newLine = 1;
  let left = lines;
  let n = seed;
  while (left > 0) {
    const changed = Math.min(40, left);
    const deletions = Math.floor(changed / 4);
    const additions = changed - deletions;
    out.push(`@@ -${oldLine},${deletions + 6} +${newLine},${additions + 6} @@ export function module${seed}() {`);
    for (let c = 0; c < 3; c++) out.push(` ${codeLine(n++)}`);
    for (let d = 0; d < deletions; d++) out.push(`-${codeLine(n++)}`);
    for (let a = 0; a < additions; a++) out.push(`+${codeLine(n++)}`);
    for (let c = 0; c < 3; c++) out.push(` ${codeLine(n++)}`);
    oldLine += deletions + 6 + 20;
    newLine += additions + 6 + 20;
    left -= changed;
  }
  return out.join('\n');
}

/** The files of a case as the GitHub API lists them (path and patch), and the configuration it is judged by. */
export function syntheticPullRequest(c: Case): { entries: { path: string; patch: string }[]; config: MonoenvConfig } {
  const perFile = Math.floor(c.lines / c.files);
  const entries = Array.from({ length: c.files }, (_, i) => ({ path: pathOf(i, c.allRisky), patch: patchOf(perFile, i * 31) }));
  const config = configSchema.parse({
    risky: { paths: c.allRisky ? ['packages/**/*.ts'] : ['packages/billing/**', 'packages/*/src/payments/**'], evidence: 'hunk' },
    tests: { level: 'warning' },
  });
  return { entries, config };
}
