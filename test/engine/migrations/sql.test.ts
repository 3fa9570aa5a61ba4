import { beforeAll, describe, expect, it } from '@jest/globals';
import { loadPostgresParser, type PostgresParser } from '../../../src/engine/rules/migrations/sql-parser.js';
import { analyseSql, emptyState, type Database } from '../../../src/engine/rules/migrations/sql.js';

let parser: PostgresParser;
beforeAll(async () => {
  parser = await loadPostgresParser();
});

const hazards = (sql: string, database: Database = 'postgres') =>
  analyseSql(sql, { parser, database, state: emptyState() }).ops.map((op) => [
    op.hazard,
    op.line,
    [op.table, op.column].filter(Boolean).join('.'),
  ]);

describe('SQL migrations (PostgreSQL parser)', () => {
  it('finds drops, renames and type changes on the line of the column', () => {
    const sql = [
      '-- Prisma: drop the legacy name',
      'ALTER TABLE "User" DROP COLUMN "legacyName",',
      '  ALTER COLUMN "age" SET DATA TYPE BIGINT;',
      'ALTER TABLE accounts RENAME COLUMN email TO login;',
      'ALTER TABLE accounts RENAME TO members;',
      'DROP TABLE IF EXISTS sessions, tokens;',
    ].join('\n');
    expect(hazards(sql)).toEqual([
      ['drop-column', 2, 'User.legacyName'],
      ['change-type', 3, 'User.age'],
      ['rename-column', 4, 'accounts.email'],
      ['rename-table', 5, 'accounts'],
      ['drop-table', 6, 'sessions'],
      ['drop-table', 6, 'tokens'],
    ]);
  });

  it('finds columns that old code cannot insert into, and defaults that rewrite the table', () => {
    const sql = [
      'ALTER TABLE orders ADD COLUMN tenant_id bigint NOT NULL;',
      "ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'new';",
      'ALTER TABLE orders ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();',
      'ALTER TABLE orders ADD COLUMN public_id uuid DEFAULT gen_random_uuid();',
      'ALTER TABLE orders ADD COLUMN seq bigserial;',
      'ALTER TABLE orders ADD COLUMN total_cents int GENERATED ALWAYS AS (price * 100) STORED;',
      'ALTER TABLE orders ALTER COLUMN note SET NOT NULL;',
    ].join('\n');
    expect(hazards(sql)).toEqual([
      ['add-required-column', 1, 'orders.tenant_id'],
      ['add-volatile-default', 4, 'orders.public_id'],
      ['add-auto-increment', 5, 'orders.seq'],
      ['add-stored-generated', 6, 'orders.total_cents'],
      ['set-not-null', 7, 'orders.note'],
    ]);
  });

  it('wants CONCURRENTLY for indexes and NOT VALID for constraints on existing tables', () => {
    const sql = [
      'CREATE INDEX "Post_authorId_idx" ON "Post"("authorId");',
      'CREATE UNIQUE INDEX CONCURRENTLY users_email ON users (email);',
      'DROP INDEX old_idx;',
      'DROP INDEX CONCURRENTLY other_idx;',
      'ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id");',
      'ALTER TABLE items ADD CONSTRAINT price_positive CHECK (price > 0) NOT VALID;',
      'ALTER TABLE items ADD CONSTRAINT items_sku UNIQUE (sku);',
      'ALTER TABLE items ADD CONSTRAINT items_sku2 UNIQUE USING INDEX items_sku_idx;',
      'REINDEX TABLE items;',
      'LOCK TABLE items IN ACCESS EXCLUSIVE MODE;',
    ].join('\n');
    expect(hazards(sql)).toEqual([
      ['index-not-concurrent', 1, 'Post'],
      ['drop-index-not-concurrent', 3, ''],
      ['foreign-key-validated', 5, 'Post'],
      ['unique-constraint', 7, 'items'],
      ['reindex-not-concurrent', 9, 'items'],
      ['table-lock', 10, 'items'],
    ]);
  });

  it('leaves tables created in the same migration alone: they are empty', () => {
    const sql = [
      'CREATE TABLE "Comment" ("id" SERIAL NOT NULL, "postId" INTEGER NOT NULL, CONSTRAINT "Comment_pkey" PRIMARY KEY ("id"));',
      'CREATE INDEX "Comment_postId_idx" ON "Comment"("postId");',
      'ALTER TABLE "Comment" ADD CONSTRAINT "Comment_postId_fkey" FOREIGN KEY ("postId") REFERENCES "Post"("id") ON DELETE CASCADE;',
      'ALTER TABLE "Comment" ADD COLUMN "body" TEXT NOT NULL;',
    ].join('\n');
    expect(hazards(sql)).toEqual([]);
  });

  it('says when a constraint is validated in the migration that added it NOT VALID', () => {
    const sql =
      'ALTER TABLE a ADD CONSTRAINT a_b_fk FOREIGN KEY (b) REFERENCES b (id) NOT VALID;\nALTER TABLE a VALIDATE CONSTRAINT a_b_fk;';
    expect(hazards(sql)).toEqual([['validate-same-migration', 2, 'a']]);
  });

  it('accepts SET NOT NULL after a validated check constraint (Postgres 12+ skips the scan)', () => {
    expect(hazards('ALTER TABLE a VALIDATE CONSTRAINT a_b_not_null;\nALTER TABLE a ALTER COLUMN b SET NOT NULL;')).toEqual([]);
  });

  it('ignores comments, strings and function bodies that merely mention DDL', () => {
    const sql = [
      '-- ALTER TABLE users DROP COLUMN email;',
      "INSERT INTO audit (note) VALUES ('DROP TABLE users');",
      "CREATE FUNCTION f() RETURNS trigger AS $$ BEGIN EXECUTE 'DROP TABLE x'; RETURN NEW; END $$ LANGUAGE plpgsql;",
      '/* CREATE INDEX i ON t (c); */',
    ].join('\n');
    expect(hazards(sql)).toEqual([]);
  });

  it('judges only the up part of a goose or dbmate file', () => {
    expect(hazards('-- +goose Up\nCREATE TABLE t (id int);\n-- +goose Down\nDROP TABLE t;\nDROP TABLE other;')).toEqual([]);
    expect(hazards('-- migrate:up\nALTER TABLE t DROP COLUMN c;\n-- migrate:down\nALTER TABLE t ADD COLUMN c int;')).toEqual([
      ['drop-column', 2, 't.c'],
    ]);
  });

  it('reports MySQL text the Postgres grammar rejects as not judged, and still judges the rest', () => {
    const result = analyseSql('ALTER TABLE `users` ADD COLUMN `nick` VARCHAR(20) AFTER `name`;\nDROP TABLE legacy;', {
      parser,
      database: 'postgres',
      state: emptyState(),
    });
    expect(result.ops.map((o) => [o.hazard, o.line])).toEqual([['drop-table', 2]]);
    expect(result.notes).toEqual([{ line: 1, message: expect.stringContaining('not PostgreSQL syntax') }]);
  });

  it('reads MySQL statements with migrations.database: mysql', () => {
    const sql = [
      'ALTER TABLE `users` ADD COLUMN `nick` VARCHAR(20) NOT NULL AFTER `name`;',
      'ALTER TABLE `users` DROP COLUMN `legacy`, ALGORITHM=INPLACE, LOCK=NONE;',
      'ALTER TABLE `users` MODIFY `bio` TEXT;',
      'ALTER TABLE `users` CHANGE `mail` `email` VARCHAR(255);',
      'RENAME TABLE `people` TO `persons`;',
      'ALTER TABLE `users` ADD INDEX `idx_nick` (`nick`);',
      'CREATE INDEX idx_bio ON users (bio);',
      'ALTER TABLE `users` ADD INDEX `idx_x` (`x`), LOCK=EXCLUSIVE;',
      "INSERT INTO `users` (`nick`) VALUES ('a');",
    ].join('\n');
    expect(hazards(sql, 'mysql')).toEqual([
      ['add-required-column', 1, 'users.nick'],
      ['drop-column', 2, 'users.legacy'],
      ['change-type', 3, 'users.bio'],
      ['rename-column', 4, 'users.mail'],
      ['rename-table', 5, 'people'],
      ['table-lock', 8, 'users'],
    ]);
  });

  it('places statements inside another file at the lines they start on', () => {
    const result = analyseSql('\n      ALTER TABLE t\n        DROP COLUMN c', {
      parser,
      database: 'postgres',
      state: emptyState(),
      firstLine: 10,
    });
    expect(result.ops.map((o) => o.line)).toEqual([12]);
  });
});
