/**
 * SQL migrations read with PostgreSQL's own parser: each statement's syntax tree says what it does to which
 * table, so comments, string contents, quoting and dollar-quoted function bodies cannot be mistaken for DDL.
 * Text the Postgres grammar rejects (MySQL's backticks, `MODIFY`, `ALGORITHM=`) is split into statements by
 * the same lexer and read token by token (mysql.ts), or reported as a notice: never guessed into an error.
 */
import type { MigrationNote, MigrationOp } from './hazards.js';
import type { PostgresParser, RawStatement } from './sql-parser.js';
import { SqlText, statementRanges } from './sql-text.js';
import { mysqlOps } from './mysql.js';

export type Database = 'postgres' | 'mysql';

/** What one migration has done so far: later statements of the same migration are judged against it. */
export interface SchemaState {
  /** Tables created in this migration: empty, so locking or rewriting them costs nothing. */
  createdTables: Set<string>;
  /** Constraints added NOT VALID in this migration. */
  notValid: Set<string>;
  /** Tables on which this migration validated a constraint (which may be the NOT NULL check SET NOT NULL reuses). */
  validatedOn: Set<string>;
}

export const emptyState = (): SchemaState => ({ createdTables: new Set(), notValid: new Set(), validatedOn: new Set() });

export interface SqlResult {
  ops: MigrationOp[];
  notes: MigrationNote[];
}

type Node = Record<string, unknown>;

const asNode = (value: unknown): Node | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Node) : undefined;
const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** The one `{ Type: fields }` entry of a node. */
function unwrap(value: unknown): [string, Node] | undefined {
  const node = asNode(value);
  if (node === undefined) return undefined;
  const [entry] = Object.entries(node);
  const fields = entry === undefined ? undefined : asNode(entry[1]);
  return entry && fields ? [entry[0], fields] : undefined;
}

const relname = (value: unknown): string | undefined => str(asNode(value)?.relname);

/** Names in a list of `{ String: { sval } }` nodes, e.g. a type name or a qualified object name. */
function names(value: unknown): string[] {
  return asList(value)
    .map((item) => str(asNode(asNode(item)?.String)?.sval))
    .filter((s): s is string => s !== undefined);
}

const typeNameOf = (typeName: unknown): string => {
  const parts = names(asNode(typeName)?.names).filter((n) => n !== 'pg_catalog');
  return parts.join('.');
};

/**
 * Built-in functions whose result differs per row (VOLATILE): as a column default they force Postgres to
 * rewrite the table. Stable ones such as now() are evaluated once and are fine from Postgres 11 on.
 */
const VOLATILE_FUNCTIONS = new Set([
  'random',
  'gen_random_uuid',
  'uuid_generate_v1',
  'uuid_generate_v1mc',
  'uuid_generate_v4',
  'uuidv4',
  'uuidv7',
  'clock_timestamp',
  'timeofday',
  'nextval',
  'txid_current',
  'pg_current_xact_id',
  'gen_random_bytes',
  'random_normal',
]);

const SERIAL_TYPES = new Set(['serial', 'bigserial', 'smallserial', 'serial2', 'serial4', 'serial8']);

/** The first volatile function called anywhere in an expression tree. */
function volatileCall(expr: unknown): string | undefined {
  if (Array.isArray(expr)) {
    for (const item of expr) {
      const found = volatileCall(item);
      if (found) return found;
    }
    return undefined;
  }
  const node = asNode(expr);
  if (node === undefined) return undefined;
  const call = asNode(node.FuncCall);
  if (call) {
    const name = names(call.funcname).at(-1);
    if (name && VOLATILE_FUNCTIONS.has(name.toLowerCase())) return `${name}()`;
  }
  for (const value of Object.values(node)) {
    const found = volatileCall(value);
    if (found) return found;
  }
  return undefined;
}

