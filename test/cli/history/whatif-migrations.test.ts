/**
 * The what-if judges migrations as the App does: the history's migrations go through the migrations rule with
 * PostgreSQL's parser and the host language's grammar, and the rule has its row in the what-if table.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildReport } from '../../../src/cli/history/command.js';
import { parseConfigText } from '../../../src/config/load.js';
import { renderHistoryText } from '../../../src/cli/history/render/text.js';
import { generateRepository, linesOf, type GeneratedCommit } from '../../../tools/generate-repository.js';

jest.setTimeout(60_000);

const DAY = 86_400;
const JAN1 = Date.parse('2024-01-01T00:00:00Z') / 1000;
const at = (day: number): number => JAN1 + (day - 1) * DAY + 12 * 3600;
const since = new Date('2024-01-01T00:00:00Z');
const until = new Date('2024-01-21T00:00:00Z');

const DROP_SQL = 'ALTER TABLE users DROP COLUMN nickname;\n';
const RAILS_INDEX = `class AddIndexToOrders < ActiveRecord::Migration[7.1]
  def change
    add_index :orders, :placed_at
  end
end
`;
const SAFE_SQL = 'CREATE TABLE audit (id bigint PRIMARY KEY);\n';

const HISTORY: GeneratedCommit[] = [
  { message: 'Initial import', time: at(-5), files: { 'README.md': '# shop\n', 'src/app.ts': linesOf(3, 'app') } },
  { message: 'Drop the nickname column (#1)', time: at(2), files: { 'db/migrations/0002_drop_nickname.sql': DROP_SQL } },
  { message: 'Index orders (#2)', time: at(3), files: { 'db/migrate/20240103_add_index_to_orders.rb': RAILS_INDEX } },
  { message: 'Audit table (#3)', time: at(9), files: { 'db/migrations/0003_audit.sql': SAFE_SQL } },
];

let root: string;
let repo: string;

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'monoenv-whatif-migrations-'));
  repo = path.join(root, 'repo');
  generateRepository(repo, HISTORY);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('what-if with the migrations rule', () => {
  it('judges each migration of the history with the parser and the grammar, and counts the rule in the table', async () => {
    const parsed = parseConfigText('migrations:\n  level: error\n', 'proposed.yml');
    if (!parsed.ok) throw new Error('bad test configuration');
    const data = await buildReport({
      cwd: repo,
      since,
      until,
      now: until,
      env: process.env,
      flags: false,
      proposed: { file: 'proposed.yml', config: parsed.config },
    });
    const w = data.whatIf!;
    // In force (the defaults): warnings. Proposed: errors, so both hazardous migrations fail; the safe one does not.
    expect(w.current.byRule.migrations).toEqual({ error: 0, warning: 2, notice: 0 });
    expect(w.proposed.byRule.migrations).toEqual({ error: 2, warning: 0, notice: 0 });
    expect(w.proposed.failedBy.migrations).toBe(2);
    expect(w.proposed.failed).toBe(2);
    expect(w.worst.migrations.map((o) => o.subject).sort()).toEqual(['Drop the nickname column (#1)', 'Index orders (#2)']);
    expect(w.worst.migrations.every((o) => o.newUnderProposal === undefined && o.level === 'error')).toBe(true);
    expect(w.summary).toContain('migrations');
    expect(renderHistoryText(data, { color: false })).toMatch(/ {2}migrations +errors 0 → 2 · warnings 2 → 0/);
  });
});
