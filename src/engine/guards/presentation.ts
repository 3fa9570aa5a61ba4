/**
 * Presentation, not behaviour: code that only declares how something looks. A CSS-in-JS definition
 * (`styled(Box)(({ theme }) => ({ gap: theme.spacing(2) }))`, `styled.div\`…\``, `makeStyles()(…)`, `css\`…\``,
 * `StyleSheet.create({…})`) or a JSX `sx`/`style` attribute holds style values that the browser draws, with no
 * effect on what the program does; the risky rule does not judge a changed line inside one.
 */
import { field, type SyntaxNode, type SyntaxTree } from '../syntax/index.js';
import { isCall, isFunction, text } from './nodes.js';

/** Functions that build style definitions in the common CSS-in-JS libraries (styled-components, Emotion, MUI, JSS, tss-react, React Native). */
const STYLE_FACTORIES = new Set(['styled', 'makeStyles', 'withStyles', 'createStyles', 'css', 'keyframes', 'createGlobalStyle', 'tss']);
/** JSX attributes whose value is a style. */
const STYLE_ATTRIBUTES = new Set(['sx', 'style']);

/** The style definition (`styled`, `sx`, …) a node sits in, if it only styles. */
export function styleDefinitionOf(tree: SyntaxTree, node: SyntaxNode): string | undefined {
  // `const Styled = styled(Box)(…)` (exported or not): the declaration's value is the definition.
  let start = node;
  if (start.type === 'export_statement') start = field(start, 'declaration') ?? start;
  if (start.type === 'lexical_declaration' || start.type === 'variable_declaration') {
    const declarators = start.children.filter((c) => c.type === 'variable_declarator');
    if (declarators.length === 1) start = declarators[0];
  }
  if (start.type === 'variable_declarator') {
    const value = field(start, 'value');
    if (!value || !isCall(value)) return undefined;
    start = value;
  }
  for (let n: SyntaxNode | undefined = start; n; n = n.parent) {
    if (n.type === 'jsx_attribute') {
      const name = n.children.find((c) => c.type === 'property_identifier');
      return name && STYLE_ATTRIBUTES.has(text(tree, name)) ? text(tree, name) : undefined;
    }
    if (isCall(n)) {
      const root = rootName(tree, n);
      if (root !== undefined && STYLE_FACTORIES.has(root)) return root;
      if (root === 'StyleSheet' && /\.create$/.test(text(tree, field(n, 'function') ?? n))) return 'StyleSheet.create';
    }
    // A named function (a component, a hook) is behaviour, whatever it holds.
    if (isFunction(n) && n.type !== 'arrow_function' && n.type !== 'function_expression') return undefined;
    if (n.type === 'statement_block' || n.type === 'program') return undefined;
  }
  return undefined;
}

/** The leftmost name of a call's callee: `styled(Box)(…)` → `styled`, `styled.div\`…\`` → `styled`, `StyleSheet.create(…)` → `StyleSheet`. */
function rootName(tree: SyntaxTree, call: SyntaxNode): string | undefined {
  let n: SyntaxNode | undefined = field(call, 'function');
  while (n) {
    if (n.type === 'identifier') return text(tree, n);
    if (n.type === 'call_expression') n = field(n, 'function');
    else if (n.type === 'member_expression') n = field(n, 'object');
    else if (n.type === 'parenthesized_expression' || n.type === 'non_null_expression') n = n.children.find((c) => c.named);
    else return undefined;
  }
  return undefined;
}

/** Type annotations and arguments: they say what a value is, never what the program does. */
const TYPE_NODES = new Set(['type_annotation', 'opting_type_annotation', 'type_arguments', 'type_parameters']);

/**
 * A row's code with its type annotations left out and its layout collapsed (`export const xs: Item[] = […]` →
 * `export const xs = […]`), to tell a line that only gained or lost a type from one that changes behaviour.
 */
export function withoutTypes(tree: SyntaxTree, lineStarts: readonly number[], row: number): string {
  const from = lineStarts[row];
  const to = lineStarts[row + 1] ?? tree.text.length;
  if (from === undefined) return '';
  const cuts: [number, number][] = [];
  const stack: SyntaxNode[] = [tree.root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.end <= from || n.start >= to) continue;
    if (TYPE_NODES.has(n.type)) cuts.push([Math.max(n.start, from), Math.min(n.end, to)]);
    else stack.push(...n.children);
  }
  let out = '';
  let at = from;
  for (const [s, e] of cuts.sort((a, b) => a[0] - b[0])) {
    if (s > at) out += tree.text.slice(at, s);
    at = Math.max(at, e);
  }
  out += tree.text.slice(at, to);
  // The indentation stays: code moved out of a conditional is not the line it was.
  const indent = /^[ \t]*/.exec(out)![0];
  const code = out.replace(/\s+/g, ' ').trim();
  return code === '' ? '' : indent + code;
}
