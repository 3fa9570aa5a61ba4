/** Character-level helpers shared by the flag matcher and its argument reader. */

/** Lines longer than this are cut before matching (minified or generated code). */
export const MAX_LINE_LENGTH = 2000;

/** [A-Za-z0-9_$] */
export function isIdentifierCode(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95 || code === 36;
}

/** Length of a `.`, `::` or `->` separator ending at `at` (0 when none). */
export function separatorBefore(line: string, at: number): number {
  if (line[at - 1] === '.') return 1;
  if ((line[at - 1] === ':' && line[at - 2] === ':') || (line[at - 1] === '>' && line[at - 2] === '-')) return 2;
  return 0;
}

export function separatorAfter(line: string, at: number): number {
  if (line[at] === '.') return 1;
  if ((line[at] === ':' && line[at + 1] === ':') || (line[at] === '-' && line[at + 1] === '>')) return 2;
  return 0;
}

export const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
