/**
 * The monoenv GitHub App (Probot): thin handlers over the engine. Each event goes one way:
 * event → facts → evaluate → report → publish.
 */
import type { ApplicationFunction, Context, Probot } from 'probot';
import { ResponseCache, type ResponseCacheOptions } from './conditional-requests.js';
import { CheckRunPublisher, type CheckPublisher } from './checks.js';
import { CoalescingQueue } from './coalesce.js';
import { evaluatePullRequest } from './pull-request.js';
import { auditMergedPullRequest } from './merge-audit.js';
import { checkMergeGroup } from './merge-queue.js';
import { auditPushToDefaultBranch, type PushPayload } from './push-audit.js';
import { rerunCheckRun, rerunCheckSuite, type RerequestedSuite } from './rerequest.js';
import type { PullRequestPayload } from './facts.js';
import { scopeOf, type AppState, type EventScope } from './scope.js';
import { githubFlagAgeSource } from './flag-ages.js';
import { githubTextReader, type TextReader } from './whole-files.js';
import { readCache } from './graphql-reads.js';
import { LRUCache } from 'lru-cache';
import type { MonoenvConfig } from '../config/schema.js';
import type { FlagAgeSource } from '../engine/rules/flags/index.js';
import { describeFailure } from './failure.js';
import { publishLockFromEnv, type PublishLock } from './publish-lock.js';
import { DeliveryLog, deliveryKey } from './deliveries.js';
import { ReviewFactCache } from './review-facts.js';

export interface MonoenvAppOptions {
  /** This app's id, to tell its check runs from other apps' (default: `APP_ID`, else asked of GitHub once). */
  appId?: number;
  cache?: ResponseCacheOptions;
  /** Milliseconds per unit of backoff between check-run creation attempts (1, 4, 9 units, as plugin-retry). */
  retryBaseMs?: number;
  /** How long GitHub is given to finish a check-run creation that got no answer (default: the request deadline). */
  settleMs?: number;
  /** The check-run publish lock shared by replicas (default: through `REDIS_URL` when set; `null`: none). */
  publishLock?: PublishLock | null;
  /** The publisher the handlers use, made from the check-run publisher (default: that one; the Action records through it). */
  publisher?: (checkRuns: CheckRunPublisher) => CheckPublisher;
  /**
   * Where flag ages come from (default: one GraphQL blame request at the base). The Action passes the
   * workflow's checkout when it holds the history; the source may fall back to GitHub's, which it is given.
   */
  flagAgeSource?: (scope: EventScope, github: FlagAgeSource) => FlagAgeSource;
  /**
   * Where whole files come from (default: GitHub's blobs through GraphQL). The Action passes the workflow's
   * checkout when it holds the change's commits; the reader may fall back to GitHub's, which it is given.
   */
  textReader?: (scope: EventScope, github: TextReader) => TextReader;
}

const PULL_REQUEST_EVENTS = [
  'pull_request.opened',
  'pull_request.reopened',
  'pull_request.synchronize',
  'pull_request.edited',
  'pull_request.ready_for_review',
  'pull_request.labeled',
  'pull_request.unlabeled',
] as const;

/**
 * Whether this process has seen an event of the pull request that is newer than this one (by the payloads'
 * `updated_at`), remembering this one's. Only this process's events are known: another replica's are not.
 */
function olderThanSeen(scope: EventScope, pr: PullRequestPayload): boolean {
  const seen = scope.state.pullUpdatedAt;
  const at = Date.parse(pr.updated_at ?? '');
  if (seen === undefined || Number.isNaN(at)) return false;
  const key = `${scope.installationId}/${scope.repository.owner}/${scope.repository.repo}#${pr.number}`;
  const newest = seen.get(key);
  if (newest !== undefined && newest > at) return true;
  seen.set(key, at);
  return false;
}

/** `pull_request` actions whose subject is the labels, title or body. */
const CURRENT_VIEW_ACTIONS = new Set(['labeled', 'unlabeled', 'edited']);

const REVIEW_EVENTS = ['pull_request_review.submitted', 'pull_request_review.edited', 'pull_request_review.dismissed'] as const;

function appIdResolver(app: Probot, configured: number | undefined): () => Promise<number | undefined> {
  const fromEnv = Number.parseInt(process.env.APP_ID ?? '', 10);
  let known: Promise<number | undefined> | undefined =
    configured !== undefined
      ? Promise.resolve(configured)
      : Number.isSafeInteger(fromEnv) && fromEnv > 0
        ? Promise.resolve(fromEnv)
        : undefined;
  return () => {
    // `GET /app` is authenticated as the app (not an installation), so it costs no installation's quota.
    known ??= app
      .auth()
      .then((octokit) => octokit.request('GET /app'))
      .then(({ data }) => (data as { id: number } | null)?.id)
      .catch((error: unknown) => {
        app.log.warn({ err: error }, 'could not read the app id; check runs are matched by name only');
        known = undefined;
        return undefined;
      });
    return known;
  };
}

