/**
 * Parsing, once the grammars are loaded: pure computation, synchronous, so `evaluate` stays synchronous.
 */
import type { Language, Parser } from 'web-tree-sitter';
import type { Grammar } from './grammars.js';
import { copyTree, type SyntaxTree } from './tree.js';

/** Files larger than this are not parsed (generated or vendored code); the line scanner reads them. */
export const MAX_PARSED_LENGTH = 1_000_000;

/** The grammars one evaluation may use, with the reason each missing one could not load. */
export class Syntax {
  constructor(
    private readonly parser: Parser | undefined,
    private readonly languages: ReadonlyMap<Grammar, Language>,
    /** Grammars that failed to load, with the reason (shown in the rule's summary). */
    readonly unavailable: ReadonlyMap<Grammar, string>,
  ) {}

  /** No grammar at all: every file is read by the line scanner. */
  static none(): Syntax {
    return new Syntax(undefined, new Map(), new Map());
  }

  has(grammar: Grammar): boolean {
    return this.parser !== undefined && this.languages.has(grammar);
  }

  /** The file's syntax tree, or undefined when its grammar is not loaded or the text is too large. */
  parse(grammar: Grammar, text: string): SyntaxTree | undefined {
    const language = this.languages.get(grammar);
    if (!this.parser || !language || text.length > MAX_PARSED_LENGTH) return undefined;
    this.parser.setLanguage(language);
    const tree = this.parser.parse(text);
    if (!tree) return undefined;
    try {
      const cursor = tree.walk();
      try {
        return { text, root: copyTree(cursor), hasErrors: tree.rootNode.hasError };
      } finally {
        cursor.delete();
      }
    } finally {
      tree.delete();
    }
  }
}
