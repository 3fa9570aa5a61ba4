import { describe, expect, it } from '@jest/globals';
import {
  API,
  BASE_SHA,
  HEAD_SHA,
  OWNER,
  RAW,
  captureBody,
  deliver,
  fixture,
  github,
  loadApp,
  mockToken,
  withoutNetwork,
} from './harness.js';
import { extendsOrgDefault, ownFileQuery } from '../../src/github/org-config-reach.js';

const ORG_REPO_PATH = `/repos/${OWNER}/.github`;
const CONFIG = `${ORG_REPO_PATH}/contents/.github%2Fmonoenv.yml`;
const FILES_PATH = `${ORG_REPO_PATH}/pulls/7/files?per_page=100`;
const LOOKUP_PATH = `${ORG_REPO_PATH}/commits/${HEAD_SHA}/check-runs?check_name=monoenv&filter=all`;
const GITATTRIBUTES_PATH = `${ORG_REPO_PATH}/contents/.gitattributes?ref=${BASE_SHA}`;
const REPOS_PATH = '/installation/repositories?per_page=100';

const CONFIG_FILE_CHANGE = {
  sha: 'abc',
  filename: '.github/monoenv.yml',
  status: 'modified',
  additions: 1,
  deletions: 1,
  changes: 2,
  patch: '@@ -1,2 +1,2 @@\n size:\n-  warn_lines: 400\n+  warn_lines: 300',
};

interface CheckRunBody {
  conclusion?: string;
  output: { title: string; summary: string; annotations: { path: string; annotation_level: string }[] };
}

const repository = (name: string, archived = false) => ({
  id: name.length,
  name,
  full_name: `${OWNER}/${name}`,
  archived,
  owner: { login: OWNER, type: 'Organization' },
});

/** The pull request #7 fixture, moved to the organisation's `.github` repository. */
function orgPullRequest(): Record<string, unknown> {
  const payload = fixture<{ repository: Record<string, unknown>; pull_request: Record<string, unknown> }>('pull_request.opened');
  Object.assign(payload.repository, { name: '.github', full_name: `${OWNER}/.github` });
  Object.assign(payload.pull_request, { changed_files: 1, additions: 1, deletions: 1 });
  return payload;
}

