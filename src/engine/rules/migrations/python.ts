/**
 * Django and Alembic migrations, read from their Python syntax tree. Django: the `operations` list (only the
 * database side of `SeparateDatabaseAndState`), checked as django-migration-linter checks the SQL Django
 * generates. Alembic: the `op.*` calls of `upgrade()` (never `downgrade()`), and batch operations.
 */
import { field, namedChildren, type SyntaxNode } from '../../syntax/index.js';
import type { MigrationNote, MigrationOp } from './hazards.js';
import { callsUnder, strArg, type Arg, type Call, type CallReader } from './calls.js';
import type { EmbeddedSql, HostResult } from './rails.js';
import type { Database } from './sql.js';

const sqlOf = (arg: Arg | undefined): EmbeddedSql[] => {
  if (arg === undefined) return [];
  if (arg.str !== undefined && arg.contentStart !== undefined) return [{ text: arg.str, start: arg.contentStart }];
  if (arg.items) return arg.items.flatMap(sqlOf);
  // sa.text("…"), a tuple (sql, params)
  if (arg.call) return sqlOf(arg.call.args[0]);
  return [];
};

const NON_COLUMN_FIELDS = new Set(['ManyToManyField', 'GenericRelation', 'GenericForeignKey']);
const FK_FIELDS = new Set(['ForeignKey', 'OneToOneField', 'ParentalKey']);

/** The previous definition of a model field, as the change's own edit of the model shows it (deleted line). */
export type PreviousField = (model: string, name: string) => string | undefined;

function fieldHazards(
  call: Call,
  model: string,
  name: string,
  fieldCall: Call | undefined,
  postgres: boolean,
  adding: boolean,
): MigrationOp[] {
  if (fieldCall === undefined || NON_COLUMN_FIELDS.has(fieldCall.name)) return [];
  const base = { line: call.line, table: model, column: name };
  const nullable = fieldCall.kwargs.get('null')?.bool === true;
  const ops: MigrationOp[] = [];
  if (adding && !nullable && !fieldCall.kwargs.has('db_default')) ops.push({ ...base, hazard: 'add-required-column' });
  if (adding && FK_FIELDS.has(fieldCall.name)) {
    if (postgres && fieldCall.kwargs.get('db_index')?.bool !== false) ops.push({ ...base, hazard: 'index-not-concurrent' });
    if (fieldCall.kwargs.get('db_constraint')?.bool !== false) ops.push({ ...base, hazard: 'foreign-key-validated' });
  } else if (adding && postgres && fieldCall.kwargs.get('db_index')?.bool === true) ops.push({ ...base, hazard: 'index-not-concurrent' });
  if (fieldCall.kwargs.get('unique')?.bool === true) ops.push({ ...base, hazard: 'unique-constraint' });
  return ops;
}

