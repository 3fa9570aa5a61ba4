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
  readonly nodeTypeId: number;
  readonly nodeIsNamed: boolean;
  readonly currentFieldId: number;
  readonly startIndex: number;
  readonly endIndex: number;
  gotoFirstChild(): boolean;
  gotoNextSibling(): boolean;
  gotoParent(): boolean;
}

/** The names a grammar gives its node types and fields, by id (tree-sitter's `Language.types`, `.fields`). */
export interface Names {
  readonly types: readonly string[];
  readonly fields: readonly (string | null)[];
}

/** Offsets of the characters after each line feed: the row of an offset is how many of them it reaches. */
function lineStarts(text: string): Uint32Array {
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++;
  const starts = new Uint32Array(count);
  let at = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts[at++] = i + 1;
  return starts;
}

/** The zero-based row of an offset, as tree-sitter counts rows (line feeds before it). */
function rowOf(starts: Uint32Array, offset: number): number {
  let low = 0;
  let high = starts.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (starts[mid] <= offset) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * Every property read on the cursor crosses into WebAssembly, so each node costs four reads: its type and
 * field as ids (named through the grammar's tables), its offsets; rows come from the text's line feeds,
 * and whether a type is named is asked once per type.
 */
export function copyTree(cursor: Cursor, names: Names, text: string): SyntaxNode {
  const starts = lineStarts(text);
  const namedType = new Map<number, boolean>();
  const isNamed = (typeId: number): boolean => {
    let named = namedType.get(typeId);
    if (named === undefined) namedType.set(typeId, (named = cursor.nodeIsNamed));
    return named;
  };
  const make = (parent: SyntaxNode | undefined, type: string, named: boolean): SyntaxNode => {
    const start = cursor.startIndex;
    const end = cursor.endIndex;
    return {
      type,
      field: names.fields[cursor.currentFieldId] ?? undefined,
      named,
      start,
      end,
      startRow: rowOf(starts, start),
      endRow: rowOf(starts, end),
      parent,
      children: [],
    };
  };
  const typeOf = (typeId: number): string => names.types[typeId] || 'ERROR';
  const rootId = cursor.nodeTypeId;
  const root = make(undefined, typeOf(rootId), isNamed(rootId));
  // Iterative: deeply nested code (long else-if chains, generated literals) must not overflow the stack.
  let current = root;
  if (!cursor.gotoFirstChild()) return root;
  for (;;) {
    const typeId = cursor.nodeTypeId;
    const type = typeOf(typeId);
    const named = isNamed(typeId);
    let node: SyntaxNode | undefined;
    if (named || !PUNCTUATION.has(type)) {
      node = make(current, type, named);
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