interface StatementContext {
  sql: SqlText;
  start: number;
  end: number;
  line: number;
  state: SchemaState;
  database: Database;
  ops: MigrationOp[];
  fresh: (line: number) => boolean;
}

function constraintOps(ctx: StatementContext, table: string, constraint: Node, line: number, inline: boolean): void {
  const type = str(constraint.contype);
  const name = str(constraint.conname);
  const notValid = constraint.skip_validation === true;
  if (notValid && name) ctx.state.notValid.add(name);
  const push = (hazard: MigrationOp['hazard'], detail?: string) => ctx.ops.push({ hazard, line, table, ...(detail ? { detail } : {}) });
  switch (type) {
    case 'CONSTR_FOREIGN':
      if (!notValid) push('foreign-key-validated', relname(constraint.pktable));
      break;
    case 'CONSTR_CHECK':
      if (!notValid) push('check-validated');
      break;
    case 'CONSTR_UNIQUE':
      // `UNIQUE USING INDEX` adopts an index built beforehand (concurrently): nothing is scanned.
      if (str(constraint.indexname) === undefined) push('unique-constraint');
      break;
    case 'CONSTR_PRIMARY':
      if (str(constraint.indexname) === undefined && !inline) push('primary-key');
      break;
    case 'CONSTR_EXCLUSION':
      push('exclusion-constraint');
      break;
  }
}

function addColumnOps(ctx: StatementContext, table: string, column: Node, line: number): void {
  const colname = str(column.colname);
  const type = typeNameOf(column.typeName).toLowerCase();
  const constraints = asList(column.constraints)
    .map((c) => asNode(asNode(c)?.Constraint))
    .filter((c): c is Node => c !== undefined);
  const kinds = new Set(constraints.map((c) => str(c.contype)));
  const base = { line, table, ...(colname ? { column: colname } : {}) };
  const defaultExpr = constraints.find((c) => c.contype === 'CONSTR_DEFAULT')?.raw_expr;
  if (SERIAL_TYPES.has(type)) ctx.ops.push({ ...base, hazard: 'add-auto-increment', detail: type });
  else if (kinds.has('CONSTR_IDENTITY')) ctx.ops.push({ ...base, hazard: 'add-auto-increment', detail: 'identity' });
  else if (constraints.some((c) => c.contype === 'CONSTR_GENERATED' && c.generated_kind === 's'))
    ctx.ops.push({ ...base, hazard: 'add-stored-generated' });
  else if (defaultExpr !== undefined) {
    const volatile = volatileCall(defaultExpr);
    if (volatile) ctx.ops.push({ ...base, hazard: 'add-volatile-default', detail: volatile });
  } else if (kinds.has('CONSTR_NOTNULL') || kinds.has('CONSTR_PRIMARY')) ctx.ops.push({ ...base, hazard: 'add-required-column' });
  for (const constraint of constraints) {
    if (constraint.contype === 'CONSTR_PRIMARY' || constraint.contype === 'CONSTR_NOTNULL') continue;
    constraintOps(ctx, table, constraint, line, true);
  }
}

