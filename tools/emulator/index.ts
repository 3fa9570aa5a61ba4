/** The local GitHub API emulator: start it, seed it, point the app at `url`, assert on what it recorded. */
export { startEmulator } from './server.js';
export type { Counters, Emulator, EmulatorOptions, RequestRecord, UnmatchedRequest, Violation } from './server.js';
export { Faults } from './faults.js';
export type { Fault, FaultSpec, InjectedFault, RateLimitFaultSpec } from './faults.js';
export { Store, countPatch, gitBlobSha, stableId } from './store.js';
export type {
  CommitInput,
  FileChangeInput,
  PullRequestInput,
  RepoInput,
  ReviewInput,
  StoredCheckRun,
  StoredComment,
  StoredPullRequest,
  StoredRepo,
} from './store.js';
export {
  DEFAULT_WEBHOOK_PATH,
  checkRunEvent,
  mergeGroupEvent,
  checkSuiteEvent,
  deliverWebhook,
  generatePrivateKey,
  pullRequestEvent,
  pullRequestReviewEvent,
  pushEvent,
  signWebhook,
} from './webhooks.js';
export type { PullRequestEventOptions, PushEventOptions, WebhookDelivery } from './webhooks.js';
/** Builds GitHub's GraphQL schema now (about a second, once per process), e.g. in a `beforeAll` with a long timeout. */
export { githubSchema as loadGraphqlSchema } from './graphql.js';
