import { describe, expect, it, jest } from '@jest/globals';
import { Parser } from 'web-tree-sitter';
import { evaluate } from '../../src/engine/evaluate.js';
import { configSchema } from '../../src/config/schema.js';
import { loadSyntax } from '../../src/engine/syntax/load.js';
import { changeFromFiles, type ChangeSpec } from '../../tools/judge/change-from-files.js';

const base = [
  "import { ledger } from './ledger';",
  '',
  'export async function settle(invoice: Invoice): Promise<void> {',
  '  await ledger.record(invoice.total);',
  '}',
  '',
].join('\n');
const head = [
  "import { ledger } from './ledger';",
  '',
  'export async function settle(invoice: Invoice): Promise<void> {',
  '  await ledger.record(invoice.total + fee(invoice));',
  '}',
  '',
].join('\n');

describe('evaluate', () => {
  it('parses each whole text once, however many of its steps read the tree', async () => {
    const syntax = await loadSyntax(['typescript']);
    const spec: ChangeSpec = { base: { 'src/billing/settle.ts': base }, head: { 'src/billing/settle.ts': head }, title: 'feat: a fee' };
    const change = changeFromFiles(spec);
    for (const file of change.files) file.text = { head: spec.head[file.path], base: spec.base[file.path] };
    const config = configSchema.parse({ risky: { paths: ['src/billing/**'] } });
    const parse = jest.spyOn(Parser.prototype, 'parse');
    try {
      const report = evaluate(change, config, { syntax });
      expect(report.findings.filter((f) => f.rule === 'risky').map((f) => [f.level, f.startLine])).toEqual([['error', 4]]);
      // The head and the base text, once each.
      expect(parse).toHaveBeenCalledTimes(2);
    } finally {
      parse.mockRestore();
    }
  });
});
