/** Reading a flag call's arguments by hand, in linear time, and the key an argument holds. */
import type { KeyForm } from './catalogue.js';
import { MAX_LINE_LENGTH } from './text.js';

/**
 * The arguments of a call starting at `from` (just after the name): `(a, b)` or Ruby's `name :a, b`.
 * Splits at top-level commas, skipping strings; reads up to two following lines when the list stays open.
 */
export function readArguments(
  line: string,
  from: number,
  next?: (offset: number) => string | undefined,
): { list: string[]; open: boolean } | undefined {
  let i = from;
  // Skip generic type arguments (`getValue<bool>(`) and whitespace.
  while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++;
  if (line[i] === '<') {
    const close = line.indexOf('>', i);
    if (close < 0 || close - i > 60) return undefined;
    i = close + 1;
  }
  let text = line;
  let parenthesised = true;
  if (line[i] !== '(') {
    // Ruby without parentheses: `Flipper.enabled? :x` / `feature? "x"`; needs a space then a literal.
    const ch = line[i];
    if (i === from || (ch !== ':' && ch !== '"' && ch !== "'")) return undefined;
    parenthesised = false;
    i -= 1;
  }
  const list: string[] = [];
  let depth = 0;
  let argStart = i + 1;
  let extra = 0;
  for (let pos = i + 1; ; pos++) {
    if (pos >= text.length) {
      if (!parenthesised) break;
      const more = extra < 3 ? next?.(++extra) : undefined;
      if (more === undefined) {
        const last = text.slice(argStart).trim();
        return { list: last ? [...list, last] : list, open: true };
      }
      text = `${text} ${more.length > MAX_LINE_LENGTH ? more.slice(0, MAX_LINE_LENGTH) : more}`;
    }
    const ch = text.charCodeAt(pos);
    if (ch === 34 || ch === 39 || ch === 96) {
      const end = text.indexOf(text[pos], pos + 1);
      pos = end < 0 ? text.length - 1 : end;
    } else if (ch === 40 || ch === 91 || ch === 123) depth++;
    else if (ch === 41 || ch === 93 || ch === 125) {
      if (depth === 0) {
        const last = text.slice(argStart, pos).trim();
        if (last || list.length > 0) list.push(last);
        return { list, open: false };
      }
      depth--;
    } else if (ch === 44 && depth === 0) {
      list.push(text.slice(argStart, pos).trim());
      argStart = pos + 1;
    } else if (!parenthesised && depth === 0 && ch === 59) break;
  }
  const last = text.slice(argStart).trim();
  if (last) list.push(last);
  return { list, open: false };
}

const STRING_KEY = /^(?:"([^"\\]*)"|'([^'\\]*)'|`([^`$\\]*)`)$/;
const SYMBOL_KEY = /^:([A-Za-z_]\w*[?!]?)$|^:"([^"]*)"$/;
/** The type or object a flag constant is read from: `Feature`, `FeatureFlag`, `Flags`, `Toggles`, `AppFeatures`. */
const FLAG_QUALIFIER = /(?:flags?|features?|toggles?)$/i;
const IDENTIFIER_KEY = /^[A-Za-z_$][\w$]*(?:(?:\.|::|->)[A-Za-z_$][\w$]*)*$/;

/** The key an argument holds, when it has one of the allowed forms. Keyword arguments (`flag_key: "x"`,
 * `key="x"`, Kotlin `flagKey = "x"`) are read by their value. */
export function keyOf(rawArg: string, forms: readonly KeyForm[]): string | undefined {
  let arg = rawArg;
  const keyword = /^[A-Za-z_]\w*\s*(?::(?!:)|=(?!=))\s*(.+)$/.exec(arg);
  if (keyword && !arg.startsWith(':')) arg = keyword[1].trim();
  if (forms.includes('string')) {
    const string = STRING_KEY.exec(arg);
    if (string) return string[1] ?? string[2] ?? string[3];
  }
  if (forms.includes('symbol')) {
    const symbol = SYMBOL_KEY.exec(arg);
    if (symbol) return symbol[1] ?? symbol[2];
  }
  const identifier = IDENTIFIER_KEY.test(arg);
  if (identifier && forms.includes('identifier') && !/^(?:true|false|nil|null|None|undefined)$/.test(arg)) return arg;
  if (identifier && forms.includes('flag-constant')) {
    const parts = arg.split(/\.|::|->/);
    if (parts.length >= 2 && FLAG_QUALIFIER.test(parts[parts.length - 2])) return arg;
  }
  if (identifier && forms.includes('constant')) {
    const last = arg.split(/\.|::|->/).pop()!;
    if (/^[A-Z]/.test(last) || arg.includes('.') || arg.includes('::')) return arg;
  }
  return undefined;
}

/**
 * The index just past the `)` closing the parenthesis at `open` on the line (strings skipped), or -1 when the
 * list does not close on the line.
 */
export function closingParen(line: string, open: number): number {
  let depth = 0;
  for (let pos = open; pos < line.length; pos++) {
    const ch = line.charCodeAt(pos);
    if (ch === 34 || ch === 39 || ch === 96) {
      const end = line.indexOf(line[pos], pos + 1);
      if (end < 0) return -1;
      pos = end;
    } else if (ch === 40) depth++;
    else if (ch === 41 && --depth === 0) return pos + 1;
  }
  return -1;
}

export function keyText(literal: string): string {
  if (literal.startsWith(':')) return literal.slice(1);
  return literal.slice(1, -1);
}
