/**
 * Facts for the engine from a webhook payload and the fewest API calls. Every call costs: an installation
 * has 5,000 an hour for all its repositories. So the payload is read first, and each fact is fetched only
 * when a rule that is on needs it, once per evaluation (`GitHubData` memoises), through the
 * conditional-request cache (unchanged answers are 304s, which are free).
 */
import type { Octokit } from '@octokit/core';
import type { PaginateInterface } from '@octokit/plugin-paginate-rest';
import type { Api } from '@octokit/plugin-rest-endpoint-methods';
import { makeChange, type Change, type ChangedFile, type Commit, type Person, type Review, type ReviewState } from '../engine/change.js';
import type { MonoenvConfig } from '../config/schema.js';
import type { FactNeeds } from '../engine/facts.js';
import {
  approvalsToCompare,
  approvalState,
  exemptionNeedsCommits,
  freshnessNeedsCommits,
  ownerApprovers,
  teamsToResolve,
} from '../engine/rules/review/index.js';
import { checkMerges } from './merge-content.js';
import { compareOnce, readCodeowners, readTeamMembers, ReviewFactCache } from './review-facts.js';
import { GITATTRIBUTES_PATH } from '../engine/gitattributes.js';
import { changedFileFromGitHub } from '../facts/github-files.js';
import { GraphQLReads, type ReadCache } from './graphql-reads.js';
import { FILES_PER_PAGE, readPages } from './file-pages.js';

export type GitHubClient = Octokit & Api & { paginate: PaginateInterface };

/** GitHub lists at most this many files of a pull request. */
export const GITHUB_FILE_LIST_CAP = 3_000;

/** A comparison of two commits shows at most this many files (and only on its first page). */
export const GITHUB_COMPARE_FILE_CAP = 300;

export interface RepoRef {
  owner: string;
  repo: string;
}

/** The parts of a pull request (as webhook payloads and `GET /pulls/{n}` give it) that facts are built from. */
export interface PullRequestPayload {
  number: number;
  title: string;
  body?: string | null;
  user: { login: string; type?: string } | null;
  labels?: { name: string }[];
  draft?: boolean;
  state?: string;
  /** `repo.default_branch` tells a stacked pull request (based on another branch) from one into the default branch. */
  base: { ref: string; sha: string; repo?: { default_branch?: string } | null };
  head: { ref: string; sha: string };
  /** Absent from the pull request embedded in `pull_request_review` payloads. */
  additions?: number;
  deletions?: number;
  changed_files?: number;
  merged?: boolean | null;
  merged_by?: { login: string; type?: string } | null;
  merge_commit_sha?: string | null;
  updated_at?: string;
}

export interface PullRequestFile {
  filename: string;
  previous_filename?: string;
  status: string;
  additions: number;
  deletions: number;
  changes: number;
  patch?: string | null;
  /** `…/contents/{path}?ref=<commit>`: the commit whose files the list shows (as `raw_url` and `blob_url`). */
  contents_url?: string;
  raw_url?: string;
  blob_url?: string;
}

/** The files a pull request changes at one commit. */
export interface CommitFiles {
  files: PullRequestFile[];
  /** Listed from the pull request (its current head) or compared for this very commit. */
  source: 'pull' | 'compare';
  /** GitHub's cap was reached: there may be more files than listed. */
  capped: boolean;
}

const COMMIT_IN_CONTENTS_URL = /[?&]ref=([0-9a-f]{40})(?:&|$)/i;
const COMMIT_IN_FILE_URL = /\/(?:raw|blob)\/([0-9a-f]{40})\//i;

/** The commit a file entry of a list was read at, from its URLs; undefined when they carry none. */
export function commitOfFileEntry(file: PullRequestFile): string | undefined {
  const sha =
    (file.contents_url ?? '').match(COMMIT_IN_CONTENTS_URL)?.[1] ?? (file.raw_url ?? file.blob_url ?? '').match(COMMIT_IN_FILE_URL)?.[1];
  return sha?.toLowerCase();
}

interface ApiReview {
  user: { login: string; type?: string } | null;
  state: string;
  author_association?: string;
  commit_id: string | null;
  submitted_at?: string;
}

interface ApiCommit {
  sha: string;
  parents: { sha: string }[];
  commit: { message: string };
  author: { login: string; type?: string } | null;
}

