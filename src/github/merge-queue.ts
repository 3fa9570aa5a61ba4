/**
 * `merge_group.checks_requested`: the `monoenv` check on the merge group's head commit, with a real verdict.
 *
 * The pull requests of the group come from the queue's entries of the base branch (GraphQL, 100 entries a page,
 * read until the group's own entry is found: one request unless the group stands behind 100 others; each
 * entry with its head and base commit and the pull request's fields): the group is the entry whose head is the
 * group's head, and the entries it is built on, back to the group's base. Each pull request is then judged as
 * its own check judged it: this app's latest `monoenv` run on its head commit (one request each, sent
 * together); where there is none, or it is not a verdict (in progress, stale, or "could not evaluate"), the
 * pull request is evaluated now (one at a time), and that run is published on its head too. Calls per group: 1 GraphQL (per 100 entries ahead of it)
 * + 1 per pull request + the group run's look-up and creation; a re-evaluation adds what a pull_request event
 * costs. The group's run carries the group in its `external_id`, so "Re-run" on it judges the group again.
 */
import type { CheckRunTarget, ListedRun } from './checks.js';
import type { PullRequestPayload } from './facts.js';
import { evaluatePullRequestNow } from './pull-request.js';
import { queueKey, targetOf, type EventScope } from './scope.js';
import { describeFailure } from './failure.js';
import { LOOKUP_CONCURRENCY, mapBounded } from './concurrency.js';
import { judgeMergeGroup, type MergeGroupMember } from '../engine/audits/merge-group.js';
import { mergeGroupOutput } from '../present/merge-group.js';
import { EVALUATION_FAILED_TITLE, evaluationFailedOutput, type CheckOutput } from '../present/check-run.js';

export interface MergeGroupPayload {
  head_sha: string;
  head_ref: string;
  base_sha: string;
  base_ref: string;
}

interface QueueEntry {
  position: number;
  headCommit: { oid: string } | null;
  baseCommit: { oid: string } | null;
  pullRequest: {
    number: number;
    title: string;
    body: string | null;
    isDraft: boolean;
    state: string;
    author: { __typename: string; login: string } | null;
    labels: { nodes: ({ name: string } | null)[] | null } | null;
    baseRefName: string;
    baseRefOid: string;
    headRefName: string;
    headRefOid: string;
    additions: number;
    deletions: number;
    changedFiles: number;
  } | null;
}

/** GitHub pages a queue's entries by at most 100. */
export const MERGE_QUEUE_QUERY = `query MergeQueueEntries($owner: String!, $name: String!, $branch: String!, $after: String) {
  repository(owner: $owner, name: $name) {
    mergeQueue(branch: $branch) {
      entries(first: 100, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes {
          position
          headCommit { oid }
          baseCommit { oid }
          pullRequest {
            number title body isDraft state
            author { __typename login }
            labels(first: 100) { nodes { name } }
            baseRefName baseRefOid headRefName headRefOid
            additions deletions changedFiles
          }
        }
      }
    }
  }
}`;

/** The pull request GitHub names in the group's branch, `gh-readonly-queue/<base>/pr-<number>-<sha>`. */
export function pullNumberOfQueueRef(headRef: string): number | undefined {
  const match = /\/pr-(\d+)-[0-9a-f]{40}$/i.exec(headRef);
  return match === null ? undefined : Number.parseInt(match[1], 10);
}

/** Pages of queue entries read at most for one group (10 requests, 1,000 entries ahead of it). */
export const MAX_QUEUE_PAGES = 10;

/**
 * The group's run names its group in `external_id` (`merge_group:<base sha>:<group branch>`), so a re-run
 * finds the group again: the check_run payload has only the head commit. Pull requests' runs hold a decimal
 * number there, which this never is.
 */
export function mergeGroupExternalId(group: MergeGroupPayload): string {
  return `merge_group:${group.base_sha}:${group.head_ref}`;
}

