/**
 * The audits trust only what GitHub authenticated, count only approvals from accounts with write access, and
 * leave a completed run when they fail. Every request is pinned.
 */
import { describe, expect, it } from '@jest/globals';
import {
  NO_RUNS,
  withoutNetwork,
  HEAD_SHA,
  MERGE_SHA,
  REPO_PATH,
  captureBody,
  deliver,
  fixture,
  github,
  loadApp,
  mockNoConfigAt,
  mockToken,
  COMMITS_PATH,
  REVIEWS_PATH,
} from './harness.js';

const MERGE_LOOKUP = `${REPO_PATH}/commits/${MERGE_SHA}/check-runs?check_name=monoenv&filter=all`;
const PUSH_HEAD = '3333333333333333333333333333333333333333';
const PUSH_LOOKUP = `${REPO_PATH}/commits/${PUSH_HEAD}/check-runs?check_name=monoenv&filter=all`;

interface Body {
  status?: string;
  conclusion?: string;
  head_sha?: string;
  output?: { title: string; summary: string };
}

type MergedPayload = {
  pull_request: { user: { login: string; type: string }; merged_by: { login: string; type: string } };
};
type PushPayload = {
  sender: { login: string; type: string };
  commits: Array<{ id: string; message: string; author: { name: string; email: string; username?: string } }>;
};

