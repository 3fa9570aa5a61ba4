/**
 * Syntax trees as plain objects. A tree-sitter tree lives in WebAssembly memory and every property read
 * crosses into it; the judgement walks each tree several times, so a tree is copied once, with one cursor
 * walk, into these objects and freed at once (nothing of WebAssembly outlives a parse).
 */
export interface SyntaxNode {
  type: string;
  /** The node's field in its parent (`condition`, `consequence`, `name`, …). */
  field: string | undefined;
  named: boolean;
  /** Offsets in the file's text (UTF-16 code units, as JavaScript strings index). */
  start: number;
  end: number;
  /** Zero-based rows of the first and last character. */
  startRow: number;
  endRow: number;
  parent: SyntaxNode | undefined;
  children: SyntaxNode[];
}

export interface SyntaxTree {
  text: string;
  root: SyntaxNode;
  /** The parser met text it could not read; the tree holds ERROR nodes there. */
  hasErrors: boolean;
}

/** Punctuation carries no meaning the judgement reads; leaving it out halves the copied nodes. */
const PUNCTUATION = new Set(['(', ')', '{', '}', '[', ']', ',', ';', '.', ':', '"', "'", '`', '::', '->', '=>', '$']);

/** The part of tree-sitter's cursor the copy reads. */
export interface Cursor {
  readonly nodeType: string;
  readonly nodeIsNamed: boolean;
  readonly currentFieldName: string | null;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly startPosition: { row: number };
  readonly endPosition: { row: number };
  gotoFirstChild(): boolean;
  gotoNextSibling(): boolean;
  gotoParent(): boolean;
}

export function copyTree(cursor: Cursor): SyntaxNode {
  const make = (parent: SyntaxNode | undefined): SyntaxNode => ({
    type: cursor.nodeType,
    field: cursor.currentFieldName ?? undefined,
    named: cursor.nodeIsNamed,
    start: cursor.startIndex,
    end: cursor.endIndex,
    startRow: cursor.startPosition.row,
    endRow: cursor.endPosition.row,
    parent,
    children: [],
  });
  const root = make(undefined);
  // Iterative: deeply nested code (long else-if chains, generated literals) must not overflow the stack.
  let current = root;
  if (!cursor.gotoFirstChild()) return root;
  for (;;) {
    const keep = cursor.nodeIsNamed || !PUNCTUATION.has(cursor.nodeType);
    let node: SyntaxNode | undefined;
    if (keep) {
      node = make(current);
      current.children.push(node);
    }
    if (node && cursor.gotoFirstChild()) {
      current = node;
      continue;
    }
    if (!node && cursor.gotoFirstChild()) {
      // A dropped token has no children worth keeping; step back out.
      cursor.gotoParent();
    }
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent()) return root;
      current = current.parent ?? root;
    }
  }
}

/** The text of a node. */
export const textOf = (tree: SyntaxTree, node: SyntaxNode): string => tree.text.slice(node.start, node.end);

/** The first child in the given field. */
export function field(node: SyntaxNode, name: string): SyntaxNode | undefined {
  for (const child of node.children) if (child.field === name) return child;
  return undefined;
}

export const namedChildren = (node: SyntaxNode): SyntaxNode[] => node.children.filter((c) => c.named);

/** Visits every node, parents before children, without recursion. Return false to skip a node's children. */
export function walk(root: SyntaxNode, visit: (node: SyntaxNode) => boolean | void): void {
  const stack: SyntaxNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (visit(node) === false) continue;
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]);
  }
}

/** The smallest node covering [start, end). */
export function nodeAt(root: SyntaxNode, start: number, end = start + 1): SyntaxNode {
  let node = root;
  for (;;) {
    const child = node.children.find((c) => c.start <= start && end <= c.end && c.end > c.start);
    if (!child) return node;
    node = child;
  }
}
