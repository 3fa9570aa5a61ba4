import { describe, expect, it } from '@jest/globals';
import {
  withoutNetwork,
  CONFIG_URL_PATH,
  HEAD_SHA,
  ORG_CONFIG_PATH,
  RAW,
  REPO_PATH,
  captureBody,
  deliver,
  fixture,
  github,
  loadApp,
  mockNoConfig,
  mockToken,
  runHolding,
  FILES_PATH,
  GITATTRIBUTES_PATH,
  LOOKUP_PATH,
} from './harness.js';
import { PR_FILES } from './pull-files.js';

interface CheckRunBody {
  name?: string;
  head_sha?: string;
  status?: string;
  conclusion?: string;
  external_id?: string;
  output: {
    title: string;
    summary: string;
    text?: string;
    annotations: { path: string; start_line: number; annotation_level: string; title?: string }[];
  };
}

describe('pull_request events', () => {
  const network = withoutNetwork();

  it('opened: evaluates the head commit and creates one completed check run, in 6 calls', async () => {
    const probot = await loadApp();
    const created: CheckRunBody[] = [];
    const scope = mockNoConfig(mockToken(github(network.log)))
      .get(FILES_PATH)
      .reply(200, PR_FILES, { etag: '"files-v1"' })
      .get(GITATTRIBUTES_PATH)
      .reply(404, { message: 'Not Found' })
      .get(LOOKUP_PATH)
      .reply(200, { total_count: 0, check_runs: [] })
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 1001 });

    await deliver(probot, 'pull_request', fixture('pull_request.opened'));

    expect(scope.isDone()).toBe(true);
    expect(created).toHaveLength(1);
    const run = created[0];
    expect(run).toMatchObject({ name: 'monoenv', head_sha: HEAD_SHA, status: 'completed', external_id: '7', conclusion: 'success' });
    expect(run.output.title).toMatch(/^XS change \(5 lines\)/);
    expect(run.output.summary).toContain('| Rule | Status |');
    // Both source files changed without a test: the tests rule's warnings sit on their first changed lines.
    expect(run.output.annotations.map((a) => [a.path, a.start_line, a.annotation_level])).toEqual(
      expect.arrayContaining([
        ['src/checkout/discount.ts', 1, 'warning'],
        ['src/checkout/cart.ts', 11, 'warning'],
      ]),
    );
    expect(network.log.tokens).toHaveLength(1);
    expect(network.log.limited).toHaveLength(6);
    expect(network.log.notModified).toHaveLength(0);
  });

  it('synchronize then labeled: the second event costs 304s, a read of the pull request and one update, and the label waives the tests rule', async () => {
    const probot = await loadApp();
    const created: CheckRunBody[] = [];
    const updated: CheckRunBody[] = [];
    const first = mockNoConfig(mockToken(github(network.log)))
      .get(FILES_PATH)
      .reply(200, PR_FILES, { etag: '"files-v1"' })
      .get(GITATTRIBUTES_PATH)
      .reply(404, { message: 'Not Found' })
      .get(LOOKUP_PATH)
      .reply(200, { total_count: 0, check_runs: [] })
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 1001 });
    await deliver(probot, 'pull_request', fixture('pull_request.synchronize'));
    expect(first.isDone()).toBe(true);
    expect(network.log.limited).toHaveLength(6);
    network.log.clear();

    // The missing configuration and .gitattributes (at a commit) are remembered; the file list is asked
    // conditionally and has not changed. The labels are read from the pull request as it is now.
    let conditional: string | undefined;
    const second = github(network.log)
      .get(`${REPO_PATH}/pulls/7`)
      .reply(200, fixture<{ pull_request: object }>('pull_request.labeled').pull_request)
      .get(FILES_PATH)
      .matchHeader('if-none-match', (value: string) => {
        conditional = value;
        return true;
      })
      .reply(304, '')
      .patch(`${REPO_PATH}/check-runs/1001`, captureBody(updated))
      .reply(200, { id: 1001 });
    await deliver(probot, 'pull_request', fixture('pull_request.labeled'));

    expect(second.isDone()).toBe(true);
    expect(conditional).toBe('"files-v1"');
    expect(network.log.routes).toEqual([`GET ${REPO_PATH}/pulls/7`, `PATCH ${REPO_PATH}/check-runs/1001`]);
    expect(network.log.notModified).toHaveLength(1);
    expect(network.log.tokens).toHaveLength(0);
    expect(updated).toHaveLength(1);
    expect(updated[0]).toMatchObject({ status: 'completed', conclusion: 'success', external_id: '7' });
    expect(updated[0].output.summary).toContain('no-tests-needed');
    // The waived findings became notices: new annotations, so they are sent.
    expect(updated[0].output.annotations.every((a) => a.annotation_level === 'notice')).toBe(true);
    expect(created[0].output.annotations.length).toBe(updated[0].output.annotations.length);
  });

  it('a late labeled event does not bring back a label removed since: labels come from the pull request as it is now', async () => {
    const probot = await loadApp();
    const created: CheckRunBody[] = [];
    const updated: CheckRunBody[] = [];
    const first = mockNoConfig(mockToken(github(network.log)))
      .get(FILES_PATH)
      .reply(200, PR_FILES, { etag: '"files-v1"' })
      .get(GITATTRIBUTES_PATH)
      .reply(404, { message: 'Not Found' })
      .get(LOOKUP_PATH)
      .reply(200, { total_count: 0, check_runs: [] })
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 1001 });
    await deliver(probot, 'pull_request', fixture('pull_request.synchronize'));
    expect(first.isDone()).toBe(true);
    // Without the label, the tests rule warns.
    expect(created[0].output.annotations.map((a) => a.annotation_level)).toContain('warning');

    // The `labeled` event arrives after the label was removed again: its snapshot still shows the label.
    const labeled = fixture<{ pull_request: { labels: { name: string }[] } }>('pull_request.labeled');
    expect(labeled.pull_request.labels.map((l) => l.name)).toEqual(['no-tests-needed']);
    const second = github(network.log)
      .get(`${REPO_PATH}/pulls/7`)
      .reply(200, { ...labeled.pull_request, labels: [] })
      .get(FILES_PATH)
      .reply(304, '')
      // The verdict is the one the run holds: nothing is written.
      .get(`${REPO_PATH}/check-runs/1001`)
      .reply(200, runHolding(1001, created))
      .patch(`${REPO_PATH}/check-runs/1001`, captureBody(updated))
      .optionally()
      .reply(200, { id: 1001 });
    await deliver(probot, 'pull_request', labeled);
    expect(updated).toEqual([]);
    expect(network.log.routes).toContain(`GET ${REPO_PATH}/pulls/7`);
    expect(second.pendingMocks()).toEqual([]);
  });

  it('an event older than one this process has seen for the pull request reads its labels from the pull request as it is now', async () => {
    const probot = await loadApp();
    const created: CheckRunBody[] = [];
    const updated: CheckRunBody[] = [];
    type Synchronize = { pull_request: { updated_at: string; labels: { name: string }[] } };
    const newer = fixture<Synchronize>('pull_request.synchronize');
    newer.pull_request.updated_at = '2019-05-15T15:30:00Z';
    newer.pull_request.labels = [];
    const first = mockNoConfig(mockToken(github(network.log)))
      .get(FILES_PATH)
      .reply(200, PR_FILES, { etag: '"files-v1"' })
      .get(GITATTRIBUTES_PATH)
      .reply(404, { message: 'Not Found' })
      .get(LOOKUP_PATH)
      .reply(200, { total_count: 0, check_runs: [] })
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 1001 });
    await deliver(probot, 'pull_request', newer, 'newer');
    expect(first.isDone()).toBe(true);
    expect(created[0].output.annotations.map((a) => a.annotation_level)).toContain('warning');

    // An earlier event, delivered late, when the label it carries had been removed.
    const older = fixture<Synchronize>('pull_request.synchronize');
    older.pull_request.updated_at = '2019-05-15T15:20:00Z';
    older.pull_request.labels = [{ name: 'no-tests-needed' }];
    const second = github(network.log)
      .get(`${REPO_PATH}/pulls/7`)
      .reply(200, newer.pull_request)
      .get(FILES_PATH)
      .reply(304, '')
      .get(`${REPO_PATH}/check-runs/1001`)
      .reply(200, runHolding(1001, created))
      .patch(`${REPO_PATH}/check-runs/1001`, captureBody(updated))
      .optionally()
      .reply(200, { id: 1001 });
    await deliver(probot, 'pull_request', older, 'older');
    expect(updated).toEqual([]);
    expect(second.pendingMocks()).toEqual([]);
  });

  it('redelivery of the same event leaves one run and costs no API call', async () => {
    const probot = await loadApp();
    const created: CheckRunBody[] = [];
    const scope = mockNoConfig(mockToken(github(network.log)))
      .get(FILES_PATH)
      .reply(200, PR_FILES, { etag: '"files-v1"' })
      .get(GITATTRIBUTES_PATH)
      .reply(404, { message: 'Not Found' })
      .get(LOOKUP_PATH)
      .reply(200, { total_count: 0, check_runs: [] })
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 1001 });
    const payload = fixture('pull_request.opened');
    await deliver(probot, 'pull_request', payload, 'same-delivery');
    const afterFirst = network.log.requests.length;
    await deliver(probot, 'pull_request', payload, 'same-delivery');

    expect(scope.isDone()).toBe(true);
    expect(created).toHaveLength(1);
    expect(network.log.requests).toHaveLength(afterFirst);
    expect(network.log.limited).toHaveLength(6);
  });

  it('a redelivery of an event whose evaluation failed evaluates again', async () => {
    const probot = await loadApp();
    const created: CheckRunBody[] = [];
    const updated: CheckRunBody[] = [];
    const scope = mockNoConfig(mockToken(github(network.log)))
      .get(FILES_PATH)
      .reply(403, { message: 'Resource not accessible by integration' })
      .get(LOOKUP_PATH)
      .reply(200, { total_count: 0, check_runs: [] })
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 1001 })
      .get(FILES_PATH)
      .reply(200, PR_FILES, { etag: '"files-v1"' })
      .get(GITATTRIBUTES_PATH)
      .reply(404, { message: 'Not Found' })
      .patch(`${REPO_PATH}/check-runs/1001`, captureBody(updated))
      .reply(200, { id: 1001 });
    const payload = fixture('pull_request.opened');
    await deliver(probot, 'pull_request', payload, 'failed-once');
    await deliver(probot, 'pull_request', payload, 'failed-once');
    expect(scope.isDone()).toBe(true);
    expect(created[0].output.title).toBe('monoenv could not evaluate this change');
    expect(updated).toHaveLength(1);
    expect(updated[0].output.title).not.toBe('monoenv could not evaluate this change');
  });

  it('the same delivery id for another event is not taken for a replay', async () => {
    const probot = await loadApp();
    const written: CheckRunBody[] = [];
    const scope = mockNoConfig(mockToken(github(network.log)))
      .get(FILES_PATH)
      .reply(200, PR_FILES, { etag: '"files-v1"' })
      .get(GITATTRIBUTES_PATH)
      .reply(404, { message: 'Not Found' })
      .get(LOOKUP_PATH)
      .reply(200, { total_count: 0, check_runs: [] })
      .post(`${REPO_PATH}/check-runs`, captureBody(written))
      .reply(201, { id: 1001 })
      // The second event is evaluated again: the file list is revalidated, and the same verdict, which the
      // run still holds, is not rewritten.
      .get(FILES_PATH)
      .matchHeader('if-none-match', '"files-v1"')
      .reply(304, '')
      .get(`${REPO_PATH}/check-runs/1001`)
      .reply(200, runHolding(1001, written));
    const opened = fixture('pull_request.opened');
    await deliver(probot, 'pull_request', opened, 'reused-id');
    await deliver(probot, 'pull_request', { ...opened, action: 'reopened' }, 'reused-id');
    expect(scope.isDone()).toBe(true);
    expect(written).toHaveLength(1);
  });

  it('a redelivery that another replica handled first updates the run GitHub already has', async () => {
    const probot = await loadApp();
    const updated: CheckRunBody[] = [];
    const existing = {
      id: 555,
      external_id: '7',
      status: 'completed',
      conclusion: 'failure',
      app: { id: 123 },
      output: { title: 'stale', summary: 'stale', annotations_count: 0 },
    };
    const otherApp = { ...existing, id: 556, app: { id: 999 } };
    const scope = mockNoConfig(mockToken(github(network.log)))
      .get(FILES_PATH)
      .reply(200, PR_FILES, { etag: '"files-v1"' })
      .get(GITATTRIBUTES_PATH)
      .reply(404, { message: 'Not Found' })
      .get(LOOKUP_PATH)
      .reply(200, { total_count: 2, check_runs: [otherApp, existing] })
      .patch(`${REPO_PATH}/check-runs/555`, captureBody(updated))
      .reply(200, { id: 555 });
    await deliver(probot, 'pull_request', fixture('pull_request.opened'));
    expect(scope.isDone()).toBe(true);
    expect(updated).toHaveLength(1);
    expect(updated[0].output.annotations.length).toBeGreaterThan(0);
    expect(network.log.limited).toHaveLength(6);
  });

  it('closed without merging does nothing', async () => {
    const probot = await loadApp();
    const payload = fixture<{ pull_request: Record<string, unknown> }>('pull_request.closed.merged');
    payload.pull_request.merged = false;
    payload.pull_request.merge_commit_sha = null;
    await deliver(probot, 'pull_request', payload);
    expect(network.log.requests).toHaveLength(0);
  });

  it('a draft is evaluated and its title says so', async () => {
    const probot = await loadApp();
    const created: CheckRunBody[] = [];
    const payload = fixture<{ pull_request: Record<string, unknown> }>('pull_request.opened');
    payload.pull_request.draft = true;
    const scope = mockNoConfig(mockToken(github(network.log)))
      .get(FILES_PATH)
      .reply(200, PR_FILES)
      .get(GITATTRIBUTES_PATH)
      .reply(404, {})
      .get(LOOKUP_PATH)
      .reply(200, { total_count: 0, check_runs: [] })
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 1001 });
    await deliver(probot, 'pull_request', payload);
    expect(scope.isDone()).toBe(true);
    expect(created[0].output.title).toMatch(/^Draft · /);
  });

  it('a review re-evaluates: totals come from the file list, reviews only when the review rule needs them', async () => {
    const probot = await loadApp();
    const created: CheckRunBody[] = [];
    const config = 'review:\n  before_merge: true\n';
    const scope = mockToken(github(network.log))
      .get(CONFIG_URL_PATH)
      .reply(200, config, { ...RAW, etag: '"config-v1"' })
      .get(FILES_PATH)
      .reply(200, PR_FILES)
      .get(GITATTRIBUTES_PATH)
      .reply(404, {})
      .get(`${REPO_PATH}/pulls/7/reviews?per_page=100`)
      .reply(200, [
        {
          id: 80,
          user: { login: 'octo-reviewer', type: 'User' },
          state: 'APPROVED',
          commit_id: HEAD_SHA,
          submitted_at: '2024-05-01T10:00:00Z',
          author_association: 'MEMBER',
        },
      ])
      .get(LOOKUP_PATH)
      .reply(200, { total_count: 0, check_runs: [] })
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 1001 });
    await deliver(probot, 'pull_request_review', fixture('pull_request_review.submitted'));
    expect(scope.isDone()).toBe(true);
    expect(network.log.routes).not.toContain(`GET ${REPO_PATH}/pulls/7`);
    expect(network.log.routes).not.toContain(`GET ${ORG_CONFIG_PATH}`);
    expect(created[0].output.summary).toContain('octo-reviewer');
    expect(network.log.limited).toHaveLength(6);
  });
});

