import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { closestMatch, editDistance } from '../../src/config/suggest.js';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['', 'abc', 3],
    ['kitten', 'sitting', 3],
    ['warn_lnies', 'warn_lines', 1], // a swap of neighbours is one edit
    ['warnlines', 'warn_lines', 1],
    ['ca', 'abc', 3], // optimal string alignment: no edits inside a swapped pair
  ])('%j → %j is %d', (a, b, expected) => {
    expect(editDistance(a, b)).toBe(expected);
    expect(editDistance(b, a)).toBe(expected);
  });

  it('is zero exactly for equal strings and never more than the longer length', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        const d = editDistance(a, b);
        expect(d === 0).toBe(a === b);
        expect(d).toBeLessThanOrEqual(Math.max(a.length, b.length));
        expect(d).toBeGreaterThanOrEqual(Math.abs(a.length - b.length));
      }),
    );
  });
});

describe('closestMatch', () => {
  const sizeKeys = ['level', 'warn_lines', 'fail_lines', 'warn_files', 'fail_files', 'exclude', 'label'];

  it('finds the key a typo was meant to be', () => {
    expect(closestMatch('warn_lnies', sizeKeys)).toBe('warn_lines');
    expect(closestMatch('fail_line', sizeKeys)).toBe('fail_lines');
    expect(closestMatch('lable', sizeKeys)).toBe('label');
    expect(closestMatch('Exclude', sizeKeys)).toBe('exclude');
    expect(closestMatch('warn-files', sizeKeys)).toBe('warn_files');
  });

  it('suggests nothing for a word that is not near any key', () => {
    expect(closestMatch('size_limit', sizeKeys)).toBeUndefined();
    expect(closestMatch('x', ['mode'])).toBeUndefined();
  });
});

describe('closestMatch on shortened words', () => {
  it('completes a word that begins exactly one candidate', () => {
    expect(closestMatch('warn', ['off', 'notice', 'warning', 'error'])).toBe('warning');
    expect(closestMatch('err', ['off', 'notice', 'warning', 'error'])).toBe('error');
  });

  it('does not guess between several completions or from two letters', () => {
    expect(closestMatch('fail', ['fail_lines', 'fail_files'])).toBeUndefined();
    expect(closestMatch('of', ['off', 'often'])).toBe('off'); // one edit away, not a completion
  });
});