function alterTableOps(ctx: StatementContext, node: Node): void {
  const table = relname(node.relation);
  if (table === undefined || node.objtype === 'OBJECT_INDEX') return;
  const isNew = ctx.state.createdTables.has(table);
  let cursor = ctx.start;
  const lineOf = (name: string | undefined): number => {
    if (name === undefined) return ctx.line;
    const found = ctx.sql.findName(name, cursor, ctx.end);
    if (found === undefined) return ctx.line;
    cursor = found.next;
    return found.line;
  };
  for (const item of asList(node.cmds)) {
    const cmd = asNode(asNode(item)?.AlterTableCmd);
    if (cmd === undefined) continue;
    const subtype = str(cmd.subtype);
    const name = str(cmd.name);
    const def = unwrap(cmd.def);
    if (subtype === 'AT_AddColumn' && def?.[0] === 'ColumnDef') {
      const line = lineOf(str(def[1].colname));
      if (!isNew) addColumnOps(ctx, table, def[1], line);
      continue;
    }
    if (subtype === 'AT_AddConstraint' && def?.[0] === 'Constraint') {
      const line = lineOf(str(def[1].conname) ?? undefined);
      if (!isNew) constraintOps(ctx, table, def[1], line, false);
      else if (def[1].skip_validation === true && str(def[1].conname)) ctx.state.notValid.add(str(def[1].conname)!);
      continue;
    }
    const line = lineOf(name);
    if (subtype === 'AT_ValidateConstraint') {
      ctx.state.validatedOn.add(table);
      if (name && ctx.state.notValid.has(name)) ctx.ops.push({ hazard: 'validate-same-migration', line, table, detail: name });
      continue;
    }
    if (isNew) continue;
    if (subtype === 'AT_DropColumn' && name) ctx.ops.push({ hazard: 'drop-column', line, table, column: name });
    else if (subtype === 'AT_AlterColumnType' && name) {
      const type = def?.[0] === 'ColumnDef' ? typeNameOf(def[1].typeName) : undefined;
      ctx.ops.push({ hazard: 'change-type', line, table, column: name, ...(type ? { detail: type } : {}) });
    } else if (subtype === 'AT_SetNotNull' && name && !ctx.state.validatedOn.has(table)) {
      ctx.ops.push({ hazard: 'set-not-null', line, table, column: name });
    }
  }
}

function statementOps(ctx: StatementContext, stmt: Node): void {
  const entry = unwrap(stmt);
  if (entry === undefined) return;
  const [type, node] = entry;
  const { state } = ctx;
  const push = (op: Omit<MigrationOp, 'line'> & { line?: number }) => ctx.ops.push({ line: ctx.line, ...op });
  switch (type) {
    case 'CreateStmt':
    case 'CreateTableAsStmt': {
      const table = relname(node.relation) ?? relname(asNode(node.into)?.rel);
      if (table && ctx.fresh(ctx.line)) state.createdTables.add(table);
      return;
    }
    case 'AlterTableStmt':
      alterTableOps(ctx, node);
      return;
    case 'RenameStmt': {
      const table = relname(node.relation);
      if (table === undefined || state.createdTables.has(table)) return;
      if (node.renameType === 'OBJECT_COLUMN') {
        const column = str(node.subname);
        const line = column ? (ctx.sql.findName(column, ctx.start, ctx.end)?.line ?? ctx.line) : ctx.line;
        push({ hazard: 'rename-column', line, table, ...(column ? { column } : {}), newName: str(node.newname) });
      } else if (node.renameType === 'OBJECT_TABLE') push({ hazard: 'rename-table', table, newName: str(node.newname) });
      return;
    }
    case 'DropStmt': {
      const objects = asList(node.objects)
        .map((o) => names(asNode(asNode(o)?.List)?.items).at(-1))
        .filter((n): n is string => n !== undefined);
      if (node.removeType === 'OBJECT_TABLE') {
        let cursor = ctx.start;
        for (const table of objects) {
          const found = ctx.sql.findName(table, cursor, ctx.end);
          if (found) cursor = found.next;
          if (!state.createdTables.has(table)) push({ hazard: 'drop-table', line: found?.line ?? ctx.line, table });
        }
      } else if (node.removeType === 'OBJECT_INDEX' && node.concurrent !== true && ctx.database === 'postgres') {
        push({ hazard: 'drop-index-not-concurrent', detail: objects.join(', ') });
      }
      return;
    }
    case 'IndexStmt': {
      const table = relname(node.relation);
      if (table === undefined || state.createdTables.has(table) || node.concurrent === true) return;
      // MySQL builds secondary indexes online by default; only Postgres blocks writes without CONCURRENTLY.
      if (ctx.database === 'postgres')
        push({ hazard: 'index-not-concurrent', table, ...(str(node.idxname) ? { detail: str(node.idxname) } : {}) });
      return;
    }
    case 'ReindexStmt': {
      const concurrently = asList(node.params).some((p) => str(asNode(asNode(p)?.DefElem)?.defname) === 'concurrently');
      if (!concurrently) push({ hazard: 'reindex-not-concurrent', ...(relname(node.relation) ? { table: relname(node.relation) } : {}) });
      return;
    }
    case 'LockStmt': {
      const tables = asList(node.relations)
        .map((r) => relname(asNode(r)?.RangeVar))
        .filter((t): t is string => t !== undefined && !state.createdTables.has(t));
      if (tables.length > 0) push({ hazard: 'table-lock', table: tables.join(', ') });
      return;
    }
    case 'AlterEnumStmt':
      if (str(node.oldVal) !== undefined) push({ hazard: 'rename-enum-value', detail: `${str(node.oldVal)} → ${str(node.newVal)}` });
      return;
  }
}

