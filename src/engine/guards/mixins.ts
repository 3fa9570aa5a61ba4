/**
 * Ruby class-body lines that hold no behaviour of their own: a bare visibility marker (`private`), and the
 * inclusion of a module the change adds, whose methods are judged where they are called.
 */
import { field, walk, type SyntaxNode } from '../syntax/index.js';
import type { SourceFile } from './flow.js';
import { text } from './nodes.js';

const VISIBILITY = new Set(['private', 'protected', 'public', 'module_function']);
const MIXINS = new Set(['include', 'extend', 'prepend']);
/** What a module runs when it is mixed in: `included do … end`, `def self.included(base)`. */
const HOOKS = new Set(['included', 'extended', 'prepended', 'class_methods']);

/** `private` on a line of its own in a class or module body: it changes which methods may be called from outside. */
export function isVisibilityMarker(file: SourceFile, anchor: SyntaxNode): boolean {
  return anchor.type === 'identifier' && anchor.parent?.type === 'body_statement' && VISIBILITY.has(text(file.tree, anchor));
}

/**
 * `include Filterable` (or `extend`, `prepend`) of a module the change adds, which runs nothing when mixed in:
 * the name of that module, else undefined.
 */
export function mixedInAddedModule(
  file: SourceFile,
  anchor: SyntaxNode,
  sources: readonly SourceFile[],
  isAddedModule: (source: SourceFile, name: SyntaxNode) => boolean,
): string | undefined {
  if (anchor.type !== 'call' || field(anchor, 'receiver')) return undefined;
  const method = field(anchor, 'method');
  const args = field(anchor, 'arguments');
  if (!method || !args || !MIXINS.has(text(file.tree, method))) return undefined;
  const named = args.children.filter((c) => c.named);
  if (named.length !== 1 || (named[0].type !== 'constant' && named[0].type !== 'scope_resolution')) return undefined;
  const wanted = text(file.tree, named[0]).split('::').pop()!;
  for (const source of sources) {
    let found: SyntaxNode | undefined;
    walk(source.tree.root, (n) => {
      if (found) return false;
      if (n.type !== 'module') return;
      const name = field(n, 'name');
      if (name && text(source.tree, name).split('::').pop() === wanted) found = n;
    });
    if (!found || !isAddedModule(source, field(found, 'name')!)) continue;
    let hook = false;
    walk(found, (n) => {
      if (hook) return false;
      if ((n.type === 'identifier' || n.type === 'constant') && HOOKS.has(text(source.tree, n))) hook = true;
    });
    return hook ? undefined : wanted;
  }
  return undefined;
}
