/**
 * Publishing: one `monoenv` check run per commit and key, created completed in one request (nothing can be
 * left `in_progress`), annotations beyond the first 50 in follow-up PATCH requests of 50.
 *
 * A run is keyed by its head SHA and its `external_id`: a pull request's run by the PR's number (two pull
 * requests with the same head, into `main` and into `release`, each get their own run and verdict), a merge
 * audit's by the merged PR's number, a merge group's by its group, a push audit's by none. Re-delivered and
 * racing events update the run instead of adding one. A bounded process-wide map remembers key → run id; on
 * a miss, GitHub is asked (this app's `monoenv` runs on the commit, all of them, and the newest with the
 * same `external_id` is the one) before creating, so replicas that never saw each other's events still share
 * the run. The map also remembers a fingerprint of what this process published, so an identical
 * re-publication costs nothing. That fingerprint is this process's alone: when another replica wrote a
 * different output to the run since, an identical re-publication here still writes nothing (a known limit).
 *
 * The look-up on a new commit is made free when it finds nothing: GitHub does not count a 304, and the
 * answer "no runs" reads the same for every commit, so its ETag (remembered per installation from an
 * earlier empty answer) is sent as `If-None-Match`. A 304 then proves the list is empty; any run on the
 * commit changes the answer, which comes back in full (and counted) as before. Nothing is skipped.
 *
 * Replicas: with `REDIS_URL`, the look-up and creation for a commit run under a lock shared by every
 * replica (publish-lock.ts), so two replicas racing on one commit make one run. Without it, two replicas
 * whose look-ups both end before either creation is stored each create a run.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { GitHubClient, RepoRef } from './facts.js';
import type { Logger } from 'probot';
import { batchAnnotations, type CheckAnnotation } from '../present/annotations.js';
import { GITHUB_OUTPUT_LIMIT, truncateUtf8 } from '../present/markdown.js';
import type { CheckOutput } from '../present/check-run.js';
import { REQUEST_TIMEOUT_MS, retryOptions } from './octokit.js';
import type { PublishLock } from './publish-lock.js';

export const CHECK_NAME = 'monoenv';

export interface CheckRunTarget {
  octokit: GitHubClient;
  installationId: number;
  repository: RepoRef;
  headSha: string;
  /**
   * Part of the run's key with the head SHA: the pull request number as a decimal string (GitHub keeps it for
   * re-runs of fork PRs), a merge group's `merge_group:…`, or none (a push audit's run).
   */
  externalId?: string;
}

export interface PublishResult {
  id: number;
  action: 'created' | 'updated' | 'unchanged';
  /** Requests made to write the run (creation or update plus annotation batches). */
  writes: number;
  /** The run's page, when GitHub's answer gave it. */
  htmlUrl?: string;
}

/**
 * The App's publisher: one `monoenv` check run per commit, written once (an identical output costs nothing).
 * `CheckRunPublisher` writes it through the API; the Action passes one that also records what it is given.
 */
export interface CheckPublisher {
  publish(target: CheckRunTarget, output: CheckOutput): Promise<PublishResult>;
  /** Records a run this app already has on the commit (a re-requested run names itself in the payload). */
  remember(target: CheckRunTarget, id: number, annotationsCount?: number): void;
  /**
   * This app's latest `monoenv` run on the commit with the target's `external_id`, from GitHub (`anyKey`: the
   * latest whatever its `external_id`).
   */
  find(target: CheckRunTarget, options?: { anyKey?: boolean }): Promise<ListedRun | undefined>;
  /** Whether this process published, or was told of, a run on the commit (no request). */
  knows(target: CheckRunTarget): boolean;
}

interface KnownRun {
  id: number;
  /** Fingerprint of everything last published; undefined when the run was only seen, not written here. */
  fingerprint?: string;
  /** Digest of the annotations the run holds, when known. */
  annotationsDigest?: string;
  annotationsCount?: number;
}

