/**
 * review.codeowners on a review event: CODEOWNERS read at the base in one GraphQL request (GitHub's three
 * places, its precedence), users and teams as owners, memberships remembered per installation, and the
 * organisation permission missing. Every request is pinned.
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
  FILES_PATH,
  LOOKUP_PATH,
  REVIEWS_PATH,
} from './harness.js';
import { PR_FILES } from './pull-files.js';

const TEAM = '/orgs/monoenv-demo/teams/payments/members?per_page=100';
const APPROVED = [
  { id: 1, user: { login: 'octo-reviewer', type: 'User' }, state: 'APPROVED', commit_id: HEAD_SHA, author_association: 'MEMBER' },
];

const config = (codeowners: string, extra = '') =>
  `size: {level: "off"}\ntests: {level: "off"}\nmigrations: {level: "off"}\nflags: {level: "off"}\nreview:\n  before_merge: true\n  codeowners: ${codeowners}\n${extra}`;

/** GraphQL's answer for `.github/CODEOWNERS`, `CODEOWNERS`, `docs/CODEOWNERS` at the base (null: absent). */
const owners = (github: string | null, root: string | null = null, docs: string | null = null) => ({
  data: {
    repository: {
      f0: github === null ? null : { text: github },
      f1: root === null ? null : { text: root },
      f2: docs === null ? null : { text: docs },
    },
  },
});

interface Body {
  conclusion?: string;
  output: { title: string; summary: string };
}
interface Query {
  query: string;
  variables: Record<string, string>;
}

describe('review.codeowners', () => {
  const network = withoutNetwork();

  function event(codeowners: string, answer: object, extra = '') {
    const queries: Query[] = [];
    const created: Body[] = [];
    const scope = mockToken(github(network.log))
      .get(CONFIG_URL_PATH)
      .reply(200, config(codeowners, extra), { ...RAW, etag: '"config"' })
      .get(FILES_PATH)
      .reply(200, PR_FILES, { etag: '"files"' })
      .get(REVIEWS_PATH)
      .reply(200, APPROVED, { etag: '"reviews"' })
      .post('/graphql', captureBody(queries))
      .reply(200, answer);
    return { scope, queries, created };
  }

  it('a user owner approved: the owned files pass, read from .github/CODEOWNERS at the base in one request', async () => {
    const probot = await loadApp();
    const { scope, queries, created } = event('all', owners('* @someone-else\nsrc/checkout/ @octo-reviewer\n'));
    scope.get(LOOKUP_PATH).reply(200, NO_RUNS).post(`${REPO_PATH}/check-runs`, captureBody(created)).reply(201, { id: 1 });
    await deliver(probot, 'pull_request_review', fixture('pull_request_review.submitted'));
    expect(scope.isDone()).toBe(true);
    expect(queries[0].variables).toMatchObject({
      e0: `${BASE_SHA}:.github/CODEOWNERS`,
      e1: `${BASE_SHA}:CODEOWNERS`,
      e2: `${BASE_SHA}:docs/CODEOWNERS`,
    });
    expect(created[0].conclusion).toBe('success');
    expect(created[0].output.summary).toContain('Code owners: 2 of 2 owned files approved by an owner');
    // config, files, reviews, CODEOWNERS, look-up, creation.
    expect(network.log.limited).toHaveLength(6);
  });

  it("GitHub's precedence: CODEOWNERS at the root wins over docs/; the last matching line wins; a missing owner fails the check", async () => {
    const probot = await loadApp();
    const { scope, created } = event(
      'all',
      owners(null, 'src/** @octo-reviewer\nsrc/checkout/cart.ts @carol @monoenv-demo/cart-team\n', '* @octo-reviewer\n'),
    );
    // The approver is no user owner of cart.ts: its team decides; @octo-reviewer is not in it.
    scope
      .get('/orgs/monoenv-demo/teams/cart-team/members?per_page=100')
      .reply(200, [{ login: 'dana' }])
      .get(LOOKUP_PATH)
      .reply(200, NO_RUNS)
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 1 });
    await deliver(probot, 'pull_request_review', fixture('pull_request_review.submitted'));
    expect(scope.isDone()).toBe(true);
    expect(created[0].conclusion).toBe('failure');
    expect(created[0].output.title).toContain("1 owned file without a code owner's approval");
    expect(created[0].output.summary).toContain(
      "Code owners: 1 of 2 owned files approved by an owner; missing an owner's approval: src/checkout/cart.ts (@&#8203;carol, @&#8203;monoenv-demo/cart-team)",
    );
  });

  it('a team owner: a member approved; the membership is remembered for the installation', async () => {
    const probot = await loadApp();
    const { scope, created } = event('all', owners('src/checkout/ @monoenv-demo/payments\n'));
    scope
      .get(TEAM)
      .reply(200, [{ login: 'dana' }, { login: 'Octo-Reviewer' }])
      .get(LOOKUP_PATH)
      .reply(200, NO_RUNS)
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 1 }, { etag: '"run-1"' });
    await deliver(probot, 'pull_request_review', fixture('pull_request_review.submitted'), 'review-1');
    expect(scope.isDone()).toBe(true);
    expect(created[0].conclusion).toBe('success');
    expect(created[0].output.summary).toContain('Code owners: 2 of 2 owned files approved by an owner');

    // Another review event: CODEOWNERS (same base) and the team are remembered, the rest is unchanged (304s, free).
    network.log.clear();
    const second = github(network.log)
      .get(CONFIG_URL_PATH)
      .matchHeader('if-none-match', '"config"')
      .reply(304, '')
      .get(FILES_PATH)
      .matchHeader('if-none-match', '"files"')
      .reply(304, '')
      .get(REVIEWS_PATH)
      .matchHeader('if-none-match', '"reviews"')
      .reply(304, '')
      // The same verdict: the run still holds what this process wrote.
      .get(`${REPO_PATH}/check-runs/1`)
      .matchHeader('if-none-match', '"run-1"')
      .reply(304, '');
    await deliver(probot, 'pull_request_review', fixture('pull_request_review.submitted'), 'review-2');
    expect(second.isDone()).toBe(true);
    expect(network.log.limited).toEqual([]);
    expect(network.log.notModified).toHaveLength(4);
  });

  it('the organisation permission is missing (403 on the team): a clear notice naming it, not a crash and not a failure', async () => {
    const probot = await loadApp();
    const { scope, created } = event('all', owners('src/checkout/ @monoenv-demo/payments\n'));
    scope
      .get(TEAM)
      .reply(403, { message: 'Resource not accessible by integration' })
      .get(LOOKUP_PATH)
      .reply(200, NO_RUNS)
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 1 });
    await deliver(probot, 'pull_request_review', fixture('pull_request_review.submitted'));
    expect(scope.isDone()).toBe(true);
    expect(created[0].conclusion).toBe('success');
    expect(created[0].output.summary).toContain(
      'not decided, team membership could not be read (the app needs the organisation permission Members: read): src/checkout/discount.ts (@&#8203;monoenv-demo/payments); src/checkout/cart.ts (@&#8203;monoenv-demo/payments)',
    );
  });

  it('risky: only owned files under risky.paths need their owner', async () => {
    const probot = await loadApp();
    const { scope, created } = event('risky', owners('* @carol\n'), 'risky:\n  paths: ["src/checkout/discount.ts"]\n');
    scope.get(LOOKUP_PATH).reply(200, NO_RUNS).post(`${REPO_PATH}/check-runs`, captureBody(created)).reply(201, { id: 1 });
    await deliver(probot, 'pull_request_review', fixture('pull_request_review.submitted'));
    expect(scope.isDone()).toBe(true);
    expect(created[0].conclusion).toBe('failure');
    expect(created[0].output.summary).toContain(
      "Code owners: 0 of 1 owned files under risky.paths approved by an owner; missing an owner's approval: src/checkout/discount.ts (@&#8203;carol)",
    );
  });

  it('no CODEOWNERS at the base: said so, nothing more is required', async () => {
    const probot = await loadApp();
    const { scope, created } = event('all', owners(null));
    scope.get(LOOKUP_PATH).reply(200, NO_RUNS).post(`${REPO_PATH}/check-runs`, captureBody(created)).reply(201, { id: 1 });
    await deliver(probot, 'pull_request_review', fixture('pull_request_review.submitted'));
    expect(scope.isDone()).toBe(true);
    expect(created[0].conclusion).toBe('success');
    expect(created[0].output.summary).toContain('No CODEOWNERS file at the base');
  });
});

