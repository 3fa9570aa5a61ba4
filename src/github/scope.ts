/** What every handler shares: the process-wide state, and one event's client, repository and data layer. */
import type { Context, Logger } from 'probot';
import type { LRUCache } from 'lru-cache';
import type { ResponseCache, ConditionalRequestStats } from './conditional-requests.js';
import type { CheckPublisher, CheckRunTarget } from './checks.js';
import type { CoalescingQueue } from './coalesce.js';
import type { DeliveryLog } from './deliveries.js';
import { boundedConfigSource, type ConfigSource } from './config.js';
import type { FlagAgeSource } from '../engine/rules/flags/index.js';
import { GitHubData, type GitHubClient, type RepoRef } from './facts.js';
import type { ReviewFactCache } from './review-facts.js';
import type { TextReader } from './whole-files.js';
import type { PublishLock } from './publish-lock.js';
import type { ReadCache } from './graphql-reads.js';
import type { MonoenvConfig } from '../config/schema.js';

/**
 * Process-wide and bounded, and only saving API calls: a write the publisher would skip as already made is
 * checked against GitHub's run first. Replicas share only the lock in Redis (`lock`: the publisher's and the
 * merge audit's).
 */
export interface AppState {
  responses: ResponseCache;
  /** Where verdicts are published: the check-run publisher, or what the adapter made of it (the Action's). */
  checkRuns: CheckPublisher;
  queue: CoalescingQueue;
  /** Deliveries handled by this process, so a replay costs no API call. */
  deliveries: DeliveryLog;
  appId: () => Promise<number | undefined>;
  /** CODEOWNERS by commit, team members per installation, approved changes by SHA pair. */
  reviewFacts: ReviewFactCache;
  /** The lock the replicas share (`REDIS_URL`): the merge audit's writes to one merge are one step under it. */
  lock?: PublishLock;
  /** Where flag ages come from instead of GitHub's blame (the Action, when the workflow checked out history). */
  flagAgeSource?: (scope: EventScope) => FlagAgeSource;
  /** Where whole files come from instead of GitHub's blobs (the Action, when the checkout holds the commits). */
  textReader?: (scope: EventScope) => TextReader;
  /** GitHub's GraphQL answers at a commit (file texts, blames), by commit and path: they never change. */
  reads?: ReadCache;
  /**
   * The configuration each repository's last evaluation here was judged by ('invalid' when it was), by
   * `installation/owner/repo`: what it read tells which reads to send before this event's configuration is known.
   */
  lastConfig?: LRUCache<string, MonoenvConfig | 'invalid'>;
  /** The newest `updated_at` (ms) of each pull request's events seen here, by `installation/owner/repo#number`. */
  pullUpdatedAt?: LRUCache<string, number>;
}

export interface EventScope {
  state: AppState;
  octokit: GitHubClient;
  installationId: number;
  repository: RepoRef;
  log: Logger;
  /** Probot's `context.config` (default branch, org `.github` fallback, `_extends`), each file size-bounded. */
  config: ConfigSource;
  data: GitHubData;
  stats: ConditionalRequestStats;
  /** Shared by the event's evaluations: set when one published "could not evaluate" instead of a verdict. */
  outcome: { incomplete: boolean };
}

const scopes = new WeakMap<object, EventScope>();

/** The scope of one event; the conditional-request layer is added to the event's client once. */
export function scopeOf(context: Context, state: AppState): EventScope | undefined {
  const existing = scopes.get(context);
  if (existing !== undefined) return existing;
  const payload = context.payload as { installation?: { id: number }; repository?: { name: string; owner: { login: string } } };
  if (payload.installation === undefined || payload.repository === undefined) {
    context.log.warn({ event: context.name }, 'event without installation or repository; ignored');
    return undefined;
  }
  const octokit = context.octokit as unknown as GitHubClient;
  const repository = { owner: payload.repository.owner.login, repo: payload.repository.name };
  const stats = state.responses.attach(octokit, payload.installation.id);
  const scope: EventScope = {
    state,
    octokit,
    installationId: payload.installation.id,
    repository,
    log: context.log,
    config: boundedConfigSource(octokit, repository),
    data: new GitHubData(octokit, repository, reviewContext(state, payload.installation.id, context.log), state.reads),
    stats,
    outcome: { incomplete: false },
  };
  scopes.set(context, scope);
  return scope;
}

/** A fresh data layer for another evaluation in the same event (facts must not leak between commits). */
export function withFreshData(scope: EventScope): EventScope {
  return {
    ...scope,
    data: new GitHubData(scope.octokit, scope.repository, reviewContext(scope.state, scope.installationId, scope.log), scope.state.reads),
  };
}

function reviewContext(state: AppState, installationId: number, log: Logger): GitHubData['review'] {
  return {
    cache: state.reviewFacts,
    installationId,
    warn: (team, status) =>
      log.warn(
        { team, status },
        `could not read the members of @${team} (${status}): CODEOWNERS teams need the organisation permission Members: read`,
      ),
  };
}

export function targetOf(scope: EventScope, headSha: string, pullNumber?: number): CheckRunTarget {
  return {
    octokit: scope.octokit,
    installationId: scope.installationId,
    repository: scope.repository,
    headSha,
    ...(pullNumber === undefined ? {} : { externalId: String(pullNumber) }),
  };
}

export function queueKey(scope: EventScope, sha: string): string {
  return `${scope.installationId}/${scope.repository.owner}/${scope.repository.repo}@${sha}`;
}
