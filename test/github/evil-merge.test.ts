/**
 * Merges after an approval: a merge of the base branch keeps an approval only when it holds nothing of its own.
 * Each merge is compared with each parent (`{parent}...{merge}`); a file in every comparison differs from every
 * parent, so the merge holds work of its own (or a conflict resolution, or both sides' edits of one file) and the
 * approval is compared by patch id like any stale one. At most 5 merges, a verdict remembered per merge.
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
/** The base branch's tip that the merge brought in. */
const BASE_NEW = 'b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0';
const compare = (base: string, head: string) => `${REPO_PATH}/compare/${base}...${head}?per_page=1`;
/** The approved change, as the pull request showed it then. */
const APPROVED_CHANGE = compare(BASE_SHA, APPROVED_SHA);

const config = `size: {level: "off"}\ntests: {level: "off"}\nmigrations: {level: "off"}\nflags: {level: "off"}\nreview:\n  before_merge: true\n`;

const REVIEWS_BODY = [
  { id: 1, user: { login: 'octo-reviewer', type: 'User' }, state: 'APPROVED', commit_id: APPROVED_SHA, author_association: 'MEMBER' },
];
const commit = (sha: string, parents: string[], message: string) => ({
  sha,
  parents: parents.map((p) => ({ sha: p })),
  commit: { message },
  author: { login: 'octo-author' },
});
const APPROVED_COMMIT = commit(APPROVED_SHA, [BASE_SHA], 'feat(checkout): discount codes');
/** The approved commit, then a merge of the base branch as the head. */
const COMMITS_BODY = [APPROVED_COMMIT, commit(HEAD_SHA, [APPROVED_SHA, BASE_NEW], "Merge branch 'main' into discounts")];

const file = (filename: string, patch: string) => ({ filename, status: 'modified', additions: 1, deletions: 1, changes: 2, patch });
/** What the base branch changed since the pull request branched off. */
const BASE_README = file('README.md', '@@ -1 +1 @@\n-Shop\n+The shop');
const BASE_CART = file('src/checkout/cart.ts', '@@ -1 +1 @@\n-// cart\n+// the cart');
/** The merge's own line in cart.ts, which neither parent has. */
const EVIL_CART = file(
  'src/checkout/cart.ts',
  '@@ -10,4 +10,5 @@ export class Cart {\n   total(): number {\n-    return this.items.reduce((n, i) => n + i.price, 0);\n+    return applyDiscount(this.items.reduce((n, i) => n + i.price, 0), this.discount);\n+    // and free shipping for everyone\n   }\n }',
);
const HEAD_FILES_EVIL = [PR_FILES[0], EVIL_CART];
const manyFiles = (n: number) => Array.from({ length: n }, (_, i) => file(`docs/page-${i}.md`, '@@ -1 +1 @@\n-a\n+b'));

interface Body {
  conclusion?: string;
  output: { title: string; summary: string };
}

