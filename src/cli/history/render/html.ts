/**
 * One self-contained HTML page. Charts are drawn at report time by Vega-Lite (declarative specs) and Vega
 * (renders them to SVG in Node, no DOM or canvas needed), and inlined: the page loads nothing and runs no
 * script when viewed, so it can be mailed, archived as a CI artefact or opened offline.
 */
import type { TopLevelSpec } from 'vega-lite';
import { escapeHtml, renderSvg } from './svg.js';
import { renderDoraSection } from './dora.js';
import { renderWhatIfSection } from './whatif.js';
import { renderFlagDebtSection } from './flag-debt.js';
import { SIZE_CLASSES, type ReportData } from '../model.js';
import { configLine, count, day, decimal, heading, hours, lines, percent } from './format.js';

const SIZE_COLOURS = ['#1a9850', '#91cf60', '#d9ef8b', '#fee08b', '#fc8d59', '#d73027'];
const WIDTH = 470;
const HEIGHT = 200;

const weekAxis = { field: 'week', type: 'temporal', title: null, axis: { format: '%b %d', labelAngle: 0, tickCount: 8 } } as const;
/** Bars need a band per week: an ordinal axis on the week's Monday, labelled like the temporal ones. */
const weekBands = {
  field: 'week',
  type: 'ordinal',
  title: null,
  axis: { labelExpr: "timeFormat(toDate(datum.value + 'T00:00:00'), '%b %d')", labelAngle: 0, labelOverlap: true },
} as const;

