/**
 * MySQL statements that the PostgreSQL grammar rejects (backtick quoting, `MODIFY`, `CHANGE`, `RENAME TABLE`,
 * `ALGORITHM=`/`LOCK=` clauses), read from the tokens of Postgres's lexer, which splits MySQL text cleanly.
 * No MySQL grammar ships as a registry package that runs everywhere the engine runs, and the few shapes that
 * matter here are fixed keyword sequences, so a token walk is enough; anything else is left unjudged (a notice).
 */
import type { MigrationOp } from './hazards.js';
import type { ScanToken } from './sql-parser.js';
import { identifierOf, isComment, type SqlText } from './sql-text.js';
import type { SchemaState } from './sql.js';

const DML = new Set([
  'INSERT',
  'UPDATE',
  'DELETE',
  'SELECT',
  'SET',
  'REPLACE',
  'CALL',
  'USE',
  'START',
  'BEGIN',
  'COMMIT',
  'LOCK',
  'UNLOCK',
  'DELIMITER',
]);
const NOT_A_COLUMN = new Set([
  'INDEX',
  'KEY',
  'PRIMARY',
  'FOREIGN',
  'CONSTRAINT',
  'CHECK',
  'PARTITION',
  'UNIQUE',
  'FULLTEXT',
  'SPATIAL',
  'DEFAULT',
]);

class Cursor {
  i = 0;
  constructor(readonly tokens: ScanToken[]) {}
  peek(offset = 0): string {
    return this.tokens[this.i + offset]?.text.toUpperCase() ?? '';
  }
  take(): ScanToken | undefined {
    return this.tokens[this.i++];
  }
  accept(...words: string[]): boolean {
    if (words.includes(this.peek())) {
      this.i++;
      return true;
    }
    return false;
  }
  /** An identifier, possibly in backticks and qualified (`db`.`table` → table). */
  name(): { name: string; token: ScanToken } | undefined {
    let result: { name: string; token: ScanToken } | undefined;
    do {
      const quoted = this.accept('`');
      const token = this.take();
      if (token === undefined) return result;
      if (quoted) this.accept('`');
      result = { name: quoted ? token.text : identifierOf(token.text), token };
    } while (this.accept('.'));
    return result;
  }
  done(): boolean {
    return this.i >= this.tokens.length;
  }
}

/** Splits at top-level commas: an ALTER TABLE's clauses. */
function clauses(tokens: ScanToken[]): ScanToken[][] {
  const parts: ScanToken[][] = [[]];
  let depth = 0;
  for (const token of tokens) {
    if (token.text === '(') depth++;
    else if (token.text === ')') depth--;
    if (token.text === ',' && depth === 0) parts.push([]);
    else parts.at(-1)!.push(token);
  }
  return parts.filter((p) => p.length > 0);
}

function clauseOps(sql: SqlText, clause: ScanToken[], table: string, isNew: boolean): MigrationOp[] {
  const c = new Cursor(clause);
  const line = sql.lineAt(clause[0].start);
  const words = clause.map((t) => t.text.toUpperCase());
  const setting = (key: string, values: string[]) => words[0] === key && values.includes(words.at(-1) ?? '') && words.includes('=');
  if (setting('ALGORITHM', ['COPY'])) return [{ hazard: 'table-lock', line, table, detail: 'ALGORITHM=COPY' }];
  if (setting('LOCK', ['SHARED', 'EXCLUSIVE'])) return [{ hazard: 'table-lock', line, table, detail: `LOCK=${words.at(-1)}` }];
  if (isNew) return [];
  if (c.accept('DROP')) {
    if (NOT_A_COLUMN.has(c.peek())) return [];
    c.accept('COLUMN');
    const column = c.name();
    return column ? [{ hazard: 'drop-column', line: sql.lineAt(column.token.start), table, column: column.name }] : [];
  }
  if (c.accept('RENAME')) {
    if (c.peek() === 'INDEX' || c.peek() === 'KEY') return [];
    if (c.accept('COLUMN')) {
      const from = c.name();
      c.accept('TO');
      const to = c.name();
      return from ? [{ hazard: 'rename-column', line, table, column: from.name, ...(to ? { newName: to.name } : {}) }] : [];
    }
    c.accept('TO', 'AS');
    const to = c.name();
    return [{ hazard: 'rename-table', line, table, ...(to ? { newName: to.name } : {}) }];
  }
  if (c.accept('CHANGE')) {
    c.accept('COLUMN');
    const from = c.name();
    const to = c.name();
    if (!from) return [];
    if (to && to.name !== from.name) return [{ hazard: 'rename-column', line, table, column: from.name, newName: to.name }];
    return [{ hazard: 'change-type', line, table, column: from.name }];
  }
  if (c.accept('MODIFY')) {
    c.accept('COLUMN');
    const column = c.name();
    return column ? [{ hazard: 'change-type', line, table, column: column.name }] : [];
  }
  if (c.accept('ADD')) {
    if (words.includes('FOREIGN')) return [{ hazard: 'foreign-key-validated', line, table }];
    if (words.includes('CHECK')) return [{ hazard: 'check-validated', line, table }];
    if (c.peek() === 'UNIQUE' || (c.peek() === 'CONSTRAINT' && words.includes('UNIQUE')))
      return [{ hazard: 'unique-constraint', line, table }];
    if (NOT_A_COLUMN.has(c.peek())) return [];
    c.accept('COLUMN');
    const column = c.name()?.name;
    const base = { line, table, ...(column ? { column } : {}) };
    if (words.includes('AUTO_INCREMENT')) return [{ ...base, hazard: 'add-auto-increment', detail: 'AUTO_INCREMENT' }];
    const notNull = words.some((w, i) => w === 'NOT' && words[i + 1] === 'NULL');
    if (notNull && !words.includes('DEFAULT')) return [{ ...base, hazard: 'add-required-column' }];
  }
  return [];
}