describe('merges after an approval (evil merges)', () => {
  const network = withoutNetwork();

  /** The event's calls up to the commits; the test adds the comparisons, then `finish` the look-up and creation. */
  function event(headFiles: unknown[] | null = PR_FILES, commits: unknown[] = COMMITS_BODY) {
    const scope = mockToken(github(network.log)).get(CONFIG_URL_PATH).reply(200, config, RAW);
    // No rule here reads the files: only a stale approval does, to compare by patch id.
    if (headFiles !== null) scope.get(FILES_PATH).reply(200, headFiles);
    return scope.get(REVIEWS_PATH).reply(200, REVIEWS_BODY).get(COMMITS_PATH).reply(200, commits);
  }
  function finish(scope: ReturnType<typeof event>): Body[] {
    const created: Body[] = [];
    scope.get(LOOKUP_PATH).reply(200, NO_RUNS).post(`${REPO_PATH}/check-runs`, captureBody(created)).reply(201, { id: 1 });
    return created;
  }

  it('a clean merge of the base after the approval: the approval counts, after one comparison per parent', async () => {
    const probot = await loadApp();
    const scope = event(null)
      .get(compare(APPROVED_SHA, HEAD_SHA))
      .reply(200, { files: [BASE_README] })
      .get(compare(BASE_NEW, HEAD_SHA))
      .reply(200, { files: PR_FILES });
    const created = finish(scope);
    await deliver(probot, 'pull_request', fixture('pull_request.synchronize'));
    expect(scope.isDone()).toBe(true);
    expect(created[0].conclusion).toBe('success');
    expect(created[0].output.summary).toContain('1 of 1 valid approval (by @&#8203;octo-reviewer)');
    // The look-up goes out with the configuration, beside the reads.
    expect(network.log.routes.filter((route) => route !== `GET ${LOOKUP_PATH}`)).toEqual([
      `GET ${CONFIG_URL_PATH}`,
      `GET ${REVIEWS_PATH}`,
      `GET ${COMMITS_PATH}`,
      `GET ${compare(APPROVED_SHA, HEAD_SHA)}`,
      `GET ${compare(BASE_NEW, HEAD_SHA)}`,
      `POST ${REPO_PATH}/check-runs`,
    ]);
    expect(network.log.routes.filter((route) => route === `GET ${LOOKUP_PATH}`)).toHaveLength(1);
  });

  it('an evil merge (a line of its own in cart.ts): the approval is stale and the run names the merge and the file', async () => {
    const probot = await loadApp();
    const scope = event(HEAD_FILES_EVIL)
      .get(compare(APPROVED_SHA, HEAD_SHA))
      .reply(200, { files: [BASE_README, EVIL_CART] })
      .get(compare(BASE_NEW, HEAD_SHA))
      .reply(200, { files: HEAD_FILES_EVIL })
      .get(APPROVED_CHANGE)
      .reply(200, { files: PR_FILES });
    const created = finish(scope);
    await deliver(probot, 'pull_request', fixture('pull_request.synchronize'));
    expect(scope.isDone()).toBe(true);
    expect(created[0].conclusion).toBe('failure');
    expect(created[0].output.summary).toContain(
      'not counted: @&#8203;octo-reviewer approved 0a0a0a0, then merge a1b2c3d "Merge branch \'main\' into discounts" changes src/checkout/cart.ts beyond its parents; changed since: src/checkout/cart.ts (stale)',
    );
    expect(network.log.limited).toHaveLength(9);
  });

  it('a clean merge where both sides edited one file: compared by patch id, the approval still counts', async () => {
    const probot = await loadApp();
    const scope = event()
      .get(compare(APPROVED_SHA, HEAD_SHA))
      .reply(200, { files: [BASE_README, BASE_CART] })
      .get(compare(BASE_NEW, HEAD_SHA))
      .reply(200, { files: PR_FILES })
      .get(APPROVED_CHANGE)
      .reply(200, { files: PR_FILES });
    const created = finish(scope);
    await deliver(probot, 'pull_request', fixture('pull_request.synchronize'));
    expect(scope.isDone()).toBe(true);
    expect(created[0].conclusion).toBe('success');
    expect(created[0].output.summary).toContain('1 of 1 valid approval (by @&#8203;octo-reviewer)');
    expect(network.log.limited).toHaveLength(9);
  });

  it('more than 5 merges after the approval: 5 are checked, the 6th is "not checked" and the approval does not count', async () => {
    const probot = await loadApp();
    const merges = Array.from({ length: 6 }, (_, i) => (i === 5 ? HEAD_SHA : `${i + 1}`.repeat(40)));
    const commits = [
      APPROVED_COMMIT,
      ...merges.map((sha, i) =>
        commit(sha, [i === 0 ? APPROVED_SHA : merges[i - 1], `${'c'.repeat(39)}${i}`], `Merge main, round ${i + 1}`),
      ),
    ];
    const scope = event(HEAD_FILES_EVIL, commits);
    merges.slice(0, 5).forEach((sha, i) => {
      scope
        .get(compare(i === 0 ? APPROVED_SHA : merges[i - 1], sha))
        .reply(200, { files: [BASE_README] })
        .get(compare(`${'c'.repeat(39)}${i}`, sha))
        .reply(200, { files: PR_FILES });
    });
    scope.get(APPROVED_CHANGE).reply(200, { files: PR_FILES });
    const created = finish(scope);
    await deliver(probot, 'pull_request', fixture('pull_request.synchronize'));
    expect(scope.isDone()).toBe(true);
    expect(created[0].conclusion).toBe('failure');
    expect(created[0].output.summary).toContain(
      'approved 0a0a0a0, then merge a1b2c3d "Merge main, round 6" was not checked (more than 5 merges after the approval); changed since: src/checkout/cart.ts (stale)',
    );
    // config, files, reviews, commits, 10 comparisons, the approved change, look-up, creation.
    expect(network.log.limited).toHaveLength(17);
  });

  it('a comparison at GitHub\'s 300-file cap: the merge is "not checked", without comparing its other parent', async () => {
    const probot = await loadApp();
    const scope = event(HEAD_FILES_EVIL)
      .get(compare(APPROVED_SHA, HEAD_SHA))
      .reply(200, { files: manyFiles(300) })
      .get(APPROVED_CHANGE)
      .reply(200, { files: PR_FILES });
    const created = finish(scope);
    await deliver(probot, 'pull_request', fixture('pull_request.synchronize'));
    expect(scope.isDone()).toBe(true);
    expect(created[0].conclusion).toBe('failure');
    expect(created[0].output.summary).toContain(
      "then merge a1b2c3d \"Merge branch 'main' into discounts\" was not checked (its comparison with 0a0a0a0 lists 300 files, GitHub's cap)",
    );
    expect(network.log.routes).not.toContain(`GET ${compare(BASE_NEW, HEAD_SHA)}`);
  });

  it('a second event on the same commits compares nothing again', async () => {
    const probot = await loadApp();
    const scope = event(HEAD_FILES_EVIL)
      .get(compare(APPROVED_SHA, HEAD_SHA))
      .reply(200, { files: [BASE_README, EVIL_CART] })
      .get(compare(BASE_NEW, HEAD_SHA))
      .reply(200, { files: HEAD_FILES_EVIL })
      .get(APPROVED_CHANGE)
      .reply(200, { files: PR_FILES });
    finish(scope);
    await deliver(probot, 'pull_request', fixture('pull_request.synchronize'), 'sync-1');
    expect(scope.isDone()).toBe(true);
    network.log.clear();
    const updated: Body[] = [];
    const second = github(network.log)
      .get(`${REPO_PATH}/pulls/7`)
      .reply(200, fixture<{ pull_request: object }>('pull_request.labeled').pull_request)
      .get(CONFIG_URL_PATH)
      .reply(200, config, RAW)
      .get(FILES_PATH)
      .reply(200, HEAD_FILES_EVIL)
      .get(REVIEWS_PATH)
      .reply(200, REVIEWS_BODY)
      .get(COMMITS_PATH)
      .reply(200, COMMITS_BODY)
      // The label changes the summary: the run is updated.
      .patch(`${REPO_PATH}/check-runs/1`, captureBody(updated))
      .reply(200, { id: 1 });
    await deliver(probot, 'pull_request', fixture('pull_request.labeled'), 'labeled-1');
    expect(second.isDone()).toBe(true);
    expect(network.log.routes.filter((route) => route.includes('/compare/'))).toEqual([]);
    expect(updated[0].output.summary).toContain('changes src/checkout/cart.ts beyond its parents');
  });
});
