/**
 * The PostgreSQL parser the migrations rule reads SQL with: libpg_query, Postgres's own grammar compiled to
 * WebAssembly (the `libpg-query` package, with its .wasm inside the package, so nothing downloads at install
 * or run time). It is loaded only when a change touches a SQL migration, and handed to `evaluate` as a fact,
 * so the engine itself stays synchronous and free of I/O.
 */

/** A statement as libpg_query returns it: one node keyed by its type, and its byte range in the text. */
export interface RawStatement {
  stmt: Record<string, unknown>;
  stmt_location?: number;
  stmt_len?: number;
}

export interface ScanToken {
  /** Byte offsets into the UTF-8 text. */
  start: number;
  end: number;
  text: string;
  tokenName: string;
}

export interface PostgresParser {
  /** Throws on a syntax error, with `cursorPosition` (a byte offset) when the parser gave one. */
  parse(sql: string): { stmts: RawStatement[] };
  /** The lexer alone: tokens, comments included, even for text the grammar rejects. */
  scan(sql: string): { tokens: ScanToken[] };
}

let loading: Promise<PostgresParser> | undefined;

/** Loads the parser once per process (about 2 MB of WebAssembly, instantiated in a few tens of milliseconds). */
export function loadPostgresParser(): Promise<PostgresParser> {
  loading ??= import('libpg-query').then(async (pg) => {
    await pg.loadModule();
    return {
      parse: (sql: string) => pg.parseSync(sql) as unknown as { stmts: RawStatement[] },
      scan: (sql: string) => pg.scanSync(sql),
    };
  });
  return loading;
}