/** The group a run names (see mergeGroupExternalId), else undefined. */
export function mergeGroupOfRun(headSha: string, externalId: string | null | undefined): MergeGroupPayload | undefined {
  const match = /^merge_group:([0-9a-f]{40}):((?:refs\/heads\/)?gh-readonly-queue\/(.+)\/pr-\d+-[0-9a-f]{40})$/i.exec(externalId ?? '');
  if (match === null) return undefined;
  return { head_sha: headSha, base_sha: match[1], head_ref: match[2], base_ref: `refs/heads/${match[3]}` };
}

/** The `monoenv` run on the group's head commit, named for re-runs. */
export function groupTarget(scope: EventScope, group: MergeGroupPayload): CheckRunTarget {
  return { ...targetOf(scope, group.head_sha), externalId: mergeGroupExternalId(group) };
}

function payloadOf(pr: NonNullable<QueueEntry['pullRequest']>): PullRequestPayload {
  return {
    number: pr.number,
    title: pr.title,
    body: pr.body,
    // GraphQL names a bot by its slug and types it `Bot`; the engine reads the type.
    user: pr.author === null ? null : { login: pr.author.login, type: pr.author.__typename },
    labels: (pr.labels?.nodes ?? []).filter((l): l is { name: string } => l !== null),
    draft: pr.isDraft,
    state: pr.state.toLowerCase(),
    base: { ref: pr.baseRefName, sha: pr.baseRefOid },
    head: { ref: pr.headRefName, sha: pr.headRefOid },
    additions: pr.additions,
    deletions: pr.deletions,
    changed_files: pr.changedFiles,
  };
}

/**
 * The entries the group is made of, oldest first: its own entry, and the entries it is built on back to the
 * group's base. When that chain breaks (an entry's base is no entry's head), every entry ahead of it is taken:
 * judging one too many can only hold a group back, never let one through.
 */
export function groupEntries(entries: readonly QueueEntry[], group: MergeGroupPayload): QueueEntry[] {
  const named = pullNumberOfQueueRef(group.head_ref);
  const own =
    entries.find((e) => e.headCommit?.oid === group.head_sha) ??
    entries.find((e) => named !== undefined && e.pullRequest?.number === named);
  if (own === undefined) return [];
  const chain = [own];
  for (let at = own; at.baseCommit !== null && at.baseCommit.oid !== group.base_sha;) {
    const previous = entries.find((e) => e.headCommit?.oid === at.baseCommit!.oid && !chain.includes(e));
    if (previous === undefined) {
      const ahead = entries.filter((e) => e.position < at.position && !chain.includes(e));
      chain.push(...ahead.sort((a, b) => b.position - a.position));
      break;
    }
    chain.push(previous);
    at = previous;
  }
  return chain.reverse();
}

interface QueuePage {
  repository: {
    mergeQueue: { entries: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: (QueueEntry | null)[] } } | null;
  } | null;
}

/** Whether the group's own entry is among those read (then every entry it is built on was read before it). */
function holdsGroup(entries: readonly QueueEntry[], group: MergeGroupPayload): boolean {
  const named = pullNumberOfQueueRef(group.head_ref);
  return entries.some((e) => e.headCommit?.oid === group.head_sha || (named !== undefined && e.pullRequest?.number === named));
}

