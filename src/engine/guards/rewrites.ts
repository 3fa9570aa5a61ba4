/**
 * Changed lines that keep or only pass on what was there, read against the words of the lines the change
 * deletes from the same file: the old behaviour kept on the path a new flag check leaves to it, a flag's value
 * handed on to a call or a field, an expression re-wrapped over more lines.
 */
import type { FlagCheck } from '../flags/index.js';
import { field, walk, type SyntaxNode } from '../syntax/index.js';
import type { FlagFlow, Implication, SourceFile } from './flow.js';
import { statementOf } from './guard.js';
import { calleeName, conditionalOf, isCall, isFunction, isIdentifier, statementsOf, text } from './nodes.js';

/** Words that carry no behaviour of their own, left out when comparing a line with deleted ones. */
const KEYWORDS = new Set(
  'if else elif elsif unless then end do return await async let const var and or not in is of true false nil null undefined None True False this self new'.split(
    ' ',
  ),
);

/** The names, keys and numbers of a line. */
export function wordsOf(line: string): string[] {
  return (line.match(/[A-Za-z_$][\w$]*[?!]?|\d+/g) ?? []).filter((w) => !KEYWORDS.has(w));
}

/**
 * A line in a branch of a conditional that checks a flag, saying only what the deleted lines said (every word
 * of it is one of theirs): the old behaviour, kept on the path the new check leaves to it
 * (`if (flag && v2) { new } else { old, re-indented }`).
 */
export function keptUnderCheck(file: SourceFile, anchor: SyntaxNode, row: string, deleted: ReadonlySet<string>): string | undefined {
  if (deleted.size === 0) return undefined;
  let check: FlagCheck | undefined;
  for (let a = anchor.parent; a && !isFunction(a); a = a.parent) {
    const conditional = conditionalOf(a);
    if (!conditional) continue;
    walk(conditional.condition, (n) => {
      if (check) return false;
      check = file.checks.get(n);
    });
    if (check) break;
  }
  if (!check || !wordsOf(row).every((w) => deleted.has(w))) return undefined;
  return `it keeps what the deleted lines did, on the path the new check of \`${check.key}\` leaves to them`;
}

const PAIRS = new Set(['pair', 'keyed_element', 'keyword_argument', 'literal_element']);
const MEMBERS = new Set(['member_expression', 'selector_expression', 'attribute', 'field_access', 'navigation_expression', 'call']);

/**
 * Code that differs from the deleted lines only by a flag's value passed on (`WithThrottler(enabled, …)` for
 * `WithThrottler(…)`, `ThrottlingEnabled: q.throttlingEnabled`): what it does with the value is judged where
 * the value is tested. Keys of a literal's entries are labels, not behaviour.
 */
export function passesFlagValue(
  flow: FlagFlow,
  file: SourceFile,
  anchor: SyntaxNode,
  row: string,
  deleted: ReadonlySet<string>,
): string | undefined {
  if (anchor.endRow - anchor.startRow > 8) return undefined;
  // A line continuing an expression begun above, saying only what the deleted lines said: re-wrapped, and
  // judged with the line that begins the expression.
  const continues = anchor.parent !== undefined && anchor.parent.startRow < anchor.startRow && statementOf(anchor) !== anchor;
  if (continues && wordsOf(row).every((w) => deleted.has(w))) return 'it only re-wraps what the deleted lines said';
  let via: string | undefined;
  let open = false;
  walk(anchor, (n) => {
    if (open || isFunction(n)) return false;
    if (!isIdentifier(n) && n.type !== 'property_identifier' && n.type !== 'field_identifier') return;
    const word = text(file.tree, n);
    if (deleted.has(word) || n.field === 'key' || (n.parent && PAIRS.has(n.parent.type) && n.parent.children[0] === n)) return;
    // The value the new name stands for: the member expression it ends, or the name itself.
    const value = n.parent && MEMBERS.has(n.parent.type) && n.field !== 'object' && n.field !== 'operand' ? n.parent : n;
    const from = flow.derivedVia(file, value) ?? flow.imply(file, value, true)?.via;
    if (from) via ??= from;
    else open = true;
  });
  return via && !open ? `it only passes on a flag's value, ${via}` : undefined;
}

const RETURNS = new Set(['return', 'return_statement']);

/**
 * A function that hands back its argument unchanged unless a flag is on: its first statement is a guard
 * clause returning a parameter (`return items unless paid_only?`, `if (!on) return items;`). Returns the
 * implication's description (`\`paid_only?\` …`) or undefined.
 */
export function returnsArgumentUnlessOn(
  file: SourceFile,
  def: SyntaxNode,
  guardClause: (file: SourceFile, statement: SyntaxNode) => Implication | undefined,
): string | undefined {
  const parameters = new Set<string>();
  const list = field(def, 'parameters');
  if (list) walk(list, (n) => void (isIdentifier(n) && parameters.add(text(file.tree, n))));
  const body = field(def, 'body');
  const first = body ? statementsOf(body)[0] : undefined;
  if (!first || parameters.size === 0) return undefined;
  const implied = guardClause(file, first);
  if (implied?.state !== 'on') return undefined;
  let returned: SyntaxNode | undefined;
  walk(first, (n) => {
    if (returned || isFunction(n)) return false;
    if (!RETURNS.has(n.type) || n.children.length < 2) return;
    const values: SyntaxNode[] = [];
    walk(n, (c) => {
      if (c !== n && c.named && c.type !== 'argument_list' && c.type !== 'expression_list') {
        values.push(c);
        return false;
      }
    });
    if (values.length === 1) returned = values[0];
  });
  return returned && isIdentifier(returned) && parameters.has(text(file.tree, returned)) ? implied.via : undefined;
}

/**
 * A line that differs from the deleted ones only by a call wrapped around what they computed, to a function
 * this change adds that returns its argument unchanged unless a flag is on (`paid_only(invoice_scope…)` for
 * `invoice_scope…`): with the flag off it computes what it did; what the function does otherwise is judged in it.
 */
export function wrapsInFlagFilter(
  flow: FlagFlow,
  file: SourceFile,
  anchor: SyntaxNode,
  row: string,
  deleted: ReadonlySet<string>,
  transparent: (file: SourceFile, def: SyntaxNode) => string | undefined,
): string | undefined {
  const added = wordsOf(row).filter((w) => !deleted.has(w));
  if (added.length === 0 || added.length === wordsOf(row).length) return undefined;
  const vias: string[] = [];
  for (const word of new Set(added)) {
    let called = false;
    walk(anchor, (n) => {
      if (called || isFunction(n)) return false;
      if (isCall(n) && calleeName(file.tree, n) === word) called = true;
    });
    const defs = flow.definitionsOf(word);
    const via = called && defs.length === 1 ? transparent(defs[0].file, defs[0].node) : undefined;
    if (!via) return undefined;
    vias.push(`\`${word}\` returns its argument unchanged unless ${via} is on`);
  }
  return `it only wraps what the deleted lines computed: ${vias.join('; ')}`;
}
