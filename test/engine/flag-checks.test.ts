import { describe, expect, it } from '@jest/globals';
import { FlagMatcher } from '../../src/engine/flags/index.js';
import { loadSyntax } from '../../src/engine/syntax/load.js';
import { checksInText, inCode } from '../../src/engine/rules/flags/checks.js';

const matcher = new FlagMatcher({ flagCalls: ['useUiFlag', 'feature?'] });
const keys = (path: string, text: string, syntax?: Parameters<typeof checksInText>[4]) =>
  checksInText(path, text, matcher, [], syntax).map((u) => `${u.key}@${u.line}${u.literal ? '' : '*'}`);

describe('reading one line the way the history pass sees it', () => {
  it('tells code from strings, interpolations and line comments', () => {
    expect(inCode('  if ', 'js')).toBe(true);
    expect(inCode('  const s = "see ', 'js')).toBe(false);
    expect(inCode("  const s = 'it\\'s ", 'js')).toBe(false);
    expect(inCode('  className={`menu ${', 'js')).toBe(true);
    expect(inCode('  const s = `${a}` + "', 'js')).toBe(false);
    expect(inCode('  x(); // ', 'js')).toBe(false);
    expect(inCode('  "#{', 'ruby')).toBe(true);
    expect(inCode('  x # ', 'ruby')).toBe(false);
    expect(inCode('  url = "http://x" if ', 'python')).toBe(true);
  });
});

describe('checks in a whole file', () => {
  it('reads SDK calls, team helpers, constants and keys on the next line', () => {
    const text = [
      'const a = client.boolVariation("new-checkout", ctx, false);',
      'const b = useUiFlag(',
      "  'fresh_menu',",
      ');',
      // Not a check by itself: whether `flags` is a flags object only the whole file says.
      'if (flags.darkMode) render();',
      'if (unleash.isEnabled(Flags.NEW_SEARCH)) search();',
    ].join('\n');
    expect(keys('src/a.ts', text)).toEqual(['new-checkout@1', 'fresh_menu@2', 'Flags.NEW_SEARCH@6*']);
  });

  it('names no key for variables, definitions and parameter types', () => {
    const ruby = ['def feature?(name, user = nil)', '  Flipper.enabled?(name, user)', 'end', 'feature?(:real_one)'].join('\n');
    expect(keys('app/helpers/flags.rb', ruby)).toEqual(['real_one@4']);
    const ts = [
      'class Resolver {',
      '  isEnabled(expName: IFlagKey, context?: Context): boolean {',
      '    return this.client.isEnabled(feature.name, context);',
      '  }',
      '}',
    ].join('\n');
    expect(keys('src/resolver.ts', ts)).toEqual([]);
  });

  it('with a syntax tree, leaves out checks in block comments and strings that one line cannot tell', async () => {
    const syntax = await loadSyntax(['typescript']);
    const text = [
      '/*',
      " useUiFlag('in_a_comment')",
      '*/',
      'const doc = `',
      "  useUiFlag('in_a_string')",
      '`;',
      "const live = useUiFlag('live');",
      "const label = `${useUiFlag('interpolated') ? 'a' : 'b'}`;",
    ].join('\n');
    expect(keys('src/x.ts', text, syntax)).toEqual(['live@7', 'interpolated@8']);
    // Without the tree, lines inside a block comment or a multi-line string look like code.
    expect(keys('src/x.ts', text)).toEqual(['in_a_string@5', 'live@7', 'interpolated@8']);
  });
});
