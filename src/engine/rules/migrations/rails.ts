/**
 * Rails (Active Record) migrations, read from their Ruby syntax tree: the schema statements of `change` and
 * `up` (never `down`), inside `change_table` blocks too, and the SQL given to `execute`. The checks follow
 * strong_migrations' list.
 */
import type { SyntaxNode } from '../../syntax/index.js';
import { field } from '../../syntax/index.js';
import type { MigrationOp } from './hazards.js';
import { callsUnder, strArg, type Arg, type Call, type CallReader } from './calls.js';
import type { Database } from './sql.js';

export interface EmbeddedSql {
  text: string;
  /** Offset in the file where the SQL text starts. */
  start: number;
}

export interface HostResult {
  ops: MigrationOp[];
  sql: EmbeddedSql[];
  /** Tables the migration creates (empty, so their locks cost nothing). */
  created: Set<string>;
}

const isDown =
  (reader: CallReader) =>
  (node: SyntaxNode): boolean => {
    if (node.type === 'method' || node.type === 'singleton_method')
      return /^(?:self\.)?down$/.test(reader.text(field(node, 'name') ?? node));
    // reversible do |dir| dir.down { … } end
    if (node.type === 'call') return reader.text(field(node, 'method') ?? node) === 'down' && field(node, 'receiver') !== undefined;
    return false;
  };

