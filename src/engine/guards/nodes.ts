/**
 * What the guard analysis needs to know of each grammar's node types, in one place: functions, calls,
 * conditions, exits, assignments and names. Grammars share most field names (`condition`, `consequence`,
 * `alternative`, `name`, `left`, `right`), so one table serves them all; the differences are listed here.
 */
import { field, type SyntaxNode, type SyntaxTree } from '../syntax/index.js';

/** Named definitions: their body runs when something calls them by name. */
const NAMED_FUNCTIONS = new Set([
  'function_declaration',
  'generator_function_declaration',
  'method_definition',
  'function_definition',
  'method',
  'singleton_method',
  'method_declaration',
  'constructor_declaration',
  'function_item',
]);

/** Functions without a name of their own: callbacks, closures and blocks, run by the code around them. */
const ANONYMOUS_FUNCTIONS = new Set([
  'arrow_function',
  'function_expression',
  'function',
  'generator_function',
  'lambda',
  'func_literal',
  'lambda_expression',
  'anonymous_function',
  'anonymous_function_creation_expression',
  'lambda_literal',
  'block',
  'do_block',
]);

/** Containers of definitions whose body runs when the file loads. */
export const CLASSES = new Set([
  'class_declaration',
  'class_definition',
  'class',
  'module',
  'abstract_class_declaration',
  'object_declaration',
  'interface_declaration',
  'trait_declaration',
  'enum_declaration',
]);

const CALLS = new Set([
  'call_expression',
  'call',
  'method_invocation',
  'new_expression',
  'object_creation_expression',
  'function_call_expression',
  'member_call_expression',
  'scoped_call_expression',
  'nullsafe_member_call_expression',
]);

/** Statements and calls that leave the function (or the loop iteration). */
const EXIT_STATEMENTS = new Set([
  'return_statement',
  'throw_statement',
  'raise_statement',
  'break_statement',
  'continue_statement',
  'return',
  'next',
  'break',
  'jump_expression',
  'throw_expression',
  'retry',
]);
const EXIT_CALLS = new Set([
  'raise',
  'fail',
  'panic',
  'abort',
  'exit',
  'throw',
  'redirect_to',
  'head',
  'render_404',
  'not_found',
  'abort_with_status',
]);

/** Literals whose entries declare something: a route, a menu item, a handler table. */
const LITERALS = new Set([
  'object',
  'hash',
  'dictionary',
  'literal_value',
  'composite_literal',
  'array',
  'list',
  'argument_list',
  'arguments',
  'keyword_argument',
]);

const WRAPPERS = new Set([
  'parenthesized_expression',
  'await_expression',
  'non_null_expression',
  'as_expression',
  'satisfies_expression',
  'expression_statement',
  'parenthesized_statements',
  'begin_block',
  'type_assertion_expression',
  'expression_list',
  'literal_element',
]);

const IDENTIFIERS = new Set([
  'identifier',
  'property_identifier',
  'shorthand_property_identifier',
  'field_identifier',
  'instance_variable',
  'constant',
  'simple_identifier',
  'name',
  'variable_name',
  'shorthand_property_identifier_pattern',
]);

export const isNamedFunction = (n: SyntaxNode): boolean => NAMED_FUNCTIONS.has(n.type);
export const isCall = (n: SyntaxNode): boolean => CALLS.has(n.type);
export const isLiteral = (n: SyntaxNode): boolean => LITERALS.has(n.type);
export const isIdentifier = (n: SyntaxNode): boolean => IDENTIFIERS.has(n.type);
export const isComment = (n: SyntaxNode): boolean => n.type === 'comment' || n.type === 'line_comment' || n.type === 'block_comment';

/** An anonymous function, unless a declaration names it (`const Page = () => …` is a named component). */
export function isAnonymousFunction(n: SyntaxNode): boolean {
  if (!ANONYMOUS_FUNCTIONS.has(n.type)) return false;
  // Ruby's and Python's `block` is also a statement list; only blocks that are arguments are closures.
  if (n.type === 'block' && n.field !== 'block') return false;
  return nameOfFunction(n) === undefined;
}

