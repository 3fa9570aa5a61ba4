import { describe, expect, it } from '@jest/globals';
import {
  withoutNetwork,
  BASE_SHA,
  OWNER,
  REPO,
  REPO_PATH,
  TestOctokit,
  captureBody,
  deliver,
  fixture,
  github,
  loadApp,
  mockNoConfig,
  mockToken,
  FILES_PATH,
  GITATTRIBUTES_PATH,
  LOOKUP_PATH,
  CONFIG_URL_PATH,
  ORG_CONFIG_PATH,
} from './harness.js';
import { GraphQLReads, readCache, readsQuery } from '../../src/github/graphql-reads.js';
import { githubFlagAgeSource } from '../../src/github/flag-ages.js';

const BASE_ORDER = [
  'class Order',
  '  def total',
  '    if Flipper.enabled?(:new_checkout, user)',
  '      items.sum(&:price)',
  '    end',
  '  end',
  'end',
  '',
].join('\n');
/** The pull request edits the line the flag guards: the check is in the hunk's context. */
const FLAG_FILES = [
  {
    sha: 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391',
    filename: 'app/models/order.rb',
    status: 'modified',
    additions: 1,
    deletions: 1,
    changes: 2,
    patch:
      '@@ -2,4 +2,4 @@ class Order\n   def total\n     if Flipper.enabled?(:new_checkout, user)\n-      items.sum(&:price)\n+      items.sum(&:price) - discount\n     end',
  },
];
const PLAIN_FILES = [
  { ...FLAG_FILES[0], filename: 'app/models/cart.rb', patch: '@@ -1,2 +1,2 @@\n class Cart\n-  def size = 0\n+  def size = 1' },
];

interface CheckRunBody {
  conclusion?: string;
  output: {
    title: string;
    summary: string;
    annotations: { path: string; start_line: number; annotation_level: string; title?: string; message: string }[];
  };
}

/** The one GraphQL request a pull request touching the flag check in `app/models/order.rb` makes: its base text and blame. */
const ORDER_FLAG_AGES_QUERY = {
  query: readsQuery([{ kind: 'blob' }, { kind: 'blame', commitIndex: 0 }]),
  variables: { owner: OWNER, name: REPO, e0: `${BASE_SHA}:app/models/order.rb`, c0: BASE_SHA, p0: 'app/models/order.rb' },
};

describe('stale flags on a pull request in the App', () => {
  const network = withoutNetwork();

  it('dates the touched flag with one GraphQL request (text and blame at the base) and gives a notice', async () => {
    const probot = await loadApp();
    const created: CheckRunBody[] = [];
    const queries: { query: string; variables: Record<string, string> }[] = [];
    const scope = mockNoConfig(mockToken(github(network.log)))
      .get(FILES_PATH)
      .reply(200, FLAG_FILES)
      .get(GITATTRIBUTES_PATH)
      .reply(404, { message: 'Not Found' })
      .post('/graphql', captureBody(queries))
      .reply(200, {
        data: {
          repository: {
            b0: {
              blame: {
                ranges: [
                  { startingLine: 1, endingLine: 2, commit: { oid: '1'.repeat(40), committedDate: '2020-01-01T00:00:00Z' } },
                  { startingLine: 3, endingLine: 3, commit: { oid: '2'.repeat(40), committedDate: '2024-02-01T10:00:00Z' } },
                  { startingLine: 4, endingLine: 8, commit: { oid: '3'.repeat(40), committedDate: '2020-01-01T00:00:00Z' } },
                ],
              },
            },
            o0: { text: BASE_ORDER, isTruncated: false, byteSize: BASE_ORDER.length },
          },
        },
      })
      .get(LOOKUP_PATH)
      .reply(200, { total_count: 0, check_runs: [] })
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 1001 });

    await deliver(probot, 'pull_request', fixture('pull_request.opened'));

    expect(scope.isDone()).toBe(true);
    expect(queries).toEqual([ORDER_FLAG_AGES_QUERY]);
    // One call more than a pull request that touches no flag check.
    expect(network.log.routes.filter((r) => r === 'POST /graphql')).toHaveLength(1);
    const run = created[0];
    expect(run.conclusion).toBe('success');
    // The check line's own commit dates it, not the older lines around it.
    const notice = run.output.annotations.find((a) => a.title === 'flags: stale flag');
    expect(notice).toMatchObject({ path: 'app/models/order.rb', start_line: 3, annotation_level: 'notice' });
    expect(notice!.message).toMatch(
      /^`new_checkout` has been in the code for at least [\d,]+ days: remove it\? Its check on line 3 of `app\/models\/order\.rb` dates from 2024-02-01 \(2222222\)/,
    );
    expect(run.output.title).toMatch(/1 stale flag/);
  });

  it('a repository without its own configuration: the flag ages are asked while the organisation’s configuration is read, not after it', async () => {
    const probot = await loadApp();
    const created: CheckRunBody[] = [];
    const queries: { query: string; variables: Record<string, string> }[] = [];
    // The organisation's answer is held until the GraphQL request arrives (at most 2 s): sent after that
    // answer, as Probot's config plugin orders the reads, the flag ages would wait one round trip more.
    let orgAnswered = false;
    let orgAnsweredBeforeGraphql: boolean | undefined;
    const scope = mockToken(github(network.log))
      .get(CONFIG_URL_PATH)
      .reply(404, { message: 'Not Found' })
      .get(ORG_CONFIG_PATH)
      .reply((_uri, _body, callback) => {
        const started = Date.now();
        const answer = (): void => {
          if (queries.length === 0 && Date.now() - started < 2_000) {
            setTimeout(answer, 5);
            return;
          }
          orgAnswered = true;
          callback(null, [404, { message: 'Not Found' }]);
        };
        answer();
      })
      .get(FILES_PATH)
      .reply(200, FLAG_FILES)
      .get(GITATTRIBUTES_PATH)
      .reply(404, { message: 'Not Found' })
      .post('/graphql', (body: { query: string; variables: Record<string, string> }) => {
        orgAnsweredBeforeGraphql ??= orgAnswered;
        queries.push(body);
        return true;
      })
      .reply(200, {
        data: {
          repository: {
            b0: {
              blame: {
                ranges: [{ startingLine: 1, endingLine: 8, commit: { oid: '2'.repeat(40), committedDate: '2024-02-01T10:00:00Z' } }],
              },
            },
            o0: { text: BASE_ORDER, isTruncated: false, byteSize: BASE_ORDER.length },
          },
        },
      })
      .get(LOOKUP_PATH)
      .reply(200, { total_count: 0, check_runs: [] })
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 1001 });

    await deliver(probot, 'pull_request', fixture('pull_request.opened'));

    expect(scope.isDone()).toBe(true);
    expect(orgAnsweredBeforeGraphql).toBe(false);
    // The one request the configuration in force (the defaults) asks for: nothing asked twice, nothing more.
    expect(queries).toEqual([ORDER_FLAG_AGES_QUERY]);
    expect(network.log.limited.map((r) => `${r.method} ${r.path.split('?')[0]}`)).toEqual(
      expect.arrayContaining([`POST /graphql`, `POST ${REPO_PATH}/check-runs`]),
    );
    expect(created[0].output.title).toMatch(/1 stale flag/);
  });

  it('spends no call when the pull request touches no flag check', async () => {
    const probot = await loadApp();
    const created: CheckRunBody[] = [];
    const scope = mockNoConfig(mockToken(github(network.log)))
      .get(FILES_PATH)
      .reply(200, PLAIN_FILES)
      .get(GITATTRIBUTES_PATH)
      .reply(404, { message: 'Not Found' })
      .get(LOOKUP_PATH)
      .reply(200, { total_count: 0, check_runs: [] })
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 1001 });
    await deliver(probot, 'pull_request', fixture('pull_request.opened'));
    expect(scope.isDone()).toBe(true);
    expect(network.log.routes).not.toContain('POST /graphql');
    expect(created[0].output.annotations.some((a) => a.title === 'flags: stale flag')).toBe(false);
  });

  it('evaluates the rest when GitHub cannot blame: the flag stays undated, no notice, no failure', async () => {
    const probot = await loadApp();
    const created: CheckRunBody[] = [];
    const scope = mockNoConfig(mockToken(github(network.log)))
      .get(FILES_PATH)
      .reply(200, FLAG_FILES)
      .get(GITATTRIBUTES_PATH)
      .reply(404, { message: 'Not Found' })
      .post('/graphql')
      .reply(200, { data: null, errors: [{ type: 'TIMEOUT', message: 'Timeout on validation of query' }] })
      .get(LOOKUP_PATH)
      .reply(200, { total_count: 0, check_runs: [] })
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 1001 });
    await deliver(probot, 'pull_request', fixture('pull_request.opened'));
    expect(scope.isDone()).toBe(true);
    expect(created[0]).toMatchObject({ conclusion: 'success' });
    expect(created[0].output.annotations.some((a) => a.title === 'flags: stale flag')).toBe(false);
  });
});