const truthy = (arg: Arg | undefined): boolean => arg !== undefined && arg.bool !== false && arg.node.type !== 'nil';
const concurrently = (call: Call, key = 'algorithm'): boolean => call.kwargs.get(key)?.str === 'concurrently';
const VOLATILE_SQL = /\b(?:gen_random_uuid|uuid_generate_v[14]\w*|random|clock_timestamp|nextval|timeofday)\s*\(/i;

/** A column definition's hazards when added to an existing table: required without default, rewriting default. */
function addColumnOps(reader: CallReader, call: Call, table: string, column: string | undefined, type: string | undefined): MigrationOp[] {
  const base = { line: call.line, table, ...(column ? { column } : {}) };
  if (type && ['primary_key', 'serial', 'bigserial'].includes(type)) return [{ ...base, hazard: 'add-auto-increment', detail: type }];
  if (type === 'virtual' && call.kwargs.get('stored')?.bool === true) return [{ ...base, hazard: 'add-stored-generated' }];
  const fallback = call.kwargs.get('default');
  if (fallback !== undefined) {
    // `default: -> { "gen_random_uuid()" }` is SQL the database evaluates per row.
    const volatile = fallback.node.type === 'lambda' ? reader.text(fallback.node).match(VOLATILE_SQL)?.[0] : undefined;
    return volatile ? [{ ...base, hazard: 'add-volatile-default', detail: `${volatile.replace(/\s*\($/, '')}()` }] : [];
  }
  if (call.kwargs.get('null')?.bool === false) return [{ ...base, hazard: 'add-required-column' }];
  return [];
}

export function railsOps(reader: CallReader, database: Database): HostResult {
  const ops: MigrationOp[] = [];
  const sql: EmbeddedSql[] = [];
  const created = new Set<string>();
  const postgres = database === 'postgres';
  const calls = callsUnder(reader, reader.tree.root, isDown(reader));
  // change_table :users do |t| … end: calls on the block's variable act on that table.
  const blockTables = new Map<SyntaxNode, { table: string; variable: string; isNew: boolean }>();
  for (const call of calls) {
    if (call.receiver !== undefined) continue;
    const table = strArg(call, 0);
    const block = field(call.node, 'block');
    const variable = block ? reader.text(block).match(/\|\s*(\w+)/)?.[1] : undefined;
    if (table === undefined) continue;
    if (call.name === 'create_table' || call.name === 'create_join_table')
      created.add(call.name === 'create_table' ? table : `${table}_${strArg(call, 1) ?? ''}`);
    if ((call.name === 'change_table' || call.name === 'create_table') && block && variable)
      blockTables.set(block, { table, variable, isNew: call.name === 'create_table' });
  }
  const blockOf = (call: Call) => {
    for (let node = call.node.parent; node; node = node.parent) {
      const found = blockTables.get(node);
      if (found) return found;
    }
    return undefined;
  };
  for (const call of calls) {
    const inBlock = call.receiver !== undefined ? blockOf(call) : undefined;
    if (inBlock && call.receiver === inBlock.variable) {
      if (inBlock.isNew) continue;
      ops.push(...blockCallOps(reader, call, inBlock.table, postgres));
      continue;
    }
    if (call.receiver !== undefined && call.name !== 'execute') continue;
    if (call.name === 'execute' || call.name === 'exec_query') {
      const arg = call.args[0];
      if (arg?.str !== undefined && arg.contentStart !== undefined) sql.push({ text: arg.str, start: arg.contentStart });
      continue;
    }
    const table = strArg(call, 0);
    if (table === undefined || created.has(table)) continue;
    const col = strArg(call, 1);
    const base = { line: call.line, table };
    switch (call.name) {
      case 'remove_column':
        ops.push({ ...base, hazard: 'drop-column', ...(col ? { column: col } : {}) });
        break;
      case 'remove_columns':
        for (const arg of call.args.slice(1)) if (arg.str) ops.push({ ...base, hazard: 'drop-column', column: arg.str });
        break;
      case 'remove_reference':
      case 'remove_belongs_to':
        ops.push({ ...base, hazard: 'drop-column', column: `${col ?? ''}_id` });
        break;
      case 'rename_column':
        ops.push({
          ...base,
          hazard: 'rename-column',
          ...(col ? { column: col } : {}),
          ...(strArg(call, 2) ? { newName: strArg(call, 2) } : {}),
        });
        break;
      case 'rename_table':
        ops.push({ ...base, hazard: 'rename-table', ...(col ? { newName: col } : {}) });
        break;
      case 'drop_table':
      case 'drop_join_table':
        ops.push({ ...base, hazard: 'drop-table' });
        break;
      case 'change_column':
        ops.push({
          ...base,
          hazard: 'change-type',
          ...(col ? { column: col } : {}),
          ...(strArg(call, 2) ? { detail: strArg(call, 2) } : {}),
        });
        break;
      case 'change_column_null':
        if (call.args[2]?.bool === false) ops.push({ ...base, hazard: 'set-not-null', ...(col ? { column: col } : {}) });
        break;
      case 'add_column':
        ops.push(...addColumnOps(reader, call, table, col, strArg(call, 2)));
        break;
      case 'add_index':
        if (postgres && !concurrently(call)) ops.push({ ...base, hazard: 'index-not-concurrent' });
        break;
      case 'remove_index':
        if (postgres && !concurrently(call)) ops.push({ ...base, hazard: 'drop-index-not-concurrent' });
        break;
      case 'add_reference':
      case 'add_belongs_to':
        ops.push(...referenceOps(reader, call, table, col, postgres));
        break;
      case 'add_foreign_key':
        if (call.kwargs.get('validate')?.bool !== false)
          ops.push({ ...base, hazard: 'foreign-key-validated', ...(col ? { detail: col } : {}) });
        break;
      case 'add_check_constraint':
        if (call.kwargs.get('validate')?.bool !== false) ops.push({ ...base, hazard: 'check-validated' });
        break;
      case 'add_unique_constraint':
        if (!call.kwargs.has('using_index')) ops.push({ ...base, hazard: 'unique-constraint' });
        break;
      case 'add_exclusion_constraint':
        ops.push({ ...base, hazard: 'exclusion-constraint' });
        break;
    }
  }
  return { ops, sql, created };
}

function referenceOps(reader: CallReader, call: Call, table: string, ref: string | undefined, postgres: boolean): MigrationOp[] {
  const ops: MigrationOp[] = [];
  const base = { line: call.line, table, ...(ref ? { column: `${ref}_id` } : {}) };
  const index = call.kwargs.get('index');
  // add_reference indexes by default; `index: { algorithm: :concurrently }` builds it concurrently.
  const concurrentIndex = index !== undefined && /algorithm:\s*:concurrently/.test(reader.text(index.node));
  if (postgres && (index === undefined || truthy(index)) && !concurrentIndex) ops.push({ ...base, hazard: 'index-not-concurrent' });
  const fk = call.kwargs.get('foreign_key');
  if (fk !== undefined && truthy(fk) && !/validate:\s*false/.test(reader.text(fk.node)))
    ops.push({ ...base, hazard: 'foreign-key-validated' });
  if (call.kwargs.get('null')?.bool === false) ops.push({ ...base, hazard: 'add-required-column' });
  return ops;
}

/** `t.remove :c`, `t.rename :a, :b`, `t.change …`, `t.index …`, `t.references …` inside `change_table`. */
function blockCallOps(reader: CallReader, call: Call, table: string, postgres: boolean): MigrationOp[] {
  const col = strArg(call, 0);
  const base = { line: call.line, table };
  switch (call.name) {
    case 'remove':
      return call.args.filter((a) => a.str).map((a) => ({ ...base, hazard: 'drop-column' as const, column: a.str! }));
    case 'rename':
      return [
        { ...base, hazard: 'rename-column', ...(col ? { column: col } : {}), ...(strArg(call, 1) ? { newName: strArg(call, 1) } : {}) },
      ];
    case 'change':
      return [{ ...base, hazard: 'change-type', ...(col ? { column: col } : {}) }];
    case 'change_null':
      return call.args[1]?.bool === false ? [{ ...base, hazard: 'set-not-null', ...(col ? { column: col } : {}) }] : [];
    case 'index':
      return postgres && !concurrently(call) ? [{ ...base, hazard: 'index-not-concurrent' }] : [];
    case 'remove_index':
      return postgres && !concurrently(call) ? [{ ...base, hazard: 'drop-index-not-concurrent' }] : [];
    case 'references':
    case 'belongs_to':
      return referenceOps(reader, call, table, col, postgres);
    case 'column':
      return addColumnOps(reader, call, table, col, strArg(call, 1));
    case 'string':
    case 'text':
    case 'integer':
    case 'bigint':
    case 'boolean':
    case 'datetime':
    case 'date':
    case 'decimal':
    case 'float':
    case 'uuid':
    case 'json':
    case 'jsonb':
    case 'timestamp':
    case 'binary':
      return addColumnOps(reader, call, table, col, call.name);
    default:
      return [];
  }
}