/**
 * The hazards of one MySQL statement the Postgres grammar rejected; undefined when its shape is not one this
 * reader knows (the caller then says it was not judged).
 */
export function mysqlOps(
  sql: SqlText,
  range: { start: number; end: number },
  state: SchemaState,
  fresh: (line: number) => boolean = () => true,
): MigrationOp[] | undefined {
  const tokens = sql.tokens.filter((t) => t.start >= range.start && t.start < range.end && !isComment(t));
  const c = new Cursor(tokens);
  const first = c.peek();
  const line = tokens[0] ? sql.lineAt(tokens[0].start) : sql.firstLine;
  if (DML.has(first)) return [];
  if (c.accept('CREATE')) {
    c.accept('TEMPORARY');
    if (c.accept('TABLE')) {
      if (c.accept('IF') && c.accept('NOT')) c.accept('EXISTS');
      const table = c.name();
      if (table && fresh(line)) state.createdTables.add(table.name);
      return [];
    }
    // CREATE [UNIQUE|FULLTEXT|SPATIAL] INDEX: online in InnoDB unless a lock or the copy algorithm is asked for.
    const words = tokens.map((t) => t.text.toUpperCase());
    if (words.includes('INDEX')) {
      const at = words.findIndex(
        (w, i) => (w === 'LOCK' || w === 'ALGORITHM') && words[i + 1] === '=' && ['SHARED', 'EXCLUSIVE', 'COPY'].includes(words[i + 2]),
      );
      return at >= 0 ? [{ hazard: 'table-lock', line, detail: `${words[at]}=${words[at + 2]}` }] : [];
    }
    return undefined;
  }
  if (c.accept('RENAME') && c.accept('TABLE')) {
    const ops: MigrationOp[] = [];
    for (const part of clauses(tokens.slice(2))) {
      const p = new Cursor(part);
      const from = p.name();
      p.accept('TO');
      const to = p.name();
      if (from && !state.createdTables.has(from.name))
        ops.push({ hazard: 'rename-table', line: sql.lineAt(from.token.start), table: from.name, ...(to ? { newName: to.name } : {}) });
    }
    return ops;
  }
  c.i = 0;
  if (c.accept('DROP')) {
    c.accept('TEMPORARY');
    if (!c.accept('TABLE')) return c.peek() === 'INDEX' ? [] : undefined;
    if (c.accept('IF')) c.accept('EXISTS');
    const ops: MigrationOp[] = [];
    for (const part of clauses(tokens.slice(c.i))) {
      const table = new Cursor(part).name();
      if (table && !state.createdTables.has(table.name))
        ops.push({ hazard: 'drop-table', line: sql.lineAt(table.token.start), table: table.name });
    }
    return ops;
  }
  if (c.accept('ALTER')) {
    c.accept('ONLINE', 'IGNORE');
    if (!c.accept('TABLE')) return undefined;
    const table = c.name();
    if (!table) return undefined;
    const isNew = state.createdTables.has(table.name);
    return clauses(tokens.slice(c.i)).flatMap((clause) => clauseOps(sql, clause, table.name, isNew));
  }
  return c.done() ? [] : undefined;
}
