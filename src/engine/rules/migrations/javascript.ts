/**
 * JavaScript and TypeScript migrations: Knex's schema builder, Sequelize's queryInterface, TypeORM's
 * queryRunner, and SQL handed to `query`, `raw` or `runSql` (db-migrate) — all read from the syntax tree of
 * the `up` migration only (never `down`).
 */
import { field, type SyntaxNode } from '../../syntax/index.js';
import type { MigrationOp } from './hazards.js';
import { callsUnder, strArg, type Call, type CallReader } from './calls.js';
import type { EmbeddedSql, HostResult } from './rails.js';
import type { Database } from './sql.js';

const SQL_CALLS = new Set(['query', 'raw', 'runSql', 'execute', 'executeQuery']);
const FUNCTIONS = new Set([
  'function_expression',
  'arrow_function',
  'function_declaration',
  'function',
  'method_definition',
  'generator_function',
]);

/** The bodies of `up`: `exports.up = …`, `export async function up`, `{ up: … }`, `async up(…) {…}`. */
function upFunctions(reader: CallReader): SyntaxNode[] {
  const found: SyntaxNode[] = [];
  const named = (node: SyntaxNode | undefined) => node !== undefined && /^(?:exports\.|module\.exports\.)?up$/.test(reader.text(node));
  const visit = (node: SyntaxNode): void => {
    if ((node.type === 'method_definition' || node.type === 'function_declaration') && named(field(node, 'name'))) found.push(node);
    else if (node.type === 'pair' && named(field(node, 'key')) && FUNCTIONS.has(field(node, 'value')?.type ?? ''))
      found.push(field(node, 'value')!);
    else if (node.type === 'assignment_expression' && named(field(node, 'left')) && FUNCTIONS.has(field(node, 'right')?.type ?? ''))
      found.push(field(node, 'right')!);
    else if (node.type === 'variable_declarator' && named(field(node, 'name')) && FUNCTIONS.has(field(node, 'value')?.type ?? ''))
      found.push(field(node, 'value')!);
    else for (const child of node.children) visit(child);
  };
  visit(reader.tree.root);
  return found;
}

/** The calls chained on a column builder: `table.string('x').notNullable().alter()` → [string, notNullable, alter]. */
function chain(call: Call, reader: CallReader): { base: Call; names: Set<string>; top: Call } {
  let base = call;
  const names = new Set<string>([call.name]);
  for (let node = call.node.parent; node; node = node.parent) {
    if (node.type === 'member_expression') continue;
    if (node.type !== 'call_expression') break;
    const read = reader.read(node);
    names.add(read.name);
    base = base === call ? call : base;
  }
  let top = call;
  for (let node = call.node.parent; node && (node.type === 'member_expression' || node.type === 'call_expression'); node = node.parent) {
    if (node.type === 'call_expression') top = reader.read(node);
  }
  return { base, names, top };
}

