/**
 * What a line of a parsed file is, apart from the flow of flags: where the flag checks sit, imports,
 * type-only code, parameter lists and declarations.
 */
import type { FlagCheck, FlagMatcher } from '../flags/index.js';
import { field, walk, type SyntaxNode, type SyntaxTree } from '../syntax/index.js';
import type { SourceFile } from './flow.js';
import { isCall, isFunction, text } from './nodes.js';

/** Flag checks of a whole file, found line by line by the matcher, placed on their call nodes. */
export function findChecks(tree: SyntaxTree, matcher: FlagMatcher): Map<SyntaxNode, FlagCheck> {
  const checks = new Map<SyntaxNode, FlagCheck>();
  const lines = tree.text.split('\n');
  const found = matcher.scan(lines);
  let offset = 0;
  for (let i = 0; i < lines.length; i++) {
    for (const check of found[i] ?? []) {
      const at = offset + check.index;
      let node = tree.root;
      for (;;) {
        const child = node.children.find((c) => c.start <= at && at < c.end);
        if (!child) break;
        node = child;
      }
      // A chain (`flags.get("x").isEnabled()`) is checked as a whole: the smallest node that holds all of it.
      if (check.end !== undefined) {
        const end = offset + check.end;
        let whole: SyntaxNode | undefined = node;
        while (whole && whole !== tree.root && whole.end < end) whole = whole.parent;
        if (whole && whole !== tree.root && !checks.has(whole)) checks.set(whole, check);
        continue;
      }
      // The call that holds the name (`flagResolver.isEnabled(…)`), else the smallest declaration around it.
      let target: SyntaxNode | undefined;
      for (let n: SyntaxNode | undefined = node; n && n !== tree.root; n = n.parent) {
        if (isCall(n) || n.type === 'element_reference' || n.type === 'subscript_expression') {
          target = n;
          break;
        }
        if (n.type === 'pair' || n.type === 'member_expression' || n.type === 'keyword_argument') target ??= n;
        if (n.startRow !== node.startRow && target) break;
      }
      if (target && !checks.has(target)) checks.set(target, check);
    }
    offset += lines[i].length + 1;
  }
  return checks;
}

export const IMPORTS = new Set([
  'import_statement',
  'import_from_statement',
  'import_declaration',
  'import_spec',
  'use_declaration',
  'namespace_use_declaration',
  'future_import_statement',
  'package_clause',
]);

export const TYPE_ONLY = new Set([
  'type_declaration',
  'interface_declaration',
  'type_alias_declaration',
  'type_alias',
  'method_spec',
  'method_elem',
  'type_annotation',
  'type_arguments',
  'type_parameters',
  'interface_type',
  'implements_clause',
  'type_spec',
  'field_declaration_list',
  // Python's annotations (`mode: Mode = …`, `def f(x: Mode) -> Result`): the `type` node of the grammar.
  'type',
]);

/** Python's typing constructs: `Mode = Literal["a", "b"]`, `Id = NewType("Id", int)` only name a type. */
const PYTHON_TYPE_CONSTRUCTS = new Set([
  'Literal',
  'Union',
  'Optional',
  'Annotated',
  'Callable',
  'TypeVar',
  'NewType',
  'ParamSpec',
  'TypeVarTuple',
]);

/**
 * The assignment a Python statement at a module's top level is (`NAME = …` is an expression statement around
 * it), or undefined. In a class body it is the class's own attribute, judged with the class.
 */
export function pythonModuleAssignment(statement: SyntaxNode): SyntaxNode | undefined {
  if (statement.type !== 'expression_statement' || statement.parent?.type !== 'module') return undefined;
  const named = statement.children.filter((c) => c.named);
  return named.length === 1 && named[0].type === 'assignment' ? named[0] : undefined;
}

/** A module-level Python assignment that only names a type (a type alias, a `TypeVar`): no behaviour. */
export function isPythonTypeAlias(tree: SyntaxTree, statement: SyntaxNode): boolean {
  const assignment = pythonModuleAssignment(statement);
  if (!assignment) return false;
  const annotation = field(assignment, 'type');
  if (annotation && /(^|\.)TypeAlias$/.test(text(tree, annotation).trim())) return true;
  const value = field(assignment, 'right');
  const head = value?.type === 'subscript' ? field(value, 'value') : value?.type === 'call' ? field(value, 'function') : undefined;
  if (!head) return false;
  return PYTHON_TYPE_CONSTRUCTS.has(text(tree, head).replace(/^(typing|typing_extensions)\./, ''));
}

/** A name in a type, an interface or a signature: not code that runs. */
export function inTypeOnly(node: SyntaxNode): boolean {
  // A method declared in an interface on one line (`default String label() { return "x"; }`, Kotlin's
  // `fun label() = "x"`) has a body: judged as a definition, not as the interface's type.
  if (isFunction(node)) return false;
  for (let n = node.parent; n; n = n.parent) {
    if (TYPE_ONLY.has(n.type) || isKotlinInterface(n)) return true;
    // A Kotlin interface's companion object holds values and code of its own.
    if (isFunction(n) || n.type === 'companion_object') return false;
  }
  return false;
}

/** Kotlin's grammar reads `interface Cart { … }` as a class declaration with the `interface` keyword. */
const isKotlinInterface = (n: SyntaxNode): boolean => n.type === 'class_declaration' && n.children.some((c) => c.type === 'interface');

export function enclosingFunctionOf(node: SyntaxNode): SyntaxNode | undefined {
  for (let p = node.parent; p; p = p.parent) if (isFunction(p)) return p;
  return undefined;
}

/** A statement whose calls are all harmless (flag predicates, derived values, guarded definitions). */
export function isHarmlessStatement(file: SourceFile, statement: SyntaxNode, harmless: (call: SyntaxNode) => boolean): boolean {
  let calls = 0;
  let bad = false;
  walk(statement, (n) => {
    if (bad || isFunction(n)) return false;
    if (isCall(n) && !file.checks.has(n)) {
      calls++;
      if (!harmless(n)) bad = true;
    }
  });
  return calls > 0 && !bad;
}

/** Declarations whose single binding (`var_spec`, `variable_declarator`) names what they declare. */
export const DECLARATIONS = new Set(['var_declaration', 'const_declaration', 'lexical_declaration', 'variable_declaration']);

export const PARAMETER_LISTS = new Set(['formal_parameters', 'parameters', 'parameter_list', 'method_parameters', 'lambda_parameters']);
export const DEFAULTS = new Set([
  'assignment_pattern',
  'default_parameter',
  'typed_default_parameter',
  'optional_parameter',
  'object_assignment_pattern',
]);

/** Inside a function's parameter list (not in a default value's own function). */
export function inParameterList(node: SyntaxNode): boolean {
  for (let n: SyntaxNode | undefined = node; n; n = n.parent) {
    if (PARAMETER_LISTS.has(n.type)) return true;
    if (isFunction(n) || DEFAULTS.has(n.type)) return false;
  }
  return false;
}