/** Statements after a "down" marker are the rollback, which a deploy does not run. */
const DOWN_MARKERS = [/^--\s*\+goose\s+down\b/i, /^--\s*migrate:down\b/i, /^--\s*\/\/\s*@undo\b/i, /^--\s*\+migrate\s+down\b/i];

function upEnd(sql: SqlText): number {
  const marker = sql.tokens.find((t) => t.tokenName === 'SQL_COMMENT' && DOWN_MARKERS.some((re) => re.test(t.text.trim())));
  return marker?.start ?? sql.bytes.length;
}

export interface SqlOptions {
  parser: PostgresParser;
  database: Database;
  state: SchemaState;
  /** The file line on which the SQL text starts. */
  firstLine?: number;
  /**
   * Whether a line is new in this change. A table created on an old line of an edited migration has rows
   * by now; only one created by this change is empty. Default: every line is new.
   */
  fresh?: (line: number) => boolean;
}

/** The hazards of a piece of SQL: a whole migration file, or one string of SQL inside another language's migration. */
export function analyseSql(text: string, options: SqlOptions): SqlResult {
  const sql = new SqlText(text, options.parser, options.firstLine ?? 1);
  const ops: MigrationOp[] = [];
  const notes: MigrationNote[] = [];
  const end = upEnd(sql);
  const judge = (stmts: RawStatement[], offset: number) => {
    for (const raw of stmts) {
      const location = offset + (raw.stmt_location ?? 0);
      const stmtEnd = raw.stmt_len ? location + raw.stmt_len : end;
      if (location >= end) break;
      const first = sql.firstTokenFrom(location, stmtEnd);
      const start = first?.start ?? location;
      const context = {
        sql,
        start,
        end: stmtEnd,
        line: sql.lineAt(start),
        state: options.state,
        database: options.database,
        ops,
        fresh: options.fresh ?? (() => true),
      };
      statementOps(context, raw.stmt);
    }
  };
  const whole = end === sql.bytes.length ? text : sql.slice(0, end);
  try {
    judge(options.parser.parse(whole).stmts, 0);
    return { ops, notes };
  } catch {
    // One statement the grammar rejects must not hide the others: parse them one by one.
  }
  for (const range of statementRanges(sql).filter((r) => r.start < end)) {
    const statement = sql.slice(range.start, range.end);
    let parsed: RawStatement[] | undefined;
    try {
      parsed = options.parser.parse(statement).stmts;
    } catch (error) {
      const line = sql.lineAt(range.start);
      const mysql = options.database === 'mysql' ? mysqlOps(sql, range, options.state, options.fresh) : undefined;
      if (mysql !== undefined) ops.push(...mysql);
      else {
        const reason = error instanceof Error ? error.message : String(error);
        notes.push({
          line,
          message: `not judged: this statement is not PostgreSQL syntax (${reason})${options.database === 'postgres' ? '; for MySQL set `migrations.database: mysql`' : ''}`,
        });
      }
    }
    if (parsed) judge(parsed, range.start);
  }
  return { ops, notes };
}
