/**
 * Webhook side of the emulator: signed delivery to an app, a throwaway app key, and event payloads built
 * from the emulator's state (so what the webhook says and what the API answers agree). Payloads start
 * from real examples in @octokit/webhooks-examples and take the emulated objects on top.
 */
import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Emulator } from './server.js';
import { checkRunJson, commitJson, pullJson, repoJson, reviewJson, suiteJson, userJson } from './shapes.js';

type Obj = Record<string, any>;

export interface WebhookDelivery {
  /** Event name, sent as `x-github-event` (`pull_request`, `push`, `check_run` …). */
  name: string;
  payload: unknown;
  /** Webhook secret; the body is signed with HMAC SHA-256 as `x-hub-signature-256`. */
  secret: string;
  /** `x-github-delivery`; a random UUID when omitted. */
  id?: string;
}

/** Probot's default webhook path, used when `appUrl` has none. */
export const DEFAULT_WEBHOOK_PATH = '/api/github/webhooks';

export function signWebhook(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** POSTs a signed webhook to the app (Probot's server) and returns the HTTP status it answered. */
export async function deliverWebhook(appUrl: string, delivery: WebhookDelivery): Promise<number> {
  const url = new URL(appUrl);
  if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') throw new Error(`Webhooks go to 127.0.0.1 only, not ${url.hostname}`);
  if (url.pathname === '/' || url.pathname === '') url.pathname = DEFAULT_WEBHOOK_PATH;
  const body = JSON.stringify(delivery.payload);
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/emulator',
      'x-github-event': delivery.name,
      'x-github-delivery': delivery.id ?? randomUUID(),
      'x-github-hook-id': '1',
      'x-hub-signature-256': signWebhook(body, delivery.secret),
    },
    body,
  });
  await response.arrayBuffer();
  return response.status;
}

/** A fresh RSA key in PKCS#1 PEM (`-----BEGIN RSA PRIVATE KEY-----`), as GitHub hands out app keys. */
export function generatePrivateKey(): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
}

let examples: Array<{ name: string; examples: Obj[] }> | undefined;

function example(name: string, action?: string): Obj {
  examples ??= createRequire(import.meta.url)('@octokit/webhooks-examples/api.github.com/index.json') as Array<{
    name: string;
    examples: Obj[];
  }>;
  const event = examples.find((e) => e.name === name);
  const found = event?.examples.find((e) => action === undefined || e.action === action) ?? event?.examples[0];
  if (!found) throw new Error(`No example payload for ${name}`);
  return structuredClone(found);
}

// Payloads are deep copies: tests may edit them, and shared objects (users, apps) are cached.
function common(gh: Emulator, owner: string, repo: string, sender: string | undefined): Obj {
  const stored = gh.store.repo(owner, repo);
  const out: Obj = {
    repository: repoJson(gh.store, stored),
    installation: { id: stored.installationId, node_id: Buffer.from(`Installation${stored.installationId}`).toString('base64') },
    sender: userJson(gh.store, sender ?? owner),
  };
  if (stored.ownerType === 'Organization') {
    out.organization = {
      login: stored.owner,
      id: (out.repository.owner as Obj).id,
      node_id: (out.repository.owner as Obj).node_id,
      url: `${gh.url}/orgs/${stored.owner}`,
      description: null,
    };
  }
  return out;
}

export interface PullRequestEventOptions {
  owner: string;
  repo: string;
  number: number;
  /** `opened`, `synchronize`, `reopened`, `edited`, `labeled`, `closed`, `ready_for_review` … */
  action: string;
  sender?: string;
  /** For `labeled`/`unlabeled`: the label name. */
  label?: string;
  /** For `synchronize`: the previous head sha. */
  before?: string;
}

