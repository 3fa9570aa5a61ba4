/**
 * Evaluating a pull request's head commit: facts → evaluate → one `monoenv` check run. Used by the
 * pull_request, pull_request_review and re-run handlers.
 */
import { editsConfig } from '../engine/facts.js';
import { evaluateFrom } from '../facts/source.js';
import { loadConfig, validateProposedConfig } from './config.js';
import type { PullRequestPayload } from './facts.js';
import { PullRequestSource } from './source.js';
import { evaluationFailedOutput, invalidConfigOutput, proposedFixOutput, reportOutput } from '../present/check-run.js';
import type { CheckOutput } from '../present/check-run.js';
import { queueKey, targetOf, type EventScope } from './scope.js';
import { describeFailure } from './failure.js';
import { orgConfigReach, renderConfigReach } from './org-config-reach.js';
import { GITHUB_OUTPUT_LIMIT, truncateUtf8 } from '../present/markdown.js';

/** The repository whose `.github/monoenv.yml` is the organisation's default (Probot's convention). */
const ORG_CONFIG_REPOSITORY = '.github';

/** Evaluates the pull request's head commit, one evaluation per commit at a time (racing events coalesce). */
export function evaluatePullRequest(scope: EventScope, pr: PullRequestPayload): Promise<void> {
  return scope.state.queue.run(queueKey(scope, pr.head.sha), async () => {
    await publishEvaluation(scope, pr);
  });
}

/**
 * Evaluates and publishes as `evaluatePullRequest` does, and returns the output. When a racing event for the
 * same commit took this evaluation's turn, that event published; its verdict is computed here again, unpublished.
 */
export async function evaluatePullRequestNow(scope: EventScope, pr: PullRequestPayload): Promise<CheckOutput> {
  let published: CheckOutput | undefined;
  await scope.state.queue.run(queueKey(scope, pr.head.sha), async () => {
    published = await publishEvaluation(scope, pr);
  });
  return published ?? (await outputFor(scope, pr));
}

async function publishEvaluation(scope: EventScope, pr: PullRequestPayload): Promise<CheckOutput> {
  const target = targetOf(scope, pr.head.sha, pr.number);
  let output: CheckOutput;
  try {
    output = await outputFor(scope, pr);
  } catch (error) {
    // A completed run that says what went wrong, rather than none (or one stuck in progress).
    scope.log.error({ err: error, pull: pr.number, sha: pr.head.sha }, `evaluation failed: ${describeFailure(error)}`);
    output = evaluationFailedOutput(error);
    scope.outcome.incomplete = true;
  }
  const result = await scope.state.checkRuns.publish(target, output);
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

async function outputFor(scope: EventScope, pr: PullRequestPayload): Promise<CheckOutput> {
  return withConfigReach(scope, pr, await judged(scope, pr));
}

async function judged(scope: EventScope, pr: PullRequestPayload): Promise<CheckOutput> {
  const loaded = await loadConfig(scope.config, scope.data);
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
