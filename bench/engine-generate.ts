/**
 * Synthetic pull requests for the engine benchmark: realistic TypeScript in GitHub-style patches
 * (hunks of 40 changed lines with three lines of context on each side), and, for the whole-file cases,
 * TypeScript modules at the base and the head whose patch is diffed from them as GitHub shows it.
 */
import { structuredPatch } from 'diff';
import type { MonoenvConfig } from '../src/config/schema.js';
import { configSchema } from '../src/config/schema.js';

export interface Case {
  name: string;
  files: number;
  lines: number;
  /** Every source file under `risky.paths`, so every line of every file is scanned for flag calls. */
  allRisky: boolean;
  /**
   * The files' whole texts at the base and the head are given, as the adapters read them for risky files,
   * and the TypeScript grammar is loaded: every evaluation parses both texts of every risky file.
   */
  wholeFiles?: boolean;
}

export const CASES: Case[] = [
  { name: '10 files', files: 10, lines: 1_000, allRisky: false },
  { name: '100 files', files: 100, lines: 10_000, allRisky: false },
  { name: '1,000 files', files: 1_000, lines: 100_000, allRisky: false },
  { name: '3,000 files', files: 3_000, lines: 300_000, allRisky: false },
  { name: '3,000 files, all risky', files: 3_000, lines: 300_000, allRisky: true },
  { name: '20 risky files, whole files parsed', files: 20, lines: 2_000, allRisky: true, wholeFiles: true },
  { name: '3,000 files, all risky, whole files parsed', files: 3_000, lines: 300_000, allRisky: true, wholeFiles: true },
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

/**
 * One function of a service module at the base, and at the head: a third gain a step behind a flag (and
 * a helper the change adds, used only there), a third change for everyone (a new fee in the total, a
 * changed error), a third stay as they were. About 14 changed lines a function, 22 lines of text.
 */
function serviceFunction(file: number, k: number): { base: string; head: string } {
  const name = `settle${file}x${k}`;
  const base = [
    `export async function ${name}(invoice: Invoice, user: User): Promise<Receipt> {`,
    '  const started = Date.now();',
    '  const total = invoice.lines.reduce((sum, line) => sum + line.price * line.quantity, 0);',
    '  if (total <= 0) {',
    `    throw new PaymentError('empty invoice', { code: 'E${k}', retryable: false });`,
    '  }',
    '  await ledger.record({ account: user.account, amount: total, currency: invoice.currency });',
    '  logger.info(`invoice ${invoice.id} settled in ${Date.now() - started}ms`);',
    '  return { id: invoice.id, total };',
    '}',
    '',
  ];
  if (k % 3 === 2) return { base: base.join('\n'), head: base.join('\n') };
  const head = [...base];
  if (k % 3 === 0) {
    head.splice(
      7,
      0,
      `  if (flags.isEnabled('ledger-v2', { userId: user.id })) {`,
      `    const rounded = round${name}(total, invoice.currency);`,
      '    await ledgerV2.record({ account: user.account, amount: rounded, currency: invoice.currency });',
      `    metrics.increment('ledger.v2.records', { currency: invoice.currency });`,
      '  }',
    );
    head.push(
      `function round${name}(amount: number, currency: string): number {`,
      `  const digits = currency === 'JPY' ? 0 : 2;`,
      '  const factor = 10 ** digits;',
      '  const scaled = amount * factor;',
      '  const floor = Math.floor(scaled);',
      '  const half = scaled - floor === 0.5;',
      '  return (half ? (floor % 2 === 0 ? floor : floor + 1) : Math.round(scaled)) / factor;',
      '}',
      '',
    );
  } else {
    head[2] = '  const subtotal = invoice.lines.reduce((sum, line) => sum + line.price * line.quantity, 0);';
    head.splice(3, 0, '  const total = subtotal + serviceFee(subtotal, invoice.currency);');
    head[5] = `    throw new PaymentError('empty invoice', { code: 'E${k}', retryable: true, invoice: invoice.id });`;
    head.splice(8, 0, `  audit.log('settled', { invoice: invoice.id, total, fee: total - subtotal });`);
  }
  return { base: base.join('\n'), head: head.join('\n') };
}

const MODULE_HEADER = [
  "import { ledger, ledgerV2 } from '../ledger';",
  "import { flags } from '../flags';",
  "import { logger, metrics, audit } from '../observability';",
  "import { PaymentError, serviceFee, type Invoice, type Receipt, type User } from '../model';",
  '',
].join('\n');

/** A module at the base and the head with about `changedLines` changed lines, and its patch. */
function wholeModule(file: number, changedLines: number): { base: string; head: string; patch: string } {
  const functions = Math.max(1, Math.round((changedLines * 3) / 28));
  const parts = Array.from({ length: functions }, (_, k) => serviceFunction(file, k));
  const base = `${MODULE_HEADER}\n${parts.map((p) => p.base).join('\n')}`;
  const head = `${MODULE_HEADER}\n${parts.map((p) => p.head).join('\n')}`;
  const diff = structuredPatch('a', 'b', base, head, '', '', { context: 3 });
  const patch = diff.hunks
    .map((h) => [`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, ...h.lines].join('\n'))
    .join('\n');
  return { base, head, patch };
}

/** The files of a case as the GitHub API lists them (path and patch), and the configuration it is judged by. */
export function syntheticPullRequest(c: Case): {
  entries: { path: string; patch: string; base?: string; head?: string }[];
  config: MonoenvConfig;
} {
  const perFile = Math.floor(c.lines / c.files);
  const entries = Array.from({ length: c.files }, (_, i) =>
    c.wholeFiles
      ? { path: pathOf(i, c.allRisky), ...wholeModule(i, perFile) }
      : { path: pathOf(i, c.allRisky), patch: patchOf(perFile, i * 31) },
  );
  const config = configSchema.parse({
    risky: { paths: c.allRisky ? ['packages/**/*.ts'] : ['packages/billing/**', 'packages/*/src/payments/**'], evidence: 'hunk' },
    tests: { level: 'warning' },
  });
  return { entries, config };
}
