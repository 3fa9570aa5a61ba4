/** The inventory for people: stale flags first, then the rest, then what only tests check and what left. */
import { createColors } from 'picocolors';
import type { CheckSite, FlagEntry, FlagInventory } from './inventory.js';

const numberFormat = new Intl.NumberFormat('en-US');
const count = (n: number): string => numberFormat.format(n);

function where(checks: readonly CheckSite[], shown = 2): string {
  const sites = checks.slice(0, shown).map((c) => `${c.path}:${c.line}`);
  return checks.length > shown ? `${sites.join(', ')} (+${checks.length - shown})` : sites.join(', ');
}

function age(flag: FlagEntry): string {
  if (flag.ageDays === undefined) return '?';
  return `${flag.sinceAtLeast ? '≥' : ''}${count(flag.ageDays)} d`;
}

export function renderInventoryText(inventory: FlagInventory, options: { color: boolean; limit?: number }): string {
  const c = createColors(options.color);
  const out: string[] = [];
  const { flags } = inventory;
  out.push(
    c.bold(`monoenv flags · ${inventory.ref} (${inventory.commit.slice(0, 7)})`),
    `${count(flags.length)} ${flags.length === 1 ? 'flag' : 'flags'} checked in the code · ${c.bold(`${count(inventory.stale)} stale`)} (in the code for more than ${count(inventory.staleAfterDays)} days)`,
    '',
  );
  if (flags.length > 0) {
    const width = Math.min(40, Math.max(4, ...flags.map((f) => f.key.length + (f.literal ? 0 : 2))));
    out.push(c.dim(`  ${'flag'.padEnd(width)}  ${'age'.padStart(8)}  ${'since'.padEnd(10)}  files  where`));
    for (const flag of flags.slice(0, options.limit ?? flags.length)) {
      const name = flag.literal ? flag.key : `${flag.key} *`;
      const mark = flag.stale ? c.yellow('!') : flag.permanent ? c.dim('=') : ' ';
      const row = `${mark} ${name.padEnd(width)}  ${age(flag).padStart(8)}  ${(flag.since?.at.slice(0, 10) ?? '–').padEnd(10)}  ${String(flag.files).padStart(5)}  ${where(flag.checks)}`;
      out.push(flag.stale ? c.yellow(row) : row);
    }
    if (options.limit !== undefined && flags.length > options.limit)
      out.push(c.dim(`  … ${count(flags.length - options.limit)} more (--format json lists them all)`));
    const notes = ['! stale'];
    if (flags.some((f) => f.permanent)) notes.push('= permanent (flags.permanent)');
    if (flags.some((f) => !f.literal)) notes.push('* named by a constant or variable, not a literal key');
    out.push(c.dim(`  ${notes.join(' · ')}`));
  }
  if (inventory.testOnly.length > 0) {
    out.push('', c.bold('Checked only in tests') + c.dim(' (test setup for a flag the code no longer checks, or not yet)'));
    for (const flag of inventory.testOnly.slice(0, 20)) out.push(`  ${flag.key}  ${c.dim(where(flag.checks, 1))}`);
    if (inventory.testOnly.length > 20) out.push(c.dim(`  … ${count(inventory.testOnly.length - 20)} more`));
  }
  if (inventory.removed.length > 0) {
    out.push('', c.bold('Removed from the code') + c.dim(' (last check gone), most recent first'));
    for (const flag of inventory.removed.slice(0, 10)) {
      const days = Math.round((Date.parse(flag.to.at) - Date.parse(flag.from.at)) / 86_400_000);
      out.push(`  ${flag.key}  ${c.dim(`${flag.to.at.slice(0, 10)} (${flag.to.sha.slice(0, 7)}), after ${count(days)} days`)}`);
    }
    if (inventory.removed.length > 10) out.push(c.dim(`  … ${count(inventory.removed.length - 10)} more`));
  }
  const h = inventory.history;
  out.push(
    '',
    c.dim(
      `History: ${count(h.commits)} first-parent commits touch the files read${h.first ? `, from ${h.first.at.slice(0, 10)}` : ''}` +
        `${h.read < h.commits ? ` (${count(h.read)} read now, the rest from .git/monoenv)` : ''}.` +
        (h.shallow ? ' The clone is shallow: a "≥" age is at least that (git fetch --unshallow for the real one).' : ''),
    ),
  );
  return `${out.join('\n')}\n`;
}
