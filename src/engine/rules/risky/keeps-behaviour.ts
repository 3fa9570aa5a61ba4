/**
 * A risky file whose edit keeps behaviour, read on whole files: base and head parse to the same tree modulo
 * names, comments, layout, log text and import order (src/engine/syntax/same-code.ts). Such a file needs no
 * flag, so the rule does not judge its lines.
 */
import type { ChangedFile } from '../../change.js';
import { grammarOf, type Syntax } from '../../syntax/index.js';
import { sameCodeModuloNames } from '../../syntax/same-code.js';

export function keepsBehaviour(file: ChangedFile, syntax: Syntax | undefined): boolean {
  if (!syntax || (file.status !== 'modified' && file.status !== 'renamed')) return false;
  const base = file.text?.base;
  const head = file.text?.head;
  const grammar = grammarOf(file.path);
  if (base === undefined || head === undefined || !grammar || !syntax.has(grammar)) return false;
  const before = syntax.parse(grammar, base);
  const after = before && syntax.parse(grammar, head);
  return before !== undefined && after !== undefined && sameCodeModuloNames(before, after);
}