describe('GitHub blame answers, remembered by commit and path', () => {
  const network = withoutNetwork();
  const BLAME = { ranges: [{ startingLine: 1, endingLine: 8, commit: { oid: BASE_SHA, committedDate: '2020-01-01T00:00:00Z' } }] };

  it('a second evaluation at the same base asks only for files not read yet', async () => {
    const octokit = new TestOctokit({ auth: 'ghs_test' }) as unknown as Parameters<typeof githubFlagAgeSource>[0];
    const repository = { owner: OWNER, repo: REPO };
    const cache = readCache();
    const asked: Array<Record<string, string>> = [];
    const scope = github(network.log)
      .post('/graphql', (body: { variables: Record<string, string> }) => {
        asked.push(body.variables);
        return true;
      })
      .times(2)
      .reply(200, (_uri: string, body: { variables: Record<string, string> }) => ({
        data: {
          repository: Object.fromEntries(
            Object.keys(body.variables).flatMap((name): [string, unknown][] =>
              /^e\d+$/.test(name)
                ? [[`o${name.slice(1)}`, { text: BASE_ORDER, isTruncated: false, byteSize: BASE_ORDER.length }]]
                : /^p\d+$/.test(name)
                  ? [[`b${name.slice(1)}`, { blame: BLAME }]]
                  : [],
            ),
          ),
        },
      }));
    // Each evaluation has its own reads; the cache is the process's.
    const date = (paths: string[]) =>
      githubFlagAgeSource(octokit, repository, new GraphQLReads(octokit, repository, cache)).date(BASE_SHA, paths, () => [3]);
    const first = await date(['a.rb']);
    const second = await date(['a.rb', 'b.rb']);
    const third = await date(['b.rb', 'a.rb']);
    expect(scope.isDone()).toBe(true);
    // The first asks for a.rb, the second for b.rb alone, the third for nothing.
    expect(
      asked.map((v) =>
        Object.keys(v)
          .filter((k) => /^p\d+$/.test(k))
          .map((k) => v[k]),
      ),
    ).toEqual([['a.rb'], ['b.rb']]);
    expect(first.get('a.rb')?.get(3)?.sha).toBe(BASE_SHA);
    expect(second.get('b.rb')?.get(3)?.sha).toBe(BASE_SHA);
    expect([...third.keys()].sort()).toEqual(['a.rb', 'b.rb']);
  });
});
