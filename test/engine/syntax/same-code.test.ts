import { beforeAll, describe, expect, it } from '@jest/globals';
import { loadSyntax } from '../../../src/engine/syntax/load.js';
import type { Grammar, Syntax } from '../../../src/engine/syntax/index.js';
import { sameCodeModuloNames } from '../../../src/engine/syntax/same-code.js';

let syntax: Syntax;
beforeAll(async () => {
  syntax = await loadSyntax(['ruby', 'python', 'typescript', 'go']);
});

const same = (grammar: Grammar, base: string, head: string): boolean =>
  sameCodeModuloNames(syntax.parse(grammar, base)!, syntax.parse(grammar, head)!);

describe('sameCodeModuloNames', () => {
  it('keeps a local renamed everywhere it is used, and a reworded log line', () => {
    const base = ['def total(order)', '  sum = order.items + order.fees', '  Rails.logger.info("total computed")', '  sum', 'end'].join(
      '\n',
    );
    const head = [
      'def total(order)',
      '  amount = order.items + order.fees',
      '  Rails.logger.info("order total computed")',
      '  amount',
      'end',
    ].join('\n');
    expect(same('ruby', base, head)).toBe(true);
  });

  it('keeps a formatter re-wrap, comments and sorted imports', () => {
    const base = ["import { b } from './b';", "import { a } from './a';", 'export function f(x: number) { return a(x) + b(x); }'].join(
      '\n',
    );
    const head = [
      "import { a } from './a';",
      "import { b } from './b';",
      '// adds the two',
      'export function f(x: number) {',
      '  return a(x) + b(x);',
      '}',
    ].join('\n');
    expect(same('typescript', base, head)).toBe(true);
  });

  it('tells a use pointed at another name from a rename', () => {
    const base = ['def f(a, b):', '    c = a + b', '    return c'].join('\n');
    const head = ['def f(a, b):', '    c = a + b', '    return a'].join('\n');
    expect(same('python', base, head)).toBe(false);
  });

  it('tells a call of a different outside method from a rename', () => {
    const base = ['func Total(o Order) int {', '\treturn o.Sum()', '}'].join('\n');
    const head = ['func Total(o Order) int {', '\treturn o.SumWithFees()', '}'].join('\n');
    expect(same('go', base, head)).toBe(false);
  });

  it('reads a changed string outside a log call, or a changed number, as behaviour', () => {
    expect(same('python', 'if switch_is_active("new-search"):\n    run()', 'if switch_is_active("old-search"):\n    run()')).toBe(false);
    expect(same('python', 'LIMIT = 10', 'LIMIT = 20')).toBe(false);
  });
});