export function javascriptOps(reader: CallReader, database: Database): HostResult {
  const ops: MigrationOp[] = [];
  const sql: EmbeddedSql[] = [];
  const created = new Set<string>();
  const postgres = database === 'postgres';
  for (const up of upFunctions(reader)) {
    const calls = callsUnder(reader, up);
    // knex.schema.alterTable('t', (table) => { … }): calls on `table` inside that callback act on t. Each
    // callback is its own scope: two builders are often both called `table`.
    const builders: { param: string; table: string; isNew: boolean; start: number; end: number }[] = [];
    for (const call of calls) {
      const table = strArg(call, 0, 'tableName');
      if (['createTable', 'createTableIfNotExists'].includes(call.name) && table) created.add(table);
      const callback = call.args.find((a) => a.node.type === 'arrow_function' || a.node.type === 'function_expression');
      const param = callback
        ? reader
            .text(field(callback.node, 'parameters') ?? field(callback.node, 'parameter') ?? callback.node)
            .replace(/[()\s]/g, '')
            .split(/[,:]/)[0]
        : undefined;
      if (table && param && ['alterTable', 'table', 'createTable', 'createTableIfNotExists'].includes(call.name)) {
        builders.push({ param, table, isNew: call.name.startsWith('createTable'), start: callback!.node.start, end: callback!.node.end });
      }
    }
    for (const call of calls) {
      const first = call.args[0];
      if (SQL_CALLS.has(call.name) && first?.str !== undefined && first.contentStart !== undefined) {
        sql.push({ text: first.str, start: first.contentStart });
        continue;
      }
      const builder = call.receiver ? builderOf(builders, call.receiver, call.node.start) : undefined;
      if (builder) {
        if (!builder.isNew) ops.push(...knexColumnOps(call, builder.table, reader, postgres));
        continue;
      }
      const table = strArg(call, 0, 'tableName');
      if (table === undefined || created.has(table)) continue;
      const column = strArg(call, 1);
      const base = { line: call.line, table };
      const options = call.args.find((a) => a.node.type === 'object' || a.node.type === 'new_expression');
      const optionText = options ? reader.text(options.node) : '';
      switch (call.name) {
        case 'dropTable':
        case 'dropTableIfExists':
          ops.push({ ...base, hazard: 'drop-table' });
          break;
        case 'renameTable':
          ops.push({ ...base, hazard: 'rename-table', ...(column ? { newName: column } : {}) });
          break;
        case 'removeColumn':
        case 'dropColumn':
          ops.push({ ...base, hazard: 'drop-column', ...(column ? { column } : {}) });
          break;
        case 'renameColumn':
          ops.push({
            ...base,
            hazard: 'rename-column',
            ...(column ? { column } : {}),
            ...(strArg(call, 2) ? { newName: strArg(call, 2) } : {}),
          });
          break;
        case 'changeColumn':
          ops.push({ ...base, hazard: 'change-type', ...(column ? { column } : {}) });
          break;
        case 'addColumn': {
          // Sequelize: addColumn(t, c, { allowNull: false }); TypeORM: addColumn(t, new TableColumn({ isNullable: false }))
          const name = column ?? optionText.match(/name:\s*['"`](\w+)/)?.[1];
          const required = /allowNull:\s*false|isNullable:\s*false/.test(optionText) && !/defaultValue|default:/.test(optionText);
          if (required) ops.push({ ...base, hazard: 'add-required-column', ...(name ? { column: name } : {}) });
          break;
        }
        case 'addIndex':
        case 'createIndex':
          if (postgres && !/concurrently:\s*true/.test(optionText)) ops.push({ ...base, hazard: 'index-not-concurrent' });
          break;
        case 'removeIndex':
        case 'dropIndex':
          if (postgres && !/concurrently:\s*true/.test(optionText)) ops.push({ ...base, hazard: 'drop-index-not-concurrent' });
          break;
        case 'addConstraint': {
          const type = optionText.match(/type:\s*['"`]([\w ]+)['"`]/)?.[1]?.toLowerCase();
          if (type === 'foreign key') ops.push({ ...base, hazard: 'foreign-key-validated' });
          else if (type === 'check') ops.push({ ...base, hazard: 'check-validated' });
          else if (type === 'unique') ops.push({ ...base, hazard: 'unique-constraint' });
          else if (type === 'primary key') ops.push({ ...base, hazard: 'primary-key' });
          break;
        }
        case 'createForeignKey':
          ops.push({ ...base, hazard: 'foreign-key-validated' });
          break;
      }
    }
  }
  return { ops, sql, created };
}

const COLUMN_TYPES = new Set([
  'string',
  'text',
  'integer',
  'bigInteger',
  'bigint',
  'boolean',
  'date',
  'datetime',
  'timestamp',
  'decimal',
  'float',
  'double',
  'uuid',
  'json',
  'jsonb',
  'enum',
  'enu',
  'binary',
  'specificType',
  'tinyint',
  'smallint',
  'mediumint',
  'time',
]);

/** The innermost builder callback around `offset` whose parameter is `receiver`. */
function builderOf<B extends { param: string; start: number; end: number }>(
  builders: readonly B[],
  receiver: string,
  offset: number,
): B | undefined {
  let found: B | undefined;
  for (const b of builders) {
    if (b.param !== receiver || offset < b.start || offset >= b.end) continue;
    if (!found || b.start >= found.start) found = b;
  }
  return found;
}

/** Calls on a Knex table builder of an existing table. */
function knexColumnOps(call: Call, table: string, reader: CallReader, postgres: boolean): MigrationOp[] {
  const column = strArg(call, 0);
  const base = { line: call.line, table, ...(column ? { column } : {}) };
  switch (call.name) {
    case 'dropColumn':
      return [{ ...base, hazard: 'drop-column' }];
    case 'dropColumns':
      return call.args.filter((a) => a.str).map((a) => ({ line: call.line, table, column: a.str!, hazard: 'drop-column' as const }));
    case 'renameColumn':
      return [{ ...base, hazard: 'rename-column', ...(strArg(call, 1) ? { newName: strArg(call, 1) } : {}) }];
    case 'index':
      return postgres ? [{ ...base, hazard: 'index-not-concurrent' }] : [];
    case 'dropIndex':
      return postgres ? [{ ...base, hazard: 'drop-index-not-concurrent' }] : [];
    case 'unique':
      return [{ ...base, hazard: 'unique-constraint' }];
    case 'foreign':
      return [{ ...base, hazard: 'foreign-key-validated' }];
    case 'increments':
    case 'bigIncrements':
      return [{ ...base, hazard: 'add-auto-increment' }];
  }
  if (!COLUMN_TYPES.has(call.name)) return [];
  const { names } = chain(call, reader);
  if (names.has('alter')) return [{ ...base, hazard: 'change-type' }];
  const ops: MigrationOp[] = [];
  if (names.has('notNullable') && !names.has('defaultTo')) ops.push({ ...base, hazard: 'add-required-column' });
  if (names.has('references') || names.has('foreign')) ops.push({ ...base, hazard: 'foreign-key-validated' });
  if (names.has('unique')) ops.push({ ...base, hazard: 'unique-constraint' });
  if (names.has('index') && postgres) ops.push({ ...base, hazard: 'index-not-concurrent' });
  return ops;
}
