import { describe, expect, it } from '@jest/globals';
import { aggregate } from '../../../src/cli/history/aggregate.js';
import { renderHtml } from '../../../src/cli/history/render/html.js';
import { renderHistoryText } from '../../../src/cli/history/render/text.js';
import type { ChangeRecord } from '../../../src/cli/history/model.js';

const records: ChangeRecord[] = [
  {
    sha: 'a',
    committedAt: '2024-01-02T10:00:00Z',
    subject: 'x',
    author: 'dev',
    arrival: 'squash',
    pr: 1,
    kind: 'feature',
    sizeClass: 'S',
    lines: 12,
    files: 1,
    excludedLines: 0,
    needsTests: true,
    hasTests: true,
    riskyTouched: false,
    riskyUnflagged: false,
    config: 'file',
    authoredAt: '2024-01-02T09:00:00Z',
    hotfix: false,
    verdict: { conclusion: 'success', rules: {} },
  },
  {
    sha: 'b',
    committedAt: '2024-01-10T10:00:00Z',
    subject: '<script>alert(1)</script>',
    author: 'dev',
    arrival: 'direct',
    kind: 'feature',
    sizeClass: 'L',
    lines: 200,
    files: 3,
    excludedLines: 0,
    needsTests: true,
    hasTests: false,
    riskyTouched: true,
    riskyUnflagged: true,
    config: 'file',
    authoredAt: '2024-01-10T09:00:00Z',
    hotfix: false,
    verdict: { conclusion: 'failure', rules: { risky: 'error' } },
  },
];
const data = aggregate({
  repository: 'shop',
  generatedAt: '2024-02-01T00:00:00Z',
  since: new Date('2024-01-01T00:00:00Z'),
  until: new Date('2024-01-14T00:00:00Z'),
  records,
  history: { branch: 'main', head: 'abcdef1234', shallow: false, judged: 2, skipped: [] },
  config: { fromFile: 2, defaults: 0, invalid: 0, invalidVersions: [] },
  missing: ['review figures: GitHub request 1 failed (HTTP 502)'],
});

describe('renderers', () => {
  it('writes one self-contained page: four inline SVG charts, nothing loaded from the network, no script', async () => {
    const html = await renderHtml(data);
    expect(html.match(/<svg\b/g)).toHaveLength(4);
    expect(html).not.toMatch(/<script|\bsrc=|<link|https?:\/\/(?!www\.w3\.org)/);
    expect(html).toContain('Content-Security-Policy');
    expect(html).toContain('review figures: GitHub request 1 failed (HTTP 502)');
    expect(html).toContain('<td>2024-01-08</td><td>1</td><td>1</td><td>200</td>');
  });

  it('prints the terminal summary without colour when asked', () => {
    const text = renderHistoryText(data, { color: false });
    expect(text).not.toContain('\x1b[');
    expect(text).toContain('Changes       2 (1/week) · 1 via pull requests · 1 direct pushes');
    expect(text).toContain('Tests         50% of 2 changes to source came with tests');
    expect(text).toContain('Risky         1 of 1 risky changes without a feature flag (100%)');
    expect(text).toContain('- review figures: GitHub request 1 failed (HTTP 502)');
  });
});
