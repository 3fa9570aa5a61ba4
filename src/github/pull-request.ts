/**
 * Evaluating a pull request's head commit: facts → evaluate → one `monoenv` check run. Used by the
 * pull_request, pull_request_review and re-run handlers.
 */
import { editsConfig, factNeeds, factsWanted } from '../engine/facts.js';
import { evaluateFrom } from '../facts/source.js';
import { DEFAULT_CONFIG } from '../config/schema.js';
import { gatherFlagAges } from '../engine/rules/flags/index.js';
import { loadConfig, validateProposedConfig, type LoadedConfig } from './config.js';
import { buildChange, type GitHubData, type PullRequestPayload } from './facts.js';
import { GITATTRIBUTES_PATH } from '../engine/gitattributes.js';
import { PullRequestSource } from './source.js';
import { evaluationFailedOutput, invalidConfigOutput, proposedFixOutput, reportOutput } from '../present/check-run.js';
import type { CheckOutput } from '../present/check-run.js';
import { queueKey, targetOf, type EventScope } from './scope.js';
import { describeFailure } from './failure.js';
import { orgConfigReach, renderConfigReach } from './org-config-reach.js';
import { GITHUB_OUTPUT_LIMIT, truncateUtf8 } from '../present/markdown.js';

/** The repository whose `.github/monoenv.yml` is the organisation's default (Probot's convention). */
const ORG_CONFIG_REPOSITORY = '.github';

export interface EvaluationOptions {
  /**
   * Labels, title and body are read from the pull request as it is now rather than from the event's snapshot
   * (one request, sent beside the others): for events about them, which may arrive after a later change.
   */
  current?: boolean;
}

/** Evaluates the pull request's head commit, one evaluation per commit at a time (racing events coalesce). */
export function evaluatePullRequest(scope: EventScope, pr: PullRequestPayload, options: EvaluationOptions = {}): Promise<void> {
  return scope.state.queue.run(queueKey(scope, pr.head.sha), async () => {
    await publishEvaluation(scope, pr, options);
  });
}

/**
 * Evaluates and publishes as `evaluatePullRequest` does, and returns the output. When a racing event for the
 * same commit took this evaluation's turn, that event published; its verdict is computed here again, unpublished.
 */
export async function evaluatePullRequestNow(scope: EventScope, pr: PullRequestPayload): Promise<CheckOutput> {
  let published: CheckOutput | undefined;
  await scope.state.queue.run(queueKey(scope, pr.head.sha), async () => {
    published = await publishEvaluation(scope, pr, {});
  });
  return published ?? (await outputFor(scope, pr, {}));
}

/**
 * The request graph: the configuration (revalidated, 304), the check-run look-up (inside the publisher, when
 * the run is not known here), the file list (its pages together), the base's `.gitattributes` and, for events
 * about labels, title or body, the pull request itself all go out at once; what the rules then want (flag
 * ages, migrations, the proposed configuration) follows the files; the one write comes last.
 */
async function publishEvaluation(scope: EventScope, pr: PullRequestPayload, options: EvaluationOptions): Promise<CheckOutput> {
  const target = targetOf(scope, pr.head.sha, pr.number);
  const produce = async (): Promise<CheckOutput> => {
    try {
      return await outputFor(scope, pr, options);
    } catch (error) {
      // A completed run that says what went wrong, rather than none (or one stuck in progress).
      scope.log.error({ err: error, pull: pr.number, sha: pr.head.sha }, `evaluation failed: ${describeFailure(error)}`);
      scope.outcome.incomplete = true;
      return evaluationFailedOutput(error);
    }
  };
  const publisher = scope.state.checkRuns;
  const { result, output } =
    publisher.publishFrom !== undefined
      ? await publisher.publishFrom(target, produce)
      : await produce().then(async (produced) => ({ result: await publisher.publish(target, produced), output: produced }));
  scope.log.info(
    {
      pull: pr.number,
      sha: pr.head.sha,
      conclusion: output.conclusion,
      checkRun: result.id,
      action: result.action,
      notModified: scope.stats.notModified,
    },
    `monoenv: ${output.title}`,
  );
  return output;
}

