/** Pull requests for the app benchmarks: TypeScript packages, tests beside some sources, one risky package. */
import type { FileChangeInput } from '../../tools/emulator/index.js';

export const OWNER = 'acme';
export const CONFIG = [
  'mode: enforce',
  'size:',
  '  warn_lines: 400',
  '  fail_lines: 1000',
  'tests:',
  '  level: warning',
  'risky:',
  '  paths: ["packages/billing/**"]',
  '',
].join('\n');
export const GITATTRIBUTES = 'packages/*/src/generated/** linguist-generated=true\n';

const PACKAGES = ['billing', 'checkout', 'search', 'accounts', 'catalog', 'shipping', 'notifications', 'web'];

function line(i: number): string {
  switch (i % 8) {
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
      return `  logger.info(\`invoice \${invoice.id} settled\`, { attempt: ${i % 5} });`;
    case 6:
      return '';
    default:
      return `  return formatMoney(total${i - 7}, { locale: 'de-DE', minimumFractionDigits: 2 });`;
  }
}

/** A GitHub-style patch (hunks only) of `changed` lines, three quarters added, in hunks of at most 40. */
export function patchOf(changed: number, seed: number): string {
  const out: string[] = [];
  let oldLine = 1;
  let newLine = 1;
  let left = changed;
  let n = seed;
  while (left > 0) {
    const size = Math.min(40, left);
    const deletions = Math.floor(size / 4);
    const additions = size - deletions;
    out.push(`@@ -${oldLine},${deletions + 6} +${newLine},${additions + 6} @@ export function module${seed}() {`);
    for (let c = 0; c < 3; c++) out.push(` ${line(n++)}`);
    for (let d = 0; d < deletions; d++) out.push(`-${line(n++)}`);
    for (let a = 0; a < additions; a++) out.push(`+${line(n++)}`);
    for (let c = 0; c < 3; c++) out.push(` ${line(n++)}`);
    oldLine += deletions + 26;
    newLine += additions + 26;
    left -= size;
  }
  return out.join('\n');
}

/**
 * `count` changed files of `linesPerFile` lines each. Every fourth file is a test and covers the source
 * before it, so a typical pull request gets a handful of findings, not one per file.
 */
export function changedFiles(count: number, linesPerFile: number, seed = 0): FileChangeInput[] {
  return Array.from({ length: count }, (_, i) => {
    const pkg = PACKAGES[(i >> 2) % PACKAGES.length];
    const module = `module${i >> 1}`;
    const filename =
      i % 4 === 3 ? `packages/${pkg}/src/${module}.test.ts` : `packages/${pkg}/src/${module}${i % 2 === 0 ? '' : 'Helpers'}.ts`;
    return { filename, status: 'modified' as const, patch: patchOf(linesPerFile, i * 31 + seed) };
  });
}