/** AlterField: judged against the field's previous definition where the change shows it. */
function alterFieldOps(
  reader: CallReader,
  call: Call,
  model: string,
  name: string,
  fieldCall: Call | undefined,
  previous: PreviousField,
  notes: MigrationNote[],
): MigrationOp[] {
  if (fieldCall === undefined || NON_COLUMN_FIELDS.has(fieldCall.name)) return [];
  const before = previous(model, name);
  const base = { line: call.line, table: model, column: name };
  if (before === undefined) {
    notes.push({
      line: call.line,
      message: `not judged: \`${model}.${name}\` is altered, and its previous definition is not in this change (a new type or NOT NULL would break the running code)`,
    });
    return [];
  }
  const oldClass = before.match(/(\w+)\s*\(/)?.[1];
  const ops: MigrationOp[] = [];
  if (oldClass !== undefined && oldClass !== fieldCall.name)
    ops.push({ ...base, hazard: 'change-type', detail: `${oldClass} → ${fieldCall.name}` });
  const maxLength = (text: string) => Number(text.match(/max_length\s*=\s*(\d+)/)?.[1] ?? NaN);
  const newLength = maxLength(reader.text(fieldCall.node));
  if (ops.length === 0 && maxLength(before) > newLength)
    ops.push({ ...base, hazard: 'change-type', detail: `max_length ${maxLength(before)} → ${newLength}` });
  if (/\bnull\s*=\s*True\b/.test(before) && fieldCall.kwargs.get('null')?.bool !== true) ops.push({ ...base, hazard: 'set-not-null' });
  if (!/\bunique\s*=\s*True\b/.test(before) && fieldCall.kwargs.get('unique')?.bool === true)
    ops.push({ ...base, hazard: 'unique-constraint' });
  return ops;
}

const opName = (call: Call): string => call.name;

export function djangoOps(reader: CallReader, database: Database, previous: PreviousField): HostResult & { notes: MigrationNote[] } {
  const ops: MigrationOp[] = [];
  const sql: EmbeddedSql[] = [];
  const notes: MigrationNote[] = [];
  const created = new Set<string>();
  const postgres = database === 'postgres';
  // State-only operations and the reverse side of RunSQL never touch the database on the way up.
  const skip = (node: SyntaxNode): boolean => {
    if (node.type !== 'keyword_argument') return false;
    const name = reader.text(field(node, 'name') ?? node);
    return name === 'state_operations' || name === 'reverse_sql' || name === 'reverse_code';
  };
  for (const call of callsUnder(reader, reader.tree.root, skip)) {
    const model = (strArg(call, 0, 'model_name') ?? '').toLowerCase();
    const name = strArg(call, 1, 'name');
    const fieldArg = call.kwargs.get('field') ?? call.args[2];
    const base = { line: call.line, table: model };
    switch (opName(call)) {
      case 'CreateModel':
        created.add((strArg(call, 0, 'name') ?? '').toLowerCase());
        break;
      case 'RunSQL':
        sql.push(...sqlOf(call.kwargs.get('sql') ?? call.args[0]));
        break;
      default:
        if (created.has(model) && !['RemoveField', 'RenameField'].includes(call.name)) break;
        switch (call.name) {
          case 'RemoveField':
            ops.push({ ...base, hazard: 'drop-column', ...(name ? { column: name } : {}) });
            break;
          case 'RenameField':
            ops.push({
              ...base,
              hazard: 'rename-column',
              ...(strArg(call, 1, 'old_name') ? { column: strArg(call, 1, 'old_name') } : {}),
              ...(strArg(call, 2, 'new_name') ? { newName: strArg(call, 2, 'new_name') } : {}),
            });
            break;
          case 'DeleteModel':
            ops.push({ line: call.line, hazard: 'drop-table', table: strArg(call, 0, 'name') ?? '' });
            break;
          case 'RenameModel':
            ops.push({
              line: call.line,
              hazard: 'rename-table',
              table: strArg(call, 0, 'old_name') ?? '',
              ...(strArg(call, 1, 'new_name') ? { newName: strArg(call, 1, 'new_name') } : {}),
            });
            break;
          case 'AlterModelTable':
            ops.push({ line: call.line, hazard: 'rename-table', table: strArg(call, 0, 'name') ?? '' });
            break;
          case 'AddField':
            if (name) ops.push(...fieldHazards(call, model, name, fieldArg?.call, postgres, true));
            break;
          case 'AlterField':
            if (name) ops.push(...alterFieldOps(reader, call, model, name, fieldArg?.call, previous, notes));
            break;
          case 'AddIndex':
          case 'AlterIndexTogether':
            if (postgres) ops.push({ ...base, hazard: 'index-not-concurrent' });
            break;
          case 'RemoveIndex':
            if (postgres) ops.push({ ...base, hazard: 'drop-index-not-concurrent' });
            break;
          case 'AlterUniqueTogether':
            if ((call.kwargs.get('unique_together') ?? call.args[1])?.items?.length) ops.push({ ...base, hazard: 'unique-constraint' });
            break;
          case 'AddConstraint': {
            const constraint = (call.kwargs.get('constraint') ?? call.args[1])?.call?.name;
            if (constraint === 'UniqueConstraint') ops.push({ ...base, hazard: 'unique-constraint' });
            else if (constraint === 'CheckConstraint') ops.push({ ...base, hazard: 'check-validated' });
            else if (constraint === 'ExclusionConstraint') ops.push({ ...base, hazard: 'exclusion-constraint' });
            break;
          }
        }
    }
  }
  return { ops, sql, created, notes };
}

/** Alembic: `op.*` (or a batch's `batch_op.*`) calls inside `upgrade()`. */
export function alembicOps(reader: CallReader, database: Database): HostResult {
  const ops: MigrationOp[] = [];
  const sql: EmbeddedSql[] = [];
  const created = new Set<string>();
  const postgres = database === 'postgres';
  const upgrades = namedChildren(reader.tree.root)
    .map((n) => (n.type === 'decorated_definition' ? field(n, 'definition') : n))
    .filter((n): n is SyntaxNode => n?.type === 'function_definition' && /^upgrade/.test(reader.text(field(n, 'name') ?? n)));
  for (const upgrade of upgrades) {
    const calls = callsUnder(reader, upgrade);
    // with op.batch_alter_table("t") as batch_op: …
    const batches = new Map<string, string>();
    for (const call of calls) {
      if (call.name === 'batch_alter_table') {
        const alias =
          call.node.parent?.parent?.type === 'with_item'
            ? reader.text(field(call.node.parent.parent, 'alias') ?? call.node).trim()
            : undefined;
        const item = call.node.parent;
        const asName = item && item.type === 'as_pattern' ? reader.text(field(item, 'alias') ?? item).trim() : alias;
        if (asName && strArg(call, 0, 'table_name')) batches.set(asName, strArg(call, 0, 'table_name')!);
      }
    }
    for (const call of calls) {
      const batchTable = call.receiver ? batches.get(call.receiver) : undefined;
      if (call.receiver !== 'op' && batchTable === undefined) continue;
      const shift = batchTable === undefined ? 0 : -1;
      // Constraints are named first: create_foreign_key(name, source_table, …).
      const constraint = ['create_foreign_key', 'create_check_constraint', 'create_unique_constraint', 'create_primary_key'].includes(
        call.name,
      );
      const table =
        batchTable ?? (constraint ? (strArg(call, 1, 'source_table') ?? strArg(call, 1, 'table_name')) : strArg(call, 0, 'table_name'));
      const column = strArg(call, 1 + shift, 'column_name');
      const kw = (key: string) => call.kwargs.get(key);
      if (call.name === 'execute') {
        sql.push(...sqlOf(call.args[0] ?? kw('sqltext')));
        continue;
      }
      if (call.name === 'create_table') {
        if (table) created.add(table);
        continue;
      }
      if (call.name === 'create_index' || call.name === 'drop_index') {
        // create_index(name, table, columns); the table is the second argument.
        const indexTable = strArg(call, 1 + shift, 'table_name') ?? batchTable;
        if (!postgres || (indexTable && created.has(indexTable)) || kw('postgresql_concurrently')?.bool === true) continue;
        ops.push({
          line: call.line,
          hazard: call.name === 'create_index' ? 'index-not-concurrent' : 'drop-index-not-concurrent',
          ...(indexTable ? { table: indexTable } : {}),
        });
        continue;
      }
      if (table === undefined || created.has(table)) continue;
      const base = { line: call.line, table };
      switch (call.name) {
        case 'drop_column':
          ops.push({ ...base, hazard: 'drop-column', ...(column ? { column } : {}) });
          break;
        case 'drop_table':
          ops.push({ ...base, hazard: 'drop-table' });
          break;
        case 'rename_table':
          ops.push({
            ...base,
            hazard: 'rename-table',
            ...(strArg(call, 1, 'new_table_name') ? { newName: strArg(call, 1, 'new_table_name') } : {}),
          });
          break;
        case 'alter_column': {
          const col = column ? { column } : {};
          if (kw('new_column_name')?.str) ops.push({ ...base, ...col, hazard: 'rename-column', newName: kw('new_column_name')!.str });
          if (kw('type_')) ops.push({ ...base, ...col, hazard: 'change-type', detail: reader.text(kw('type_')!.node) });
          if (kw('nullable')?.bool === false) ops.push({ ...base, ...col, hazard: 'set-not-null' });
          break;
        }
        case 'add_column': {
          const columnCall = call.args[1 + shift]?.call ?? kw('column')?.call;
          if (columnCall === undefined) break;
          const name = strArg(columnCall, 0);
          const colBase = { ...base, ...(name ? { column: name } : {}) };
          const required = columnCall.kwargs.get('nullable')?.bool === false || columnCall.kwargs.get('primary_key')?.bool === true;
          if (required && !columnCall.kwargs.has('server_default')) ops.push({ ...colBase, hazard: 'add-required-column' });
          if (columnCall.args.some((a) => a.call?.name === 'ForeignKey')) ops.push({ ...colBase, hazard: 'foreign-key-validated' });
          // sa.Column(…, index=True) makes Alembic emit a plain CREATE INDEX.
          if (postgres && (columnCall.kwargs.get('index')?.bool === true || columnCall.kwargs.get('unique')?.bool === true))
            ops.push({ ...colBase, hazard: 'index-not-concurrent' });
          break;
        }
        case 'create_foreign_key':
          if (kw('postgresql_not_valid')?.bool !== true) ops.push({ ...base, hazard: 'foreign-key-validated' });
          break;
        case 'create_check_constraint':
          if (kw('postgresql_not_valid')?.bool !== true) ops.push({ ...base, hazard: 'check-validated' });
          break;
        case 'create_unique_constraint':
          ops.push({ ...base, hazard: 'unique-constraint' });
          break;
        case 'create_primary_key':
          ops.push({ ...base, hazard: 'primary-key' });
          break;
      }
    }
  }
  return { ops, sql, created };
}
