/**
 * What a migration can do that breaks a running deployment: while a deploy rolls out, the old code still runs
 * against the new schema, and a statement that holds a strong lock for long stops every request that needs
 * the table. Each hazard has a title, why it breaks, and the fix in the words of the framework it was found in.
 */

export type Framework = 'rails' | 'django' | 'alembic' | 'knex' | 'sequelize' | 'typeorm' | 'js' | 'sql';

export type HazardKind =
  | 'drop-column'
  | 'drop-table'
  | 'rename-column'
  | 'rename-table'
  | 'change-type'
  | 'set-not-null'
  | 'add-required-column'
  | 'add-volatile-default'
  | 'add-auto-increment'
  | 'add-stored-generated'
  | 'index-not-concurrent'
  | 'drop-index-not-concurrent'
  | 'reindex-not-concurrent'
  | 'foreign-key-validated'
  | 'check-validated'
  | 'validate-same-migration'
  | 'unique-constraint'
  | 'primary-key'
  | 'exclusion-constraint'
  | 'table-lock'
  | 'rename-enum-value';

/** One thing a migration does that a running deployment may not survive, where it does it. */
export interface MigrationOp {
  hazard: HazardKind;
  /** 1-based line in the migration file. */
  line: number;
  table?: string;
  column?: string;
  /** The new name of a renamed column or table. */
  newName?: string;
  /** What makes it a hazard, quoted from the migration: the default expression, the new type, the lock mode. */
  detail?: string;
}

/** Something the rule could not judge, said as a notice rather than guessed. */
export interface MigrationNote {
  line: number;
  message: string;
}

export interface MigrationAnalysis {
  framework: Framework;
  ops: MigrationOp[];
  notes: MigrationNote[];
}

interface HazardText {
  title: string;
  /** Why the running deployment breaks, one sentence. */
  why: string;
  /** The fix, per framework; `sql` is the fallback. */
  fix: Partial<Record<Framework, string>> & { sql: string };
}

const EXPAND_CONTRACT =
  'expand and contract: add the new one, write to both, backfill, move reads, stop writing the old one, and drop it in a later deploy';