/** GitHub answered a contents read with the file's metadata but not its content (files over 1 MB). */
export class ContentOmittedError extends Error {
  constructor(
    readonly path: string,
    readonly size: number,
  ) {
    super(`GitHub sent ${path} without its content (${size} bytes)`);
    this.name = 'ContentOmittedError';
  }
}

export function personOf(user: { login: string; type?: string } | null | undefined): Person {
  const login = user?.login ?? 'ghost';
  return { login, bot: user?.type === 'Bot' || login.endsWith('[bot]') };
}

/** The GitHub data one evaluation reads: each piece fetched at most once. */
export class GitHubData {
  readonly #memo = new Map<string, Promise<unknown>>();
  /** File texts and blames through GraphQL, asked together and sent as one request (each object once). */
  readonly reads: GraphQLReads;

  constructor(
    readonly octokit: GitHubClient,
    readonly repository: RepoRef,
    /** Where review facts are remembered beyond one evaluation (the App's process), and for which installation. */
    readonly review: { cache: ReviewFactCache; installationId: number; warn: (team: string, status: number) => void } = {
      cache: new ReviewFactCache(),
      installationId: 0,
      warn: () => undefined,
    },
    /** GraphQL answers at a commit kept beyond this evaluation (the App's process). */
    cache?: ReadCache,
  ) {
    this.reads = new GraphQLReads(octokit, repository, cache);
  }

  #once<T>(key: string, load: () => Promise<T>): Promise<T> {
    let pending = this.#memo.get(key) as Promise<T> | undefined;
    if (pending === undefined) {
      pending = load();
      this.#memo.set(key, pending);
    }
    return pending;
  }

  pull(number: number): Promise<PullRequestPayload> {
    return this.#once(`pull ${number}`, async () => {
      const { data } = await this.octokit.rest.pulls.get({ ...this.repository, pull_number: number });
      return data;
    });
  }

  /** The pull request's files, up to GitHub's cap of 3,000, their pages asked together (`readPages`; `count`: changed_files). */
  files(number: number, count?: number): Promise<PullRequestFile[]> {
    return this.#once(`files ${number}`, async () => {
      const page = (n: number) =>
        this.octokit.rest.pulls.listFiles({
          ...this.repository,
          pull_number: number,
          per_page: FILES_PER_PAGE,
          ...(n > 1 ? { page: n } : {}),
        });
      return (await readPages(page, count)).flatMap((answer) => answer.data as PullRequestFile[]);
    });
  }

  /**
   * The files the pull request changes at `pr.head.sha`. The files list has no `ref` and always shows the
   * PR's current head, which each entry names in its URLs. When that is another commit (a late or
   * replayed event), the list is not this commit's: the comparison of the PR's base with this commit is
   * read instead, one call, and the same answer forever (so cached as immutable).
   */
  filesAt(pr: Pick<PullRequestPayload, 'number' | 'base' | 'head' | 'changed_files'>): Promise<CommitFiles> {
    return this.#once(`files ${pr.number}@${pr.head.sha}`, async () => {
      const listed = await this.files(pr.number, pr.changed_files);
      const head = pr.head.sha.toLowerCase();
      // Every entry is checked: the head may move between two pages of the list.
      const otherCommit = listed.some((file) => {
        const sha = commitOfFileEntry(file);
        return sha !== undefined && sha !== head;
      });
      if (!otherCommit) return { files: listed, source: 'pull', capped: listed.length >= GITHUB_FILE_LIST_CAP };
      const files = await this.compareFiles(pr.base.sha, pr.head.sha);
      return { files, source: 'compare', capped: files.length >= GITHUB_COMPARE_FILE_CAP };
    });
  }

  /**
   * Files changed from the merge base of `base` and `head` to `head` (three dots: the pull request's view).
   * `per_page=1`: the files come whole on the first page whatever its size, and a page of one commit
   * spares the up to 250 commits an unpaged comparison returns.
   */
  compareFiles(base: string, head: string): Promise<PullRequestFile[]> {
    return this.#once(`compare ${base}...${head}`, async () => {
      const { data } = await this.octokit.rest.repos.compareCommitsWithBasehead({
        ...this.repository,
        basehead: `${base}...${head}`,
        per_page: 1,
      });
      return data.files ?? [];
    });
  }

  reviews(number: number): Promise<ApiReview[]> {
    return this.#once(`reviews ${number}`, async () => {
      const reviews = await this.octokit.paginate(this.octokit.rest.pulls.listReviews, {
        ...this.repository,
        pull_number: number,
        per_page: 100,
      });
      return reviews;
    });
  }

  commits(number: number): Promise<ApiCommit[]> {
    return this.#once(`commits ${number}`, async () => {
      const commits = await this.octokit.paginate(this.octokit.rest.pulls.listCommits, {
        ...this.repository,
        pull_number: number,
        per_page: 100,
      });
      return commits as ApiCommit[];
    });
  }

  /** A file's text at a commit, or null when it does not exist there. */
  fileAt(path: string, ref: string): Promise<string | null> {
    return this.#once(`file ${path}@${ref}`, () => this.#raw(path, ref));
  }

  /** A file's text on the default branch, asked exactly as Probot's config plugin asks (same cache entry). */
  fileOnDefaultBranch(path: string): Promise<string | null> {
    return this.#once(`file ${path}`, () => this.#raw(path, undefined));
  }

  async #raw(path: string, ref: string | undefined): Promise<string | null> {
    try {
      const { data } = (await this.octokit.request({
        method: 'GET',
        url: '/repos/{owner}/{repo}/contents/{path}',
        ...this.repository,
        path,
        mediaType: { format: 'raw' },
        ...(ref === undefined ? {} : { ref }),
      })) as { data: unknown };
      if (typeof data === 'string') return data;
      // A content type without a charset makes Octokit hand over bytes.
      if (data instanceof ArrayBuffer) return new TextDecoder().decode(data);
      // A JSON answer instead of the raw one: its content, or none for a file over 1 MB (`encoding: none`).
      const entry = data as { type?: string; content?: string; encoding?: string; size?: number } | null;
      if (entry?.type !== 'file') return null;
      if (entry.encoding === 'base64' && typeof entry.content === 'string' && entry.content !== '') {
        return Buffer.from(entry.content, 'base64').toString('utf8');
      }
      throw new ContentOmittedError(path, entry.size ?? 0);
    } catch (error) {
      if ((error as { status?: number }).status === 404) return null;
      throw error;
    }
  }
}