/** A function boundary: named or anonymous. */
export const isFunction = (n: SyntaxNode): boolean =>
  isNamedFunction(n) || (ANONYMOUS_FUNCTIONS.has(n.type) && !(n.type === 'block' && n.field !== 'block'));

/** The node holding the name of a definition, when it has one (functions, classes, declared closures). */
export function nameNodeOf(n: SyntaxNode): SyntaxNode | undefined {
  const own = field(n, 'name');
  if (own && (isNamedFunction(n) || CLASSES.has(n.type))) return own;
  if (ANONYMOUS_FUNCTIONS.has(n.type) && n.parent) {
    const p = n.parent;
    if (
      (p.type === 'variable_declarator' ||
        (p.type === 'pair' && heldUnderName(p.parent)) ||
        p.type === 'public_field_definition' ||
        p.type === 'field_definition') &&
      (n.field === 'value' || p.type === 'pair')
    ) {
      const name = field(p, 'name') ?? field(p, 'key') ?? field(p, 'property');
      if (name && isIdentifier(name)) return name;
    }
    if ((p.type === 'assignment_expression' || p.type === 'assignment') && n.field === 'right') {
      const left = field(p, 'left');
      if (left && isIdentifier(left)) return left;
    }
  }
  return undefined;
}

/**
 * An object literal bound to a name (`const api = { charge: () => … }`, a field, an export, a nested entry of
 * such): its functions are reached through that name and their keys. One passed straight to a call or put in a
 * list (`columnHelper.accessor('name', { cell: () => … })`) is not: its functions run where it is passed, and
 * their keys are shared by every other literal of the kind.
 */
function heldUnderName(object: SyntaxNode | undefined): boolean {
  let o = object;
  while (
    o?.parent &&
    (o.parent.type === 'as_expression' || o.parent.type === 'satisfies_expression' || o.parent.type === 'parenthesized_expression')
  )
    o = o.parent;
  const p = o?.parent;
  if (!p) return false;
  if (p.type === 'pair') return heldUnderName(p.parent);
  return p.type !== 'arguments' && p.type !== 'array' && p.type !== 'jsx_expression' && p.type !== 'argument_list';
}

export function nameOfFunction(n: SyntaxNode): SyntaxNode | undefined {
  return isNamedFunction(n) || ANONYMOUS_FUNCTIONS.has(n.type) ? nameNodeOf(n) : undefined;
}

/** The function (named or anonymous) that holds a node, or undefined at file level. */
export function enclosingFunction(n: SyntaxNode): SyntaxNode | undefined {
  for (let p = n.parent; p; p = p.parent) if (isFunction(p)) return p;
  return undefined;
}

/** The name a call calls: the last identifier of its callee (`a.b.c(…)` → `c`, Ruby `x.y?` → `y?`). */
export function calleeName(tree: SyntaxTree, call: SyntaxNode): string | undefined {
  const callee = field(call, 'function') ?? field(call, 'method') ?? field(call, 'name') ?? field(call, 'constructor');
  if (!callee) return undefined;
  const last = lastIdentifier(callee);
  return last ? tree.text.slice(last.start, last.end) : undefined;
}

function lastIdentifier(n: SyntaxNode): SyntaxNode | undefined {
  if (isIdentifier(n)) return n;
  const named = n.children.filter((c) => c.named);
  for (let i = named.length - 1; i >= 0; i--) {
    const f = named[i].field;
    if (f === 'property' || f === 'field' || f === 'attribute' || f === 'name' || f === 'method' || f === undefined || f === 'function') {
      const found = lastIdentifier(named[i]);
      if (found) return found;
    }
  }
  return undefined;
}

/** The argument nodes of a call, in order (keyword arguments included). */
export function argumentsOf(call: SyntaxNode): SyntaxNode[] {
  const list = field(call, 'arguments');
  return list ? list.children.filter((c) => c.named && !isComment(c)) : [];
}

/** Strips parentheses, `await`, `x!` and the like. */
export function unwrap(n: SyntaxNode): SyntaxNode {
  let node = n;
  while (WRAPPERS.has(node.type)) {
    const named = node.children.filter((c) => c.named && !isComment(c));
    if (named.length !== 1) break;
    node = named[0];
  }
  return node;
}