export function chartSpecs(data: ReportData): { title: string; spec: TopLevelSpec }[] {
  const base = { width: WIDTH, height: HEIGHT, background: 'white', config: { font: 'system-ui, sans-serif', view: { stroke: null } } };
  const arrivals = data.weeks.flatMap((w) => [
    { week: w.week, how: 'pull request', changes: w.viaPullRequest },
    { week: w.week, how: 'direct push', changes: w.direct },
  ]);
  const sizes = data.weeks.flatMap((w) => SIZE_CLASSES.map((k, order) => ({ week: w.week, class: k, order, changes: w.sizeClasses[k] })));
  const medians = data.weeks.filter((w) => w.medianLines !== null).map((w) => ({ week: w.week, lines: w.medianLines }));
  const specs: { title: string; spec: TopLevelSpec }[] = [
    {
      title: 'Changes merged per week (deploy frequency)',
      spec: {
        ...base,
        data: { values: arrivals },
        mark: { type: 'bar' },
        encoding: {
          x: weekBands,
          y: { field: 'changes', type: 'quantitative', title: 'changes', stack: 'zero' },
          color: {
            field: 'how',
            type: 'nominal',
            title: null,
            scale: { domain: ['pull request', 'direct push'], range: ['#4c78a8', '#e45756'] },
            legend: { orient: 'top', labelLimit: 320 },
          },
        },
      },
    },
    {
      title: 'Size classes per week (share of changes)',
      spec: {
        ...base,
        data: { values: sizes },
        mark: { type: 'bar' },
        encoding: {
          x: weekBands,
          y: { field: 'changes', type: 'quantitative', stack: 'normalize', title: 'share', axis: { format: '%' } },
          color: {
            field: 'class',
            type: 'ordinal',
            title: null,
            scale: { domain: [...SIZE_CLASSES], range: SIZE_COLOURS },
            legend: { orient: 'top', direction: 'horizontal' },
          },
          order: { field: 'order', type: 'quantitative' },
        },
      },
    },
    {
      title: 'Median counted lines per change',
      spec: {
        ...base,
        data: { values: medians },
        mark: { type: 'line', point: true, color: '#4c78a8' },
        encoding: {
          x: weekAxis,
          y: { field: 'lines', type: 'quantitative', title: 'lines (median)' },
        },
      },
    },
  ];
  const shares = data.weeks.flatMap((w) => {
    const rows: { week: string; measure: string; share: number }[] = [];
    if (w.review && w.review.reviewed + w.review.unreviewed + w.direct > 0) {
      rows.push({
        week: w.week,
        measure: 'reviewed (valid approval)',
        share: w.review.reviewed / (w.review.reviewed + w.review.unreviewed + w.direct),
      });
    }
    if (w.needsTests > 0) rows.push({ week: w.week, measure: 'changes to source with tests', share: w.withTests / w.needsTests });
    return rows;
  });
  specs.push({
    title: data.review ? 'Review coverage and tests per week' : 'Changes to source with tests per week (review coverage needs --github)',
    spec: {
      ...base,
      data: { values: shares },
      mark: { type: 'line', point: true },
      encoding: {
        x: weekAxis,
        y: { field: 'share', type: 'quantitative', title: 'share', scale: { domain: [0, 1] }, axis: { format: '%' } },
        color: {
          field: 'measure',
          type: 'nominal',
          title: null,
          scale: data.review
            ? { domain: ['reviewed (valid approval)', 'changes to source with tests'], range: ['#54a24b', '#f58518'] }
            : { domain: ['changes to source with tests'], range: ['#f58518'] },
          legend: { orient: 'top', labelLimit: 320 },
        },
      },
    },
  });
  return specs;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;margin:0;background:#f6f8fa}
main{max-width:1160px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}
.sub{color:#59636e;margin:0 0 20px}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:12px;margin-bottom:20px}
.tile{background:#fff;border:1px solid #d1d9e0;border-radius:8px;padding:12px 14px}
.tile b{display:block;font-size:24px}
.tile span{color:#59636e;font-size:12px}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(560px,1fr));gap:12px}
figure{background:#fff;border:1px solid #d1d9e0;border-radius:8px;margin:0;padding:12px}
figcaption{font-weight:600;margin-bottom:6px}
figure svg{max-width:100%;height:auto}
table{border-collapse:collapse;background:#fff;width:100%;margin-top:20px;font-variant-numeric:tabular-nums}
th,td{border-bottom:1px solid #d1d9e0;padding:4px 8px;text-align:right}
th:first-child,td:first-child{text-align:left}
.missing{background:#fff8c5;border:1px solid #d4a72c;border-radius:8px;padding:8px 14px;margin-bottom:20px}
footer{color:#59636e;font-size:12px;margin-top:16px}
h2{font-size:18px;margin:28px 0 8px}
.definition{color:#59636e;font-size:13px;margin:4px 0 0}
.band{display:inline-block;border-radius:12px;padding:2px 10px;font-weight:600;color:#fff}
.band-elite{background:#1a7f37}.band-high{background:#4c78a8}.band-medium{background:#d4a72c}.band-low{background:#cf222e}
.summary{background:#fff;border:1px solid #d1d9e0;border-left:4px solid #4c78a8;border-radius:8px;padding:10px 14px;font-size:16px}
td.subject{text-align:left;max-width:520px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}`;

export async function renderHtml(data: ReportData): Promise<string> {
  const t = data.totals;
  const tiles: [string, string][] = [
    [`${decimal(t.changesPerWeek)}`, `changes per week (${count(t.changes)} in ${data.window.weeks} weeks)`],
    [lines(t.medianLines), 'median counted lines per change'],
    [
      percent(t.changes === 0 ? null : (t.sizeClasses.XS + t.sizeClasses.S + t.sizeClasses.M) / t.changes),
      'changes under 100 lines (XS–M)',
    ],
    [percent(t.testsShare), `changes to source with tests (of ${count(t.needsTests)})`],
    [percent(t.riskyUnflaggedShare), `risky changes without a flag (of ${count(t.riskyTouched)})`],
    [percent(t.changes === 0 ? null : t.direct / t.changes), `direct pushes (${count(t.direct)})`],
  ];
  if (data.flagDebt) {
    tiles.push([
      count(data.flagDebt.stale),
      `stale flags (of ${count(data.flagDebt.flags)} in the code; ${count(data.flagDebt.added)} added, ${count(data.flagDebt.removed)} removed)`,
    ]);
  }
  if (data.review) {
    tiles.push(
      [percent(data.review.coverage), 'review coverage (valid approval)'],
      [percent(data.review.unreviewedMergeRate), `unreviewed merges (${count(data.review.unreviewed)})`],
      [hours(data.review.medianHoursToMerge), 'median time from open to merge'],
    );
  }
  const charts = await Promise.all(
    chartSpecs(data).map(
      async ({ title, spec }) => `<figure><figcaption>${escapeHtml(title)}</figcaption>${await renderSvg(spec)}</figure>`,
    ),
  );
  const r = data.review;
  const weekRows = data.weeks
    .map((w) => {
      const cells = [
        w.week,
        count(w.changes),
        count(w.direct),
        lines(w.medianLines),
        ...SIZE_CLASSES.map((k) => count(w.sizeClasses[k])),
        w.needsTests === 0 ? '–' : percent(w.withTests / w.needsTests),
        w.riskyTouched === 0 ? '–' : `${w.riskyUnflagged}/${w.riskyTouched}`,
        ...(w.review
          ? [
              w.review.reviewed + w.review.unreviewed === 0 ? '–' : percent(w.review.reviewed / (w.review.reviewed + w.review.unreviewed)),
              hours(w.review.medianHoursToMerge),
            ]
          : []),
      ];
      return `<tr>${cells.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`;
    })
    .join('\n');
  const headers = [
    'week',
    'changes',
    'direct',
    'median lines',
    ...SIZE_CLASSES,
    'with tests',
    'risky unflagged',
    ...(r ? ['reviewed', 'time to merge'] : []),
  ];
  const reviewers =
    r && r.reviewers.length > 0
      ? `<table><tr><th>reviewer</th><th>pull requests reviewed</th><th>approvals that counted</th></tr>${r.reviewers
          .slice(0, 15)
          .map((l) => `<tr><td>${escapeHtml(l.login)}</td><td>${count(l.reviewed)}</td><td>${count(l.approved)}</td></tr>`)
          .join('')}</table>`
      : '';
  const missing =
    data.missing.length > 0
      ? `<div class="missing"><b>Missing or partial</b><ul>${data.missing.map((m) => `<li>${escapeHtml(m)}</li>`).join('')}</ul></div>`
      : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>monoenv report · ${escapeHtml(data.repository)}</title>
<style>${STYLE}</style>
</head>
<body><main>
<h1>monoenv report · ${escapeHtml(data.github ?? data.repository)}</h1>
<p class="sub">${escapeHtml(heading(data))}</p>
${missing}
<div class="tiles">${tiles.map(([value, label]) => `<div class="tile"><b>${escapeHtml(value)}</b><span>${escapeHtml(label)}</span></div>`).join('')}</div>
<div class="charts">${charts.join('\n')}</div>
${data.flagDebt ? await renderFlagDebtSection(data.flagDebt) : ''}
${data.whatIf ? await renderWhatIfSection(data.whatIf, data.window) : ''}
${data.dora ? await renderDoraSection(data.dora) : ''}
<table><tr>${headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>
${weekRows}
</table>
${reviewers}
<footer>${escapeHtml(configLine(data))}. Weeks start on Monday (UTC). Generated ${escapeHtml(day(data.generatedAt))} by monoenv.</footer>
</main></body>
</html>
`;
}
