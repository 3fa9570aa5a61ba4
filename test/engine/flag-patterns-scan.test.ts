/**
 * `risky.flag_patterns` in `FlagMatcher.scan`, the path the risky rule takes for a file's lines: user
 * patterns run once over the joined lines, and every match must land on its own line, at its own column,
 * with the key its first group captured.
 */
import { describe, expect, it } from '@jest/globals';
import { FlagMatcher, MAX_LINE_LENGTH } from '../../src/engine/flags/index.js';

const keysAndColumns = (checks: ReturnType<FlagMatcher['scan']>) => checks.map((line) => line?.map((c) => `${c.key}@${c.index} ${c.call}`));

describe('FlagMatcher.scan with risky.flag_patterns', () => {
  const team = new FlagMatcher({ flagPatterns: ['isRolledOut\\(\\s*"([^"]+)"', 'KILL_SWITCH_[A-Z_]+'] });

  it('places each match on its line and column, with the key of its first group or else the pattern', () => {
    const lines = [
      'const total = sum(items);',
      '  if (isRolledOut("new-search")) {',
      '    return search(v2);',
      '  }',
      'if (KILL_SWITCH_PAYMENTS) return;',
      'const both = isRolledOut( "a" ) && isRolledOut("b");',
    ];
    expect(keysAndColumns(team.scan(lines))).toEqual([
      undefined,
      ['new-search@6 risky.flag_patterns[0]'],
      undefined,
      undefined,
      ['KILL_SWITCH_[A-Z_]+@4 risky.flag_patterns[1]'],
      ['a@13 risky.flag_patterns[0]', 'b@35 risky.flag_patterns[0]'],
    ]);
  });

  it('agrees with `find`, line by line, where each line holds one check', () => {
    const lines = ['x = 1', '  if (isRolledOut("k1")) {', 'if (KILL_SWITCH_EXPORT) {', "  ld.variation('k2', ctx, false)", 'done()'];
    const scanned = team.scan(lines);
    lines.forEach((line, i) => expect(scanned[i] ?? []).toEqual(team.find(line)));
  });

  it('reads `{ content }` lines, as diff lines are given, and the built-in calls beside the patterns', () => {
    const lines = [{ content: 'if (ld.variation(\'k1\', ctx, false) && isRolledOut("k2")) {' }, { content: 'go();' }];
    expect(team.scan(lines)[0]?.map((c) => [c.key, c.sdk])).toEqual([
      ['k1', expect.not.stringMatching(/flag_patterns/)],
      ['k2', 'risky.flag_patterns'],
    ]);
  });

  it('anchors ^ and $ at line ends (multi-line mode), never across lines', () => {
    const anchored = new FlagMatcher({ flagPatterns: ['^\\s*when_enabled\\((\\w+)\\)$'] });
    const lines = ['when_enabled(a)', '  when_enabled(b)', 'x = when_enabled(c)', 'when_enabled(d) + 1', 'when_enabled(', 'e)'];
    expect(keysAndColumns(anchored.scan(lines))).toEqual([
      ['a@0 risky.flag_patterns[0]'],
      ['b@0 risky.flag_patterns[0]'],
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('does not look past the first 2,000 characters of a line', () => {
    const far = `${' '.repeat(MAX_LINE_LENGTH)}isRolledOut("late")`;
    const near = `isRolledOut("early")${' '.repeat(MAX_LINE_LENGTH)}`;
    expect(keysAndColumns(team.scan([far, near, 'isRolledOut("next")']))).toEqual([
      undefined,
      ['early@0 risky.flag_patterns[0]'],
      ['next@0 risky.flag_patterns[0]'],
    ]);
  });

  it('finds nothing in an empty list', () => {
    expect(team.scan([])).toEqual([]);
  });
});