export function pullRequestEvent(gh: Emulator, options: PullRequestEventOptions): { name: 'pull_request'; payload: Obj } {
  const stored = gh.store.repo(options.owner, options.repo);
  const pull = gh.store.getPullRequest(options.owner, options.repo, options.number);
  const template = example('pull_request', options.action);
  const payload: Obj = {
    action: options.action,
    number: pull.number,
    pull_request: { ...template.pull_request, ...pullJson(gh.store, stored, pull) },
    ...common(
      gh,
      options.owner,
      options.repo,
      options.sender ?? (options.action === 'closed' && pull.merged_by ? pull.merged_by : pull.user),
    ),
  };
  if (options.label !== undefined) {
    const label = stored.labels.get(options.label.toLowerCase());
    payload.label = label
      ? { id: label.id, name: label.name, color: label.color, default: false, description: label.description }
      : { name: options.label };
  }
  if (options.action === 'synchronize') {
    payload.before = options.before ?? pull.base.sha;
    payload.after = pull.head.sha;
  }
  return { name: 'pull_request', payload: structuredClone(payload) };
}

export function pullRequestReviewEvent(
  gh: Emulator,
  options: { owner: string; repo: string; number: number; reviewId?: number; action?: 'submitted' | 'dismissed' | 'edited' },
): { name: 'pull_request_review'; payload: Obj } {
  const stored = gh.store.repo(options.owner, options.repo);
  const pull = gh.store.getPullRequest(options.owner, options.repo, options.number);
  const review =
    options.reviewId === undefined ? pull.reviews[pull.reviews.length - 1] : pull.reviews.find((r) => r.id === options.reviewId);
  if (!review) throw new Error(`No review on ${options.owner}/${options.repo}#${options.number}`);
  const template = example('pull_request_review', options.action ?? 'submitted');
  const reviewObject = reviewJson(gh.store, stored, pull, review);
  return {
    name: 'pull_request_review',
    payload: structuredClone({
      action: options.action ?? 'submitted',
      review: { ...template.review, ...reviewObject, state: review.state.toLowerCase() },
      pull_request: { ...template.pull_request, ...pullJson(gh.store, stored, pull) },
      ...common(gh, options.owner, options.repo, review.user),
    }),
  };
}

export interface PushEventOptions {
  owner: string;
  repo: string;
  /** Branch name or full ref; the default branch when omitted. */
  ref?: string;
  before: string;
  /** Commits pushed, oldest first (shas stored with `store.addCommit`); the last is the head. */
  commits: string[];
  pusher?: string;
}

export function pushEvent(gh: Emulator, options: PushEventOptions): { name: 'push'; payload: Obj } {
  const stored = gh.store.repo(options.owner, options.repo);
  const ref =
    options.ref === undefined
      ? `refs/heads/${stored.defaultBranch}`
      : options.ref.startsWith('refs/')
        ? options.ref
        : `refs/heads/${options.ref}`;
  const after = options.commits[options.commits.length - 1] ?? options.before;
  const toPushCommit = (sha: string): Obj => {
    const commit = stored.commits.get(sha);
    if (!commit) throw new Error(`Unknown commit ${sha}: add it with store.addCommit`);
    const json = commitJson(gh.store, stored, commit);
    const person = (login: string | null) => ({ ...(json.commit as Obj).author, username: login ?? undefined });
    return {
      id: sha,
      tree_id: (json.commit as Obj).tree.sha,
      distinct: true,
      message: commit.message,
      timestamp: commit.date,
      url: json.html_url,
      author: person(commit.author),
      committer: person(commit.committer),
      added: commit.files.filter((f) => f.status === 'added').map((f) => f.filename),
      removed: commit.files.filter((f) => f.status === 'removed').map((f) => f.filename),
      modified: commit.files.filter((f) => f.status !== 'added' && f.status !== 'removed').map((f) => f.filename),
    };
  };
  const commits = options.commits.map(toPushCommit);
  const pusher = options.pusher ?? 'octocat';
  const repository = {
    ...repoJson(gh.store, stored),
    master_branch: stored.defaultBranch,
    pushed_at: Math.floor(gh.store.now().getTime() / 1000),
  };
  return {
    name: 'push',
    payload: structuredClone({
      ref,
      before: options.before,
      after,
      created: /^0+$/.test(options.before),
      deleted: false,
      forced: false,
      base_ref: null,
      compare: `https://github.com/${stored.owner}/${stored.name}/compare/${options.before.slice(0, 12)}...${after.slice(0, 12)}`,
      // GitHub lists at most 2,048 commits in a push payload.
      commits: commits.slice(0, 2048),
      head_commit: commits[commits.length - 1] ?? null,
      pusher: { name: pusher, email: `${pusher}@users.noreply.github.com` },
      ...common(gh, options.owner, options.repo, pusher),
      repository,
    }),
  };
}

