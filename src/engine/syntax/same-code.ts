/**
 * Whether an edit keeps behaviour, read on whole syntax trees: the base and head of a file hold the same
 * tree once comments and layout are set aside, names are renamed consistently (a bijection, so two names
 * merged into one or one use pointed at another name still differ), the text of log messages is ignored and
 * the file's top-level imports are taken in any order. Such an edit (a rename, a formatter's or linter's
 * rewrite, a reworded log line, sorted imports) adds no behaviour, whatever the title says.
 */
import type { SyntaxNode, SyntaxTree } from './tree.js';

/** Nodes that name something: variables, functions, methods, fields, types, constants. */
const NAME = /identifier$|^constant$|^name$|^instance_variable$|^class_variable$|^global_variable$|^variable_name$/;
const COMMENT = /comment/;
const STRING = /string|heredoc|template_literal|template_string|interpolation_content|escape_sequence/;
const CALL = /call|invocation/;
/** A call's last name that writes a log line or a message for people: its string text is not behaviour. */
const LOG_CALL =
  /(?:^|[.:])(?:log|logger|logging|warn|warning|info|debug|error|trace|fatal|verbose|print|println|printf|sprintf|puts|p|pp|Println|Printf|Infof|Debugf|Warnf|Errorf|Warningf)$/i;
const IMPORT =
  /^(?:import|import_statement|import_from_statement|future_import_statement|import_declaration|use_declaration|using_directive|namespace_use_declaration)$/;

/** True when `base` and `head` hold the same code modulo names, comments, layout, log text and import order. */
export function sameCodeModuloNames(base: SyntaxTree, head: SyntaxTree): boolean {
  if (base.hasErrors || head.hasErrors) return false;
  const a = serialize(base);
  const b = serialize(head);
  if (a.tokens.length !== b.tokens.length) return false;
  // Names are compared through a bijection built in order of appearance.
  const forward = new Map<string, string>();
  const backward = new Map<string, string>();
  for (let i = 0; i < a.tokens.length; i++) {
    const x = a.tokens[i];
    const y = b.tokens[i];
    if (a.names[i] !== b.names[i]) return false;
    if (!a.names[i]) {
      if (x !== y) return false;
      continue;
    }
    // A name that changes must be bound in the file on both sides (declared, assigned, a parameter): calling
    // a different outside method is new behaviour, renaming one's own variable or function is not.
    if (x !== y && (!a.bound.has(x) || !b.bound.has(y))) return false;
    const seen = forward.get(x);
    const back = backward.get(y);
    if (seen === undefined && back === undefined) {
      forward.set(x, y);
      backward.set(y, x);
    } else if (seen !== y || back !== x) return false;
  }
  return true;
}

interface Serialized {
  tokens: string[];
  /** Whether each token is a name (compared through the bijection) or literal structure. */
  names: boolean[];
  /** Names bound in the file: declared, assigned or taken as a parameter. */
  bound: Set<string>;
}

const BINDING_FIELD = new Set(['name', 'left', 'pattern', 'parameter', 'key']);
const BINDING_PARENT =
  /parameter|assignment|declarator|definition|declaration|^method$|^singleton_method$|function|^class$|^module$|lambda|block_param|^for|short_var|var_spec|const_spec/;

function serialize(tree: SyntaxTree): Serialized {
  const out: Serialized = { tokens: [], names: [], bound: new Set() };
  const root = tree.root;
  // Top-level imports first, sorted by their text: their order carries no behaviour.
  const imports = root.children.filter((c) => IMPORT.test(c.type));
  const importTexts = imports.map((c) => tree.text.slice(c.start, c.end).replace(/\s+/g, ' ')).sort();
  for (const text of importTexts) push(out, `import ${text}`, false);
  const skip = new Set(imports);
  // Iterative pre-order walk with explicit close markers.
  const stack: (SyntaxNode | string)[] = [];
  for (let i = root.children.length - 1; i >= 0; i--) if (!skip.has(root.children[i])) stack.push(root.children[i]);
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (typeof item === 'string') {
      push(out, item, false);
      continue;
    }
    if (COMMENT.test(item.type)) continue;
    if (item.children.length === 0) {
      leaf(tree, item, out);
      continue;
    }
    if (STRING.test(item.type) && inLogCall(tree, item)) {
      push(out, '<log text>', false);
      continue;
    }
    push(out, `(${item.type}${item.field ? `:${item.field}` : ''}`, false);
    stack.push(')');
    for (let i = item.children.length - 1; i >= 0; i--) stack.push(item.children[i]);
  }
  return out;
}

function leaf(tree: SyntaxTree, node: SyntaxNode, out: Serialized): void {
  if (!node.named) return push(out, node.type, false);
  if (NAME.test(node.type)) {
    const name = tree.text.slice(node.start, node.end);
    if ((node.field !== undefined && BINDING_FIELD.has(node.field)) || (node.parent && BINDING_PARENT.test(node.parent.type)))
      out.bound.add(name);
    return push(out, name, true);
  }
  if (STRING.test(node.type) && inLogCall(tree, node)) return push(out, '<log text>', false);
  push(out, `${node.type}=${tree.text.slice(node.start, node.end)}`, false);
}

function push(out: Serialized, token: string, name: boolean): void {
  out.tokens.push(token);
  out.names.push(name);
}

/** A string that is an argument of a log or print call, a few levels up at most. */
function inLogCall(tree: SyntaxTree, node: SyntaxNode): boolean {
  let current = node.parent;
  for (let depth = 0; current && depth < 5; depth++, current = current.parent) {
    if (!CALL.test(current.type)) continue;
    const callee = tree.text.slice(current.start, Math.min(current.end, current.start + 120)).split(/[\s(]/)[0];
    return LOG_CALL.test(callee);
  }
  return false;
}
