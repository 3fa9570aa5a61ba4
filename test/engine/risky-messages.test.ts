import { describe, expect, it } from '@jest/globals';
import { readablePath } from '../../src/engine/rules/risky/messages.js';

const use = (name: string, at: string): string => `\`${name}\` is used at \`${at}\``;
const end = '`runFlagsCommand` exists before this change and already runs; nothing on the way from its start to this line checks a flag';

describe('risky messages: the path from a changed line to where it runs', () => {
  it('keeps a short path whole', () => {
    const why = [use('JS_EXPORT_LIST', 'src/symbols.ts:172'), use('classifyLine', 'src/flags/history.ts:133'), end].join(', and there ');
    expect(readablePath(why)).toBe(why);
  });

  it('shows the first two uses and the end of a long path, and counts the uses between', () => {
    const uses = [
      use('JS_EXPORT_LIST', 'src/symbols.ts:172'),
      use('classifyLine', 'src/flags/history.ts:133'),
      use('count', 'src/flags/history.ts:148'),
      use('endFile', 'src/flags/history.ts:99'),
      use('line', 'src/flags/inventory.ts:203'),
      use('site', 'src/flags/inventory.ts:206'),
      use('buildInventory', 'src/flags/command.ts:51'),
      use('inventoryOf', 'src/flags/command.ts:67'),
    ];
    const why = [...uses, end].join(', and there ');
    expect(readablePath(why)).toBe(`${uses[0]}, and there ${uses[1]}, and so on through 6 more uses, until ${end}`);
  });
});