describe('a pull request to the organisation’s .github repository that edits .github/monoenv.yml', () => {
  const network = withoutNetwork();

  it('validates the file and lists the repositories that inherit it, extend it and override it, in 2 REST pages and 1 GraphQL request', async () => {
    const probot = await loadApp();
    const created: CheckRunBody[] = [];
    const queries: { query: string; variables: Record<string, string> }[] = [];
    const scope = mockToken(github(network.log))
      .get(CONFIG)
      .reply(200, 'size:\n  warn_lines: 400\n', RAW)
      .get(FILES_PATH)
      .reply(200, [CONFIG_FILE_CHANGE])
      .get(GITATTRIBUTES_PATH)
      .reply(404, {})
      .get(`${ORG_REPO_PATH}/contents/.github%2Fmonoenv.yml?ref=${HEAD_SHA}`)
      .reply(200, 'size:\n  warn_lines: 300\n', RAW)
      .get(REPOS_PATH)
      .reply(
        200,
        { total_count: 6, repositories: [repository('shop'), repository('api'), repository('.github'), repository('legacy', true)] },
        {
          link: `<${API}/installation/repositories?per_page=100&page=2>; rel="next", <${API}/installation/repositories?per_page=100&page=2>; rel="last"`,
        },
      )
      .get('/installation/repositories?per_page=100&page=2')
      .reply(200, { total_count: 6, repositories: [repository('web'), repository('billing')] })
      .post('/graphql', captureBody(queries))
      .reply(200, {
        data: {
          r0: { object: { text: 'mode: advise\n' } },
          r1: { object: null },
          r2: { object: { text: '_extends: .github\ntests:\n  level: error\n' } },
          r3: { object: { text: '_extends: acme-platform/policies\n' } },
        },
      })
      .get(LOOKUP_PATH)
      .reply(200, { total_count: 0, check_runs: [] })
      .post(`${ORG_REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 1 });

    await deliver(probot, 'pull_request', orgPullRequest());

    expect(scope.isDone()).toBe(true);
    expect(queries).toHaveLength(1);
    expect(queries[0].query).toBe(ownFileQuery(4));
    expect(queries[0].variables).toEqual({
      owner: OWNER,
      expression: 'HEAD:.github/monoenv.yml',
      r0: 'shop',
      r1: 'api',
      r2: 'web',
      r3: 'billing',
    });
    const summary = created[0].output.summary;
    expect(summary).toContain('### Who this file governs');
    expect(summary).toContain('Of the 4 active repositories monoenv is installed on, merging this changes the configuration of 2:');
    expect(summary).toContain('- **Inherit it** (no file of their own), 1: `api`');
    expect(summary).toContain('- **Extend it** (`_extends: .github`, their own keys win), 1: `web`');
    expect(summary).toContain('- **Override it** (a file of their own), 2: `shop`, `billing` (extends `acme-platform/policies`)');
    expect(summary).toContain('1 archived repository is left out.');
    expect(summary).toContain('Read with 2 REST requests');
    expect(summary).toContain('and 1 GraphQL request');
    // token, configuration, files, proposed version, 2 pages, 1 GraphQL, lookup (sent with the first reads), creation
    expect(network.log.routes.filter((route) => route !== `GET ${LOOKUP_PATH}`)).toEqual([
      `GET ${CONFIG}`,
      `GET ${FILES_PATH}`,
      `GET ${GITATTRIBUTES_PATH}`,
      `GET ${ORG_REPO_PATH}/contents/.github%2Fmonoenv.yml?ref=${HEAD_SHA}`,
      `GET ${REPOS_PATH}`,
      'GET /installation/repositories?per_page=100&page=2',
      'POST /graphql',
      `POST ${ORG_REPO_PATH}/check-runs`,
    ]);
    expect(network.log.routes.filter((route) => route === `GET ${LOOKUP_PATH}`)).toHaveLength(1);
    expect(created[0].conclusion).toBe('success');
  });

  it('an invalid version is annotated on its lines, and the repositories it would reach still listed', async () => {
    const probot = await loadApp();
    const created: CheckRunBody[] = [];
    const repositories = Array.from({ length: 120 }, (_, i) => repository(`service-${i}`));
    const queries: { variables: Record<string, string> }[] = [];
    const scope = mockToken(github(network.log))
      // The organisation has no default yet (Probot asks once: the fallback is this very file).
      .get(CONFIG)
      .reply(404, { message: 'Not Found' })
      .get(FILES_PATH)
      .reply(200, [CONFIG_FILE_CHANGE])
      .get(GITATTRIBUTES_PATH)
      .reply(404, {})
      .get(`${ORG_REPO_PATH}/contents/.github%2Fmonoenv.yml?ref=${HEAD_SHA}`)
      .reply(200, 'size:\n  warn_lines: 300\n  fail_lines: -5\n', RAW)
      .get(REPOS_PATH)
      .reply(
        200,
        { total_count: 120, repositories: repositories.slice(0, 100) },
        { link: `<${API}/installation/repositories?per_page=100&page=2>; rel="next"` },
      )
      .get('/installation/repositories?per_page=100&page=2')
      .reply(200, { total_count: 120, repositories: repositories.slice(100) })
      .post('/graphql', captureBody(queries))
      .times(3)
      .reply(200, (_uri, body) => {
        const variables = (body as { variables: Record<string, string> }).variables;
        return {
          data: Object.fromEntries(
            Object.keys(variables)
              .filter((k) => /^r\d+$/.test(k))
              .map((k) => [k, { object: null }]),
          ),
        };
      })
      .get(LOOKUP_PATH)
      .reply(200, { total_count: 0, check_runs: [] })
      .post(`${ORG_REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 1 });

    await deliver(probot, 'pull_request', orgPullRequest());

    expect(scope.isDone()).toBe(true);
    // 50 repositories a request: 3 requests for 120.
    expect(queries.map((q) => Object.keys(q.variables).filter((k) => k.startsWith('r')).length)).toEqual([50, 50, 20]);
    const run = created[0];
    expect(run.conclusion).toBe('failure');
    expect(run.output.annotations).toEqual([expect.objectContaining({ path: '.github/monoenv.yml', annotation_level: 'failure' })]);
    expect(run.output.summary).toContain('merging this changes the configuration of 120:');
    expect(run.output.summary).toContain('`service-99` and 20 more');
    expect(run.output.summary).toContain("Read with 2 REST requests (the installation's repositories) and 3 GraphQL requests");
  });

  it('when the repositories cannot be listed, the check is published all the same and says so', async () => {
    const probot = await loadApp();
    const created: CheckRunBody[] = [];
    const scope = mockToken(github(network.log))
      .get(CONFIG)
      .reply(200, 'size:\n  warn_lines: 400\n', RAW)
      .get(FILES_PATH)
      .reply(200, [CONFIG_FILE_CHANGE])
      .get(GITATTRIBUTES_PATH)
      .reply(404, {})
      .get(`${ORG_REPO_PATH}/contents/.github%2Fmonoenv.yml?ref=${HEAD_SHA}`)
      .reply(200, 'size:\n  warn_lines: 300\n', RAW)
      .get(REPOS_PATH)
      .reply(403, { message: 'Resource not accessible by integration' })
      .get(LOOKUP_PATH)
      .reply(200, { total_count: 0, check_runs: [] })
      .post(`${ORG_REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 1 });

    await deliver(probot, 'pull_request', orgPullRequest());

    expect(scope.isDone()).toBe(true);
    expect(created[0].conclusion).toBe('success');
    expect(created[0].output.summary).toContain("monoenv could not list the installation's repositories");
  });
});

describe('extendsOrgDefault', () => {
  it('recognises the forms of _extends that name the organisation’s default file', () => {
    expect(extendsOrgDefault('.github', 'acme')).toBe(true);
    expect(extendsOrgDefault('acme/.github', 'acme')).toBe(true);
    expect(extendsOrgDefault('ACME/.github:.github/monoenv.yml', 'acme')).toBe(true);
    expect(extendsOrgDefault('.github:policies/strict.yml', 'acme')).toBe(false);
    expect(extendsOrgDefault('other/.github', 'acme')).toBe(false);
    expect(extendsOrgDefault('policies', 'acme')).toBe(false);
  });
});