async function outputFor(scope: EventScope, pr: PullRequestPayload, options: EvaluationOptions): Promise<CheckOutput> {
  const config = configOf(scope);
  const prefetched = [...prefetch(scope, pr), readsAhead(scope, pr, config)];
  try {
    const judgedPr = options.current === true ? await currentView(scope, pr) : pr;
    return withConfigReach(scope, judgedPr, await judged(scope, judgedPr, await config));
  } finally {
    // A read the configuration turned out not to need is not left running past the evaluation.
    await Promise.allSettled(prefetched);
  }
}

/** The event's pull request with the labels, title and body it has now (the commit judged stays the event's). */
async function currentView(scope: EventScope, pr: PullRequestPayload): Promise<PullRequestPayload> {
  const now = await scope.data.pull(pr.number);
  return { ...pr, title: now.title, body: now.body ?? null, labels: now.labels ?? [] };
}

const configs = new WeakMap<GitHubData, Promise<LoadedConfig>>();
/** Per evaluation: settles when the repository's own configuration file turned out missing (never, when it has one). */
const ownFileMissing = new WeakMap<GitHubData, Promise<void>>();

/** The configuration in force, loaded once per evaluation (its data layer), and remembered for the next one's reads. */
export function configOf(scope: EventScope): Promise<LoadedConfig> {
  let loaded = configs.get(scope.data);
  if (loaded === undefined) {
    let missing!: () => void;
    ownFileMissing.set(scope.data, new Promise<void>((resolve) => (missing = resolve)));
    loaded = loadConfig(scope.config, scope.data, undefined, () => missing()).then((result) => {
      scope.state.lastConfig?.set(repositoryKey(scope), result.ok ? result.config : 'invalid');
      return result;
    });
    // Awaited by the evaluation; a prefetch alone must not leave it unhandled.
    loaded.catch(() => undefined);
    configs.set(scope.data, loaded);
  }
  return loaded;
}

/**
 * The GraphQL reads the rules will want (flag ages, whole files: one request), asked before the configuration
 * is known when it is still a round trip away: the repository has no file of its own, so Probot's config plugin
 * reads the organisation's only after that 404 (one read after the other is the plugin's, and kept: it defines
 * `_extends` and the org default). Once the file list is in, the reads are asked under the configuration this
 * repository was last judged by (the defaults for one not seen here), through the evaluation's own GraphQL
 * reads: the evaluation then takes these answers, on their way or arrived, and asks only for what the
 * configuration in force wants beyond them. A wrong guess costs GraphQL points (a read no rule uses), never a
 * REST call, a round trip or a different verdict. Nothing is asked when the configuration came first, when the
 * file list is capped (its totals may need the pull request read), or where the adapter reads these facts
 * itself (the Action's checkout).
 */
async function readsAhead(scope: EventScope, pr: PullRequestPayload, loaded: Promise<LoadedConfig>): Promise<void> {
  if (scope.state.flagAgeSource !== undefined || scope.state.textReader !== undefined) return;
  const last = scope.state.lastConfig?.get(repositoryKey(scope));
  if (last === 'invalid') return;
  const guess = last ?? DEFAULT_CONFIG;
  const labels = (pr.labels ?? []).map((l) => l.name);
  const needs = factNeeds(guess, labels);
  if (!needs.files) return;
  let known = false;
  const settled = loaded.then(
    () => (known = true),
    () => (known = true),
  );
  const missing = ownFileMissing.get(scope.data) ?? new Promise<never>(() => undefined);
  if (await Promise.race([settled, missing.then(() => false)])) return;
  try {
    const listed = await scope.data.filesAt(pr);
    if (known || listed.capped) return;
    const change = await buildChange(scope.data, pr, guess, { files: true, gitattributes: needs.gitattributes, reviews: false });
    if (known) return;
    const wanted = factsWanted(change, guess);
    const source = new PullRequestSource(scope.data, pr, guess);
    // Asked in one turn, as the evaluation asks them: they leave as one request.
    await Promise.all([
      wanted.texts.length > 0 ? source.readTexts(change, wanted.texts) : Promise.resolve(),
      gatherFlagAges(wanted.flagAges, source.flagAges, guess),
    ]);
  } catch {
    // The evaluation reads for itself, and meets the same failure there.
  }
}