describe('review.codeowners in the merge audit', () => {
  const network = withoutNetwork();

  it("a merge whose owned file no owner approved is a merge without review, and the comment's audit names the file", async () => {
    const probot = await loadApp();
    const runs: Body[] = [];
    // The configuration the pull request was merged into: at its base commit.
    const scope = mockToken(github(network.log))
      .get(`${CONFIG_URL_PATH}?ref=${BASE_SHA}`)
      .reply(200, config('all'), RAW)
      .get(FILES_PATH)
      .reply(200, PR_FILES)
      .get(REVIEWS_PATH)
      .reply(200, APPROVED)
      .post('/graphql')
      .reply(200, owners('src/checkout/cart.ts @carol\n'))
      .get(`${REPO_PATH}/commits/c4295bd74fb0f4fda03689c3df3f2803b658fd85/check-runs?check_name=monoenv&filter=all`)
      .reply(200, NO_RUNS)
      .post(`${REPO_PATH}/check-runs`, captureBody(runs))
      .reply(201, { id: 900 })
      .post(`${REPO_PATH}/issues/7/labels`)
      .reply(200, [{ name: 'unreviewed-merge' }])
      .post(`${REPO_PATH}/issues/7/comments`)
      .reply(201, { id: 6 });
    await deliver(probot, 'pull_request', fixture('pull_request.closed.merged'));
    expect(scope.isDone()).toBe(true);
    expect(runs[0]).toMatchObject({ conclusion: 'failure', output: { title: 'Merged without review' } });
    expect(runs[0].output.summary).toContain("missing an owner's approval: src/checkout/cart.ts (@&#8203;carol)");
  });
});
