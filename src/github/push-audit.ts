/**
 * The pushed-without-review audit: commits pushed to the default branch that belong to no merged pull
 * request. One `GET /commits/{sha}/pulls` per commit of the push (bounded); commits of exempt authors are
 * skipped without a call. A push that touches the configuration refreshes the cached configuration.
 */
import { auditPush, PUSHED_WITHOUT_REVIEW } from '../engine/rules/review.js';
import type { Commit, Push } from '../engine/change.js';
import { CONFIG_PATH, loadConfig } from './config.js';
import { personOf } from './facts.js';
import { invalidConfigOutput, reportOutput } from '../present/check-run.js';
import { queueKey, targetOf, type EventScope } from './scope.js';

/** The most commits of one push looked up (the newest); a larger push is most likely a history import. */
export const MAX_AUDITED_COMMITS = 100;

export interface PushPayload {
  ref: string;
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
    // The org-wide configuration lives in the `.github` repository: a push there refreshes it for every
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
  const loaded = await loadConfig(scope.config, scope.data);
  if (!loaded.ok) {
    // The push that broke the configuration is where to say so.
    await scope.state.checkRuns.publish(target, invalidConfigOutput(loaded.errors, loaded.file, loaded.inRepository));
    return;
  }
  const config = loaded.config;
  if (config.review.level === 'off') return;

  const pusherIsBot = payload.sender?.type === 'Bot';
  const pushed = payload.commits.slice(-MAX_AUDITED_COMMITS);
  const commits: Commit[] = [];
  for (const commit of pushed) {
    const login = commit.author.username ?? commit.author.name;
    const author = personOf({ login, ...(login === payload.sender?.login && pusherIsBot ? { type: 'Bot' } : {}) });
    const entry: Commit = { sha: commit.id, parents: [], message: commit.message, author };
    if (!config.review.exempt_authors.includes(login)) {
      const { data } = await scope.octokit.rest.repos.listPullRequestsAssociatedWithCommit({ ...scope.repository, commit_sha: commit.id });
      entry.pullRequests = data.filter((pr) => pr.merged_at !== null).map((pr) => pr.number);
    }
    commits.push(entry);
  }
  const push: Push = {
    ref: payload.ref,
    headSha: payload.after,
    pusher: personOf({ login: payload.sender?.login ?? payload.pusher.name, ...(pusherIsBot ? { type: 'Bot' } : {}) }),
    commits,
  };
  const report = auditPush(push, config);
  if (!report.findings.some((f) => f.title.startsWith(PUSHED_WITHOUT_REVIEW))) {
    scope.log.info({ sha: payload.after }, `push audit: ${report.title}`);
    return;
  }
  if (payload.commits.length > pushed.length) {
    report.rules = report.rules.map((r) =>
      r.rule === 'review'
        ? { ...r, summary: `${r.summary} Only the newest ${MAX_AUDITED_COMMITS} of ${payload.commits.length} commits were looked up.` }
        : r,
    );
  }
  await scope.state.checkRuns.publish(target, reportOutput(report));
}