export function monoenvApp(options: MonoenvAppOptions = {}): ApplicationFunction {
  return (app: Probot) => {
    const appId = appIdResolver(app, options.appId);
    const lock = options.publishLock === undefined ? publishLockFromEnv(process.env, app.log) : (options.publishLock ?? undefined);
    const checkRuns = new CheckRunPublisher(appId, {
      log: app.log,
      lock,
      ...(options.retryBaseMs === undefined ? {} : { retryBaseMs: options.retryBaseMs }),
      ...(options.settleMs === undefined ? {} : { settleMs: options.settleMs }),
    });
    const state: AppState = {
      responses: new ResponseCache(options.cache),
      checkRuns: options.publisher?.(checkRuns) ?? checkRuns,
      queue: new CoalescingQueue(),
      deliveries: new DeliveryLog(),
      appId,
      reviewFacts: new ReviewFactCache(),
      ...(lock === undefined ? {} : { lock }),
      reads: readCache(),
      lastConfig: new LRUCache<string, MonoenvConfig | 'invalid'>({ max: 10_000 }),
      pullUpdatedAt: new LRUCache<string, number>({ max: 10_000 }),
      ...(options.flagAgeSource
        ? {
            flagAgeSource: (scope: EventScope) =>
              options.flagAgeSource!(scope, githubFlagAgeSource(scope.octokit, scope.repository, scope.data.reads)),
          }
        : {}),
      ...(options.textReader ? { textReader: (scope: EventScope) => options.textReader!(scope, githubTextReader(scope.data.reads)) } : {}),
    };

    const withScope =
      <C extends Context>(handle: (scope: NonNullable<ReturnType<typeof scopeOf>>, context: C) => Promise<void>) =>
      async (context: C): Promise<void> => {
        const scope = scopeOf(context, state);
        if (scope === undefined) return;
        const outcome = await state.deliveries.once(
          deliveryKey(context.id, context.name, context.payload as { action?: unknown }),
          async () => {
            try {
              await handle(scope, context);
              // A run that says "could not evaluate" asks for another try: a redelivery of this event must get one.
              return !scope.outcome.incomplete;
            } catch (error) {
              context.log.error(
                { err: error, event: context.name, delivery: context.id },
                `monoenv: ${context.name} failed: ${describeFailure(error)}`,
              );
              throw error;
            }
          },
        );
        if (outcome === 'replayed')
          context.log.info(
            { event: context.name, delivery: context.id },
            'monoenv: delivery already handled by this process; nothing to do',
          );
        // The end of every delivery's work, which Probot's own log does not mark (it may answer 202 before).
        else context.log.debug({ event: context.name, delivery: context.id }, 'monoenv: delivery handled');
      };

    app.on(
      [...PULL_REQUEST_EVENTS],
      withScope(async (scope, context) => {
        const pr = context.payload.pull_request as unknown as PullRequestPayload;
        if (pr.state !== undefined && pr.state !== 'open') return;
        // These events are about the labels, title or body: a late one carries a snapshot that may be out of
        // date (a label removed since), so those are read from the pull request as it is now; so are those of
        // any event older than one this process has seen for the pull request.
        const current = CURRENT_VIEW_ACTIONS.has(String((context.payload as { action?: unknown }).action));
        await evaluatePullRequest(scope, pr, { current: olderThanSeen(scope, pr) || current });
      }),
    );

    app.on(
      'pull_request.closed',
      withScope(async (scope, context) => {
        const pr = context.payload.pull_request as unknown as PullRequestPayload;
        // Closed without merging: nothing to judge.
        if (pr.merged === true) await auditMergedPullRequest(scope, pr);
      }),
    );

    app.on(
      [...REVIEW_EVENTS],
      withScope(async (scope, context) => {
        const pr = context.payload.pull_request as unknown as PullRequestPayload;
        if (pr.state !== 'open') return;
        await evaluatePullRequest(scope, pr, { current: olderThanSeen(scope, pr) });
      }),
    );

    app.on(
      'merge_group.checks_requested',
      withScope(async (scope, context) => {
        await checkMergeGroup(scope, context.payload.merge_group);
      }),
    );

    app.on(
      'push',
      withScope(async (scope, context) => {
        await auditPushToDefaultBranch(scope, context.payload as unknown as PushPayload);
      }),
    );

    app.on(
      'check_run.rerequested',
      withScope(async (scope, context) => {
        await rerunCheckRun(scope, context.payload.check_run, context.payload.repository.default_branch);
      }),
    );

    app.on(
      'check_suite.rerequested',
      withScope(async (scope, context) => {
        await rerunCheckSuite(
          scope,
          context.payload.check_suite as unknown as RerequestedSuite,
          (context.payload.repository as { default_branch?: string }).default_branch,
        );
      }),
    );
  };
}

/** `probot run ./lib/github/index.js` loads this. */
const app: ApplicationFunction = monoenvApp();
export default app;
