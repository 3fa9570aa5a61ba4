/**
 * "Re-run" on a `monoenv` check run or its check suite: evaluate again. The pull request comes from the
 * run's `external_id` (a decimal string), because GitHub leaves `pull_requests` empty for forks; a merge
 * group's run names its group there instead, and the group is judged again.
 */
import { auditMergedPullRequest } from './merge-audit.js';
import { checkMergeGroup, groupTarget, mergeGroupOfRun } from './merge-queue.js';
import { configOf, evaluatePullRequest } from './pull-request.js';
import { CHECK_NAME } from './checks.js';
import { targetOf, type EventScope } from './scope.js';

export interface RerequestedRun {
  id: number;
  name: string;
  head_sha: string;
  external_id: string | null;
  app: { id: number } | null;
  output?: { annotations_count?: number };
  check_suite?: { head_branch?: string | null } | null;
}

export interface RerequestedSuite {
  head_sha: string;
  app: { id: number } | null;
  pull_requests: { number: number }[];
  head_branch?: string | null;
}

async function ours(scope: EventScope, app: { id: number } | null): Promise<boolean> {
  const appId = await scope.state.appId();
  return appId === undefined || app?.id === appId;
}

export function pullNumberOf(externalId: string | null | undefined): number | undefined {
  if (externalId === null || externalId === undefined || !/^\d+$/.test(externalId)) return undefined;
  const number = Number.parseInt(externalId, 10);
  return Number.isSafeInteger(number) && number > 0 ? number : undefined;
}

const onDefaultBranch = (branch: string | null | undefined, defaultBranch: string | undefined): boolean =>
  typeof branch === 'string' && branch !== '' && branch === defaultBranch;

export async function rerunCheckRun(scope: EventScope, run: RerequestedRun, defaultBranch?: string): Promise<void> {
  if (run.name !== CHECK_NAME || !(await ours(scope, run.app))) return;
  const group = mergeGroupOfRun(run.head_sha, run.external_id);
  if (group !== undefined) {
    // The re-requested run is updated with the group's new verdict.
    scope.state.checkRuns.remember(groupTarget(scope, group), run.id, run.output?.annotations_count);
    await checkMergeGroup(scope, group);
    return;
  }
  const number = pullNumberOf(run.external_id);
  if (number === undefined) {
    scope.log.info({ checkRun: run.id }, 're-run: the run names no pull request (a push audit); nothing to re-evaluate');
    return;
  }
  // The re-requested run is updated rather than joined by another.
  scope.state.checkRuns.remember(targetOf(scope, run.head_sha, number), run.id, run.output?.annotations_count);
  await rerunPullRequest(scope, number, run.head_sha, onDefaultBranch(run.check_suite?.head_branch, defaultBranch));
}

export async function rerunCheckSuite(scope: EventScope, suite: RerequestedSuite, defaultBranch?: string): Promise<void> {
  if (!(await ours(scope, suite.app))) return;
  let number: number | undefined = suite.pull_requests[0]?.number;
  if (number === undefined) {
    // A fork's PR is not listed on the suite; the run this app left on the commit names it.
    const run = await scope.state.checkRuns.find(targetOf(scope, suite.head_sha), { anyKey: true });
    const group = run === undefined ? undefined : mergeGroupOfRun(suite.head_sha, run.external_id);
    if (run !== undefined && group !== undefined) {
      scope.state.checkRuns.remember(groupTarget(scope, group), run.id, run.output.annotations_count);
      await checkMergeGroup(scope, group);
      return;
    }
    number = pullNumberOf(run?.external_id);
    if (run !== undefined && number !== undefined)
      scope.state.checkRuns.remember(targetOf(scope, suite.head_sha, number), run.id, run.output.annotations_count);
  }
  if (number === undefined) {
    scope.log.info({ sha: suite.head_sha }, 're-run: no pull request found for the commit; nothing to re-evaluate');
    return;
  }
  await rerunPullRequest(scope, number, suite.head_sha, onDefaultBranch(suite.head_branch, defaultBranch));
}

/**
 * The pull request is read beside the configuration and the first page of its files, which need only its
 * number; the evaluation then takes those answers. A re-run of a merge audit's run (on the merge commit,
 * whose suite is on the default branch) reads no files, the audit does not use them.
 */
async function rerunPullRequest(scope: EventScope, number: number, headSha: string, onDefaultBranch = false): Promise<void> {
  const prefetched = onDefaultBranch ? [] : [configOf(scope), scope.data.files(number)];
  for (const read of prefetched) read.catch(() => undefined);
  try {
    const pr = await scope.data.pull(number);
    if (pr.merged === true && pr.merge_commit_sha === headSha) {
      await auditMergedPullRequest(scope, pr);
      return;
    }
    if (pr.state !== 'open') {
      scope.log.info({ pull: number }, 're-run: the pull request is closed; nothing to re-evaluate');
      return;
    }
    if (pr.head.sha !== headSha)
      scope.log.info({ pull: number, requested: headSha, head: pr.head.sha }, 're-run: the pull request moved on; evaluating its head');
    await evaluatePullRequest(scope, pr);
  } finally {
    // Reads sent for nothing (a closed pull request) are not left running past the event.
    await Promise.allSettled(prefetched);
  }
}
