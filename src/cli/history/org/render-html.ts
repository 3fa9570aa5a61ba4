/**
 * The organisation page: a table with one row per repository (needing attention first) and small multiples
 * of each repository's weeks (reviewed, unreviewed and directly pushed changes), one Vega-Lite facet drawn
 * to SVG at report time. Self-contained, like the single-repository page: it loads nothing and runs no script.
 */
import type { TopLevelSpec } from 'vega-lite';
import { SIZE_CLASSES } from '../model.js';
import { count, day, decimal, hours, lines, percent } from '../render/format.js';
import { escapeHtml, renderSvg } from '../render/svg.js';
import type { OrgReportData } from './command.js';

export function smallMultiples(data: OrgReportData): TopLevelSpec {
  const values = data.repositories.flatMap((r) =>
    r.weeks.flatMap((w) => [
      { repository: r.name, week: w.week, how: 'reviewed', changes: w.reviewed },
      { repository: r.name, week: w.week, how: 'unreviewed', changes: w.unreviewed },
      { repository: r.name, week: w.week, how: 'direct push', changes: w.direct },
    ]),
  );
  return {
    data: { values },
    background: 'white',
    config: { font: 'system-ui, sans-serif', view: { stroke: '#d1d9e0' }, header: { labelFontSize: 11, labelFontWeight: 600 } },
    facet: { field: 'repository', type: 'nominal', title: null, sort: data.repositories.map((r) => r.name) },
    columns: 5,
    spec: {
      width: 170,
      height: 60,
      mark: { type: 'bar' },
      encoding: {
        x: { field: 'week', type: 'ordinal', title: null, axis: null },
        y: { field: 'changes', type: 'quantitative', title: null, axis: { tickCount: 2, grid: false } },
        color: {
          field: 'how',
          type: 'nominal',
          title: null,
          scale: { domain: ['reviewed', 'unreviewed', 'direct push'], range: ['#4c78a8', '#f58518', '#e45756'] },
          legend: { orient: 'top' },
        },
      },
    },
    resolve: { scale: { y: 'independent' } },
  };
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;margin:0;background:#f6f8fa}
main{max-width:1200px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px} h2{font-size:18px;margin:24px 0 8px}
.sub{color:#59636e;margin:0 0 16px}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;margin-bottom:16px}
.tile{background:#fff;border:1px solid #d1d9e0;border-radius:8px;padding:10px 14px}
.tile b{display:block;font-size:22px} .tile span{color:#59636e;font-size:12px}
table{border-collapse:collapse;background:#fff;width:100%;font-variant-numeric:tabular-nums;font-size:13px}
th,td{border-bottom:1px solid #d1d9e0;padding:4px 6px;text-align:right}
th:first-child,td:first-child,td.text,th.text{text-align:left}
tr.attention td:first-child{border-left:4px solid #d4a72c}
.bad{color:#cf222e;font-weight:600}
figure{background:#fff;border:1px solid #d1d9e0;border-radius:8px;margin:0;padding:12px;overflow-x:auto}
.note{color:#59636e;font-size:12px}
.missing{background:#fff8c5;border:1px solid #d4a72c;border-radius:8px;padding:8px 14px;margin-bottom:16px}`;

export async function renderOrgHtml(data: OrgReportData): Promise<string> {
  const t = data.totals;
  const tiles: [string, string][] = [
    [count(t.repositories), 'repositories'],
    [count(t.changes), `changes in ${data.window.weeks} weeks`],
    [count(t.unreviewedMerges), 'unreviewed merges'],
    [count(t.directPushes), 'direct pushes'],
    [count(t.riskyUnflagged), 'risky changes without a flag'],
    [`${count(t.withoutConfig)} / ${count(t.invalidConfig)}`, 'without configuration / invalid'],
  ];
  const rows = data.repositories
    .map((r) => {
      const trend = r.trend.recent > r.trend.earlier * 1.2 ? '↑' : r.trend.recent < r.trend.earlier * 0.8 ? '↓' : '→';
      const config = `${r.config.origin}${r.config.valid ? '' : ' (invalid)'}${r.config.extends ? ` (extends ${r.config.extends})` : ''}`;
      const name = r.url ? `<a href="${escapeHtml(r.url)}">${escapeHtml(r.name)}</a>` : escapeHtml(r.name);
      const cells = [
        decimal(r.changesPerWeek),
        lines(r.medianLines),
        SIZE_CLASSES.map((k) => r.sizeClasses[k]).join('·'),
        r.needsTests === 0 ? '–' : percent(r.withTests / r.needsTests),
        count(r.riskyUnflagged),
        count(r.unreviewedMerges),
        count(r.directPushes),
        hours(r.medianHoursToMerge),
      ];
      return `<tr${r.attention >= 1 ? ' class="attention"' : ''}><td>${name}</td>${cells.map((v) => `<td>${escapeHtml(v)}</td>`).join('')}<td class="text${r.config.valid ? '' : ' bad'}" title="${escapeHtml(r.config.errors.join('\n'))}">${escapeHtml(config)}</td><td>${trend} ${decimal(r.trend.recent)}/wk</td><td class="text">${escapeHtml(r.reasons.join(', '))}</td></tr>`;
    })
    .join('\n');
  const headers = [
    'repository',
    'changes / week',
    'median lines',
    'XS·S·M·L·XL·XXL',
    'with tests',
    'risky unflagged',
    'unreviewed merges',
    'direct pushes',
    'time to merge',
    'configuration',
    'trend',
    'needs attention',
  ];
  const missing =
    data.missing.length > 0
      ? `<div class="missing"><b>Missing or partial</b><ul>${data.missing
          .slice(0, 50)
          .map((m) => `<li>${escapeHtml(m)}</li>`)
          .join('')}</ul></div>`
      : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>monoenv report · ${escapeHtml(data.org)}</title>
<style>${STYLE}</style>
</head>
<body><main>
<h1>monoenv report · organisation ${escapeHtml(data.org)}</h1>
<p class="sub">${day(data.window.since)} → ${day(data.window.until)} (${data.window.weeks} weeks) · repositories that need attention first</p>
${missing}
<div class="tiles">${tiles.map(([v, l]) => `<div class="tile"><b>${escapeHtml(v)}</b><span>${escapeHtml(l)}</span></div>`).join('')}</div>
<table><tr>${headers.map((h, i) => `<th${i >= headers.length - 3 ? ' class="text"' : ''}>${escapeHtml(h)}</th>`).join('')}</tr>
${rows}
</table>
<h2>Changes per week</h2>
<figure>${await renderSvg(smallMultiples(data))}</figure>
<h2>How the figures are made without a clone</h2>
<ul class="note">${data.approximations.map((a) => `<li>${escapeHtml(a)}</li>`).join('')}</ul>
<p class="note">GitHub: ${count(data.cost.graphqlRequests)} GraphQL requests (${count(data.cost.graphqlPoints)} points), ${count(data.cost.restRequests)} REST requests; ${count(data.cost.fromCache)} repositories from the cache. Generated ${escapeHtml(day(data.generatedAt))} by monoenv.</p>
</main></body>
</html>
`;
}
