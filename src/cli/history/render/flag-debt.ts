/** Flag debt in the HTML page: flags added and removed per week, flags in the code and stale ones over time. */
import type { TopLevelSpec } from 'vega-lite';
import type { FlagDebt } from '../model.js';
import { count, day } from './format.js';
import { chartBase, escapeHtml, renderSvg, weekAxis } from './svg.js';

const WIDTH = 470;
const HEIGHT = 180;
const weekBands = {
  ...weekAxis,
  type: 'ordinal',
  axis: { labelExpr: "timeFormat(toDate(datum.value + 'T00:00:00'), '%b %d')", labelAngle: 0, labelOverlap: true },
} as const;

export function flagDebtSpecs(debt: FlagDebt): { title: string; spec: TopLevelSpec }[] {
  // Removals below the axis, additions above: a week that cleans up more than it adds shows at a glance.
  const churn = debt.weeks.flatMap((w) => [
    { week: w.week, what: 'added', flags: w.added },
    { week: w.week, what: 'removed', flags: -w.removed },
  ]);
  const levels = debt.weeks.flatMap((w) => [
    { week: w.week, what: 'in the code', flags: w.inCode },
    { week: w.week, what: `stale (over ${debt.staleAfterDays} days)`, flags: w.stale },
  ]);
  return [
    {
      title: `Flags added and removed per week (${count(debt.added)} added, ${count(debt.removed)} removed)`,
      spec: {
        ...chartBase(WIDTH, HEIGHT),
        data: { values: churn },
        mark: { type: 'bar' },
        encoding: {
          x: weekBands,
          y: { field: 'flags', type: 'quantitative', title: 'flags', stack: 'zero' },
          color: {
            field: 'what',
            type: 'nominal',
            title: null,
            scale: { domain: ['added', 'removed'], range: ['#4c78a8', '#54a24b'] },
            legend: { orient: 'top' },
          },
        },
      },
    },
    {
      title: `Flags in the code and stale flags (${count(debt.flags)} and ${count(debt.stale)} now)`,
      spec: {
        ...chartBase(WIDTH, HEIGHT),
        data: { values: levels },
        mark: { type: 'line', point: true },
        encoding: {
          x: weekAxis,
          y: { field: 'flags', type: 'quantitative', title: 'flags' },
          color: {
            field: 'what',
            type: 'nominal',
            title: null,
            scale: { domain: ['in the code', `stale (over ${debt.staleAfterDays} days)`], range: ['#4c78a8', '#e45756'] },
            legend: { orient: 'top', labelLimit: 320 },
          },
        },
      },
    },
  ];
}

export async function renderFlagDebtSection(debt: FlagDebt): Promise<string> {
  const figures = await Promise.all(
    flagDebtSpecs(debt).map(
      async ({ title, spec }) => `<figure><figcaption>${escapeHtml(title)}</figcaption>${await renderSvg(spec)}</figure>`,
    ),
  );
  const oldest =
    debt.oldest.length > 0
      ? `<table><tr><th>oldest stale flags</th><th>days in the code</th><th>since</th><th>files</th><th>checked at</th></tr>${debt.oldest
          .map(
            (o) =>
              `<tr><td>${escapeHtml(o.key)}</td><td>${o.atLeast ? '≥ ' : ''}${count(o.ageDays)}</td><td>${escapeHtml(o.since ? day(o.since) : '–')}</td><td>${count(o.files)}</td><td>${escapeHtml(o.where)}</td></tr>`,
          )
          .join('')}</table>`
      : '';
  const removal =
    debt.medianDaysToRemoval === null
      ? ''
      : ` Flags removed in the window had been in the code ${count(debt.medianDaysToRemoval)} days (median).`;
  return `<h2>Flag debt</h2>
<p class="definition">A flag is in the code from the commit that brought its first check to the one that removed its last
(checks in test files apart), as <code>monoenv flags</code> reads them; stale when in the code for more than
${count(debt.staleAfterDays)} days (<code>flags.stale_after_days</code>; <code>flags.permanent</code> never is).${escapeHtml(removal)}</p>
<div class="charts">${figures.join('\n')}</div>
${oldest}`;
}