function reviewOf(review: ApiReview): Review {
  return {
    reviewer: personOf(review.user),
    state: review.state as ReviewState,
    commitId: review.commit_id,
    ...(review.submitted_at === undefined ? {} : { submittedAt: review.submitted_at }),
    // GitHub always sends it; a review without one is taken as from no one with write access.
    association: review.author_association ?? 'NONE',
  };
}

function commitOf(commit: ApiCommit): Commit {
  return {
    sha: commit.sha,
    parents: commit.parents.map((p) => p.sha),
    message: commit.commit.message,
    ...(commit.author === null ? {} : { author: personOf(commit.author) }),
  };
}

/**
 * The engine's Change for a pull request. `headSha` is the commit judged: the PR's head, or the merge
 * commit's PR head for the merge audit. The commits are read when review freshness or an exemption needs
 * them (`needs.commits` asks for them outright).
 */
export async function buildChange(
  data: GitHubData,
  pr: PullRequestPayload,
  config: MonoenvConfig,
  needs: FactNeeds & { commits?: boolean },
): Promise<Change> {
  const labels = (pr.labels ?? []).map((l) => l.name);
  const [listedFirst, gitattributes, rawReviews, codeowners] = await Promise.all([
    needs.files ? data.filesAt(pr) : Promise.resolve(undefined),
    needs.gitattributes ? data.fileAt(GITATTRIBUTES_PATH, pr.base.sha) : Promise.resolve(null),
    needs.reviews ? data.reviews(pr.number) : Promise.resolve(undefined),
    needs.codeowners ? readCodeowners(data.octokit, data.repository, pr.base.sha, data.review.cache) : Promise.resolve(undefined),
  ]);
  const reviews = rawReviews?.map(reviewOf);
  const exemption = needs.reviews && exemptionNeedsCommits(config, pr.user?.login ?? '', pr.merged_by?.login);
  const commits =
    needs.commits === true || exemption || (reviews !== undefined && freshnessNeedsCommits(config, reviews, pr.head.sha))
      ? (await data.commits(pr.number)).map(commitOf)
      : undefined;
  const author = personOf(pr.user);
  const head = { ref: pr.head.ref, sha: pr.head.sha };
  const reviewed = reviews && { ...makeChange({ files: [] }), author, head, reviews, ...(commits === undefined ? {} : { commits }) };
  // Merges after an approval are read first: one holding work of its own makes the approval stale, to compare.
  if (reviewed?.commits !== undefined) await checkMerges(data, reviewed, config);
  // Approvals on an older head are compared with the head's change (a rebase keeps an approval), so the
  // head's files are read for them even where no rule asked.
  const toCompare = reviewed === undefined ? [] : approvalsToCompare(reviewed, config);
  const listed = listedFirst ?? (toCompare.length > 0 ? await data.filesAt(pr) : undefined);

  // The payload's totals are those of the event's commit (GitHub writes them when it sends the event).
  let totals = payloadTotals(pr);
  const files = listed?.files.map(changedFileFromGitHub) ?? [];
  if (totals === undefined) {
    // Payloads of review events carry no totals; a complete file list gives them, else the PR does, but
    // not for a compared list: that commit is not the PR's head, and a capped comparison stays incomplete.
    if (listed !== undefined && !listed.capped) totals = sumTotals(files);
    else if (listed?.source !== 'compare') totals = payloadTotals(await data.pull(pr.number));
  }
  const filesComplete = listed !== undefined && totals !== undefined && files.length >= totals.files;

  const change: Change = {
    number: pr.number,
    title: pr.title,
    body: pr.body ?? '',
    author,
    labels,
    draft: pr.draft === true,
    base: { ref: pr.base.ref, sha: pr.base.sha },
    head,
    ...(pr.base.repo?.default_branch ? { defaultBranch: pr.base.repo.default_branch } : {}),
    files,
    totals: totals ?? sumTotals(files),
    filesComplete,
    ...(gitattributes === null ? {} : { gitattributes }),
    ...(reviews === undefined ? {} : { reviews }),
    ...(commits === undefined ? {} : { commits }),
    ...(codeowners === undefined ? {} : { codeowners }),
    ...(pr.merged === true && pr.merge_commit_sha ? { merged: { by: personOf(pr.merged_by), sha: pr.merge_commit_sha } } : {}),
  };
  if (filesComplete && toCompare.length > 0) change.approvedChanges = await approvedChanges(data, pr.base.sha, toCompare);
  if (codeowners) {
    const state = approvalState(change, config);
    const teams = teamsToResolve(change, config, ownerApprovers(state.approvedBy, state.notCounted));
    if (teams.length > 0) {
      change.teamMembers = await readTeamMembers(data.octokit, data.review.installationId, teams, data.review.cache, data.review.warn);
    }
  }
  return change;
}

