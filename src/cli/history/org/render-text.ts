/** The organisation page in the terminal: one row per repository, those needing attention first. */
import { createColors } from 'picocolors';
import { count, day, decimal, hours, lines, percent } from '../render/format.js';
import type { OrgReportData } from './command.js';

const CONFIG_WORDS = { own: 'own', 'org default': 'org', none: 'none' } as const;

export function renderOrgText(data: OrgReportData, options: { color: boolean }): string {
  const c = createColors(options.color);
  const t = data.totals;
  const out = [
    c.bold(`monoenv report · organisation ${data.org}`),
    c.dim(
      `${day(data.window.since)} → ${day(data.window.until)} (${data.window.weeks} weeks) · ${count(t.repositories)} repositories · ${count(t.changes)} changes · ${count(t.unreviewedMerges)} unreviewed merges · ${count(t.directPushes)} direct pushes · ${count(t.riskyUnflagged)} risky without a flag`,
    ),
    '',
    c.bold(
      [
        'repository'.padEnd(28),
        'chg/wk',
        'median',
        '  tests',
        ' risky',
        ' unrev',
        ' direct',
        '  merge',
        'config'.padEnd(9),
        'trend',
        ' needs attention',
      ].join(' '),
    ),
  ];
  for (const r of data.repositories) {
    const config = `${CONFIG_WORDS[r.config.origin]}${r.config.valid ? '' : ' ✗'}`;
    const trend = r.trend.recent > r.trend.earlier * 1.2 ? '↑' : r.trend.recent < r.trend.earlier * 0.8 ? '↓' : '→';
    const cells = [
      r.name.slice(0, 28).padEnd(28),
      decimal(r.changesPerWeek).padStart(6),
      lines(r.medianLines).padStart(6),
      (r.needsTests === 0 ? '–' : percent(r.withTests / r.needsTests)).padStart(7),
      count(r.riskyUnflagged).padStart(6),
      count(r.unreviewedMerges).padStart(6),
      count(r.directPushes).padStart(7),
      hours(r.medianHoursToMerge).padStart(7),
      config.padEnd(9),
      trend.padStart(5),
      ` ${r.reasons.join(', ')}`,
    ];
    out.push(r.attention >= 1 ? c.yellow(cells.join(' ')) : cells.join(' '));
  }
  out.push(
    '',
    c.dim(
      `GitHub: ${count(data.cost.graphqlRequests)} GraphQL requests (${count(data.cost.graphqlPoints)} points), ${count(data.cost.restRequests)} REST requests; ${count(data.cost.fromCache)} repositories from the cache.`,
    ),
  );
  if (data.missing.length > 0) {
    out.push('', c.yellow(c.bold('Missing or partial')));
    for (const m of data.missing.slice(0, 20)) out.push(c.yellow(`- ${m}`));
  }
  return `${out.join('\n')}\n`;
}
