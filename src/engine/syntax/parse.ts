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
    /** Trees already parsed, by grammar and text, when the evaluation judges the same files more than once. */
    private readonly memo?: Map<string, SyntaxTree | undefined>,
  ) {}

  /** The same grammars, keeping each tree parsed (an evaluation that judges again as it reads more). */
  remembering(): Syntax {
    return new Syntax(this.parser, this.languages, this.unavailable, this.memo ?? new Map());
  }

  /** No grammar at all: every file is read by the line scanner. */
  static none(): Syntax {
    return new Syntax(undefined, new Map(), new Map());
  }

  has(grammar: Grammar): boolean {
    return this.parser !== undefined && this.languages.has(grammar);
  }

  /** The file's syntax tree, or undefined when its grammar is not loaded or the text is too large. */
  parse(grammar: Grammar, text: string): SyntaxTree | undefined {
    if (this.memo) {
      const key = `${grammar}\0${text}`;
      if (this.memo.has(key)) return this.memo.get(key);
      const tree = this.parseOnce(grammar, text);
      this.memo.set(key, tree);
      return tree;
    }
    return this.parseOnce(grammar, text);
  }

  private parseOnce(grammar: Grammar, text: string): SyntaxTree | undefined {
    const language = this.languages.get(grammar);
    if (!this.parser || !language || text.length > MAX_PARSED_LENGTH) return undefined;
    this.parser.setLanguage(language);
    const tree = this.parser.parse(text);
    if (!tree) return undefined;
    try {
      const cursor = tree.walk();
      try {
        return { text, root: copyTree(cursor, language, text), hasErrors: tree.rootNode.hasError };
      } finally {
        cursor.delete();
      }
    } finally {
      tree.delete();
    }
  }
}
