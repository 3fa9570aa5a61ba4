/**
 * In-memory state of the emulated GitHub: apps, installations, repositories, files, commits, pull requests,
 * check runs, comments and labels. Tests seed it with the `add*`/`set*` helpers and read it back to assert
 * what the app did. Objects handed out over HTTP are built from this state by the `*Json` functions, in
 * GitHub's shapes (ids, node_id, urls, timestamps), so the same data serves API responses and webhook payloads.
 */
import { createHash } from 'node:crypto';

export type CheckStatus = 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending';
export type CheckConclusion = 'action_required' | 'cancelled' | 'failure' | 'neutral' | 'success' | 'skipped' | 'stale' | 'timed_out';
export type ReviewState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';
export type FileStatus = 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged';

export interface RepoInput {
  owner: string;
  repo: string;
  defaultBranch?: string;
  /** Installation that can see the repository; one per owner is created when omitted. */
  installationId?: number;
  private?: boolean;
  ownerType?: 'User' | 'Organization';
  id?: number;
  archived?: boolean;
}

/** A changed file of a pull request or commit, in the fields of GitHub's "list pull request files". */
export interface FileChangeInput {
  filename: string;
  status?: FileStatus;
  /** Unified-diff hunks without the `---`/`+++` header, as GitHub returns them. */
  patch?: string;
  additions?: number;
  deletions?: number;
  previous_filename?: string;
  sha?: string;
}

export interface ReviewInput {
  user: string;
  state: ReviewState;
  commit_id?: string;
  submitted_at?: string;
  body?: string;
  id?: number;
}

export interface CommitInput {
  sha: string;
  message?: string;
  /** GitHub login of the author; `null` for a commit whose e-mail matches no account. */
  author?: string | null;
  committer?: string | null;
  parents?: string[];
  files?: FileChangeInput[];
  date?: string;
}

export interface PullRequestInput {
  owner: string;
  repo: string;
  number?: number;
  title?: string;
  body?: string | null;
  user?: string;
  draft?: boolean;
  state?: 'open' | 'closed';
  head?: { ref?: string; sha?: string; /** `owner/repo` of a fork */ repo?: string };
  base?: { ref?: string; sha?: string };
  files?: FileChangeInput[];
  reviews?: ReviewInput[];
  commits?: Array<CommitInput | string>;
  labels?: string[];
  merged?: boolean;
  merged_at?: string;
  merged_by?: string;
  merge_commit_sha?: string;
  created_at?: string;
  author_association?: string;
}

export interface StoredFile {
  path: string;
  content: Buffer;
  sha: string;
}

export interface StoredCommit {
  sha: string;
  message: string;
  author: string | null;
  committer: string | null;
  parents: string[];
  files: StoredFileChange[];
  date: string;
}

export interface StoredFileChange {
  filename: string;
  status: FileStatus;
  patch?: string;
  additions: number;
  deletions: number;
  changes: number;
  previous_filename?: string;
  sha: string;
}

export interface StoredReview {
  id: number;
  user: string;
  state: ReviewState;
  commit_id: string;
  submitted_at: string;
  body: string;
}

export interface StoredPullRequest {
  id: number;
  number: number;
  title: string;
  body: string | null;
  user: string;
  draft: boolean;
  state: 'open' | 'closed';
  head: { ref: string; sha: string; repo: string };
  base: { ref: string; sha: string };
  files: StoredFileChange[];
  reviews: StoredReview[];
  commits: string[];
  merged: boolean;
  merged_at: string | null;
  merged_by: string | null;
  merge_commit_sha: string | null;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  author_association: string;
}

export interface StoredAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: 'notice' | 'warning' | 'failure';
  message: string;
  title?: string;
  raw_details?: string;
}

export interface StoredCheckRun {
  id: number;
  owner: string;
  repo: string;
  head_sha: string;
  name: string;
  status: CheckStatus;
  conclusion: CheckConclusion | null;
  started_at: string | null;
  completed_at: string | null;
  external_id: string | null;
  details_url: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  annotations: StoredAnnotation[];
  actions: unknown[];
  appId: number;
  suiteId: number;
  /** How many PATCH requests changed this run. */
  updates: number;
}

