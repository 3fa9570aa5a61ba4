/** Vega-Lite specs drawn to SVG in Node (no DOM or canvas), and the escaping every HTML renderer shares. */
import { View, parse } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

/** Renders a Vega-Lite spec to an SVG string. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Weeks on a time axis, labelled by their Monday. */
export const weekAxis = { field: 'week', type: 'temporal', title: null, axis: { format: '%b %d', labelAngle: 0, tickCount: 8 } } as const;

export const chartBase = (width: number, height: number) =>
  ({ width, height, background: 'white', config: { font: 'system-ui, sans-serif', view: { stroke: null } } }) as const;
