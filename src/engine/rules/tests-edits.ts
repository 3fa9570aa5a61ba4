/**
 * Shapes of a file's edit that tell a reviewer whether it needs a test of its own, read from the patch's
 * tokens (no grammar: a hunk is a fragment, and these shapes show in the tokens of the changed lines):
 * - an edit that only takes code away (`validates :code, presence: true, uniqueness: …` → `validates :code,
 *   presence: true`): deleted behaviour needs no new test;
 * - an edit that regroups an expression (`a ?? 0 + b ?? 0` → `(a ?? 0) + (b ?? 0)`): the same tokens
 *   evaluate differently, which is a behaviour change, where a formatter's parentheses
 *   (`a && b || c` → `(a && b) || c`) change nothing.
 */
import type { ChangedFile } from '../change.js';
import { classifyLine, languageOf, newClassifierState, type Language } from '../symbols.js';

/** Lines past this length (minified, generated) are not read token by token. */
const LONG_LINE = 2000;

// A Ruby predicate or bang name keeps its `?`/`!`; JavaScript's `a?.b`, `a ?? b` and `a!.b` do not.
const TOKEN =
  /[A-Za-z_$][\w$]*(?:[?!](?![.?=(!]))?|\d[\w.]*|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`|\?\?=?|\?\.|\*\*|&&|\|\||<=>|[=!]==?|[<>]=?|<<|>>|->|=>|::|\S/g;

export function tokens(text: string): string[] {
  return text.length > LONG_LINE ? [text] : (text.match(TOKEN) ?? []);
}

const isWord = (token: string): boolean => /^[\w$"'`]/.test(token);

/** One hunk's changed code lines on each side, comments and blank lines left out. */
interface HunkSides {
  removed: string[];
  added: string[];
}

function sidesOf(file: ChangedFile): HunkSides[] {
  const lang = languageOf(file.path);
  const oldState = newClassifierState();
  const newState = newClassifierState();
  const sides: HunkSides[] = [];
  for (const hunk of file.hunks) {
    const side: HunkSides = { removed: [], added: [] };
    for (const line of hunk.lines) {
      const old = line.type !== 'add' ? classifyLine(lang, line.content, oldState) : undefined;
      const now = line.type !== 'del' ? classifyLine(lang, line.content, newState) : undefined;
      if (line.type === 'del' && old !== 'blank' && old !== 'comment') side.removed.push(line.content);
      if (line.type === 'add' && now !== 'blank' && now !== 'comment') side.added.push(line.content);
    }
    sides.push(side);
  }
  return sides;
}

/** `short` is `long` with some tokens taken out, at least one of them a name or a value (not a lone `!`). */
function takesAway(long: readonly string[], short: readonly string[]): boolean {
  if (short.length >= long.length) return false;
  let i = 0;
  let droppedWord = false;
  for (const token of long) {
    if (i < short.length && token === short[i]) i++;
    else if (isWord(token)) droppedWord = true;
  }
  return i === short.length && droppedWord;
}

/**
 * Every added code line of the file is a removed line of its hunk with parts taken out (an argument, an
 * option, a list item), and something was removed: the edit deletes behaviour and adds none.
 */
export function onlyTakesAway(file: ChangedFile): boolean {
  if (file.patchMissing || file.binary || file.hunks.length === 0) return false;
  let removedAny = false;
  for (const { removed, added } of sidesOf(file)) {
    if (removed.length > 0) removedAny = true;
    const unused = removed.map(tokens);
    for (const line of added) {
      const short = tokens(line);
      const match = unused.findIndex((long) => takesAway(long, short));
      if (match === -1) return false;
      unused.splice(match, 1);
    }
  }
  return removedAny;
}

/**
 * Binding strength of binary operators, weakest first, as C-like languages, Python and Ruby rank them
 * (`??` and `||` share JavaScript's level). Only the order matters.
 */
const BINDING: Record<string, number> = {
  '?': 1,
  ':': 1,
  or: 2,
  '||': 2,
  '??': 2,
  and: 3,
  '&&': 3,
  '|': 4,
  '^': 5,
  '&': 6,
  '==': 7,
  '!=': 7,
  '===': 7,
  '!==': 7,
  '<': 8,
  '>': 8,
  '<=': 8,
  '>=': 8,
  in: 8,
  '<<': 9,
  '>>': 9,
  '+': 10,
  '-': 10,
  '*': 11,
  '/': 11,
  '%': 11,
  '**': 12,
};

/** An open bracket: a grouping `(`, or a call's, an index's or a literal's bracket, whose operators are its own. */
interface Open {
  start: number;
  grouping: boolean;
  /** The weakest binary operator at its own depth. */
  inner: number;
  before: string | undefined;
}

/**
 * The grouping parentheses that decide how the expression evaluates (a weaker operator inside than beside
 * them), as spans of the tokens without parentheses, so both sides of an edit compare.
 */
function decidingGroups(line: readonly string[], lang: Language): string[] {
  const bare: string[] = [];
  const open: Open[] = [];
  const deciding: string[] = [];
  let previous: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const token = line[i];
    if (token === '(' || token === '[' || token === '{') {
      // `name(`, `)(`, `](`: a call; after a keyword (`if (`, `return (`) or an operator, a grouping.
      const call = previous !== undefined && (/^[\w$]/.test(previous) || previous === ')' || previous === ']') && !KEYWORDS.has(previous);
      open.push({ start: bare.length, grouping: token === '(' && !call, inner: Infinity, before: previous });
    } else if ((token === ')' || token === ']' || token === '}') && open.length > 0) {
      const group = open.pop()!;
      const outer = Math.max(strength(group.before, lang), strength(line[i + 1], lang));
      if (group.grouping && group.inner < outer) deciding.push(`${group.start}-${bare.length}`);
    } else {
      const binding = strength(token, lang);
      if (binding > 0 && open.length > 0 && !(previous === undefined || previous === '(' || BINDING[previous] !== undefined)) {
        const top = open[open.length - 1];
        top.inner = Math.min(top.inner, binding);
      }
      bare.push(token);
    }
    previous = token;
  }
  return deciding;
}

const KEYWORDS = new Set(['if', 'while', 'for', 'return', 'switch', 'elif', 'unless', 'until', 'when', 'case', 'and', 'or', 'not', 'in']);

function strength(token: string | undefined, lang: Language): number {
  if (token === undefined) return 0;
  // `and`/`or` are operators in Python and Ruby only; `:` is a ternary's only in C-like code.
  if ((token === 'and' || token === 'or' || token === 'in') && lang !== 'python' && lang !== 'ruby') return 0;
  if (token === ':' && lang !== 'js' && lang !== 'java' && lang !== 'php') return 0;
  return BINDING[token] ?? 0;
}

/**
 * The file holds an edit whose tokens, parentheses aside, stay the same while the parentheses that decide
 * the evaluation change: `a ?? 0 + b ?? 0` → `(a ?? 0) + (b ?? 0)`. Parentheses a formatter adds around
 * what already binds tighter are not a regrouping.
 */
export function regroups(file: ChangedFile): boolean {
  if (file.patchMissing || file.binary) return false;
  const lang = languageOf(file.path);
  for (const { removed, added } of sidesOf(file)) {
    if (removed.length === 0 || added.length === 0) continue;
    const before = tokens(removed.join(' '));
    const after = tokens(added.join(' '));
    const withoutParens = (list: string[]) => list.filter((t) => t !== '(' && t !== ')').join(' ');
    if (withoutParens(before) !== withoutParens(after)) continue;
    if (decidingGroups(before, lang).join() !== decidingGroups(after, lang).join()) return true;
  }
  return false;
}
