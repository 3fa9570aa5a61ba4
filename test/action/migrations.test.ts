/**
 * The bundled Action judges SQL migrations with PostgreSQL's parser, whose WebAssembly ships beside the
 * bundle: a migration added whole in the patch costs no call, an edited one is read once at the head commit.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { pullRequestEvent, startEmulator, type Emulator } from '../../tools/emulator/index.js';
import { ACTIONS_APP, bundleCurrentSources, runActionBundle } from './run-bundle.js';
import { githubPatch } from '../../tools/scenario.js';

const OWNER = 'acme';
const REPO = 'ledger';
const NUMBER = 77;
const BASE = '1111111111111111111111111111111111111111';
const HEAD = '2222222222222222222222222222222222222222';

const ADDED = `-- Drop the legacy reference and index the new one
ALTER TABLE "Invoice" DROP COLUMN "legacyRef";
CREATE INDEX "Invoice_customerId_idx" ON "Invoice"("customerId");
`;
const EDITED_BEFORE = `CREATE TABLE payments (id bigint PRIMARY KEY, amount_cents bigint NOT NULL);
`;
const EDITED_AFTER = `CREATE TABLE payments (id bigint PRIMARY KEY, amount_cents bigint NOT NULL);

ALTER TABLE payments ADD CONSTRAINT payments_amount_positive CHECK (amount_cents > 0);
`;

let bundle: string;
let gh: Emulator;
let token: string;

beforeAll(() => {
  bundle = bundleCurrentSources();
}, 120_000);

beforeEach(async () => {
  gh = await startEmulator();
  gh.store.addApp(ACTIONS_APP);
  gh.store.addRepo({ owner: OWNER, repo: REPO, ownerType: 'Organization' });
  gh.store.setBranch(OWNER, REPO, 'main', BASE);
  gh.store.setFile(OWNER, REPO, '.github/monoenv.yml', 'tests:\n  level: off\nmigrations:\n  level: error\n');
  gh.store.setFile(OWNER, REPO, 'db/migrations/20240101_payments.sql', EDITED_AFTER, HEAD);
  gh.store.addPullRequest({
    owner: OWNER,
    repo: REPO,
    number: NUMBER,
    title: 'Invoices: drop the legacy reference',
    user: 'mona',
    head: { ref: 'drop-legacy-ref', sha: HEAD },
    base: { ref: 'main', sha: BASE },
    files: [
      { filename: 'prisma/migrations/20240601_drop_legacy/migration.sql', status: 'added', patch: githubPatch('', ADDED) },
      { filename: 'db/migrations/20240101_payments.sql', status: 'modified', patch: githubPatch(EDITED_BEFORE, EDITED_AFTER) },
    ],
    commits: [{ sha: HEAD, message: 'Invoices: drop the legacy reference', author: 'mona' }],
  });
  token = gh.store.issueToken(gh.store.repo(OWNER, REPO).installationId, ACTIONS_APP.id).token;
});

afterEach(async () => {
  await gh.close();
});

describe('the bundled Action on migrations', () => {
  it('annotates each unsafe statement on its line, reading the edited migration once', async () => {
    const { payload } = pullRequestEvent(gh, { owner: OWNER, repo: REPO, number: NUMBER, action: 'opened' });
    delete payload.installation;
    const run = await runActionBundle(bundle, gh, { name: 'pull_request', payload, token });

    const [checkRun] = gh.checkRuns(OWNER, REPO, HEAD);
    expect(run.stderr).not.toMatch(/wasm|ReferenceError/i);
    expect(checkRun.conclusion).toBe('failure');
    const annotations = checkRun.annotations.map((a) => [a.path, a.start_line, a.title]);
    expect(annotations).toEqual(
      expect.arrayContaining([
        ['prisma/migrations/20240601_drop_legacy/migration.sql', 2, 'migrations: Column dropped while code may still use it'],
        ['prisma/migrations/20240601_drop_legacy/migration.sql', 3, 'migrations: Index created without CONCURRENTLY'],
        ['db/migrations/20240101_payments.sql', 3, 'migrations: Check constraint added without NOT VALID'],
      ]),
    );
    expect(checkRun.annotations.filter((a) => a.path.endsWith('.sql'))).toHaveLength(3);
    const contentsReads = gh.requests.filter((r) => r.method === 'GET' && decodeURIComponent(r.path).includes('/contents/db/migrations/'));
    expect(contentsReads).toHaveLength(1);
    expect(gh.violations).toEqual([]);
  }, 60_000);
});