/** A pull request commit as `GET /pulls/{n}/commits` gives it: `author` is the GitHub account it is linked to. */
function apiCommit(sha: string, login: string | null, type = 'User'): object {
  return {
    sha,
    parents: [{ sha: 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e' }],
    commit: { message: `commit ${sha.slice(0, 4)}`, author: { name: login ?? 'someone', email: 'someone@example.com' } },
    author: login === null ? null : { login, type },
  };
}

function dependabotMerge(): MergedPayload {
  const payload = fixture<MergedPayload>('pull_request.closed.merged');
  payload.pull_request.user = { ...payload.pull_request.user, login: 'dependabot[bot]', type: 'Bot' };
  return payload;
}

describe('merge audit: exemptions rest on authenticated identities', () => {
  const network = withoutNetwork();

  it("a person's commit on an exempt bot's pull request is audited: the reviews are read and the run says why it was not exempt", async () => {
    const probot = await loadApp();
    const runs: Body[] = [];
    const human = '5555555555555555555555555555555555555555';
    const scope = mockNoConfigAt(mockToken(github(network.log)))
      .get(COMMITS_PATH)
      .reply(200, [apiCommit('4444444444444444444444444444444444444444', 'dependabot[bot]', 'Bot'), apiCommit(human, 'octo-author')])
      .get(REVIEWS_PATH)
      .reply(200, [])
      .get(MERGE_LOOKUP)
      .reply(200, NO_RUNS)
      .post(`${REPO_PATH}/check-runs`, captureBody(runs))
      .reply(201, { id: 900 })
      .post(`${REPO_PATH}/issues/7/labels`)
      .reply(200, [])
      .post(`${REPO_PATH}/issues/7/comments`)
      .reply(201, { id: 6 });
    await deliver(probot, 'pull_request', dependabotMerge());
    expect(scope.isDone()).toBe(true);
    expect(runs[0]).toMatchObject({ head_sha: MERGE_SHA, conclusion: 'failure', output: { title: 'Merged without review' } });
    expect(runs[0].output!.summary).toContain('opened it, but 1 commit is not by an exempt bot (5555555 by @&#8203;octo-author)');
  });

  it("an exempt bot's pull request whose commits are all its own costs the configuration and the commit list, and writes nothing", async () => {
    const probot = await loadApp();
    const scope = mockNoConfigAt(mockToken(github(network.log)))
      .get(COMMITS_PATH)
      .reply(200, [apiCommit('4444444444444444444444444444444444444444', 'dependabot[bot]', 'Bot')]);
    await deliver(probot, 'pull_request', dependabotMerge());
    expect(scope.isDone()).toBe(true);
    expect(network.log.routes).toEqual([
      `GET ${REPO_PATH}/contents/.github%2Fmonoenv.yml?ref=f95f852bd8fca8fcc58a9a2d6c842781e32a215e`,
      `GET /repos/monoenv-demo/.github/contents/.github%2Fmonoenv.yml`,
      `GET ${COMMITS_PATH}`,
    ]);
  });

  it('a merge by an exempt account (merged_by) needs no review and costs only the configuration', async () => {
    const probot = await loadApp();
    const payload = fixture<MergedPayload>('pull_request.closed.merged');
    payload.pull_request.merged_by = { ...payload.pull_request.merged_by, login: 'github-actions[bot]', type: 'Bot' };
    const scope = mockNoConfigAt(mockToken(github(network.log)));
    await deliver(probot, 'pull_request', payload);
    expect(scope.isDone()).toBe(true);
    expect(network.log.limited).toHaveLength(2);
  });
});

describe('merge audit: only approvals from accounts with write access count', () => {
  const network = withoutNetwork();

  it('an approval from a CONTRIBUTOR does not count, and the run says why', async () => {
    const probot = await loadApp();
    const runs: Body[] = [];
    const scope = mockNoConfigAt(mockToken(github(network.log)))
      .get(REVIEWS_PATH)
      .reply(200, [
        { id: 1, user: { login: 'drive-by', type: 'User' }, state: 'APPROVED', commit_id: HEAD_SHA, author_association: 'CONTRIBUTOR' },
      ])
      .get(MERGE_LOOKUP)
      .reply(200, NO_RUNS)
      .post(`${REPO_PATH}/check-runs`, captureBody(runs))
      .reply(201, { id: 900 })
      .post(`${REPO_PATH}/issues/7/labels`)
      .reply(200, [])
      .post(`${REPO_PATH}/issues/7/comments`)
      .reply(201, { id: 6 });
    await deliver(probot, 'pull_request', fixture('pull_request.closed.merged'));
    expect(scope.isDone()).toBe(true);
    expect(runs[0]).toMatchObject({ conclusion: 'failure', output: { title: 'Merged without review' } });
    expect(runs[0].output!.summary).toContain(
      '@&#8203;drive-by is not allowed to approve (author\\_association CONTRIBUTOR; review.approver\\_associations: OWNER, MEMBER, COLLABORATOR)',
    );
  });
});

describe('push audit: exemptions rest on authenticated identities', () => {
  const network = withoutNetwork();

  it("a commit whose git author name is a bot's but that GitHub linked to no account is looked up and reported", async () => {
    const probot = await loadApp();
    const runs: Body[] = [];
    const payload = fixture<PushPayload>('push');
    // git -c user.name='github-actions[bot]' commit, pushed by a person: the payload has the name, no username.
    payload.commits = [
      {
        ...payload.commits[2],
        message: 'chore: bump version',
        author: { name: 'github-actions[bot]', email: 'github-actions[bot]@users.noreply.github.com' },
      },
    ];
    const scope = mockNoConfigAt(mockToken(github(network.log)))
      .get(`${REPO_PATH}/commits/${PUSH_HEAD}/pulls`)
      .reply(200, [])
      .get(PUSH_LOOKUP)
      .reply(200, NO_RUNS)
      .post(`${REPO_PATH}/check-runs`, captureBody(runs))
      .reply(201, { id: 31 });
    await deliver(probot, 'push', payload);
    expect(scope.isDone()).toBe(true);
    expect(runs[0]).toMatchObject({ head_sha: PUSH_HEAD, conclusion: 'failure', output: { title: 'Pushed without review' } });
    expect(runs[0].output!.summary).toContain('"chore: bump version" by an author GitHub linked to no account');
  });

  it('a push whose sender is exempt is not audited, whatever its commits say', async () => {
    const probot = await loadApp();
    const payload = fixture<PushPayload>('push');
    payload.sender = { ...payload.sender, login: 'github-actions[bot]', type: 'Bot' };
    const scope = mockNoConfigAt(mockToken(github(network.log)));
    await deliver(probot, 'push', payload);
    expect(scope.isDone()).toBe(true);
    expect(network.log.limited).toHaveLength(2);
  });
});

describe('a failed audit leaves a completed run that says so', () => {
  const network = withoutNetwork();

  it('merge: the reviews answer 500 on every attempt', async () => {
    const probot = await loadApp();
    const runs: Body[] = [];
    const scope = mockNoConfigAt(mockToken(github(network.log)))
      .get(REVIEWS_PATH)
      .times(4)
      .reply(500, { message: 'Server Error' })
      .get(MERGE_LOOKUP)
      .reply(200, NO_RUNS)
      .post(`${REPO_PATH}/check-runs`, captureBody(runs))
      .reply(201, { id: 900 });
    await deliver(probot, 'pull_request', fixture('pull_request.closed.merged'));
    expect(scope.isDone()).toBe(true);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      head_sha: MERGE_SHA,
      status: 'completed',
      conclusion: 'failure',
      output: { title: 'monoenv could not audit this merge' },
    });
    expect(runs[0].output!.summary).toContain('GitHub API 500');
  });

  it('push: the pull-request look-up answers 500 on every attempt', async () => {
    const probot = await loadApp();
    const runs: Body[] = [];
    const scope = mockNoConfigAt(mockToken(github(network.log)))
      .get(`${REPO_PATH}/commits/2222222222222222222222222222222222222222/pulls`)
      .times(4)
      .reply(500, { message: 'Server Error' })
      .get(PUSH_LOOKUP)
      .reply(200, NO_RUNS)
      .post(`${REPO_PATH}/check-runs`, captureBody(runs))
      .reply(201, { id: 31 });
    await deliver(probot, 'push', fixture('push'));
    expect(scope.isDone()).toBe(true);
    expect(runs[0]).toMatchObject({
      head_sha: PUSH_HEAD,
      status: 'completed',
      conclusion: 'failure',
      output: { title: 'monoenv could not audit this push' },
    });
    expect(runs[0].output!.summary).toContain('GitHub API 500');
  });

  it('merge: a re-run after the failure replaces the failed run with the verdict', async () => {
    const probot = await loadApp();
    const runs: Body[] = [];
    const updated: Body[] = [];
    const payload = fixture('pull_request.closed.merged');
    const scope = mockNoConfigAt(mockToken(github(network.log)))
      .get(REVIEWS_PATH)
      .times(4)
      .reply(500, { message: 'Server Error' })
      .get(MERGE_LOOKUP)
      .reply(200, NO_RUNS)
      .post(`${REPO_PATH}/check-runs`, captureBody(runs))
      .reply(201, { id: 900 })
      .get(REVIEWS_PATH)
      .reply(200, [
        { id: 1, user: { login: 'octo-reviewer', type: 'User' }, state: 'APPROVED', commit_id: HEAD_SHA, author_association: 'MEMBER' },
      ])
      .patch(`${REPO_PATH}/check-runs/900`, captureBody(updated))
      .reply(200, { id: 900 });
    await deliver(probot, 'pull_request', payload, 'merge-failed-once');
    // GitHub's "Redeliver": the same delivery, evaluated again because the first did not complete.
    await deliver(probot, 'pull_request', payload, 'merge-failed-once');
    expect(scope.isDone()).toBe(true);
    expect(runs[0].output!.title).toBe('monoenv could not audit this merge');
    expect(updated[0]).toMatchObject({ conclusion: 'success', output: { title: 'Reviewed: approved by @octo-reviewer' } });
  });
});
