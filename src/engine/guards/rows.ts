/** Rows of parsed files: the nodes that start on a row, a row's text, the node covering a row. */
import { walk, type SyntaxNode } from '../syntax/index.js';
import type { SourceFile } from './flow.js';
import { isComment } from './nodes.js';

export class FileRows {
  private readonly rowIndex = new Map<SourceFile, Map<number, SyntaxNode[]>>();
  private readonly lineStarts = new Map<SourceFile, number[]>();

  rowText(file: SourceFile, row: number): string {
    const starts = this.lineStartsOf(file);
    return file.tree.text.slice(starts[row], starts[row + 1] ?? file.tree.text.length);
  }

  lineStartsOf(file: SourceFile): number[] {
    let starts = this.lineStarts.get(file);
    if (!starts) {
      starts = [0];
      const t = file.tree.text;
      for (let i = t.indexOf('\n'); i >= 0; i = t.indexOf('\n', i + 1)) starts.push(i + 1);
      this.lineStarts.set(file, starts);
    }
    return starts;
  }

  /** Nodes that start on a row (outermost first), without comments. */
  nodesOn(file: SourceFile, row: number): SyntaxNode[] {
    let index = this.rowIndex.get(file);
    if (!index) {
      index = new Map();
      const rows = index;
      walk(file.tree.root, (n) => {
        if (isComment(n)) return false;
        if (n === file.tree.root) return;
        const list = rows.get(n.startRow);
        if (list) list.push(n);
        else rows.set(n.startRow, [n]);
      });
      this.rowIndex.set(file, index);
    }
    return index.get(row) ?? [];
  }

  /** The smallest node covering the first character of a row (a line inside a multi-line string or literal). */
  coveringNode(file: SourceFile, row: number): SyntaxNode | undefined {
    const starts = this.lineStartsOf(file);
    const offset = starts[row];
    if (offset === undefined) return undefined;
    const lineText = file.tree.text.slice(offset, starts[row + 1] ?? file.tree.text.length);
    const at = offset + (lineText.length - lineText.trimStart().length);
    let node = file.tree.root;
    for (;;) {
      const child = node.children.find((c) => c.start <= at && at < c.end);
      if (!child) return node === file.tree.root ? undefined : node;
      node = child;
    }
  }
}