/** `merge_group.checks_requested` for a group of the queue of `baseRef` (default: the default branch). */
export function mergeGroupEvent(
  gh: Emulator,
  options: { owner: string; repo: string; number: number; headSha: string; baseSha: string; baseRef?: string; sender?: string },
): { name: 'merge_group'; payload: Obj } {
  const stored = gh.store.repo(options.owner, options.repo);
  const base = options.baseRef ?? stored.defaultBranch;
  const template = example('merge_group', 'checks_requested');
  const commit = stored.commits.get(options.headSha);
  return {
    name: 'merge_group',
    payload: structuredClone({
      action: 'checks_requested',
      merge_group: {
        ...template.merge_group,
        head_sha: options.headSha,
        head_ref: `refs/heads/gh-readonly-queue/${base}/pr-${options.number}-${options.baseSha}`,
        base_sha: options.baseSha,
        base_ref: `refs/heads/${base}`,
        head_commit: {
          ...template.merge_group.head_commit,
          id: options.headSha,
          message: commit?.message ?? `Merge pull request #${options.number}`,
        },
      },
      ...common(gh, options.owner, options.repo, options.sender ?? 'octocat'),
    }),
  };
}

export function checkRunEvent(
  gh: Emulator,
  options: {
    owner: string;
    repo: string;
    checkRunId: number;
    action?: 'rerequested' | 'created' | 'completed' | 'requested_action';
    sender?: string;
  },
): { name: 'check_run'; payload: Obj } {
  const stored = gh.store.repo(options.owner, options.repo);
  const run = gh.store.checkRunsById.get(options.checkRunId);
  if (!run) throw new Error(`Unknown check run ${options.checkRunId}`);
  const runJson = checkRunJson(gh.store, stored, run);
  const suite = gh.store.suitesById.get(run.suiteId)!;
  const runs = [...gh.store.checkRunsById.values()].filter((r) => r.suiteId === suite.id);
  return {
    name: 'check_run',
    payload: structuredClone({
      action: options.action ?? 'rerequested',
      check_run: { ...runJson, check_suite: suiteJson(gh.store, stored, suite, runs) },
      ...common(gh, options.owner, options.repo, options.sender ?? 'octocat'),
    }),
  };
}

export function checkSuiteEvent(
  gh: Emulator,
  options: {
    owner: string;
    repo: string;
    headSha: string;
    appId?: number;
    action?: 'rerequested' | 'requested' | 'completed';
    sender?: string;
  },
): { name: 'check_suite'; payload: Obj } {
  const stored = gh.store.repo(options.owner, options.repo);
  const suite = gh.store.suiteFor(stored.owner, stored.name, options.headSha, options.appId ?? 1);
  const runs = [...gh.store.checkRunsById.values()].filter((r) => r.suiteId === suite.id);
  return {
    name: 'check_suite',
    payload: structuredClone({
      action: options.action ?? 'rerequested',
      check_suite: suiteJson(gh.store, stored, suite, runs),
      ...common(gh, options.owner, options.repo, options.sender ?? 'octocat'),
    }),
  };
}
