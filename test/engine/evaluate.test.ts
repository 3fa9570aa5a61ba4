import { describe, expect, it } from '@jest/globals';
import { evaluate } from '../../src/engine/evaluate.js';
import { makeChange } from '../../src/engine/change.js';
import { configSchema, DEFAULT_CONFIG } from '../../src/config/schema.js';

describe('evaluate', () => {
  it('records override labels present on the change', () => {
    const change = makeChange({ files: [], labels: ['no-tests-needed', 'other'] });
    const report = evaluate(change, DEFAULT_CONFIG);
    expect(report.overrides).toEqual([{ rule: 'tests', label: 'no-tests-needed' }]);
  });

  it('prefixes the title of a draft', () => {
    const report = evaluate(makeChange({ files: [], draft: true }), DEFAULT_CONFIG);
    expect(report.title.startsWith('Draft · ')).toBe(true);
  });

  it('carries the mode into the report', () => {
    const config = configSchema.parse({ mode: 'advise' });
    expect(evaluate(makeChange({ files: [] }), config).mode).toBe('advise');
  });
});