/** The queue's entries in order, page by page, up to the page holding the group's own entry. */
async function readQueue(scope: EventScope, group: MergeGroupPayload): Promise<QueueEntry[]> {
  const branch = group.base_ref.replace(/^refs\/heads\//, '');
  const entries: QueueEntry[] = [];
  let after: string | null = null;
  for (let page = 0; page < MAX_QUEUE_PAGES; page++) {
    const answer: QueuePage = await scope.octokit.graphql<QueuePage>(MERGE_QUEUE_QUERY, {
      owner: scope.repository.owner,
      name: scope.repository.repo,
      branch,
      ...(after === null ? {} : { after }),
    });
    const connection = answer.repository?.mergeQueue?.entries;
    entries.push(...(connection?.nodes ?? []).filter((e): e is QueueEntry => e !== null));
    if (connection === undefined || !connection.pageInfo.hasNextPage || holdsGroup(entries, group)) break;
    after = connection.pageInfo.endCursor;
    if (after === null) break;
  }
  return entries;
}

async function pullsOfGroup(scope: EventScope, group: MergeGroupPayload): Promise<{ pulls: PullRequestPayload[]; note?: string }> {
  let entries: QueueEntry[] | undefined;
  try {
    entries = await readQueue(scope, group);
  } catch (error) {
    scope.log.warn({ err: error, sha: group.head_sha }, `merge group: could not read the merge queue: ${describeFailure(error)}`);
  }
  const found = groupEntries(entries ?? [], group).flatMap((e) => (e.pullRequest === null ? [] : [payloadOf(e.pullRequest)]));
  if (found.length > 0) return { pulls: found };
  // The group left the queue before its check ran, or the queue could not be read: its branch names its pull request.
  const named = pullNumberOfQueueRef(group.head_ref);
  const why = entries === undefined ? 'The merge queue could not be read' : 'The merge queue no longer lists this group';
  if (named === undefined) return { pulls: [], note: `${why}, and the group's branch names no pull request.` };
  return {
    pulls: [await scope.data.pull(named)],
    note: `${why}: judged #${named}, the pull request the group's branch names (pull requests ahead of it are judged in their own groups).`,
  };
}

/** Conclusions of a run that are a verdict; `stale`, `cancelled` and `timed_out` runs are judged again. */
const VERDICTS = new Set(['success', 'neutral', 'failure', 'action_required', 'skipped']);

function isVerdict(run: ListedRun): boolean {
  return (
    run.status === 'completed' && run.conclusion !== null && VERDICTS.has(run.conclusion) && run.output.title !== EVALUATION_FAILED_TITLE
  );
}

/** Each pull request's run on its head, looked up together (no look-up depends on another). */
function runsOf(scope: EventScope, pulls: readonly PullRequestPayload[]): Promise<(ListedRun | undefined)[]> {
  return mapBounded(pulls, LOOKUP_CONCURRENCY, (pr) => scope.state.checkRuns.find(targetOf(scope, pr.head.sha, pr.number)));
}

async function memberOf(scope: EventScope, pr: PullRequestPayload, run: ListedRun | undefined): Promise<MergeGroupMember> {
  const base = { number: pr.number, title: pr.title, headSha: pr.head.sha };
  const target = targetOf(scope, pr.head.sha, pr.number);
  if (run !== undefined && isVerdict(run)) {
    return {
      ...base,
      conclusion: run.conclusion!,
      verdict: run.output.title ?? '',
      source: 'check-run',
      ...(run.html_url ? { url: run.html_url } : {}),
    };
  }
  // The re-evaluation updates the run found rather than adding one.
  if (run !== undefined) scope.state.checkRuns.remember(target, run.id, run.output.annotations_count);
  const output = await evaluatePullRequestNow(scope, pr);
  if (output.title === EVALUATION_FAILED_TITLE)
    return { ...base, verdict: 'could not be evaluated (see its check run)', source: 'not-judged' };
  return { ...base, conclusion: output.conclusion, verdict: output.title, source: 're-evaluated' };
}

export function checkMergeGroup(scope: EventScope, group: MergeGroupPayload): Promise<void> {
  return scope.state.queue.run(queueKey(scope, group.head_sha), () => publishGroup(scope, group));
}

async function publishGroup(scope: EventScope, group: MergeGroupPayload): Promise<void> {
  let output: CheckOutput;
  try {
    const { pulls, note } = await pullsOfGroup(scope, group);
    const runs = await runsOf(scope, pulls);
    const members: MergeGroupMember[] = [];
    // Re-evaluations one at a time: each is a whole pull request's worth of requests.
    for (const [i, pr] of pulls.entries()) members.push(await memberOf(scope, pr, runs[i]));
    output = mergeGroupOutput(judgeMergeGroup(members, note));
  } catch (error) {
    scope.log.error({ err: error, sha: group.head_sha }, `merge group: evaluation failed: ${describeFailure(error)}`);
    output = evaluationFailedOutput(error);
    scope.outcome.incomplete = true;
  }
  const result = await scope.state.checkRuns.publish(groupTarget(scope, group), output);
  scope.log.info(
    { sha: group.head_sha, conclusion: output.conclusion, checkRun: result.id, action: result.action },
    `monoenv: ${output.title}`,
  );
}
