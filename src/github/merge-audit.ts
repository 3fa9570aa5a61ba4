/**
 * The unreviewed-merge audit of a merged pull request: a `monoenv` check run on the merge commit, one
 * comment naming who merged it, and the `review.label` label — each exactly once however often the event
 * is delivered. Every step looks for its own result first, and the steps run in this order, so a crash
 * between two of them followed by a redelivery still ends with each done once. The check run comes first:
 * it is the record that matters, and a token that may not comment or label must not prevent it.
 */
import { auditMerge, mergeAuditNeeds, MERGED_WITHOUT_REVIEW } from '../engine/rules/review.js';
import { UNREVIEWED_MERGE_MARKER, unreviewedMergeComment } from '../present/comments.js';
import { loadConfig } from './config.js';
import { buildChange, type PullRequestPayload } from './facts.js';
import { invalidConfigOutput, reportOutput } from '../present/check-run.js';
import { queueKey, targetOf, type EventScope } from './scope.js';

export function auditMergedPullRequest(scope: EventScope, pr: PullRequestPayload): Promise<void> {
  const mergeSha = pr.merge_commit_sha;
  if (pr.merged !== true || !mergeSha) return Promise.resolve();
  return scope.state.queue.run(queueKey(scope, mergeSha), () => audit(scope, pr, mergeSha));
}

async function audit(scope: EventScope, pr: PullRequestPayload, mergeSha: string): Promise<void> {
  const target = targetOf(scope, mergeSha, pr.number);
  const loaded = await loadConfig(scope.config, scope.data);
  if (!loaded.ok) {
    await scope.state.checkRuns.publish(target, invalidConfigOutput(loaded.errors, loaded.file, loaded.inRepository));
    return;
  }
  const config = loaded.config;
  const author = pr.user?.login ?? '';
  if (config.review.level === 'off' || config.review.exempt_authors.includes(author)) {
    scope.log.info({ pull: pr.number }, 'merge audit: not required');
    return;
  }
  const change = await buildChange(scope.data, pr, config, mergeAuditNeeds(config));
  const report = auditMerge(change, config);
  if (!report.findings.some((f) => f.title === MERGED_WITHOUT_REVIEW)) {
    // Reviewed merges fail nothing, and cost nothing more.
    scope.log.info({ pull: pr.number }, `merge audit: ${report.title}`);
    return;
  }

  await scope.state.checkRuns.publish(target, reportOutput(report));
  await commentOnce(scope, pr, unreviewedMergeComment(report, change));
  await labelOnce(scope, pr, config.review.label);
  scope.log.info({ pull: pr.number, mergedBy: change.merged?.by.login }, 'merge audit: merged without review');
}

async function commentOnce(scope: EventScope, pr: PullRequestPayload, body: string): Promise<void> {
  try {
    const comments = await scope.octokit.paginate(scope.octokit.rest.issues.listComments, {
      ...scope.repository,
      issue_number: pr.number,
      per_page: 100,
    });
    const posted = comments.some((c) => c.user?.type === 'Bot' && (c.body ?? '').includes(UNREVIEWED_MERGE_MARKER));
    if (posted) return;
    await scope.octokit.rest.issues.createComment({ ...scope.repository, issue_number: pr.number, body });
  } catch (error) {
    if (!forbidden(error)) throw error;
    scope.log.warn(
      { pull: pr.number, status: (error as { status: number }).status },
      'merge audit: may not comment on the pull request (needs pull_requests: write); the check run records the audit',
    );
  }
}

async function labelOnce(scope: EventScope, pr: PullRequestPayload, label: string): Promise<void> {
  // Adding a label the PR already has changes nothing on GitHub, so a redelivery is harmless; the payload
  // saves the request when the label was there already.
  if ((pr.labels ?? []).some((l) => l.name === label)) return;
  try {
    await scope.octokit.rest.issues.addLabels({ ...scope.repository, issue_number: pr.number, labels: [label] });
  } catch (error) {
    if (!forbidden(error)) throw error;
    scope.log.warn({ pull: pr.number, label }, 'merge audit: may not label the pull request (needs pull_requests: write)');
  }
}

function forbidden(error: unknown): boolean {
  const status = (error as { status?: number }).status;
  return status === 403;
}
