/**
 * The flag checks in a file's text: the risky rule's matcher (its catalogue of SDK calls, `risky.flag_calls`
 * and `risky.flag_patterns`) over every line, with checks in comments and strings left out. Where a grammar
 * reads the file, the syntax tree says what is a comment or a string; elsewhere (templates, languages
 * without a grammar) a line that is a comment is left out, as the risky rule's line reading says.
 */
import type { FlagCheck, FlagMatcher } from '../../flags/index.js';
import { classifyLine, languageOf, newClassifierState, type Language } from '../../symbols.js';
import { grammarOf, nodeAt, type Syntax, type SyntaxNode } from '../../syntax/index.js';

/** One check of a flag key on a line. */
export interface FlagUse {
  key: string;
  /** One-based line of the call. */
  line: number;
  /** The call as written (`isEnabled`, `Flipper.enabled?`, `useUiFlag`, `{% flag %}`). */
  call: string;
  sdk: string;
  /** The key is written at the call (a string or a symbol), not passed in a constant or variable. */
  literal: boolean;
}

/** Nodes whose text is not code: a call name found inside one is not a call. */
const NOT_CODE =
  /comment|^(?:string|string_fragment|string_content|template_string|interpreted_string_literal|raw_string_literal|string_literal|heredoc_body|heredoc_content|encapsed_string|quoted_content|character_literal)$/;
/** Nodes whose `name` is what they define (a method or function of that name, not a call to it). */
const DEFINITION = /definition|declaration|signature|^method$|^function|^singleton_method$/;

/** Whether the name at `offset` is code and not the name of a definition, as the syntax tree says. */
function isCall(root: SyntaxNode, offset: number): boolean {
  const node = nodeAt(root, offset);
  if (NOT_CODE.test(node.type)) return false;
  return !(node.field === 'name' && node.parent !== undefined && DEFINITION.test(node.parent.type));
}

/** Whether the key is written where the call is (`"k"`, `'k'`, `` `k` ``, `:k`), in this line or the next two. */
function writtenLiterally(text: string, key: string): boolean {
  if (text.includes(`"${key}"`) || text.includes(`'${key}'`) || text.includes(`\`${key}\``)) return true;
  // A Ruby symbol, not a type annotation (`name:Key`) or a scope (`Flags::KEY`).
  return new RegExp(`(?:^|[^\\w:]):${escapeRegExp(key)}(?![\\w?!])`).test(text);
}

/** A definition of the call, not a call: `def feature?(name)`, `function isEnabled(`, `func IsEnabled(`. */
const DEFINED_BEFORE = /(?:^|[\s(])(?:def|function|func|fun)\s+(?:[\w$]+\.)?$/;

/**
 * Whether the end of `before` (a line up to a call) is code, not inside a string or after a line comment
 * opened on the same line. Where the syntax tree is at hand it says so itself; this reads one line, as the
 * history pass sees lines.
 */
export function inCode(before: string, lang: Language): boolean {
  let quote = 0;
  // Quotes of the strings whose interpolation (`${…}`, Ruby's `#{…}`) the reading is in, innermost last.
  const outer: number[] = [];
  const hashComments = lang === 'python' || lang === 'ruby' || lang === 'php' || lang === 'other';
  for (let i = 0; i < before.length; i++) {
    const c = before.charCodeAt(i);
    if (quote !== 0) {
      if (c === 92 /* \\ */) i++;
      else if (c === quote) quote = 0;
      else if (
        before.charCodeAt(i + 1) === 123 /* { */ &&
        ((c === 36 /* $ */ && quote === 96) || (c === 35 /* # */ && quote === 34 && lang === 'ruby'))
      ) {
        outer.push(quote);
        quote = 0;
        i++;
      }
    } else if (c === 125 /* } */ && outer.length > 0) quote = outer.pop()!;
    else if (c === 34 || c === 39 || c === 96) quote = c;
    else if (c === 47 /* / */ && before.charCodeAt(i + 1) === 47 && lang !== 'python' && lang !== 'ruby') return false;
    else if (c === 35 /* # */ && hashComments && before.charCodeAt(i + 1) !== 123 /* #{ */) return false;
  }
  return quote === 0;
}

/** Where a check sits: the text from its line on (three lines, for keys on the next ones) and its column. */
export interface CheckContext {
  text: string;
  /** The line up to the call. */
  before: string;
  lang: Language;
}

/**
 * The key a check names, or undefined when it names none: `useFlags()` reads every flag (`*`); a
 * `risky.flag_patterns` entry without a capture group recognises a check without saying its key; a
 * lower-case variable (`feature?(name)` in the helper that passes its argument on) holds some key, not one;
 * and a definition (`def feature?(name)`, a parameter's type `isEnabled(name: FlagName)`) checks nothing.
 * Constants (`Flags.NEW_CHECKOUT`, `featuremgmt.FlagNewSearch`, `NEW_CHECKOUT`) name one, as written.
 */
export function keyOfCheck(
  check: FlagCheck,
  patterns: readonly string[],
  context: CheckContext,
): { key: string; literal: boolean } | undefined {
  const key = check.key;
  if (key === '*' || key.trim() === '') return undefined;
  if (check.sdk === 'risky.flag_patterns') {
    const index = patterns.indexOf(key);
    if (index >= 0 && check.call === `risky.flag_patterns[${index}]`) return undefined;
    return { key, literal: true };
  }
  if (DEFINED_BEFORE.test(context.before) || !inCode(context.before, context.lang)) return undefined;
  if (writtenLiterally(context.text, key)) return { key, literal: true };
  const last = key.split(/\.|::|->/).pop()!;
  if (!/^[A-Z]/.test(last)) return undefined;
  // `name: Key` in TypeScript, Java-like or Kotlin code is a parameter's type: the line defines the call.
  if ((context.lang === 'js' || context.lang === 'java') && new RegExp(`[\\w$]\\??\\s*:\\s*${escapeRegExp(key)}\\b`).test(context.text))
    return undefined;
  return { key, literal: false };
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function checksInText(path: string, text: string, matcher: FlagMatcher, patterns: readonly string[], syntax?: Syntax): FlagUse[] {
  const lines = text.split('\n');
  const found = matcher.scan(lines);
  let any = false;
  for (const checks of found) if (checks !== undefined) any = true;
  if (!any) return [];
  const grammar = grammarOf(path);
  const tree = grammar !== undefined && syntax?.has(grammar) ? syntax.parse(grammar, text) : undefined;
  const lang = languageOf(path);
  const starts: number[] = [];
  if (tree) for (let i = 0, offset = 0; i < lines.length; offset += lines[i].length + 1, i++) starts.push(offset);
  const uses: FlagUse[] = [];
  // Without a tree, comment lines are told by the risky rule's line reading, carried through the file.
  const state = newClassifierState();
  for (let i = 0; i < found.length; i++) {
    const comment = !tree && classifyLine(lang, lines[i], state) === 'comment';
    const checks = found[i];
    if (checks === undefined || comment) continue;
    const text = lines.slice(i, i + 3).join('\n');
    for (const check of checks) {
      const named = keyOfCheck(check, patterns, { text, before: lines[i].slice(0, check.index), lang });
      if (named === undefined) continue;
      if (tree && !isCall(tree.root, starts[i] + check.index)) continue;
      uses.push({ key: named.key, line: i + 1, call: check.call, sdk: check.sdk, literal: named.literal });
    }
  }
  return uses;
}