export interface ListedRun {
  id: number;
  external_id: string | null;
  status: string;
  conclusion: string | null;
  app: { id: number } | null;
  html_url?: string | null;
  output: { title: string | null; summary: string | null; annotations_count: number };
}

/** A failure after which GitHub may or may not have applied the request. */
function ambiguous(error: unknown): boolean {
  const status = (error as { status?: number }).status;
  return status === undefined || status >= 500;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The run's page from an answer that may carry it. */
const urlOf = (data: { html_url?: string | null } | undefined): { htmlUrl?: string } =>
  typeof data?.html_url === 'string' && data.html_url !== '' ? { htmlUrl: data.html_url } : {};

const digest = (value: unknown): string => createHash('sha256').update(JSON.stringify(value)).digest('hex');

export class CheckRunPublisher implements CheckPublisher {
  readonly #known: LRUCache<string, KnownRun>;
  /** Installation id → ETag of an empty listing of `monoenv` runs. */
  readonly #emptyListingEtag = new LRUCache<number, string>({ max: 10_000 });

  /** `appId` resolves this app's id (runs of other apps with the same name are never touched). */
  readonly retryBaseMs: number;
  readonly createRetries: number;
  readonly settleMs: number;
  readonly log: Pick<Logger, 'warn'> | undefined;
  /** Shared by the replicas (Redis); without it, only this process's per-commit queue orders publishing. */
  readonly lock: PublishLock | undefined;
  /** The pause between creation attempts (tests pass one that returns at once and records it). */
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly appId: () => Promise<number | undefined>,
    {
      maxRuns = 10_000,
      retryBaseMs = 1_000,
      createRetries = retryOptions.retries,
      settleMs = REQUEST_TIMEOUT_MS,
      log,
      lock,
      sleep = realSleep,
    }: {
      maxRuns?: number;
      retryBaseMs?: number;
      createRetries?: number;
      settleMs?: number;
      log?: Pick<Logger, 'warn'>;
      lock?: PublishLock;
      sleep?: (ms: number) => Promise<void>;
    } = {},
  ) {
    this.#known = new LRUCache({ max: maxRuns });
    this.retryBaseMs = retryBaseMs;
    this.createRetries = createRetries;
    this.settleMs = settleMs;
    this.log = log;
    this.lock = lock;
    this.#sleep = sleep;
  }

  #key(target: CheckRunTarget): string {
    return `${target.installationId}/${target.repository.owner}/${target.repository.repo}@${target.headSha}#${target.externalId ?? ''}`;
  }

  /** Records a run this app already has on the commit (a re-requested run names itself in the payload). */
  remember(target: CheckRunTarget, id: number, annotationsCount?: number): void {
    this.#known.set(this.#key(target), { id, ...(annotationsCount === undefined ? {} : { annotationsCount }) });
  }

  knows(target: CheckRunTarget): boolean {
    return this.#known.has(this.#key(target));
  }

  /**
   * This app's latest `monoenv` run on the commit whose `external_id` is the target's, from GitHub. Every run
   * is listed (`filter=all`): `latest` shows one run per app and name, which hides the run of the other pull
   * request with the same head.
   */
  async find(target: CheckRunTarget, { anyKey = false }: { anyKey?: boolean } = {}): Promise<ListedRun | undefined> {
    const appId = await this.appId();
    const emptyEtag = this.#emptyListingEtag.get(target.installationId);
    let data: { total_count: number; check_runs: unknown[] };
    try {
      const response = await target.octokit.rest.checks.listForRef({
        ...target.repository,
        ref: target.headSha,
        check_name: CHECK_NAME,
        filter: 'all',
        ...(emptyEtag === undefined ? {} : { headers: { 'if-none-match': emptyEtag } }),
      });
      data = response.data;
      const etag = response.headers.etag;
      if (data.total_count === 0 && data.check_runs.length === 0 && typeof etag === 'string' && etag !== '') {
        this.#emptyListingEtag.set(target.installationId, etag);
      }
    } catch (error) {
      // Not modified: the commit's list is the empty one.
      if ((error as { status?: number }).status === 304 && emptyEtag !== undefined) return undefined;
      throw error;
    }
    const key = target.externalId ?? '';
    let found: ListedRun | undefined;
    for (const run of data.check_runs as ListedRun[]) {
      if (appId !== undefined && run.app?.id !== appId) continue;
      if (!anyKey && (run.external_id ?? '') !== key) continue;
      if (found === undefined || run.id > found.id) found = run;
    }
    return found;
  }

  /**
   * Creates the run. A POST is not idempotent, so it is never retried blindly: when an attempt fails in a
   * way that leaves open whether GitHub stored the run (5xx, timeout, connection cut), this app's runs on
   * the commit are looked up first, and a run found there is adopted. Retries follow plugin-retry's
   * schedule (1, 4, 9 × the base). Residual risk: a run GitHub stores later than one more deadline after
   * the attempt was given up can still become a second run (GitHub ends its own requests at 10 s). A 422 (GitHub refused the output) is answered once with a plain output,
   * so the verdict is still published.
   */
  async #create(
    target: CheckRunTarget,
    body: {
      status: 'completed';
      conclusion: CheckOutput['conclusion'];
      completed_at: string;
      external_id?: string;
      output: { title: string; summary: string; text?: string; annotations: CheckAnnotation[] };
    },
  ): Promise<{ id: number; adopted: boolean; refused?: string; htmlUrl?: string }> {
    const create = (output: typeof body.output) =>
      target.octokit.rest.checks.create({
        ...target.repository,
        name: CHECK_NAME,
        head_sha: target.headSha,
        ...body,
        output,
        request: { retries: 0 },
      });
    for (let attempt = 1; ; attempt++) {
      try {
        const { data } = await create(body.output);
        return { id: data.id, adopted: false, ...urlOf(data) };
      } catch (error) {
        const status = (error as { status?: number }).status;
        if (status === 422 && attempt === 1) {
          const refused = (error as Error).message;
          this.log?.warn(
            { sha: target.headSha, status },
            `GitHub refused the check run's output (${refused}); publishing the verdict without annotations`,
          );
          const { data } = await create({
            title: body.output.title,
            summary: truncateUtf8(
              `${body.output.summary}\n\n---\nGitHub refused the full output of this run (${refused}), so its annotations are not shown.`,
              GITHUB_OUTPUT_LIMIT,
            ),
            annotations: [],
          });
          return { id: data.id, adopted: false, refused, ...urlOf(data) };
        }
        if (!ambiguous(error) || attempt > this.createRetries) throw error;
        // Without an answer (timeout, cut connection) GitHub may still be writing the run: give it as long
        // as the attempt had before looking; after a 5xx answer, only the backoff.
        const answered = (error as { response?: unknown }).response !== undefined;
        await this.#sleep(Math.max(attempt * attempt * this.retryBaseMs, answered ? 0 : this.settleMs));
        const stored = await this.find(target);
        if (stored !== undefined) {
          this.log?.warn(
            { sha: target.headSha, checkRun: stored.id, status },
            'check run creation failed after GitHub stored it; using the stored run',
          );
          return { id: stored.id, adopted: true, ...urlOf(stored) };
        }
      }
    }
  }

  async publish(target: CheckRunTarget, output: CheckOutput): Promise<PublishResult> {
    const key = this.#key(target);
    const annotationsDigest = digest(output.annotations);
    const fingerprint = digest([
      output.conclusion,
      output.title,
      output.summary,
      output.text ?? '',
      annotationsDigest,
      target.externalId ?? '',
    ]);
    const known = this.#known.get(key);
    if (known?.fingerprint === fingerprint) return { id: known.id, action: 'unchanged', writes: 0 };
    // A run this process knows is only updated. Otherwise the look-up, the creation and its annotation
    // batches are one step across replicas: another replica waiting on the lock then finds this run (and
    // its whole annotation count) instead of creating a second one.
    if (known !== undefined || this.lock === undefined) return this.#publish(target, output, key, fingerprint, annotationsDigest);
    const { owner, repo } = target.repository;
    return this.lock.hold({ owner, repo, sha: target.headSha }, () => this.#publish(target, output, key, fingerprint, annotationsDigest));
  }

  async #publish(
    target: CheckRunTarget,
    output: CheckOutput,
    key: string,
    fingerprint: string,
    annotationsDigest: string,
  ): Promise<PublishResult> {
    let known = this.#known.get(key);
    if (known?.fingerprint === fingerprint) return { id: known.id, action: 'unchanged', writes: 0 };

    if (known === undefined) {
      const existing = await this.find(target);
      if (existing !== undefined) {
        const same =
          existing.status === 'completed' &&
          existing.conclusion === output.conclusion &&
          existing.output.title === output.title &&
          existing.output.summary === output.summary &&
          existing.output.annotations_count === output.annotations.length;
        if (same) {
          this.#known.set(key, { id: existing.id, fingerprint, annotationsDigest, annotationsCount: output.annotations.length });
          return { id: existing.id, action: 'unchanged', writes: 0, ...urlOf(existing) };
        }
        known = { id: existing.id, annotationsCount: existing.output.annotations_count };
      }
    }

    const fields = {
      status: 'completed' as const,
      conclusion: output.conclusion,
      completed_at: new Date().toISOString(),
      ...(target.externalId === undefined ? {} : { external_id: target.externalId }),
    };
    const text = output.text === undefined ? {} : { text: output.text };
    // GitHub appends the annotations of every update to the run's list; an update re-sends them only when
    // they changed, so a re-evaluation with the same findings does not double them.
    const sameAnnotations =
      known !== undefined &&
      (known.annotationsDigest !== undefined
        ? known.annotationsDigest === annotationsDigest
        : known.annotationsCount === output.annotations.length);
    const annotations = sameAnnotations ? [] : output.annotations;
    const batches = batchAnnotations(annotations);
    const first = batches.shift() ?? [];
    const base = { title: output.title, summary: output.summary };

    let id: number;
    let action: PublishResult['action'];
    let htmlUrl: { htmlUrl?: string };
    if (known === undefined) {
      const created = await this.#create(target, { ...fields, output: { ...base, ...text, annotations: first } });
      if (created.refused !== undefined) {
        // GitHub refused the output (422): the verdict is published without what it refused.
        this.#known.set(key, { id: created.id, annotationsCount: 0 });
        return { id: created.id, action: 'created', writes: 1, ...(created.htmlUrl === undefined ? {} : { htmlUrl: created.htmlUrl }) };
      }
      id = created.id;
      action = 'created';
      htmlUrl = created.htmlUrl === undefined ? {} : { htmlUrl: created.htmlUrl };
      if (created.adopted) {
        // The run GitHub stored from an attempt whose answer was lost: write the whole output to it.
        await target.octokit.rest.checks.update({
          ...target.repository,
          check_run_id: id,
          ...fields,
          output: { ...base, ...text, annotations: first },
        });
      }
    } else {
      id = known.id;
      const { data } = await target.octokit.rest.checks.update({
        ...target.repository,
        check_run_id: id,
        ...fields,
        output: { ...base, ...text, annotations: first },
      });
      htmlUrl = urlOf(data);
      action = 'updated';
    }
    // Remembered before the remaining batches: a failure among them must not lead to a second run.
    this.#known.set(key, { id });
    for (const batch of batches) {
      await target.octokit.rest.checks.update({ ...target.repository, check_run_id: id, output: { ...base, annotations: batch } });
    }
    this.#known.set(key, { id, fingerprint, annotationsDigest, annotationsCount: output.annotations.length });
    return { id, action, writes: 1 + batches.length, ...htmlUrl };
  }
}