export interface StoredComment {
  id: number;
  owner: string;
  repo: string;
  issueNumber: number;
  body: string;
  user: string;
  appId: number | null;
  created_at: string;
  updated_at: string;
}

export interface StoredLabel {
  id: number;
  name: string;
  color: string;
  description: string | null;
  default: boolean;
}

export interface StoredIssue {
  number: number;
  labels: string[];
  comments: StoredComment[];
}

export interface StoredRepo {
  id: number;
  owner: string;
  name: string;
  ownerType: 'User' | 'Organization';
  private: boolean;
  archived: boolean;
  defaultBranch: string;
  installationId: number;
  created_at: string;
  /** branch → head sha */
  branches: Map<string, string>;
  /** ref (branch name or sha) → path → file */
  files: Map<string, Map<string, StoredFile>>;
  commits: Map<string, StoredCommit>;
  pulls: Map<number, StoredPullRequest>;
  issues: Map<number, StoredIssue>;
  labels: Map<string, StoredLabel>;
  /** sha → pull request numbers associated by hand with `associateCommit` */
  commitPulls: Map<string, Set<number>>;
  /** Deployments, oldest first (GraphQL only). */
  deployments: StoredDeployment[];
  /** Releases, oldest first (GraphQL only). */
  releases: StoredRelease[];
  /** commit sha → path → blame ranges set by a test (GraphQL `Commit.blame`); unset: every line to that commit. */
  blames?: Map<string, Map<string, StoredBlameRange[]>>;
  /** Base branch → its merge queue's entries, first in line first (GraphQL `Repository.mergeQueue`). */
  mergeQueues?: Map<string, StoredMergeQueueEntry[]>;
}

/** One entry of a merge queue: a pull request, and the commits of the group built for it. */
export interface StoredMergeQueueEntry {
  number: number;
  /** The group's commit for this entry; null while it waits for one. */
  headSha: string | null;
  /** The commit the group is built on: the branch's head, or the group ahead of it. */
  baseSha: string | null;
  state?: 'AWAITING_CHECKS' | 'LOCKED' | 'MERGEABLE' | 'QUEUED' | 'UNMERGEABLE';
}

/** One range of a file's blame: lines `start`…`end` (one-based, inclusive) last changed by commit `sha`. */
export interface StoredBlameRange {
  start: number;
  end: number;
  sha: string;
}

/** GitHub's DeploymentStatusState in GraphQL's spelling. */
export type DeploymentState = 'PENDING' | 'QUEUED' | 'IN_PROGRESS' | 'SUCCESS' | 'FAILURE' | 'ERROR' | 'INACTIVE' | 'WAITING';

export interface StoredDeployment {
  id: number;
  sha: string;
  environment: string;
  created_at: string;
  /** Statuses, oldest first. */
  statuses: { state: DeploymentState; created_at: string }[];
}

export interface StoredRelease {
  tag: string;
  name: string;
  sha: string;
  created_at: string;
  published_at: string | null;
  draft: boolean;
  prerelease: boolean;
}

export interface StoredApp {
  id: number;
  slug: string;
  name: string;
  owner: string;
}
export interface StoredInstallation {
  id: number;
  account: string;
  appId: number | null;
  accountType: 'User' | 'Organization';
}
export interface StoredToken {
  token: string;
  installationId: number;
  appId: number | null;
  expiresAt: number;
}
export interface StoredSuite {
  id: number;
  owner: string;
  repo: string;
  head_sha: string;
  appId: number;
}

export interface StoreOptions {
  /** Clock for timestamps and token expiry; fixed clocks make responses byte-for-byte repeatable. */
  now?: () => Date;
  tokenTtlSeconds?: number;
}

const hex40 = (seed: string): string => createHash('sha1').update(seed).digest('hex');

