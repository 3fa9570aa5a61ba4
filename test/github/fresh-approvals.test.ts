/**
 * Approval freshness by patch id: an approval given before a rebase still counts when every file's change is
 * the same (line numbers and whitespace aside); one changed file makes it stale, for that file's owners only.
 * At most one comparison per approved commit, remembered by SHA pair.
 */
import { describe, expect, it } from '@jest/globals';
import {
  NO_RUNS,
  withoutNetwork,
  BASE_SHA,
  CONFIG_URL_PATH,
  HEAD_SHA,
  RAW,
  REPO_PATH,
  captureBody,
  deliver,
  fixture,
  github,
  loadApp,
  mockToken,
  COMMITS_PATH,
  FILES_PATH,
  LOOKUP_PATH,
  REVIEWS_PATH,
} from './harness.js';
import { PR_FILES } from './pull-files.js';

const APPROVED_SHA = '0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a';
const COMPARE = `${REPO_PATH}/compare/${BASE_SHA}...${APPROVED_SHA}?per_page=1`;

const config = (extra = '') =>
  `size: {level: "off"}\ntests: {level: "off"}\nmigrations: {level: "off"}\nflags: {level: "off"}\nreview:\n  before_merge: true\n${extra}`;

/** The approval was given on a commit the rebase replaced: the PR's commits no longer hold it. */
const REVIEWS_BODY = [
  { id: 1, user: { login: 'octo-reviewer', type: 'User' }, state: 'APPROVED', commit_id: APPROVED_SHA, author_association: 'MEMBER' },
];
const COMMITS_BODY = [
  { sha: HEAD_SHA, parents: [{ sha: BASE_SHA }], commit: { message: 'feat(checkout): discount codes' }, author: { login: 'octo-author' } },
];

/** The approved change: the same patches, but the base moved, so cart.ts's hunk sat 5 lines higher and was indented differently. */
const REBASED_FILES = [
  PR_FILES[0],
  {
    ...PR_FILES[1],
    patch:
      '@@ -5,4 +5,4 @@ export class Cart {\n   total(): number {\n-    return this.items.reduce((n, i) => n + i.price, 0);\n+      return applyDiscount(this.items.reduce((n, i) => n + i.price, 0), this.discount);\n   }\n }',
  },
];
const EDITED_FILES = [PR_FILES[0], { ...PR_FILES[1], patch: '@@ -10,4 +10,4 @@\n-    return 0;\n+    return 1;' }];

interface Body {
  conclusion?: string;
  output: { title: string; summary: string };
}

describe('approval freshness by patch id', () => {
  const network = withoutNetwork();

  function event(approved: unknown, extra = '', codeowners?: object) {
    const created: Body[] = [];
    const scope = mockToken(github(network.log))
      .get(CONFIG_URL_PATH)
      .reply(200, config(extra), RAW)
      .get(FILES_PATH)
      .reply(200, PR_FILES)
      .get(REVIEWS_PATH)
      .reply(200, REVIEWS_BODY);
    if (codeowners !== undefined) scope.post('/graphql').reply(200, codeowners);
    scope
      .get(COMMITS_PATH)
      .reply(200, COMMITS_BODY)
      .get(COMPARE)
      .reply(200, { files: approved })
      .get(LOOKUP_PATH)
      .reply(200, NO_RUNS)
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 1 });
    return { scope, created };
  }

  it('a rebase with every patch unchanged: the approval still counts, after one comparison', async () => {
    const probot = await loadApp();
    const { scope, created } = event(REBASED_FILES);
    await deliver(probot, 'pull_request', fixture('pull_request.synchronize'));
    expect(scope.isDone()).toBe(true);
    expect(created[0].conclusion).toBe('success');
    expect(created[0].output.summary).toContain('1 of 1 valid approval (by @&#8203;octo-reviewer)');
    // config, files, reviews, commits, compare, look-up, creation.
    expect(network.log.limited).toHaveLength(7);
  });

  it('one file changed since the approval: stale, and the summary names the file', async () => {
    const probot = await loadApp();
    const { scope, created } = event(EDITED_FILES);
    await deliver(probot, 'pull_request', fixture('pull_request.synchronize'));
    expect(scope.isDone()).toBe(true);
    expect(created[0].conclusion).toBe('failure');
    expect(created[0].output.summary).toContain(
      'not counted: @&#8203;octo-reviewer approved 0a0a0a0; changed since: src/checkout/cart.ts (stale)',
    );
  });

  it("with CODEOWNERS: only the changed file's owners lose the approval", async () => {
    const probot = await loadApp();
    const owners = { data: { repository: { f0: { text: 'src/checkout/ @octo-reviewer\n' }, f1: null, f2: null } } };
    const { scope, created } = event(EDITED_FILES, '  approvals: 0\n  codeowners: all\n', owners);
    await deliver(probot, 'pull_request', fixture('pull_request.synchronize'));
    expect(scope.isDone()).toBe(true);
    expect(created[0].conclusion).toBe('failure');
    expect(created[0].output.summary).toContain(
      "Code owners: 1 of 2 owned files approved by an owner; missing an owner's approval: src/checkout/cart.ts (@&#8203;octo-reviewer)",
    );
  });

  it('the comparison is remembered by SHA pair: the next event does not compare again', async () => {
    const probot = await loadApp();
    const { scope } = event(REBASED_FILES);
    await deliver(probot, 'pull_request', fixture('pull_request.synchronize'), 'sync-1');
    expect(scope.isDone()).toBe(true);
    network.log.clear();
    const second = github(network.log)
      .get(`${REPO_PATH}/pulls/7`)
      .reply(200, fixture<{ pull_request: object }>('pull_request.labeled').pull_request)
      .get(CONFIG_URL_PATH)
      .reply(200, config(), RAW)
      .get(FILES_PATH)
      .reply(200, PR_FILES)
      .get(REVIEWS_PATH)
      .reply(200, REVIEWS_BODY)
      .get(COMMITS_PATH)
      .reply(200, COMMITS_BODY)
      // The label changes the summary: the run is updated.
      .patch(`${REPO_PATH}/check-runs/1`)
      .reply(200, { id: 1 });
    await deliver(probot, 'pull_request', fixture('pull_request.labeled'), 'labeled-1');
    expect(second.isDone()).toBe(true);
    expect(network.log.routes).not.toContain(`GET ${COMPARE}`);
  });
});
