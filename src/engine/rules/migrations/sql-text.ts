/**
 * Positions in SQL text. libpg_query reports byte offsets into the UTF-8 text; findings need lines of the
 * migration file, which may hold the SQL inside a string of another language starting on some later line.
 */
import type { PostgresParser, ScanToken } from './sql-parser.js';

export class SqlText {
  readonly bytes: Buffer;
  readonly tokens: ScanToken[];
  /** Byte offset at which each line starts (0-based lines). */
  readonly #lineStarts: number[] = [0];

  constructor(
    readonly text: string,
    parser: PostgresParser,
    /** The file line of the text's first line. */
    readonly firstLine: number,
  ) {
    this.bytes = Buffer.from(text, 'utf8');
    for (let i = 0; i < this.bytes.length; i++) if (this.bytes[i] === 10) this.#lineStarts.push(i + 1);
    let tokens: ScanToken[] = [];
    try {
      tokens = parser.scan(text).tokens;
    } catch {
      // The lexer only fails on text it cannot even split into tokens (an unterminated quote); positions then
      // fall back to each statement's start.
    }
    this.tokens = tokens;
  }

  /** The file line of a byte offset. */
  lineAt(byte: number): number {
    let low = 0;
    let high = this.#lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.#lineStarts[mid] <= byte) low = mid;
      else high = mid - 1;
    }
    return this.firstLine + low;
  }

  slice(start: number, end: number): string {
    return this.bytes.subarray(start, end).toString('utf8');
  }

  /** The first token at or after `from` that is not a comment: where a statement really starts. */
  firstTokenFrom(from: number, end = Number.POSITIVE_INFINITY): ScanToken | undefined {
    return this.tokens.find((t) => t.start >= from && t.start < end && !isComment(t));
  }

  /**
   * The line of the first token in [from, end) naming `name` (quoted or not, case as Postgres folds it), and
   * the byte after it, so several names in one statement are found in order.
   */
  findName(name: string, from: number, end: number): { line: number; next: number } | undefined {
    for (const token of this.tokens) {
      if (token.start < from || token.start >= end) continue;
      if (identifierOf(token.text) === name) return { line: this.lineAt(token.start), next: token.end };
    }
    return undefined;
  }
}

export function isComment(token: ScanToken): boolean {
  return token.tokenName === 'SQL_COMMENT' || token.tokenName === 'C_COMMENT';
}

/** An identifier token's name as Postgres resolves it: quoted names keep their case, others fold to lower case. */
export function identifierOf(text: string): string {
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) return text.slice(1, -1).replaceAll('""', '"');
  if (text.length >= 2 && text.startsWith('`') && text.endsWith('`')) return text.slice(1, -1);
  return text.toLowerCase();
}

/** Byte ranges of the statements, split at top-level semicolons by the lexer (dollar-quoted bodies stay whole). */
export function statementRanges(sql: SqlText): { start: number; end: number }[] {
  const ranges: { start: number; end: number }[] = [];
  let start: number | undefined;
  for (const token of sql.tokens) {
    if (isComment(token)) continue;
    if (token.text === ';') {
      if (start !== undefined) ranges.push({ start, end: token.start });
      start = undefined;
    } else start ??= token.start;
  }
  if (start !== undefined) ranges.push({ start, end: sql.bytes.length });
  return ranges;
}