describe('stacked pull requests and the split plan', () => {
  const network = withoutNetwork();

  /** PR #7 as part 2 of a stack: based on the stack's first branch, not on the default branch. */
  function stacked(): Record<string, unknown> {
    const payload = fixture<{ pull_request: { base: { ref: string; repo: { default_branch: string } }; head: { ref: string } } }>(
      'pull_request.opened',
    );
    payload.pull_request.base.ref = 'discount-1-pricing';
    payload.pull_request.base.repo.default_branch = 'main';
    payload.pull_request.head.ref = 'discount-2-checkout';
    return payload;
  }

  it('sizes a pull request based on another branch on its own diff, and says which part of the stack it is, at no extra call', async () => {
    const probot = await loadApp();
    const created: CheckRunBody[] = [];
    const scope = mockNoConfig(mockToken(github(network.log)))
      .get(FILES_PATH)
      .reply(200, PR_FILES)
      .get(GITATTRIBUTES_PATH)
      .reply(404, { message: 'Not Found' })
      .get(LOOKUP_PATH)
      .reply(200, { total_count: 0, check_runs: [] })
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 1001 });
    await deliver(probot, 'pull_request', stacked());
    expect(scope.isDone()).toBe(true);
    expect(network.log.limited).toHaveLength(6);
    expect(created[0].output.title).toMatch(/^XS change \(5 lines\)/);
    expect(created[0].output.summary).toContain(
      '**Size:** XS · 5 lines in 2 files counted · nothing excluded · part 2 of a stack: sized against its base discount-1-pricing, not main',
    );
  });

  it('shows the split plan in landing order with the commands that make it a stack', async () => {
    const files = [
      {
        filename: 'src/checkout/cart.ts',
        status: 'modified',
        additions: 2,
        deletions: 1,
        changes: 3,
        patch:
          "@@ -1,4 +1,5 @@\n+import { applyDiscount } from '../pricing/discount';\n export class Cart {\n   total(): number {\n-    return this.items.reduce((n, i) => n + i.price, 0);\n+    return applyDiscount(this.items.reduce((n, i) => n + i.price, 0), this.discount);\n   }",
      },
      { ...PR_FILES[0], filename: 'src/pricing/discount.ts' },
    ];
    const probot = await loadApp();
    const created: CheckRunBody[] = [];
    const scope = mockToken(github(network.log))
      .get(CONFIG_URL_PATH)
      .reply(200, 'size:\n  warn_files: 1\n  fail_files: 1\n', { ...RAW, etag: '"strict"' })
      .get(FILES_PATH)
      .reply(200, files)
      .get(GITATTRIBUTES_PATH)
      .reply(404, { message: 'Not Found' })
      .get(LOOKUP_PATH)
      .reply(200, { total_count: 0, check_runs: [] })
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 1001 });
    await deliver(probot, 'pull_request', fixture('pull_request.opened'));
    expect(scope.isDone()).toBe(true);
    const { summary, text } = created[0].output;
    expect(summary).toContain(
      '- **Split plan:** 1. `src/pricing` → 2. `src/checkout` · on `discount-codes` run `npx monoenv split --base origin/main --apply` to make it a stack of branches',
    );
    expect(text).toContain('| 2 | src/checkout<br>`discount-codes-2-checkout` | 3 | `src/checkout/cart.ts` | src/pricing |');
    expect(text).toContain(
      'gh pr create --base main --head discount-codes-1-pricing --fill\ngh pr create --base discount-codes-1-pricing --head discount-codes-2-checkout --fill',
    );
  });
});
