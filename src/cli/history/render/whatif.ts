/** The what-if section of the HTML page: the one-line answer, per rule and level, per week, and the worst offenders. */
import type { TopLevelSpec } from 'vega-lite';
import type { Offender, WhatIf } from '../model.js';
import { WHAT_IF_RULES } from '../whatif.js';
import { count, day, percent } from './format.js';
import { chartBase, escapeHtml, renderSvg } from './svg.js';

function weeklySpec(whatIf: WhatIf): TopLevelSpec {
  const values = [
    ...whatIf.current.weeks.map((w) => ({ week: w.week, policy: 'in force', failed: w.changes === 0 ? 0 : w.failed / w.changes })),
    ...whatIf.proposed.weeks.map((w) => ({ week: w.week, policy: 'proposed', failed: w.changes === 0 ? 0 : w.failed / w.changes })),
  ];
  return {
    ...chartBase(960, 180),
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      x: {
        field: 'week',
        type: 'ordinal',
        title: null,
        axis: { labelExpr: "timeFormat(toDate(datum.value + 'T00:00:00'), '%b %d')", labelAngle: 0, labelOverlap: true },
      },
      xOffset: { field: 'policy' },
      y: { field: 'failed', type: 'quantitative', title: 'changes that would have failed', axis: { format: '%' } },
      color: {
        field: 'policy',
        type: 'nominal',
        title: null,
        scale: { domain: ['in force', 'proposed'], range: ['#8c959f', '#cf222e'] },
        legend: { orient: 'top' },
      },
    },
  };
}

const link = (o: Offender): string => {
  const label = o.pr !== undefined ? `#${o.pr}` : o.sha.slice(0, 7);
  return o.url ? `<a href="${escapeHtml(o.url)}">${escapeHtml(label)}</a>` : escapeHtml(label);
};

export async function renderWhatIfSection(whatIf: WhatIf, window: { since: string; until: string }): Promise<string> {
  const rules = WHAT_IF_RULES.filter((r) => r !== 'review' || whatIf.reviewJudged);
  const rows = rules
    .map((rule) => {
      const cells = (['error', 'warning'] as const).flatMap((level) => [
        whatIf.current.byRule[rule][level],
        whatIf.proposed.byRule[rule][level],
      ]);
      return `<tr><td>${rule}</td>${cells.map((n) => `<td>${count(n)}</td>`).join('')}</tr>`;
    })
    .join('');
  const worst = rules
    .filter((rule) => whatIf.worst[rule].length > 0)
    .map(
      (rule) =>
        `<h3>${rule}: the ${whatIf.worst[rule].length} worst under the proposal</h3><table><tr><th>change</th><th>level</th><th>lines</th><th>landed</th><th>subject</th></tr>${whatIf.worst[
          rule
        ]
          .map(
            (o) =>
              `<tr><td>${link(o)}</td><td>${o.level}${o.newUnderProposal ? ' (new)' : ''}</td><td>${count(o.lines)}</td><td>${day(o.committedAt)}</td><td class="subject">${escapeHtml(o.subject)}</td></tr>`,
          )
          .join('')}</table>`,
    )
    .join('\n');
  return `<h2>What if: ${escapeHtml(whatIf.proposedFile)}</h2>
<p class="summary">${escapeHtml(whatIf.summary.charAt(0).toUpperCase() + whatIf.summary.slice(1))}.</p>
<p class="definition">Every change that landed between ${day(window.since)} and ${day(window.until)} judged by the same engine as the App, once with the
configuration in force at its base and once with ${escapeHtml(whatIf.proposedFile)}. A change fails when a rule has an error finding in mode enforce.
${whatIf.reviewJudged ? 'Review: pull requests merged without their approvals and direct pushes, as the merge and push audits judge them.' : 'The review rule needs --github and is left out.'}
Failed: ${percent(whatIf.current.failedShare)} in force, ${percent(whatIf.proposed.failedShare)} proposed, of ${count(whatIf.changes)} changes.</p>
<table><tr><th>rule</th><th>errors (in force)</th><th>errors (proposed)</th><th>warnings (in force)</th><th>warnings (proposed)</th></tr>${rows}</table>
<figure style="margin-top:12px"><figcaption>Share of changes that would have failed, per week</figcaption>${await renderSvg(weeklySpec(whatIf))}</figure>
${worst}`;
}