/**
 * The change each approved commit made, as the pull request showed it then (`base...approved`): one comparison
 * per commit, remembered by SHA pair. A commit GitHub no longer has, or a comparison at GitHub's file cap, is
 * left out (its approval stays stale).
 */
async function approvedChanges(data: GitHubData, base: string, commits: readonly string[]): Promise<Record<string, ChangedFile[]>> {
  const changes: Record<string, ChangedFile[]> = {};
  for (const commit of commits) {
    try {
      const files = await compareOnce(data.octokit, data.repository, base, commit, data.review.cache);
      if (files.length < GITHUB_COMPARE_FILE_CAP) changes[commit] = files.map(changedFileFromGitHub);
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status !== 404 && status !== 422) throw error;
    }
  }
  return changes;
}

function payloadTotals(pr: PullRequestPayload): Change['totals'] | undefined {
  if (typeof pr.additions !== 'number' || typeof pr.deletions !== 'number' || typeof pr.changed_files !== 'number') return undefined;
  return { additions: pr.additions, deletions: pr.deletions, files: pr.changed_files };
}

function sumTotals(files: readonly ChangedFile[]): Change['totals'] {
  return {
    additions: files.reduce((n, f) => n + f.additions, 0),
    deletions: files.reduce((n, f) => n + f.deletions, 0),
    files: files.length,
  };
}