export const HAZARDS: Record<HazardKind, HazardText> = {
  'drop-column': {
    title: 'Column dropped while code may still use it',
    why: 'the code still running during the deploy reads and writes the column (ORMs list every column they know), so its queries fail until it is replaced',
    fix: {
      sql: 'stop using the column in one deploy, and drop it in a later one',
      rails: 'add the column to `self.ignored_columns` in the model and deploy that first; drop the column in a later pull request',
      django:
        'remove the field from the model and keep the column (`SeparateDatabaseAndState`, or make it nullable) in one deploy; drop the column in a later one',
      alembic: 'remove the column from the model in one deploy and drop it in a later migration',
    },
  },
  'drop-table': {
    title: 'Table dropped while code may still use it',
    why: 'the code still running during the deploy queries the table, and those queries fail',
    fix: { sql: 'stop using the table in one deploy, and drop it in a later one' },
  },
  'rename-column': {
    title: 'Column renamed under running code',
    why: 'the code still running during the deploy uses the old name, and its queries fail',
    fix: { sql: EXPAND_CONTRACT, django: `${EXPAND_CONTRACT}; or rename only the model field and keep the column with \`db_column\`` },
  },
  'rename-table': {
    title: 'Table renamed under running code',
    why: 'the code still running during the deploy uses the old name, and its queries fail',
    fix: {
      sql: `${EXPAND_CONTRACT} (or leave a view under the old name until the old code is gone)`,
      django: 'keep the table name with `Meta.db_table` when renaming a model',
    },
  },
  'change-type': {
    title: 'Column type changed in place',
    why: 'most type changes rewrite the whole table under an ACCESS EXCLUSIVE lock, blocking reads and writes, and old code may write values the new type rejects',
    fix: { sql: `${EXPAND_CONTRACT} (a new column of the new type; widening a varchar or numeric, or varchar to text, rewrites nothing)` },
  },
  'set-not-null': {
    title: 'NOT NULL set on an existing column',
    why: 'the table is scanned under an ACCESS EXCLUSIVE lock while every row is checked, blocking reads and writes',
    fix: {
      sql: 'add `CHECK (column IS NOT NULL) NOT VALID`, validate it in a later migration, then set NOT NULL (Postgres 12+ uses the validated check and skips the scan)',
      rails: 'add_check_constraint with `validate: false`, then `validate_check_constraint` and `change_column_null` in a later migration',
    },
  },
  'add-required-column': {
    title: 'NOT NULL column added without a default',
    why: 'the code still running during the deploy inserts rows without the new column, and those inserts fail (and the migration itself fails on a table with rows)',
    fix: {
      sql: 'add the column nullable or with a constant default; make it NOT NULL once every writer sets it',
      django: 'add the field with `null=True` (or a database default with `db_default`); make it required in a later migration',
      rails: 'add the column with `null: true` or a constant `default:`; make it required in a later migration',
    },
  },
  'add-volatile-default': {
    title: 'Column added with a volatile default',
    why: 'a default computed per row rewrites the whole table under an ACCESS EXCLUSIVE lock, blocking reads and writes',
    fix: { sql: 'add the column without a default, set the default in a separate statement, and backfill existing rows in batches' },
  },
  'add-auto-increment': {
    title: 'Auto-incrementing column added to an existing table',
    why: 'filling the new sequence rewrites the whole table under an ACCESS EXCLUSIVE lock, blocking reads and writes',
    fix: { sql: 'create a new table with the column and move the data over, or add a nullable column and backfill it in batches' },
  },
  'add-stored-generated': {
    title: 'Stored generated column added to an existing table',
    why: 'computing the column rewrites the whole table under an ACCESS EXCLUSIVE lock, blocking reads and writes',
    fix: { sql: 'add a plain column and fill it by trigger or in the code, backfilling existing rows in batches' },
  },
  'index-not-concurrent': {
    title: 'Index created without CONCURRENTLY',
    why: 'building the index blocks every write to the table until it is done',
    fix: {
      sql: 'use `CREATE INDEX CONCURRENTLY`, outside a transaction',
      rails: 'use `algorithm: :concurrently` and `disable_ddl_transaction!`',
      django: 'use `AddIndexConcurrently` (django.contrib.postgres.operations) in a migration with `atomic = False`',
      alembic: 'use `postgresql_concurrently=True` inside `op.get_context().autocommit_block()`',
      sequelize: 'pass `concurrently: true` to `addIndex`, outside a transaction',
      knex: 'create the index with `knex.raw("CREATE INDEX CONCURRENTLY …")` in a migration with `config = { transaction: false }`',
    },
  },
  'drop-index-not-concurrent': {
    title: 'Index dropped without CONCURRENTLY',
    why: 'dropping the index waits for an ACCESS EXCLUSIVE lock on the table, and every query queues behind it',
    fix: {
      sql: 'use `DROP INDEX CONCURRENTLY`, outside a transaction',
      rails: 'use `algorithm: :concurrently` and `disable_ddl_transaction!`',
      django: 'use `RemoveIndexConcurrently` in a migration with `atomic = False`',
      alembic: 'use `postgresql_concurrently=True` inside `op.get_context().autocommit_block()`',
    },
  },
  'reindex-not-concurrent': {
    title: 'REINDEX without CONCURRENTLY',
    why: 'rebuilding the index blocks writes to the table (and reads that use the index) until it is done',
    fix: { sql: 'use `REINDEX … CONCURRENTLY` (Postgres 12+)' },
  },
  'foreign-key-validated': {
    title: 'Foreign key added without NOT VALID',
    why: 'checking every existing row blocks writes to both tables until the scan ends',
    fix: {
      sql: 'add the constraint `NOT VALID`, and `VALIDATE CONSTRAINT` in a later migration',
      rails: 'use `validate: false`, and `validate_foreign_key` in a later migration',
      alembic: 'create it with `postgresql_not_valid=True` (or `NOT VALID` in SQL), and validate it in a later migration',
      django: 'add the constraint with `NOT VALID` in `RunSQL` (using `SeparateDatabaseAndState`), and validate it in a later migration',
    },
  },
  'check-validated': {
    title: 'Check constraint added without NOT VALID',
    why: 'checking every existing row blocks reads and writes to the table until the scan ends',
    fix: {
      sql: 'add the constraint `NOT VALID`, and `VALIDATE CONSTRAINT` in a later migration',
      rails: 'use `validate: false`, and `validate_check_constraint` in a later migration',
    },
  },
  'validate-same-migration': {
    title: 'Constraint validated in the migration that added it NOT VALID',
    why: 'in one transaction the lock taken to add the constraint is held through the validating scan, so NOT VALID gains nothing',
    fix: { sql: 'validate the constraint in a later migration' },
  },
  'unique-constraint': {
    title: 'Unique constraint added to an existing table',
    why: 'the unique index behind it is built under a lock that blocks reads and writes, and old code may still insert duplicates',
    fix: {
      sql: 'create a unique index `CONCURRENTLY`, then `ADD CONSTRAINT … UNIQUE USING INDEX`',
      rails: 'add a unique index with `algorithm: :concurrently`, then `add_unique_constraint … using_index:`',
    },
  },
  'primary-key': {
    title: 'Primary key added to an existing table',
    why: 'the index behind it is built under a lock that blocks reads and writes',
    fix: { sql: 'create a unique index `CONCURRENTLY`, then `ADD CONSTRAINT … PRIMARY KEY USING INDEX`' },
  },
  'exclusion-constraint': {
    title: 'Exclusion constraint added to an existing table',
    why: 'every row is checked under a lock that blocks reads and writes, and exclusion constraints cannot be added NOT VALID',
    fix: { sql: 'add it on a new table, or in a maintenance window' },
  },
  'table-lock': {
    title: 'Table locked explicitly',
    why: 'the lock blocks other sessions for the rest of the transaction',
    fix: { sql: 'drop the explicit lock; on MySQL use `ALGORITHM=INPLACE, LOCK=NONE` where the operation allows it' },
  },
  'rename-enum-value': {
    title: 'Enum value renamed under running code',
    why: 'the code still running during the deploy writes the old value, and those writes fail',
    fix: { sql: 'add the new value, move the code and the data to it, and retire the old value in a later deploy' },
  },
};

export function fixFor(hazard: HazardKind, framework: Framework): string {
  const fix = HAZARDS[hazard].fix;
  return fix[framework] ?? fix.sql;
}

/** Hazards that remove or rename a name the code may use: the expand/contract check looks for their names in the code. */
export const REMOVES_NAME: ReadonlySet<HazardKind> = new Set(['drop-column', 'drop-table', 'rename-column', 'rename-table']);