const repositoryKey = (scope: EventScope): string => `${scope.installationId}/${scope.repository.owner}/${scope.repository.repo}`;

/**
 * Sends, before the configuration is known, the reads that the repository's last configuration needed: the
 * file list and the base's `.gitattributes`. Each is remembered by the data layer, so the evaluation's own
 * asking takes the answer already on its way. A repository not seen yet gets both (the defaults read both).
 * Returns the reads sent, for the caller to see settled.
 */
export function prefetch(
  scope: EventScope,
  pr: Pick<PullRequestPayload, 'number' | 'base' | 'head' | 'changed_files' | 'labels'>,
): Promise<unknown>[] {
  const last = scope.state.lastConfig?.get(repositoryKey(scope));
  // An invalid configuration reads the files too (a pull request that edits it is the likely fix).
  const needs =
    last === undefined
      ? { files: true, gitattributes: true }
      : last === 'invalid'
        ? { files: true, gitattributes: false }
        : factNeeds(
            last,
            (pr.labels ?? []).map((l) => l.name),
          );
  const sent: Promise<unknown>[] = [];
  if (needs.files) sent.push(scope.data.filesAt(pr));
  if (needs.gitattributes) sent.push(scope.data.fileAt(GITATTRIBUTES_PATH, pr.base.sha));
  // Awaited by the evaluation when it needs them; until then their failures must not count as unhandled.
  for (const read of sent) read.catch(() => undefined);
  return sent;
}

async function judged(scope: EventScope, pr: PullRequestPayload, loaded: LoadedConfig): Promise<CheckOutput> {
  if (!loaded.ok) {
    const output = invalidConfigOutput(loaded.errors, loaded.file, loaded.inRepository);
    return withProposedFix(scope, pr, output);
  }
  return reportOutput(
    await evaluateFrom(
      new PullRequestSource(scope.data, pr, loaded.config, scope.state.flagAgeSource?.(scope), scope.state.textReader?.(scope)),
      loaded.config,
    ),
  );
}

/**
 * A pull request to the organisation's `.github` repository that edits its configuration edits the default of
 * every repository without a file of its own: the check says which repositories that is. Listing them is
 * never worth failing the check over.
 */
async function withConfigReach(scope: EventScope, pr: PullRequestPayload, output: CheckOutput): Promise<CheckOutput> {
  if (scope.repository.repo !== ORG_CONFIG_REPOSITORY) return output;
  const { files } = await scope.data.filesAt(pr);
  if (!editsConfig({ files: files.map((f) => ({ path: f.filename, status: f.status })) })) return output;
  let section: string;
  try {
    section = renderConfigReach(await orgConfigReach(scope.octokit, scope.repository.owner, scope.repository.repo));
  } catch (error) {
    scope.log.warn(
      { err: error, pull: pr.number },
      `could not list the repositories this configuration governs: ${describeFailure(error)}`,
    );
    section = `### Who this file governs\n\nmonoenv could not list the installation's repositories (${describeFailure(error)}).`;
  }
  return { ...output, summary: truncateUtf8(`${output.summary}\n\n${section}`, GITHUB_OUTPUT_LIMIT) };
}

/**
 * With the default branch's configuration broken, a PR that edits it is the likely fix: say whether its
 * version is valid, and annotate its errors on its lines.
 */
async function withProposedFix(scope: EventScope, pr: PullRequestPayload, output: CheckOutput): Promise<CheckOutput> {
  const { files } = await scope.data.filesAt(pr);
  if (!editsConfig({ files: files.map((f) => ({ path: f.filename, status: f.status })) })) return output;
  return proposedFixOutput(output, await validateProposedConfig(scope.data, pr.head.sha));
}
