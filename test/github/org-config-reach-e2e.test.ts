/**
 * The organisation-default check over real HTTP: the app's Probot server against the local GitHub emulator,
 * which lists the installation's repositories (REST, paginated) and answers each repository's own file through
 * GraphQL (checked against GitHub's schema, priced with GitHub's formula).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Probot, createNodeMiddleware } from 'probot';
import { deliverWebhook, generatePrivateKey, pullRequestEvent, startEmulator, type Emulator } from '../../tools/emulator/index.js';
import { monoenvApp } from '../../src/github/index.js';
import { TestOctokit } from './harness.js';

const ORG = 'acme';
const APP_ID = 4200;
const INSTALLATION = 52;
const SECRET = 'webhook-secret';
const CONFIG_PATH = '.github/monoenv.yml';

describe('a pull request to the organisation’s .github repository, against the emulator', () => {
  let gh: Emulator;
  let server: Server;
  let appUrl: string;

  beforeAll(async () => {
    const privateKey = generatePrivateKey();
    gh = await startEmulator({ apps: [{ id: APP_ID, slug: 'monoenv', privateKey }] });
    gh.store.addApp({ id: APP_ID, slug: 'monoenv' });
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

  it('lists who inherits, extends and overrides the file, in 2 REST pages and 3 GraphQL requests for 120 repositories', async () => {
    gh.store.addRepo({ owner: ORG, repo: '.github', installationId: INSTALLATION });
    gh.store.setFile(ORG, '.github', CONFIG_PATH, 'size:\n  warn_lines: 400\n');
    // 120 services without a file of their own, two that extend the default, one that overrides it, one archived.
    for (let i = 0; i < 120; i++)
      gh.store.addRepo({ owner: ORG, repo: `service-${String(i).padStart(3, '0')}`, installationId: INSTALLATION });
    gh.store.addRepo({ owner: ORG, repo: 'web', installationId: INSTALLATION });
    gh.store.setFile(ORG, 'web', CONFIG_PATH, '_extends: .github\ntests:\n  level: error\n');
    gh.store.addRepo({ owner: ORG, repo: 'api', installationId: INSTALLATION });
    gh.store.setFile(ORG, 'api', CONFIG_PATH, `_extends: ${ORG}/.github:${CONFIG_PATH}\n`);
    gh.store.addRepo({ owner: ORG, repo: 'billing', installationId: INSTALLATION });
    gh.store.setFile(ORG, 'billing', CONFIG_PATH, 'mode: advise\n');
    gh.store.addRepo({ owner: ORG, repo: 'legacy', installationId: INSTALLATION, archived: true });
    // A repository of another installation is not the organisation's concern here.
    gh.store.addRepo({ owner: 'elsewhere', repo: 'tools', installationId: INSTALLATION + 1 });

    const head = 'd'.repeat(40);
    gh.store.addPullRequest({
      owner: ORG,
      repo: '.github',
      number: 3,
      title: 'Lower the size warning to 300 lines',
      head: { sha: head, ref: 'smaller-changes' },
      files: [{ filename: CONFIG_PATH, status: 'modified', patch: '@@ -1,2 +1,2 @@\n size:\n-  warn_lines: 400\n+  warn_lines: 300' }],
    });
    gh.store.setFile(ORG, '.github', CONFIG_PATH, 'size:\n  warn_lines: 300\n', head);
    gh.resetCounters();

    const status = await deliverWebhook(appUrl, {
      ...pullRequestEvent(gh, { owner: ORG, repo: '.github', number: 3, action: 'opened' }),
      secret: SECRET,
    });

    expect(status).toBe(200);
    const runs = gh.checkRuns(ORG, '.github', head);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ name: 'monoenv', status: 'completed', conclusion: 'success' });
    const summary = runs[0].output.summary as string;
    expect(summary).toContain('Of the 123 active repositories monoenv is installed on, merging this changes the configuration of 122:');
    expect(summary).toContain('- **Inherit it** (no file of their own), 120: `service-000`, `service-001`');
    expect(summary).toContain('- **Extend it** (`_extends: .github`, their own keys win), 2: `web`, `api`');
    expect(summary).toContain('- **Override it** (a file of their own), 1: `billing`');
    expect(summary).toContain('1 archived repository is left out.');
    expect(summary).toContain('Read with 2 REST requests');
    expect(summary).toContain('and 3 GraphQL requests');
    expect(gh.violations).toEqual([]);
    expect(gh.unmatched).toEqual([]);
    expect(gh.counters.byRoute['GET /installation/repositories']).toBe(2);
    expect(gh.counters.graphql).toBe(3);
  });
});
