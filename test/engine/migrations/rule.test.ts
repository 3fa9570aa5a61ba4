import { beforeAll, describe, expect, it } from '@jest/globals';
import { evaluate } from '../../../src/engine/evaluate.js';
import { configSchema } from '../../../src/config/schema.js';
import { loadPostgresParser, migrationNeeds, type PostgresParser } from '../../../src/engine/rules/migrations/index.js';
import { changeFromFiles, type ChangeSpec } from '../../../tools/judge/change-from-files.js';

let postgres: PostgresParser;
beforeAll(async () => {
  postgres = await loadPostgresParser();
});

const SCHEMA_BEFORE = `model User {
  id        Int     @id @default(autoincrement())
  email     String  @unique
  nickname  String?
}
`;
const SCHEMA_AFTER = `model User {
  id        Int     @id @default(autoincrement())
  email     String  @unique
}
`;
const PROFILE_BEFORE = `export function displayName(user: User): string {
  return user.nickname ?? user.email;
}
`;
const PROFILE_AFTER = `export function displayName(user: User): string {
  return user.email;
}
`;
const DROP = `-- AlterTable
ALTER TABLE "User" DROP COLUMN "nickname";
`;

function judge(spec: ChangeSpec, config: unknown = {}) {
  const change = changeFromFiles(spec);
  const parsed = configSchema.parse(config);
  return { change, report: evaluate(change, parsed, { postgres, texts: new Map(Object.entries(spec.head)) }), config: parsed };
}

describe('migrations rule', () => {
  it('calls a drop of a column the same pull request stops using an expand/contract violation, with both places', () => {
    const { report } = judge({
      base: { 'prisma/schema.prisma': SCHEMA_BEFORE, 'src/profile.ts': PROFILE_BEFORE },
      head: {
        'prisma/schema.prisma': SCHEMA_AFTER,
        'src/profile.ts': PROFILE_AFTER,
        'prisma/migrations/20240601_drop_nickname/migration.sql': DROP,
      },
    });
    const findings = report.findings.filter((f) => f.rule === 'migrations');
    expect(findings).toEqual([
      expect.objectContaining({
        level: 'warning',
        title: 'Dropped in the same deploy that stops using it',
        path: 'prisma/migrations/20240601_drop_nickname/migration.sql',
        startLine: 2,
        message: expect.stringContaining('prisma/schema.prisma:4, src/profile.ts:2'),
        suggestion: expect.stringContaining('ship the code change first'),
      }),
    ]);
    expect(report.rules.find((r) => r.rule === 'migrations')).toMatchObject({ status: 'warning', headline: '1 unsafe migration step' });
  });

  it('calls the same drop, shipped after the code stopped using the column, a plain drop', () => {
    const { report } = judge({ base: {}, head: { 'prisma/migrations/20240601_drop_nickname/migration.sql': DROP } });
    expect(report.findings.filter((f) => f.rule === 'migrations').map((f) => f.title)).toEqual([
      'Column dropped while code may still use it',
    ]);
  });

  it('has no row, needs no fact and costs nothing when no migration is touched', () => {
    const { change, report, config } = judge({ base: { 'src/profile.ts': PROFILE_BEFORE }, head: { 'src/profile.ts': PROFILE_AFTER } });
    expect(migrationNeeds(change, config)).toEqual({ postgres: false, texts: [], grammars: [] });
    expect(report.rules.map((r) => r.rule)).not.toContain('migrations');
  });

  it('asks for the head text of edited migrations only, and judges only their changed lines', () => {
    const before = 'CREATE TABLE audit (id bigint);\nCREATE INDEX audit_id ON audit (id);\n';
    const after = `${before}ALTER TABLE audit ADD COLUMN actor text NOT NULL;\n`;
    const spec = {
      base: { 'db/migrations/001_audit.up.sql': before },
      head: { 'db/migrations/001_audit.up.sql': after, 'db/migrations/002_more.up.sql': 'ALTER TABLE audit DROP COLUMN id;\n' },
    };
    const { change, report, config } = judge(spec);
    expect(migrationNeeds(change, config)).toEqual({ postgres: true, texts: ['db/migrations/001_audit.up.sql'], grammars: [] });
    expect(report.findings.filter((f) => f.rule === 'migrations').map((f) => [f.path, f.startLine, f.title])).toEqual([
      ['db/migrations/001_audit.up.sql', 3, 'NOT NULL column added without a default'],
      ['db/migrations/002_more.up.sql', 1, 'Column dropped while code may still use it'],
    ]);
  });

  it('leaves rollbacks out: down files are not migrations a deploy runs', () => {
    const { change, config } = judge({
      base: {},
      head: {
        'db/migrations/001_audit.down.sql': 'DROP TABLE audit;\n',
        'db/migrations/V2__x.sql': 'SELECT 1;\n',
        'db/migration/U2__x.sql': 'DROP TABLE x;\n',
      },
    });
    expect(migrationNeeds(change, config).postgres).toBe(true);
    const { report } = judge({
      base: {},
      head: { 'db/migrations/001_audit.down.sql': 'DROP TABLE audit;\n', 'db/migration/U2__x.sql': 'DROP TABLE x;\n' },
    });
    expect(report.rules.map((r) => r.rule)).not.toContain('migrations');
  });

  it('is waived by the safe-migration label, still showing where it would fire', () => {
    const { report } = judge({ base: {}, head: { 'migrations/0007.sql': DROP }, labels: ['safe-migration'] });
    expect(report.overrides).toContainEqual({ rule: 'migrations', label: 'safe-migration' });
    expect(report.findings.filter((f) => f.rule === 'migrations').map((f) => f.level)).toEqual(['notice']);
    expect(report.rules.find((r) => r.rule === 'migrations')?.status).toBe('waived');
  });

  it('fails the check at level error, and says nothing with level off', () => {
    expect(judge({ base: {}, head: { 'migrations/0007.sql': DROP } }, { migrations: { level: 'error' } }).report.conclusion).toBe(
      'failure',
    );
    const off = judge({ base: {}, head: { 'migrations/0007.sql': DROP } }, { migrations: { level: 'off' } });
    expect(migrationNeeds(off.change, off.config).postgres).toBe(false);
    expect(off.report.findings.filter((f) => f.rule === 'migrations')).toEqual([]);
  });

  it('says a statement it cannot parse was not judged, as a notice', () => {
    const { report } = judge({ base: {}, head: { 'migrations/0008.sql': 'ALTER TABLE `users` ADD COLUMN `x` INT AFTER `y`;\n' } });
    expect(report.findings.filter((f) => f.rule === 'migrations')).toEqual([
      expect.objectContaining({ level: 'notice', title: 'Migration statement not judged', startLine: 1 }),
    ]);
    expect(report.rules.find((r) => r.rule === 'migrations')?.status).toBe('notice');
  });

  it('follows migrations.paths and migrations.database', () => {
    const config = { migrations: { database: 'mysql', paths: { sql: ['schema/changes/*.sql'] } } };
    const { report } = judge(
      {
        base: {},
        head: { 'schema/changes/12.sql': 'ALTER TABLE `users` MODIFY `bio` TEXT NOT NULL;\n', 'migrations/0008.sql': 'DROP TABLE x;\n' },
      },
      config,
    );
    expect(report.findings.filter((f) => f.rule === 'migrations').map((f) => [f.path, f.title])).toEqual([
      ['schema/changes/12.sql', 'Column type changed in place'],
    ]);
  });
});
