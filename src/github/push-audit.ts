/**
 * The pushed-without-review audit: commits pushed to the default branch that belong to no merged pull
 * request. One `GET /commits/{sha}/pulls` per commit of the push (bounded); commits of exempt authors are
 * skipped without a call. The push is judged by the configuration at `before`; a push that touches the
 * configuration refreshes the cached default-branch version for the evaluations that follow.
 *
 * Requests (see docs/architecture.md, "Request graphs"): the configuration at `before`, then every commit's
 * pull requests at once (at most LOOKUP_CONCURRENCY in flight), then, only when a commit has none, the run's
 * look-up and creation. Each look-up depends only on the configuration (which commits it exempts).
 */
import { auditPush, pushAuditLookups } from '../engine/rules/review/index.js';
import type { Commit, Push } from '../engine/change.js';
import { CONFIG_PATH, commitBefore, loadConfigBefore } from './config.js';
import { personOf } from './facts.js';
import { auditFailedOutput, invalidConfigOutput, reportOutput, type CheckOutput } from '../present/check-run.js';
import { describeFailure } from './failure.js';
import { LOOKUP_CONCURRENCY, mapBounded } from './concurrency.js';
import { queueKey, targetOf, type EventScope } from './scope.js';

/** The most commits of one push looked up (the newest); a larger push is most likely a history import. */
export const MAX_AUDITED_COMMITS = 100;

export interface PushPayload {
  ref: string;
  /** The branch's commit before the push; all zeros when the push created it. */
  before?: string;
  after: string;
  deleted?: boolean;
  repository: { name: string; default_branch?: string; owner: { login: string } };
  pusher: { name: string; email?: string | null };
  sender?: { login: string; type?: string } | null;
  commits: {
    id: string;
    message: string;
    author: { name: string; email?: string | null; username?: string };
    added?: string[];
    removed?: string[];
    modified?: string[];
  }[];
}

export async function auditPushToDefaultBranch(scope: EventScope, payload: PushPayload): Promise<void> {
  if (touchesConfig(payload)) {
    // For the evaluations that follow (this push's own audit reads the configuration at `before`). The
    // org-wide configuration lives in the `.github` repository: a push there refreshes it for every
    // repository of the installation. (Contents URLs carry the path encoded: `.github%2Fmonoenv.yml`.)
    const file = `/contents/${encodeURIComponent(CONFIG_PATH)}`;
    const repoPart = payload.repository.name === '.github' ? '' : `/repos/${scope.repository.owner}/${scope.repository.repo}`;
    const removed = scope.state.responses.invalidate(scope.installationId, `${repoPart}${file}`);
    scope.log.info({ removed }, 'configuration changed: cached configuration refreshed');
  }
  const defaultBranch = payload.repository.default_branch;
  if (payload.deleted === true || defaultBranch === undefined || payload.ref !== `refs/heads/${defaultBranch}`) return;
  if (payload.commits.length === 0) return;
  await scope.state.queue.run(queueKey(scope, payload.after), () => audit(scope, payload));
}

function touchesConfig(payload: PushPayload): boolean {
  return payload.commits.some((c) => [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])].includes(CONFIG_PATH));
}

async function audit(scope: EventScope, payload: PushPayload): Promise<void> {
  const target = targetOf(scope, payload.after);
  let output: CheckOutput;
  try {
    const judged = await judge(scope, payload);
    if (judged === undefined) return;
    output = judged;
  } catch (error) {
    // GitHub does not redeliver a failed delivery by itself: without this run the gap would go unseen.
    scope.log.error({ err: error, sha: payload.after }, `push audit failed: ${describeFailure(error)}`);
    scope.outcome.incomplete = true;
    output = auditFailedOutput('push', error);
  }
  await scope.state.checkRuns.publish(target, output);
}

/** The run to publish, or undefined when there is nothing to say (and no earlier run of this process to replace). */
async function judge(scope: EventScope, payload: PushPayload): Promise<CheckOutput | undefined> {
  // The configuration before the push: a push that edits it cannot waive its own audit.
  const loaded = await loadConfigBefore(scope.octokit, scope.repository, scope.data, commitBefore(payload.before));
  // The push that broke the configuration is where to say so.
  if (!loaded.ok) return invalidConfigOutput(loaded.errors, loaded.file, loaded.inRepository);
  const config = loaded.config;
  // The sender is who GitHub authenticated for the push; a pusher without one (never seen) is nobody.
  const pusher = payload.sender === undefined || payload.sender === null ? personOf(null) : personOf(payload.sender);
  const pushed = payload.commits.slice(-MAX_AUDITED_COMMITS);
  const push: Push = {
    ref: payload.ref,
    headSha: payload.after,
    pusher,
    commits: pushed.map(commitOfPush),
    omitted: payload.commits.length - pushed.length,
  };
  // Only commits the audit will judge are looked up: an exempt pusher or an exempt bot's commit needs no call.
  // The look-ups do not depend on each other: they go out together.
  await mapBounded(pushAuditLookups(push, config), LOOKUP_CONCURRENCY, async (commit) => {
    const { data } = await scope.octokit.rest.repos.listPullRequestsAssociatedWithCommit({ ...scope.repository, commit_sha: commit.sha });
    commit.pullRequests = data.filter((pr) => pr.merged_at !== null).map((pr) => pr.number);
  });
  const audit = auditPush(push, config);
  if (audit.verdict.verdict !== 'unreviewed') {
    scope.log.info({ sha: payload.after, verdict: audit.verdict.verdict }, `push audit: ${audit.report.title}`);
    if (!scope.state.checkRuns.knows(targetOf(scope, payload.after))) return undefined;
  }
  return reportOutput(audit.report);
}

/** A commit as the push event gives it: its author is the account GitHub linked (`username`), never the git name. */
function commitOfPush(commit: PushPayload['commits'][number]): Commit {
  const login = commit.author.username;
  return {
    sha: commit.id,
    parents: [],
    message: commit.message,
    ...(login === undefined || login === '' ? {} : { author: personOf({ login }) }),
  };
}
