import { beforeAll, describe, expect, it } from '@jest/globals';
import { changeFromFiles } from '../../../tools/judge/change-from-files.js';
import { evaluate } from '../../../src/engine/evaluate.js';
import { configSchema } from '../../../src/config/schema.js';
import { loadPostgresParser, type MigrationFacts } from '../../../src/engine/rules/migrations/index.js';
import { loadSyntax } from '../../../src/engine/syntax/load.js';

let facts: MigrationFacts;
beforeAll(async () => {
  facts = { postgres: await loadPostgresParser(), syntax: await loadSyntax(['ruby', 'python', 'typescript', 'javascript']) };
});

const judged = (head: Record<string, string>) =>
  evaluate(changeFromFiles({ base: {}, head }), configSchema.parse({}), { ...facts, texts: new Map(Object.entries(head)) })
    .findings.filter((f) => f.rule === 'migrations')
    .map((f) => `${f.startLine} ${f.level === 'notice' ? '(notice) ' : ''}${f.title}`);

describe('migrations in Ruby, Python and JavaScript, read from their syntax trees', () => {
  it('Rails: schema statements of change/up, change_table blocks and execute, never down; new tables left alone', () => {
    const rb = `class X < ActiveRecord::Migration[7.1]
  disable_ddl_transaction!
  def change
    remove_column :users, :name, :string
    add_index :users, :email, algorithm: :concurrently
    add_index :users, :token
    add_reference :posts, :author, foreign_key: true
    change_column_null :users, :email, false
    add_column :users, :uuid, :uuid, default: -> { "gen_random_uuid()" }
    add_column :users, :age, :integer, null: false
    create_table :widgets do |t|
      t.string :name, null: false
    end
    add_index :widgets, :name
    change_table :orders do |t|
      t.remove :legacy
      t.rename :a, :b
    end
    execute <<~SQL
      ALTER TABLE accounts DROP COLUMN legacy_id;
    SQL
  end
  def down
    drop_table :widgets
  end
end
`;
    expect(judged({ 'db/migrate/20240101000000_x.rb': rb })).toEqual([
      '4 Column dropped while code may still use it',
      '6 Index created without CONCURRENTLY',
      '7 Index created without CONCURRENTLY',
      '7 Foreign key added without NOT VALID',
      '8 NOT NULL set on an existing column',
      '9 Column added with a volatile default',
      '10 NOT NULL column added without a default',
      '16 Column dropped while code may still use it',
      '17 Column renamed under running code',
      '20 Column dropped while code may still use it',
    ]);
  });

  it('Django: operations, only the database side of SeparateDatabaseAndState, RunSQL; AlterField unjudged without the old field', () => {
    const py = `from django.db import migrations, models
import django.db.models.deletion

class Migration(migrations.Migration):
    dependencies = [("app", "0041")]
    operations = [
        migrations.RemoveField(model_name="profile", name="bio"),
        migrations.AddField(
            model_name="profile",
            name="country",
            field=models.CharField(max_length=2, default="US"),
        ),
        migrations.AddField(model_name="profile", name="nick", field=models.CharField(max_length=20, null=True)),
        migrations.AddField(model_name="profile", name="org", field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, to="app.org")),
        migrations.AlterField(model_name="profile", name="title", field=models.CharField(max_length=50)),
        migrations.AddIndex(model_name="profile", index=models.Index(fields=["country"], name="p_country")),
        migrations.SeparateDatabaseAndState(state_operations=[migrations.RemoveField(model_name="profile", name="old")]),
        migrations.RunSQL("CREATE INDEX CONCURRENTLY x ON app_profile (nick)", reverse_sql="DROP INDEX x"),
        migrations.RunSQL("ALTER TABLE app_profile DROP COLUMN junk"),
    ]
`;
    expect(judged({ 'app/migrations/0042_auto.py': py })).toEqual([
      '7 Column dropped while code may still use it',
      '8 NOT NULL column added without a default',
      '14 Index created without CONCURRENTLY',
      '14 Foreign key added without NOT VALID',
      '16 Index created without CONCURRENTLY',
      '19 Column dropped while code may still use it',
      '15 (notice) Migration statement not judged',
    ]);
  });

  it('Django: AlterField judged against the model line the change replaces', () => {
    const migration = `from django.db import migrations, models

class Migration(migrations.Migration):
    operations = [
        migrations.AlterField(model_name="post", name="title", field=models.CharField(max_length=100)),
        migrations.AlterField(model_name="post", name="body", field=models.TextField(help_text="Markdown")),
    ]
`;
    const change = changeFromFiles({
      base: {
        'blog/models.py':
          'class Post(models.Model):\n    title = models.CharField(max_length=200, null=True)\n    body = models.TextField()\n',
      },
      head: {
        'blog/models.py':
          'class Post(models.Model):\n    title = models.CharField(max_length=100)\n    body = models.TextField(help_text="Markdown")\n',
        'blog/migrations/0002_alter.py': migration,
      },
    });
    const findings = evaluate(change, configSchema.parse({}), facts).findings.filter((f) => f.rule === 'migrations');
    expect(findings.map((f) => `${f.startLine} ${f.title}`)).toEqual([
      '5 Column type changed in place',
      '5 NOT NULL set on an existing column',
    ]);
  });

  it('Alembic: op calls of upgrade() and batch operations, never downgrade()', () => {
    const py = `from alembic import op
import sqlalchemy as sa

def upgrade():
    op.add_column('users', sa.Column('plan', sa.String(), nullable=False))
    op.create_index('ix_users_plan', 'users', ['plan'])
    op.create_index('ix_users_x', 'users', ['x'], postgresql_concurrently=True)
    op.alter_column('users', 'email', nullable=False)
    op.drop_column('users', 'legacy')
    op.create_foreign_key('fk', 'orders', 'users', ['user_id'], ['id'])
    op.execute("ALTER TABLE users RENAME COLUMN a TO b")
    with op.batch_alter_table('events') as batch_op:
        batch_op.drop_column('old')

def downgrade():
    op.drop_table('users')
`;
    expect(judged({ 'migrations/versions/abc_add.py': py })).toEqual([
      '5 NOT NULL column added without a default',
      '6 Index created without CONCURRENTLY',
      '8 NOT NULL set on an existing column',
      '9 Column dropped while code may still use it',
      '10 Foreign key added without NOT VALID',
      '11 Column renamed under running code',
      '13 Column dropped while code may still use it',
    ]);
  });

  it('TypeORM, Sequelize, Knex and db-migrate: builder calls and SQL strings of up(), never down()', () => {
    const typeorm = `import { MigrationInterface, QueryRunner } from "typeorm";
export class Drop1700000000000 implements MigrationInterface {
    name = 'Drop1700000000000'
    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(\`ALTER TABLE "user" DROP COLUMN "legacy"\`);
        await queryRunner.query(\`CREATE INDEX "IDX_x" ON "user" ("email") \`);
    }
    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(\`DROP TABLE "user"\`);
    }
}
`;
    const sequelize = `'use strict';
module.exports = {
  up: async (queryInterface, Sequelize) => {
    await queryInterface.removeColumn('documents', 'legacy');
    await queryInterface.addColumn('documents', 'ownerId', { type: Sequelize.UUID, allowNull: false });
    await queryInterface.addIndex('documents', ['ownerId']);
    await queryInterface.addIndex('documents', ['x'], { concurrently: true });
  },
  down: async (queryInterface) => { await queryInterface.dropTable('documents'); },
};
`;
    const knex = `exports.up = function (knex) {
  return knex.schema.alterTable('monitor', function (table) {
    table.string('kind', 20).notNullable();
    table.string('other').notNullable().defaultTo('x');
    table.dropColumn('legacy');
    table.index(['kind']);
  });
};
exports.down = function (knex) { return knex.schema.dropTable('monitor'); };
`;
    const dbMigrate = `exports.up = function (db, cb) {
  db.runSql(\`
    ALTER TABLE features DROP COLUMN legacy;
    CREATE INDEX idx ON features (name);
  \`, cb);
};
`;
    expect(judged({ 'src/migrations/1700000000000-Drop.ts': typeorm })).toEqual([
      '5 Column dropped while code may still use it',
      '6 Index created without CONCURRENTLY',
    ]);
    expect(judged({ 'server/migrations/20240101-x.js': sequelize })).toEqual([
      '4 Column dropped while code may still use it',
      '5 NOT NULL column added without a default',
      '6 Index created without CONCURRENTLY',
    ]);
    expect(judged({ 'db/knex_migrations/2024-01-01-x.js': knex })).toEqual([
      '3 NOT NULL column added without a default',
      '5 Column dropped while code may still use it',
      '6 Index created without CONCURRENTLY',
    ]);
    expect(judged({ 'migrations/20210101-x.js': dbMigrate })).toEqual([
      '3 Column dropped while code may still use it',
      '4 Index created without CONCURRENTLY',
    ]);
  });

  it('Knex: each builder callback is its own scope, though every one names its parameter `table`', () => {
    // An existing table altered, then a new one created with a builder of the same name: the drop is on
    // the existing table, and what the new table's builder does is no hazard.
    const knex = `exports.up = async function up(knex) {
  await knex.schema.alterTable('members', table => {
    table.dropColumn('entity_ref');
  });
  await knex.schema.createTable('badges', table => {
    table.increments('id');
    table.string('name').notNullable();
  });
  await knex.schema.alterTable('metadata', table => {
    table.renameColumn('announcement', 'description');
  });
};
`;
    const findings = evaluate(changeFromFiles({ base: {}, head: { 'migrations/20211117_x.js': knex } }), configSchema.parse({}), {
      ...facts,
      texts: new Map([['migrations/20211117_x.js', knex]]),
    }).findings.filter((f) => f.rule === 'migrations');
    expect(findings.map((f) => [f.startLine, f.title, f.message.split(':')[0]])).toEqual([
      [3, 'Column dropped while code may still use it', '`members.entity_ref`'],
      [10, 'Column renamed under running code', '`metadata.announcement`'],
    ]);
  });
});
