/**
 * The unreviewed-merge audit of a merged pull request: a `monoenv` check run on the merge commit, the
 * `review.label` label, and one comment naming who merged it — each exactly once however often the event is
 * delivered, and however many replicas receive it. The check run comes first: it is the record that matters,
 * and a token that may not comment or label must not prevent it. The comment comes last, so it proves the
 * label was added before it.
 *
 * Requests, for an unreviewed merge (see docs/architecture.md, "Request graphs"):
 *   configuration at the PR's base ─► reviews (and commits, CODEOWNERS when the configuration asks)
 *     ─► run look-up ─► run creation ─► label ─► comment
 * The comment look-up is made only when the run was already there (a redelivery, a re-run, another replica,
 * an audit that failed before): a run this audit created proves that no audit of this merge ran before, so no
 * comment of it can exist. With `REDIS_URL`, the run, the label and the comment are written under one lock
 * per merge and pull request, so a replica racing on the same merge finds them all done.
 *
 * A merge that needs nothing written (reviewed, exempt, off) writes nothing, unless this process already has
 * a run on the merge commit (a re-run, or an audit that failed before): that run then gets the verdict.
 * An audit that fails leaves a completed run saying so, never nothing.
 */
import { auditMerge, mergeAuditNeeds, type MergeAudit } from '../engine/rules/review/index.js';
import type { Change } from '../engine/change.js';
import { UNREVIEWED_MERGE_MARKER, unreviewedMergeComment } from '../present/comments.js';
import { loadConfigBefore } from './config.js';
import { buildChange, type PullRequestPayload } from './facts.js';
import { auditFailedOutput, invalidConfigOutput, reportOutput, type CheckOutput } from '../present/check-run.js';
import { queueKey, targetOf, type EventScope } from './scope.js';
import { describeFailure } from './failure.js';

export function auditMergedPullRequest(scope: EventScope, pr: PullRequestPayload): Promise<void> {
  const mergeSha = pr.merge_commit_sha;
  if (pr.merged !== true || !mergeSha) return Promise.resolve();
  return scope.state.queue.run(queueKey(scope, mergeSha), () => audit(scope, pr, mergeSha));
}

type Judged = { output: CheckOutput; audit?: MergeAudit; change?: Change; label?: string };

async function audit(scope: EventScope, pr: PullRequestPayload, mergeSha: string): Promise<void> {
  const target = targetOf(scope, mergeSha, pr.number);
  let judged: Judged;
  try {
    judged = await judge(scope, pr);
  } catch (error) {
    // GitHub does not redeliver a failed delivery by itself: without this run the gap would go unseen.
    scope.log.error({ err: error, pull: pr.number, sha: mergeSha }, `merge audit failed: ${describeFailure(error)}`);
    scope.outcome.incomplete = true;
    await scope.state.checkRuns.publish(target, auditFailedOutput('merge', error));
    return;
  }
  const { output, audit, change } = judged;
  if (audit !== undefined && audit.verdict.verdict !== 'unreviewed') {
    scope.log.info({ pull: pr.number, verdict: audit.verdict.verdict }, `merge audit: ${audit.report.title}`);
    // Reviewed merges fail nothing, and cost nothing more.
    if (!scope.state.checkRuns.knows(target)) return;
  }
  if (audit?.verdict.verdict !== 'unreviewed' || change === undefined) {
    await scope.state.checkRuns.publish(target, output);
    return;
  }
  const comment = unreviewedMergeComment(audit.verdict, change);
  await underAuditLock(scope, mergeSha, pr.number, async () => {
    const published = await scope.state.checkRuns.publish(target, output);
    // A run GitHub stored just now, where the look-up found none: no audit of this merge wrote before, and
    // every audit writes its run before its comment. (The Action's run that the token could not write proves nothing.)
    const first = published.action === 'created' && published.writes > 0;
    if (!first && (await commented(scope, pr))) return;
    await addLabel(scope, pr, judged.label!);
    await postComment(scope, pr, comment);
  });
  scope.log.info({ pull: pr.number, mergedBy: change.merged?.by.login }, 'merge audit: merged without review');
}

/**
 * Runs the audit's writes while no other replica writes this merge's (the lock the replicas share, keyed apart
 * from the check-run publisher's per-commit one, which the run's creation takes inside it); without `REDIS_URL`,
 * this process's per-merge queue is the only order.
 */
function underAuditLock(scope: EventScope, mergeSha: string, pull: number, work: () => Promise<void>): Promise<void> {
  const lock = scope.state.lock;
  if (lock === undefined) return work();
  return lock.hold({ ...scope.repository, sha: `${mergeSha}/merge-audit/${pull}` }, work);
}

async function judge(scope: EventScope, pr: PullRequestPayload): Promise<Judged> {
  // The configuration the pull request was merged into, not the one it may have brought.
  const loaded = await loadConfigBefore(scope.octokit, scope.repository, scope.data, pr.base.sha);
  if (!loaded.ok) return { output: invalidConfigOutput(loaded.errors, loaded.file, loaded.inRepository) };
  const config = loaded.config;
  const none = { files: false, gitattributes: false, reviews: false, commits: false };
  // What the engine needs is read in at most two steps: an exempt opener's commits decide whether reviews matter.
  let change = await buildChange(scope.data, pr, config, none);
  for (let step = 0; step < 2; step++) {
    const needs = mergeAuditNeeds(change, config);
    const missing =
      (needs.reviews && change.reviews === undefined) ||
      (needs.commits && change.commits === undefined) ||
      (needs.codeowners && change.codeowners === undefined);
    if (!missing) break;
    const owners = needs.codeowners || change.codeowners !== undefined;
    change = await buildChange(scope.data, pr, config, {
      ...none,
      reviews: needs.reviews || change.reviews !== undefined,
      commits: needs.commits || change.commits !== undefined,
      ...(owners ? { files: true, codeowners: true } : {}),
    });
  }
  const audit = auditMerge(change, config);
  return { output: reportOutput(audit.report), audit, change, label: config.review.label };
}

/** Whether this app's unreviewed-merge comment is on the pull request (the audit's last effect: all is done). */
async function commented(scope: EventScope, pr: PullRequestPayload): Promise<boolean> {
  const comments = await scope.octokit.paginate(scope.octokit.rest.issues.listComments, {
    ...scope.repository,
    issue_number: pr.number,
    per_page: 100,
  });
  return comments.some((c) => c.user?.type === 'Bot' && (c.body ?? '').includes(UNREVIEWED_MERGE_MARKER));
}

async function postComment(scope: EventScope, pr: PullRequestPayload, body: string): Promise<void> {
  try {
    await scope.octokit.rest.issues.createComment({ ...scope.repository, issue_number: pr.number, body });
  } catch (error) {
    if (!forbidden(error)) throw error;
    scope.log.warn(
      { pull: pr.number, status: (error as { status: number }).status },
      'merge audit: may not comment on the pull request (needs pull_requests: write); the check run records the audit',
    );
  }
}

async function addLabel(scope: EventScope, pr: PullRequestPayload, label: string): Promise<void> {
  // The payload saves the request when the label was there already.
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