/** A stable positive id from a string, so the same login always gets the same user id. */
export function stableId(text: string): number {
  return (createHash('sha1').update(text).digest().readUInt32BE(0) % 90_000_000) + 10_000_000;
}

export function gitBlobSha(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

/** Additions and deletions of a GitHub-style patch (hunks only). */
export function countPatch(patch: string | undefined): { additions: number; deletions: number } {
  let additions = 0;
  let deletions = 0;
  if (!patch) return { additions, deletions };
  for (const line of patch.split('\n')) {
    if (line.startsWith('+') && !line.startsWith('+++ ')) additions++;
    else if (line.startsWith('-') && !line.startsWith('--- ')) deletions++;
  }
  return { additions, deletions };
}

const repoKey = (owner: string, repo: string): string => `${owner.toLowerCase()}/${repo.toLowerCase()}`;

export class Store {
  readonly repos = new Map<string, StoredRepo>();
  readonly apps = new Map<number, StoredApp>();
  readonly installations = new Map<number, StoredInstallation>();
  readonly tokens = new Map<string, StoredToken>();
  readonly checkRunsById = new Map<number, StoredCheckRun>();
  /** `owner/repo` (lower case) + NUL + head sha → runs, oldest first */
  readonly checkRunsBySha = new Map<string, StoredCheckRun[]>();
  readonly suites = new Map<string, StoredSuite>();
  readonly suitesById = new Map<number, StoredSuite>();
  readonly commentsById = new Map<number, StoredComment>();
  /** Base URL of the API (set by the server once it listens), used in `url` fields. */
  apiUrl = 'http://127.0.0.1';
  now: () => Date;
  tokenTtlSeconds: number;

  private nextRepoId = 100_001;
  private nextInstallationId = 1_001;
  private nextCheckRunId = 4_000_000_001;
  private nextSuiteId = 3_000_000_001;
  private nextCommentId = 2_000_000_001;
  private nextLabelId = 5_000_001;
  private nextPullId = 600_000_001;
  private nextReviewId = 700_000_001;
  private tokenSerial = 0;

  constructor(options: StoreOptions = {}) {
    this.now = options.now ?? (() => new Date());
    this.tokenTtlSeconds = options.tokenTtlSeconds ?? 3600;
  }

  timestamp(): string {
    return this.now()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
  }

  // ---- apps, installations, tokens ------------------------------------------------------------

  addApp(input: { id: number; slug?: string; name?: string; owner?: string }): StoredApp {
    const app: StoredApp = {
      id: input.id,
      slug: input.slug ?? `app-${input.id}`,
      name: input.name ?? input.slug ?? `App ${input.id}`,
      owner: input.owner ?? 'app-owner',
    };
    this.apps.set(app.id, app);
    return app;
  }

  app(id: number): StoredApp {
    return this.apps.get(id) ?? this.addApp({ id });
  }

  addInstallation(input: { id?: number; account: string; appId?: number; accountType?: 'User' | 'Organization' }): StoredInstallation {
    const id = input.id ?? this.nextInstallationId++;
    const existing = this.installations.get(id);
    if (existing) return existing;
    const installation: StoredInstallation = {
      id,
      account: input.account,
      appId: input.appId ?? null,
      accountType: input.accountType ?? 'Organization',
    };
    this.installations.set(id, installation);
    return installation;
  }

  issueToken(installationId: number, appId: number | null): StoredToken {
    this.tokenSerial++;
    const token: StoredToken = {
      token: `ghs_${createHash('sha256').update(`token:${installationId}:${this.tokenSerial}`).digest('base64url').slice(0, 36)}`,
      installationId,
      appId,
      expiresAt: this.now().getTime() + this.tokenTtlSeconds * 1000,
    };
    this.tokens.set(token.token, token);
    const installation = this.installations.get(installationId);
    if (installation && installation.appId === null && appId !== null) installation.appId = appId;
    return token;
  }

  /** Makes every issued installation token invalid (the next request with one gets 401). */
  expireTokens(): void {
    for (const token of this.tokens.values()) token.expiresAt = 0;
  }

  // ---- repositories, files, commits -------------------------------------------------------------

  addRepo(input: RepoInput): StoredRepo {
    const key = repoKey(input.owner, input.repo);
    const existing = this.repos.get(key);
    if (existing) return existing;
    let installationId = input.installationId;
    if (installationId === undefined) {
      const owned = [...this.installations.values()].find((i) => i.account.toLowerCase() === input.owner.toLowerCase());
      installationId = owned?.id ?? this.addInstallation({ account: input.owner, accountType: input.ownerType }).id;
    } else {
      this.addInstallation({ id: installationId, account: input.owner, accountType: input.ownerType });
    }
    const defaultBranch = input.defaultBranch ?? 'main';
    const repo: StoredRepo = {
      id: input.id ?? this.nextRepoId++,
      owner: input.owner,
      name: input.repo,
      ownerType: input.ownerType ?? 'Organization',
      private: input.private ?? true,
      archived: input.archived ?? false,
      defaultBranch,
      installationId,
      created_at: this.timestamp(),
      branches: new Map([[defaultBranch, hex40(`${key}:${defaultBranch}:initial`)]]),
      files: new Map(),
      commits: new Map(),
      pulls: new Map(),
      issues: new Map(),
      labels: new Map(),
      commitPulls: new Map(),
      deployments: [],
      releases: [],
    };
    this.repos.set(key, repo);
    return repo;
  }

  getRepo(owner: string, repo: string): StoredRepo | undefined {
    return this.repos.get(repoKey(owner, repo));
  }

  repo(owner: string, repo: string): StoredRepo {
    const found = this.getRepo(owner, repo);
    if (!found) throw new Error(`Unknown repository ${owner}/${repo}: call addRepo first`);
    return found;
  }

  /** Points `branch` at `sha` (creating the branch). */
  setBranch(owner: string, repo: string, branch: string, sha: string): void {
    this.repo(owner, repo).branches.set(branch, sha);
  }

  /**
   * Stores a file at `ref` (a branch name or a commit sha; the default branch when omitted).
   * The blob sha, and so the ETag, changes when the content changes. `null` content deletes the file.
   */
  setFile(owner: string, repo: string, path: string, content: string | Buffer | null, ref?: string): void {
    const stored = this.repo(owner, repo);
    const at = ref ?? stored.defaultBranch;
    let files = stored.files.get(at);
    if (!files) stored.files.set(at, (files = new Map()));
    const clean = path.replace(/^\/+/, '');
    if (content === null) {
      files.delete(clean);
      return;
    }
    const buffer = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    files.set(clean, { path: clean, content: buffer, sha: gitBlobSha(buffer) });
  }

  deleteFile(owner: string, repo: string, path: string, ref?: string): void {
    this.setFile(owner, repo, path, null, ref);
  }

  /** Files visible at `ref`: stored under that ref, or under a branch whose head it is / the branch it names. */
  /** What GitHub's blame of `path` at commit `sha` answers (the commits named should be added with `addCommit`). */
  /** Sets the merge queue of `branch` (entries first in line first); an empty list empties it. */
  setMergeQueue(owner: string, repo: string, branch: string, entries: StoredMergeQueueEntry[]): void {
    const stored = this.repo(owner, repo);
    stored.mergeQueues ??= new Map();
    stored.mergeQueues.set(branch, entries);
  }

  setBlame(owner: string, repo: string, sha: string, path: string, ranges: StoredBlameRange[]): void {
    const stored = this.repo(owner, repo);
    stored.blames ??= new Map();
    let byPath = stored.blames.get(sha);
    if (!byPath) stored.blames.set(sha, (byPath = new Map()));
    byPath.set(path, ranges);
  }

  filesAt(stored: StoredRepo, ref: string | undefined): Map<string, StoredFile> | undefined {
    const at = ref ?? stored.defaultBranch;
    const direct = stored.files.get(at);
    if (direct) return direct;
    const branchSha = stored.branches.get(at);
    if (branchSha && stored.files.has(branchSha)) return stored.files.get(branchSha);
    for (const [branch, sha] of stored.branches) {
      if (sha === at && stored.files.has(branch)) return stored.files.get(branch);
    }
    return undefined;
  }

  /** Whether `ref` names something that exists: a branch, a known commit, or a ref files were stored at. */
  refExists(stored: StoredRepo, ref: string): boolean {
    if (stored.branches.has(ref) || stored.files.has(ref) || stored.commits.has(ref)) return true;
    for (const sha of stored.branches.values()) if (sha === ref) return true;
    for (const pull of stored.pulls.values())
      if (pull.head.sha === ref || pull.base.sha === ref || pull.merge_commit_sha === ref) return true;
    // Any full sha is accepted: tests often post checks on commits they never described.
    return /^[0-9a-f]{40}$/.test(ref);
  }

  resolveSha(stored: StoredRepo, ref: string): string {
    return stored.branches.get(ref) ?? ref;
  }

  toFileChange(input: FileChangeInput): StoredFileChange {
    const counted = countPatch(input.patch);
    const additions = input.additions ?? counted.additions;
    const deletions = input.deletions ?? counted.deletions;
    return {
      filename: input.filename,
      status: input.status ?? (input.previous_filename ? 'renamed' : 'modified'),
      patch: input.patch,
      additions,
      deletions,
      changes: additions + deletions,
      previous_filename: input.previous_filename,
      sha: input.sha ?? hex40(`${input.filename}:${input.patch ?? ''}`),
    };
  }

  addCommit(owner: string, repo: string, input: CommitInput): StoredCommit {
    const stored = this.repo(owner, repo);
    const commit: StoredCommit = {
      sha: input.sha,
      message: input.message ?? `Commit ${input.sha.slice(0, 7)}`,
      author: input.author === undefined ? 'octocat' : input.author,
      committer: input.committer === undefined ? (input.author === undefined ? 'octocat' : input.author) : input.committer,
      parents: input.parents ?? [],
      files: (input.files ?? []).map((f) => this.toFileChange(f)),
      date: input.date ?? this.timestamp(),
    };
    stored.commits.set(commit.sha, commit);
    return commit;
  }

  /** Adds `number` to the pull requests `GET /commits/{sha}/pulls` returns for `sha`. */
  associateCommit(owner: string, repo: string, sha: string, number: number): void {
    const stored = this.repo(owner, repo);
    let set = stored.commitPulls.get(sha);
    if (!set) stored.commitPulls.set(sha, (set = new Set()));
    set.add(number);
  }

  /** Pull requests associated with a commit: its head, one of its commits, its merge commit, or associated by hand. */
  pullsForCommit(stored: StoredRepo, sha: string): StoredPullRequest[] {
    const manual = stored.commitPulls.get(sha);
    return [...stored.pulls.values()].filter(
      (pr) => pr.head.sha === sha || pr.merge_commit_sha === sha || pr.commits.includes(sha) || manual?.has(pr.number) === true,
    );
  }

  /** A deployment of `sha` with its statuses (e.g. `[{ state: 'SUCCESS' }]`). */
  addDeployment(
    owner: string,
    repo: string,
    input: { sha: string; environment?: string; created_at?: string; statuses?: { state: DeploymentState; created_at?: string }[] },
  ): StoredDeployment {
    const stored = this.repo(owner, repo);
    const created = input.created_at ?? this.timestamp();
    const deployment: StoredDeployment = {
      id: stored.deployments.length + 1,
      sha: input.sha,
      environment: input.environment ?? 'production',
      created_at: created,
      statuses: (input.statuses ?? []).map((s) => ({ state: s.state, created_at: s.created_at ?? created })),
    };
    stored.deployments.push(deployment);
    return deployment;
  }

  addRelease(
    owner: string,
    repo: string,
    input: {
      tag: string;
      sha: string;
      name?: string;
      created_at?: string;
      published_at?: string | null;
      draft?: boolean;
      prerelease?: boolean;
    },
  ): StoredRelease {
    const created = input.created_at ?? this.timestamp();
    const release: StoredRelease = {
      tag: input.tag,
      name: input.name ?? input.tag,
      sha: input.sha,
      created_at: created,
      published_at: input.published_at === undefined ? created : input.published_at,
      draft: input.draft ?? false,
      prerelease: input.prerelease ?? false,
    };
    this.repo(owner, repo).releases.push(release);
    return release;
  }

  // ---- pull requests ----------------------------------------------------------------------------

  addPullRequest(input: PullRequestInput): StoredPullRequest {
    const stored = this.addRepo({ owner: input.owner, repo: input.repo });
    const number = input.number ?? Math.max(0, ...stored.pulls.keys(), ...stored.issues.keys()) + 1;
    const headSha = input.head?.sha ?? hex40(`${stored.owner}/${stored.name}#${number}:head`);
    const baseRef = input.base?.ref ?? stored.defaultBranch;
    const created = input.created_at ?? this.timestamp();
    const commitShas: string[] = [];
    // Without commits, the head is the one commit on the base and changes the pull request's files, so
    // `compare/{base}...{head}` knows them after the head has moved on.
    const commitInputs = input.commits ?? [{ sha: headSha, files: input.files }];
    let parent = input.base?.sha ?? stored.branches.get(baseRef);
    for (const entry of commitInputs) {
      const commitInput: CommitInput = typeof entry === 'string' ? { sha: entry } : entry;
      const commit = this.addCommit(stored.owner, stored.name, {
        author: input.user ?? 'octocat',
        ...commitInput,
        parents: commitInput.parents ?? (parent ? [parent] : []),
      });
      commitShas.push(commit.sha);
      parent = commit.sha;
    }
    const merged = input.merged ?? false;
    const pull: StoredPullRequest = {
      id: this.nextPullId++,
      number,
      title: input.title ?? `Pull request #${number}`,
      body: input.body === undefined ? '' : input.body,
      user: input.user ?? 'octocat',
      draft: input.draft ?? false,
      state: input.state ?? (merged ? 'closed' : 'open'),
      head: {
        ref: input.head?.ref ?? `feature-${number}`,
        sha: headSha,
        repo: input.head?.repo ?? `${stored.owner}/${stored.name}`,
      },
      base: { ref: baseRef, sha: input.base?.sha ?? stored.branches.get(baseRef) ?? hex40(`${baseRef}:base`) },
      files: (input.files ?? []).map((f) => this.toFileChange(f)),
      reviews: (input.reviews ?? []).map((r) => this.toReview(r, headSha)),
      commits: commitShas,
      merged,
      merged_at: merged ? (input.merged_at ?? this.timestamp()) : null,
      merged_by: merged ? (input.merged_by ?? input.user ?? 'octocat') : null,
      merge_commit_sha: input.merge_commit_sha ?? (merged ? hex40(`${stored.owner}/${stored.name}#${number}:merge`) : null),
      created_at: created,
      updated_at: created,
      closed_at: merged || input.state === 'closed' ? (input.merged_at ?? this.timestamp()) : null,
      author_association: input.author_association ?? 'MEMBER',
    };
    stored.pulls.set(number, pull);
    const issue = this.issue(stored, number);
    for (const name of input.labels ?? []) this.addIssueLabel(stored, issue, name);
    return pull;
  }

  private toReview(input: ReviewInput, headSha: string): StoredReview {
    return {
      id: input.id ?? this.nextReviewId++,
      user: input.user,
      state: input.state,
      commit_id: input.commit_id ?? headSha,
      submitted_at: input.submitted_at ?? this.timestamp(),
      body: input.body ?? '',
    };
  }

  getPullRequest(owner: string, repo: string, number: number): StoredPullRequest {
    const pull = this.repo(owner, repo).pulls.get(number);
    if (!pull) throw new Error(`Unknown pull request ${owner}/${repo}#${number}`);
    return pull;
  }

  addReview(owner: string, repo: string, number: number, review: ReviewInput): StoredReview {
    const pull = this.getPullRequest(owner, repo, number);
    const stored = this.toReview(review, pull.head.sha);
    pull.reviews.push(stored);
    return stored;
  }

  /** Marks a pull request merged (closed) with a merge commit. */
  mergePullRequest(
    owner: string,
    repo: string,
    number: number,
    options: { merged_by?: string; merge_commit_sha?: string; merged_at?: string } = {},
  ): StoredPullRequest {
    const pull = this.getPullRequest(owner, repo, number);
    const at = options.merged_at ?? this.timestamp();
    pull.merged = true;
    pull.state = 'closed';
    pull.merged_at = at;
    pull.closed_at = at;
    pull.merged_by = options.merged_by ?? pull.user;
    pull.merge_commit_sha = options.merge_commit_sha ?? hex40(`${owner}/${repo}#${number}:merge`);
    pull.updated_at = at;
    return pull;
  }

  // ---- issues, labels, comments -------------------------------------------------------------------

  issue(stored: StoredRepo, number: number): StoredIssue {
    let issue = stored.issues.get(number);
    if (!issue) stored.issues.set(number, (issue = { number, labels: [], comments: [] }));
    return issue;
  }

  createLabel(stored: StoredRepo, input: { name: string; color?: string; description?: string | null }): StoredLabel {
    const label: StoredLabel = {
      id: this.nextLabelId++,
      name: input.name,
      color: (input.color ?? 'ededed').replace(/^#/, ''),
      description: input.description ?? null,
      default: false,
    };
    stored.labels.set(input.name.toLowerCase(), label);
    return label;
  }

  /** Adds a label to an issue, creating the repository label if needed (as GitHub does). */
  addIssueLabel(stored: StoredRepo, issue: StoredIssue, name: string): StoredLabel {
    const label = stored.labels.get(name.toLowerCase()) ?? this.createLabel(stored, { name });
    if (!issue.labels.some((l) => l.toLowerCase() === name.toLowerCase())) issue.labels.push(label.name);
    return label;
  }

  addComment(stored: StoredRepo, issueNumber: number, body: string, user: string, appId: number | null): StoredComment {
    const at = this.timestamp();
    const comment: StoredComment = {
      id: this.nextCommentId++,
      owner: stored.owner,
      repo: stored.name,
      issueNumber,
      body,
      user,
      appId,
      created_at: at,
      updated_at: at,
    };
    this.issue(stored, issueNumber).comments.push(comment);
    this.commentsById.set(comment.id, comment);
    return comment;
  }

  // ---- check runs ---------------------------------------------------------------------------------

  suiteFor(owner: string, repo: string, headSha: string, appId: number): StoredSuite {
    const key = `${repoKey(owner, repo)}:${headSha}:${appId}`;
    let suite = this.suites.get(key);
    if (!suite) {
      suite = { id: this.nextSuiteId++, owner, repo, head_sha: headSha, appId };
      this.suites.set(key, suite);
      this.suitesById.set(suite.id, suite);
    }
    return suite;
  }

  newCheckRunId(): number {
    return this.nextCheckRunId++;
  }

  addCheckRun(run: StoredCheckRun): void {
    this.checkRunsById.set(run.id, run);
    const key = `${repoKey(run.owner, run.repo)}\0${run.head_sha}`;
    const runs = this.checkRunsBySha.get(key);
    if (runs) runs.push(run);
    else this.checkRunsBySha.set(key, [run]);
  }

  /** Runs of a repository, oldest first; only those on `sha` when given. */
  checkRunsOf(owner: string, repo: string, sha?: string): StoredCheckRun[] {
    const key = repoKey(owner, repo);
    if (sha !== undefined) return [...(this.checkRunsBySha.get(`${key}\0${sha}`) ?? [])];
    return [...this.checkRunsById.values()].filter((r) => repoKey(r.owner, r.repo) === key);
  }

  labelsOf(owner: string, repo: string, number: number): string[] {
    return [...(this.getRepo(owner, repo)?.issues.get(number)?.labels ?? [])];
  }
}