/** A conditional construct: its condition and which child runs when the condition is true or false. */
export interface Conditional {
  condition: SyntaxNode;
  /** The condition's value under which `child` runs, or undefined when the child is the condition. */
  branch(child: SyntaxNode): boolean | undefined;
}

export function conditionalOf(n: SyntaxNode): Conditional | undefined {
  const invert = n.type === 'unless' || n.type === 'unless_modifier' || n.type === 'until' || n.type === 'until_modifier';
  if (n.type === 'conditional_expression' && !field(n, 'condition')) {
    // Python: `a if c else b` has no fields: consequence, condition, alternative.
    const [yes, condition, no] = n.children.filter((c) => c.named);
    if (!condition) return undefined;
    return { condition, branch: (c) => (c === yes ? true : c === no ? false : undefined) };
  }
  const condition = field(n, 'condition');
  if (condition) {
    return {
      condition,
      branch: (c) => {
        if (c === condition || (c.start < condition.start && c.field !== 'body' && c.field !== 'consequence')) return undefined;
        const taken = !(
          c.field === 'alternative' ||
          c.type === 'else_clause' ||
          c.type === 'else' ||
          c.type === 'elsif' ||
          c.type === 'elif_clause' ||
          c.type === 'else_if_clause'
        );
        return invert ? !taken : taken;
      },
    };
  }
  const operator = field(n, 'operator');
  if (
    (n.type === 'binary_expression' ||
      n.type === 'boolean_operator' ||
      n.type === 'binary' ||
      n.type === 'conjunction_expression' ||
      n.type === 'disjunction_expression') &&
    n.children.length >= 2
  ) {
    const left = field(n, 'left') ?? n.children.find((c) => c.named);
    const right = field(n, 'right') ?? [...n.children].reverse().find((c) => c.named);
    const op = operator?.type ?? n.children.find((c) => !c.named)?.type;
    const and = op === '&&' || op === 'and' || n.type === 'conjunction_expression';
    const or = op === '||' || op === 'or' || n.type === 'disjunction_expression';
    if (!left || !right || (!and && !or)) return undefined;
    return { condition: left, branch: (c) => (c === right ? and : undefined) };
  }
  return undefined;
}

/** Is this node an exit: a return, throw, raise, break, continue, next, or a call that never returns. */
export function isExit(tree: SyntaxTree, n: SyntaxNode): boolean {
  const node = unwrap(n);
  if (EXIT_STATEMENTS.has(node.type)) return true;
  if (isCall(node) || node.type === 'identifier') {
    const name = node.type === 'identifier' ? tree.text.slice(node.start, node.end) : calleeName(tree, node);
    return name !== undefined && EXIT_CALLS.has(name);
  }
  // Ruby's `head :not_found and return`, Perl-style.
  if (node.type === 'binary') return node.children.some((c) => c.named && isExit(tree, c));
  return false;
}

/** The statements of a block-like node (blocks, bodies, statement lists), flattened through lists. */
export function statementsOf(n: SyntaxNode): SyntaxNode[] {
  return n.children.filter((c) => c.named && !isComment(c));
}

/** Does this branch always leave: it is an exit, or its last statement is. */
export function alwaysExits(tree: SyntaxTree, branch: SyntaxNode): boolean {
  if (isExit(tree, branch)) return true;
  let statements = statementsOf(branch);
  while (
    statements.length === 1 &&
    (statements[0].type === 'statement_list' ||
      statements[0].type === 'block' ||
      statements[0].type === 'statement_block' ||
      statements[0].type === 'then' ||
      statements[0].type === 'body_statement' ||
      statements[0].type === 'compound_statement')
  ) {
    statements = statementsOf(statements[0]);
  }
  const last = statements[statements.length - 1];
  return last !== undefined && isExit(tree, last);
}

/** The child of `ancestor` that holds `node`. */
export function childToward(ancestor: SyntaxNode, node: SyntaxNode): SyntaxNode | undefined {
  let n: SyntaxNode | undefined = node;
  while (n && n.parent !== ancestor) n = n.parent;
  return n;
}

export const text = (tree: SyntaxTree, n: SyntaxNode): string => tree.text.slice(n.start, n.end);
