/**
 * The migrations rule in the App, over real HTTP against the emulator: a migration the pull request adds is
 * judged from its patch, one it edits is read whole at the head commit (one contents request), and the
 * `safe-migration` label waives the rule.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Probot, createNodeMiddleware } from 'probot';
import { deliverWebhook, generatePrivateKey, pullRequestEvent, startEmulator, type Emulator } from '../../tools/emulator/index.js';
import { monoenvApp } from '../../src/github/index.js';
import { TestOctokit } from './harness.js';

const OWNER = 'acme';
const REPO = 'ledger';
const APP_ID = 4300;
const SECRET = 'webhook-secret';
const HEAD = 'e'.repeat(40);
const EDITED = 'db/migrations/0002_accounts.sql';
const EDITED_AT_HEAD = [
  'ALTER TABLE accounts ADD COLUMN region text;',
  'CREATE INDEX accounts_email_idx ON accounts (email);',
  'ALTER TABLE accounts DROP COLUMN legacy_id;',
  '',
].join('\n');

describe('migrations judged by the App against the emulator', () => {
  let gh: Emulator;
  let server: Server;
  let appUrl: string;

  beforeAll(async () => {
    const privateKey = generatePrivateKey();
    gh = await startEmulator({ apps: [{ id: APP_ID, slug: 'monoenv', privateKey }] });
    gh.store.addApp({ id: APP_ID, slug: 'monoenv' });
    gh.store.addRepo({ owner: OWNER, repo: REPO, installationId: 61 });
    gh.store.setFile(OWNER, REPO, '.github/monoenv.yml', 'tests:\n  level: "off"\n');
    const probot = new Probot({ appId: APP_ID, privateKey, secret: SECRET, baseUrl: gh.url, logLevel: 'fatal', Octokit: TestOctokit });
    const middleware = await createNodeMiddleware(monoenvApp({ appId: APP_ID }), { probot });
    server = createServer((req, res) => void middleware(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await gh.close();
  });

  it('annotates an added and an edited migration on their lines, reading only the edited one', async () => {
    gh.store.addPullRequest({
      owner: OWNER,
      repo: REPO,
      number: 5,
      title: 'Drop the legacy account columns',
      head: { sha: HEAD, ref: 'drop-legacy' },
      files: [
        {
          filename: 'db/migrate/20240105120000_remove_nickname_from_users.rb',
          status: 'added',
          patch: [
            '@@ -0,0 +1,5 @@',
            '+class RemoveNicknameFromUsers < ActiveRecord::Migration[7.1]',
            '+  def change',
            '+    remove_column :users, :nickname, :string',
            '+  end',
            '+end',
          ].join('\n'),
        },
        {
          filename: EDITED,
          status: 'modified',
          patch:
            '@@ -1,2 +1,3 @@\n ALTER TABLE accounts ADD COLUMN region text;\n CREATE INDEX accounts_email_idx ON accounts (email);\n+ALTER TABLE accounts DROP COLUMN legacy_id;',
        },
      ],
    });
    gh.store.setFile(OWNER, REPO, EDITED, EDITED_AT_HEAD, HEAD);
    gh.resetCounters();

    const status = await deliverWebhook(appUrl, {
      ...pullRequestEvent(gh, { owner: OWNER, repo: REPO, number: 5, action: 'opened' }),
      secret: SECRET,
    });

    expect(status).toBe(200);
    const runs = gh.checkRuns(OWNER, REPO, HEAD);
    expect(runs).toHaveLength(1);
    const found = runs[0].annotations.filter((a) => a.title !== undefined && /Column dropped/.test(String(a.title)));
    expect(found.map((a) => [a.path, a.start_line, a.annotation_level])).toEqual([
      ['db/migrate/20240105120000_remove_nickname_from_users.rb', 3, 'warning'],
      [EDITED, 3, 'warning'],
    ]);
    // Only what the change adds is judged: the index on line 2 was there before.
    expect(runs[0].annotations.some((a) => a.path === EDITED && a.start_line === 2)).toBe(false);
    // The edited migration is read once, at the head commit; the added one comes whole in its patch.
    const reads = gh.requests.filter((r) => r.path.includes('/contents/db'));
    expect(reads.map((r) => r.path)).toEqual([`/repos/${OWNER}/${REPO}/contents/${encodeURIComponent(EDITED)}?ref=${HEAD}`]);
    expect(gh.violations).toEqual([]);
    expect(gh.unmatched).toEqual([]);
  });
  it('the safe-migration label waives the rule for that pull request: the finding becomes a notice naming the label', async () => {
    const head = 'f'.repeat(40);
    gh.store.addPullRequest({
      owner: OWNER,
      repo: REPO,
      number: 6,
      title: 'Drop a column of a ten-row table',
      head: { sha: head, ref: 'drop-small' },
      labels: ['safe-migration'],
      files: [
        {
          filename: 'db/migrate/20240106120000_remove_flag_from_regions.rb',
          status: 'added',
          patch:
            '@@ -0,0 +1,5 @@\n+class RemoveFlagFromRegions < ActiveRecord::Migration[7.1]\n+  def change\n+    remove_column :regions, :flag, :string\n+  end\n+end',
        },
      ],
    });

    await deliverWebhook(appUrl, { ...pullRequestEvent(gh, { owner: OWNER, repo: REPO, number: 6, action: 'opened' }), secret: SECRET });

    const runs = gh.checkRuns(OWNER, REPO, head);
    expect(runs).toHaveLength(1);
    // Still shown, as a notice that says who waived it, never as a warning.
    const dropped = runs[0].annotations.filter((a) => /Column dropped/.test(String(a.title)));
    expect(dropped.map((a) => [a.start_line, a.annotation_level])).toEqual([[3, 'notice']]);
    expect(dropped[0].message).toContain('(waived by label "safe-migration")');
    expect(runs[0].output.summary).toContain('safe-migration');
  });
});
