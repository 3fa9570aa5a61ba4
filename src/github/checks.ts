/**
 * Publishing: one `monoenv` check run per commit and key, created completed in one request (nothing can be
 * left `in_progress`), annotations beyond the first 50 in follow-up PATCH requests of 50, sent together once
 * the run exists (each appends to it; Octokit's throttling spaces an installation's writes in production).
 *
 * A run is keyed by its head SHA and its `external_id`: a pull request's run by the PR's number (two pull
 * requests with the same head, into `main` and into `release`, each get their own run and verdict), a merge
 * audit's by the merged PR's number, a merge group's by its group, a push audit's by none. Re-delivered and
 * racing events update the run instead of adding one. A bounded process-wide map remembers key → run id; on
 * a miss, GitHub is asked (this app's `monoenv` runs on the commit, all of them, and the newest with the
 * same `external_id` is the one) before creating, so replicas that never saw each other's events still share
 * the run. The map also remembers a fingerprint of what this process published (and the ETag of GitHub's
 * answer to that write). The fingerprint is this process's alone, so an identical re-publication does not
 * skip on it: the run is read first (`If-None-Match` with that ETag; a 304, which GitHub does not count,
 * proves the run is as written), and rewritten when GitHub holds another output (another replica wrote since).
 * Without an ETag, once the run changed, or once the installation token was renewed (GitHub's ETags are per
 * token), that read is one counted request.
 *
 * The look-up on a new commit is made free when it finds nothing: GitHub does not count a 304, and the
 * answer "no runs" reads the same for every commit, so its ETag (remembered per installation from an
 * earlier empty answer) is sent as `If-None-Match`. A 304 then proves the list is empty; any run on the
 * commit changes the answer, which comes back in full (and counted) as before. Nothing is skipped.
 *
 * `publishFrom` sends the look-up at once, beside the evaluation's own requests, rather than after it.
 *
 * Replicas: with `REDIS_URL`, the look-up, the evaluation it overlaps and the creation for a commit run under
 * a lock shared by every replica (publish-lock.ts), taken before the look-up is sent, so two replicas racing
 * on one commit make one run. Without it, two replicas whose look-ups both end before either creation is
 * stored each create a run.
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
  /**
   * Publishes what `produce` returns, asking GitHub for the run's look-up at once, beside `produce`'s own
   * requests, rather than after it. Where the run is to be created, the publish lock is taken first, so the
   * look-up, `produce` and the creation are one step across replicas. (A publisher without it gets `publish`
   * with the output.)
   */
  publishFrom?(target: CheckRunTarget, produce: () => Promise<CheckOutput>): Promise<{ result: PublishResult; output: CheckOutput }>;
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
  /**
   * The ETag of GitHub's answer to this process's last write, when that one request wrote the whole run:
   * asked as `If-None-Match`, a 304 (not counted) proves the run still holds that write.
   */
  etag?: string;
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

