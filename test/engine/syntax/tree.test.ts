import { describe, expect, it } from '@jest/globals';
import { Language, Parser, type Node } from 'web-tree-sitter';
import { readFileSync } from 'node:fs';
import { loadSyntax, locateWasm } from '../../../src/engine/syntax/load.js';
import { GRAMMAR_FILES } from '../../../src/engine/syntax/grammars.js';
import { walk, type SyntaxNode } from '../../../src/engine/syntax/index.js';

/** Every node tree-sitter's own node API reports, as the copy describes it (punctuation aside). */
function described(node: Node, field: string | null, out: string[]): void {
  out.push(
    `${node.type}|${field ?? ''}|${node.isNamed}|${node.startIndex}-${node.endIndex}|${node.startPosition.row}-${node.endPosition.row}`,
  );
  for (let i = 0; i < node.childCount; i++) described(node.child(i)!, node.fieldNameForChild(i), out);
}

// Text with what offsets and rows can go wrong on: CRLF line ends, characters outside the BMP (two UTF-16
// code units), a node ending at a line end, deep nesting, an aliased node type (`property_identifier`).
const TEXT = [
  "import { flags } from './flags';\r",
  '// 💳 charges: 日本語',
  'export async function charge(order: Order, user: User): Promise<void> {',
  "  const label = '🧾 receipt ' + order.id;\r",
  "  if (flags.isEnabled('ledger-v2', { userId: user.id })) {",
  '    await ledgerV2.record({ account: user.account, amount: order.total, nested: [[[[1, 2], [3]]]] });',
  '  } else if (order.total > 0) {',
  '    await ledger.record({ account: user.account, amount: order.total });',
  '  }',
  '  return;',
  '}',
  '',
].join('\n');

describe('syntax trees copied out of tree-sitter', () => {
  it('keep every named node and keyword with the type, field, offsets and rows tree-sitter gives it', async () => {
    const syntax = await loadSyntax(['typescript']);
    const copy = syntax.parse('typescript', TEXT)!;
    const copied: string[] = [];
    const fieldOf = new Map<SyntaxNode, string | undefined>();
    walk(copy.root, (n) => {
      fieldOf.set(n, n.field);
      copied.push(`${n.type}|${n.field ?? ''}|${n.named}|${n.start}-${n.end}|${n.startRow}-${n.endRow}`);
    });

    await Parser.init();
    const parser = new Parser();
    parser.setLanguage(await Language.load(readFileSync(locateWasm(GRAMMAR_FILES.typescript))));
    const tree = parser.parse(TEXT)!;
    const all: string[] = [];
    described(tree.rootNode, null, all);
    const punctuation = new Set(['(', ')', '{', '}', '[', ']', ',', ';', '.', ':', '"', "'", '`', '::', '->', '=>', '$']);
    const expected = all.filter((line) => {
      const [type, , named] = line.split('|');
      return named === 'true' || !punctuation.has(type);
    });
    tree.delete();
    parser.delete();

    expect(copied.length).toBeGreaterThan(100);
    expect(copied).toEqual(expected);
    // The offsets index the JavaScript string: a node's text is what tree-sitter says it is.
    const label = copy.root.children[1];
    expect(TEXT.slice(label.start, label.end).startsWith('// 💳')).toBe(true);
  });
});
