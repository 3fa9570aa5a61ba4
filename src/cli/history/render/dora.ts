/** The four DORA keys in the HTML page: each key's weekly trend with its definition beside it, and the band. */
import type { TopLevelSpec } from 'vega-lite';
import type { Band, DoraFigures } from '../model.js';
import { count, decimal, hours, percent } from './format.js';
import { chartBase, escapeHtml, renderSvg, weekAxis } from './svg.js';

const WIDTH = 470;
const HEIGHT = 160;

export const BAND_WORDS: Record<Band, string> = { elite: 'Elite', high: 'High', medium: 'Medium', low: 'Low' };

export const definitions = (dora: DoraFigures) => ({
  frequency: `Deployments that shipped per week, read from ${dora.sourceNote}. A deployment whose own status failed is not counted as shipped.`,
  leadTime:
    "From a change's first commit (its pull request's earliest commit, else the commit's author date) to the deployment that shipped it: the first one at or after it landed, or the one of a commit that contains it.",
  changeFailure: `Deployments that failed, over all deployments: its own status was failure or error, or a revert ("This reverts commit …" or a title read as a revert) or a hotfix (named so in its title or branch) landed within ${decimal(dora.failureWindowHours / 24)} days after it.`,
  restore: 'From a failed deployment to the next deployment that did not fail.',
});

function lineChart(values: { week: string; value: number }[], title: string, format?: string): TopLevelSpec {
  return {
    ...chartBase(WIDTH, HEIGHT),
    data: { values },
    mark: { type: 'line', point: true, color: '#4c78a8' },
    encoding: { x: weekAxis, y: { field: 'value', type: 'quantitative', title, ...(format ? { axis: { format } } : {}) } },
  };
}

export function doraSpecs(dora: DoraFigures): { key: keyof ReturnType<typeof definitions>; title: string; spec: TopLevelSpec }[] {
  const w = dora.weeks;
  return [
    {
      key: 'frequency',
      title: `Deployment frequency: ${decimal(dora.deploymentsPerWeek)} per week`,
      spec: {
        ...chartBase(WIDTH, HEIGHT),
        data: { values: w.map((x) => ({ week: x.week, value: x.deployments })) },
        mark: { type: 'bar', color: '#4c78a8' },
        encoding: {
          x: {
            ...weekAxis,
            type: 'ordinal',
            axis: { labelExpr: "timeFormat(toDate(datum.value + 'T00:00:00'), '%b %d')", labelAngle: 0, labelOverlap: true },
          },
          y: { field: 'value', type: 'quantitative', title: 'deployments' },
        },
      },
    },
    {
      key: 'leadTime',
      title: `Lead time for changes: median ${hours(dora.leadTime.medianHours)}`,
      spec: lineChart(
        w.filter((x) => x.medianLeadHours !== null).map((x) => ({ week: x.week, value: x.medianLeadHours! })),
        'hours (median)',
      ),
    },
    {
      key: 'changeFailure',
      title: `Change failure rate: ${percent(dora.changeFailure.rate)} (${count(dora.changeFailure.failed)} of ${count(dora.changeFailure.total)})`,
      spec: lineChart(
        w.filter((x) => x.total > 0).map((x) => ({ week: x.week, value: x.failed / x.total })),
        'failed share',
        '%',
      ),
    },
    {
      key: 'restore',
      title: `Time to restore: median ${hours(dora.restore.medianHours)}`,
      spec: lineChart(
        w.filter((x) => x.medianRestoreHours !== null).map((x) => ({ week: x.week, value: x.medianRestoreHours! })),
        'hours (median)',
      ),
    },
  ];
}

const band = (b: Band | null): string =>
  b === null ? '<span class="band" style="background:#8c959f">n/a</span>' : `<span class="band band-${b}">${BAND_WORDS[b]}</span>`;

export async function renderDoraSection(dora: DoraFigures): Promise<string> {
  const defs = definitions(dora);
  const bands = {
    frequency: dora.band.frequency,
    leadTime: dora.band.leadTime,
    changeFailure: dora.band.changeFailure,
    restore: dora.band.restore,
  };
  const figures = await Promise.all(
    doraSpecs(dora).map(
      async ({ key, title, spec }) =>
        `<figure><figcaption>${escapeHtml(title)} ${band(bands[key])}</figcaption>${await renderSvg(spec)}<p class="definition">${escapeHtml(defs[key])}</p></figure>`,
    ),
  );
  return `<h2>The four DORA keys ${band(dora.band.overall)}</h2>
<p class="definition">Band: the weakest of the four keys, by the software delivery performance clusters of the ${escapeHtml(dora.band.reference)}
(elite: on demand, under a day, 5 %, under an hour; high: daily to weekly, a day to a week, 10 %, under a day; medium: weekly to monthly,
a week to a month, 15 %, a day to a week; low: as medium for frequency and lead time, 64 %, a month to six months). Where the clusters
share a range, its end separates medium from low here; a change failure rate above 15 % or a recovery of a week or more is low. Deployments read from ${escapeHtml(dora.sourceNote)}.
${dora.leadTime.notDeployed > 0 ? `${count(dora.leadTime.notDeployed)} changes were not deployed by the end of the window.` : ''}</p>
<div class="charts">${figures.join('\n')}</div>`;
}