/** The ETag of an answer, when it has one. */
const etagOf = (headers: { etag?: string } | undefined): { etag?: string } =>
  typeof headers?.etag === 'string' && headers.etag !== '' ? { etag: headers.etag } : {};

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
  ): Promise<{ id: number; adopted: boolean; refused?: string; htmlUrl?: string; etag?: string }> {
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
        const { data, headers } = await create(body.output);
        return { id: data.id, adopted: false, ...urlOf(data), ...etagOf(headers) };
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

  #fingerprint(target: CheckRunTarget, output: CheckOutput): { fingerprint: string; annotationsDigest: string } {
    const annotationsDigest = digest(output.annotations);
    const fingerprint = digest([
      output.conclusion,
      output.title,
      output.summary,
      output.text ?? '',
      annotationsDigest,
      target.externalId ?? '',
    ]);
    return { fingerprint, annotationsDigest };
  }

  async publish(target: CheckRunTarget, output: CheckOutput): Promise<PublishResult> {
    return (await this.publishFrom(target, () => Promise.resolve(output))).result;
  }

  async publishFrom(target: CheckRunTarget, produce: () => Promise<CheckOutput>): Promise<{ result: PublishResult; output: CheckOutput }> {
    const key = this.#key(target);
    // A run this process knows is only updated. Otherwise the look-up, the creation and its annotation
    // batches are one step across replicas: another replica waiting on the lock then finds this run (and
    // its whole annotation count) instead of creating a second one. The lock is taken before the look-up
    // is sent, and the look-up goes out beside `produce`'s requests.
    if (this.#known.has(key) || this.lock === undefined) return this.#publishFrom(target, key, produce);
    const { owner, repo } = target.repository;
    return this.lock.hold({ owner, repo, sha: target.headSha }, () => this.#publishFrom(target, key, produce));
  }

  async #publishFrom(
    target: CheckRunTarget,
    key: string,
    produce: () => Promise<CheckOutput>,
  ): Promise<{ result: PublishResult; output: CheckOutput }> {
    // The look-up only where the run is not known here; it is answered while `produce` gathers its facts.
    const lookUp = this.#known.has(key) ? undefined : this.find(target);
    // Awaited below; until then its failure must not count as unhandled.
    lookUp?.catch(() => undefined);
    let output: CheckOutput;
    try {
      output = await produce();
    } finally {
      // Never left running past this step (the lock is released after it).
      await lookUp?.catch(() => undefined);
    }
    const { fingerprint, annotationsDigest } = this.#fingerprint(target, output);
    return { result: await this.#publish(target, output, key, fingerprint, annotationsDigest, lookUp), output };
  }

  /**
   * The run as GitHub holds it now (conditional: a 304, which GitHub does not count, when it has not
   * changed since this process last read it).
   */
  async #held(target: CheckRunTarget, known: KnownRun): Promise<ListedRun | 'as written' | undefined> {
    try {
      const { data } = await target.octokit.rest.checks.get({
        ...target.repository,
        check_run_id: known.id,
        ...(known.etag === undefined ? {} : { headers: { 'if-none-match': known.etag } }),
      });
      return data;
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status === 304 && known.etag !== undefined) return 'as written';
      if (status === 404) return undefined;
      throw error;
    }
  }

  async #publish(
    target: CheckRunTarget,
    output: CheckOutput,
    key: string,
    fingerprint: string,
    annotationsDigest: string,
    lookUp?: Promise<ListedRun | undefined>,
  ): Promise<PublishResult> {
    let known = this.#known.get(key);
    const holds = (existing: ListedRun): boolean =>
      existing.status === 'completed' &&
      existing.conclusion === output.conclusion &&
      existing.output.title === output.title &&
      existing.output.summary === output.summary &&
      existing.output.annotations_count === output.annotations.length;

    if (known?.fingerprint === fingerprint) {
      // This process last wrote the same output, but another replica may have written another one since:
      // what GitHub holds decides.
      const held = await this.#held(target, known);
      if (held === 'as written') return { id: known.id, action: 'unchanged', writes: 0 };
      if (held !== undefined && holds(held)) return { id: known.id, action: 'unchanged', writes: 0, ...urlOf(held) };
      if (held === undefined) {
        // The run is gone (deleted with its repository's data): a new one is made.
        this.#known.delete(key);
        known = undefined;
      } else {
        known = { id: held.id, annotationsCount: held.output.annotations_count };
      }
    } else if (known === undefined) {
      const existing = await (lookUp ?? this.find(target));
      if (existing !== undefined) {
        if (holds(existing)) {
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
    let written: { etag?: string } = {};
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
      written = created.etag === undefined ? {} : { etag: created.etag };
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
      const { data, headers } = await target.octokit.rest.checks.update({
        ...target.repository,
        check_run_id: id,
        ...fields,
        output: { ...base, ...text, annotations: first },
      });
      htmlUrl = urlOf(data);
      written = etagOf(headers);
      action = 'updated';
    }
    // Remembered before the remaining batches: a failure among them must not lead to a second run.
    this.#known.set(key, { id });
    // The run exists: the remaining batches each append to it, in any order, so they are sent together (the
    // throttling plugin still spaces an installation's writes as GitHub asks). Every one is awaited before
    // the run counts as written.
    const sent = await Promise.allSettled(
      batches.map((batch) =>
        target.octokit.rest.checks.update({ ...target.repository, check_run_id: id, output: { ...base, annotations: batch } }),
      ),
    );
    const failed = sent.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    // Only an answer that shows the whole run after the last write can prove later that it still holds it.
    const etag = batches.length === 0 ? written : {};
    this.#known.set(key, { id, fingerprint, annotationsDigest, annotationsCount: output.annotations.length, ...etag });
    return { id, action, writes: 1 + batches.length, ...htmlUrl };
  }
}
