/**
 * Evaluating a pull request's head commit: facts → evaluate → one `monoenv` check run. Used by the
 * pull_request, pull_request_review and re-run handlers.
 */
import { evaluate } from '../engine/evaluate.js';
import { editsConfig, factNeeds } from '../engine/facts.js';
import { gatherMigrationFacts } from '../engine/rules/migrations/index.js';
import { formatConfigError } from '../config/load.js';
import { CONFIG_PATH, loadConfig, validateProposedConfig } from './config.js';
import { buildChange, type PullRequestPayload } from './facts.js';
import { evaluationFailedOutput, invalidConfigOutput, reportOutput } from '../present/check-run.js';
import type { CheckOutput } from './checks.js';
import { queueKey, targetOf, type EventScope } from './scope.js';
import { describeFailure } from './failure.js';

/** Evaluates the pull request's head commit, one evaluation per commit at a time (racing events coalesce). */
export function evaluatePullRequest(scope: EventScope, pr: PullRequestPayload): Promise<void> {
  return scope.state.queue.run(queueKey(scope, pr.head.sha), () => publishEvaluation(scope, pr));
}

async function publishEvaluation(scope: EventScope, pr: PullRequestPayload): Promise<void> {
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
    { pull: pr.number, sha: pr.head.sha, conclusion: output.conclusion, checkRun: result.id, action: result.action, notModified: scope.stats.notModified },
    `monoenv: ${output.title}`,
  );
}

async function outputFor(scope: EventScope, pr: PullRequestPayload): Promise<CheckOutput> {
  const labels = (pr.labels ?? []).map((l) => l.name);
  const loaded = await loadConfig(scope.config, scope.data);
  if (!loaded.ok) {
    const output = invalidConfigOutput(loaded.errors, loaded.file, loaded.inRepository);
    return withProposedFix(scope, pr, output);
  }
  const config = loaded.config;
  const change = await buildChange(scope.data, pr, config, factNeeds(config, labels));
  // Edited migrations are read whole at the head commit, one call each; a change touching none costs nothing.
  const facts = await gatherMigrationFacts(change, config, (path) => scope.data.fileAt(path, pr.head.sha));
  // The PR's version of the configuration is checked too (read at its head commit only now), but never judges this PR.
  const proposedConfig = editsConfig(change) ? { path: CONFIG_PATH, errors: await validateProposedConfig(scope.data, pr.head.sha) } : undefined;
  return reportOutput(evaluate(change, config, { ...facts, ...(proposedConfig === undefined ? {} : { proposedConfig }) }));
}

/**
 * With the default branch's configuration broken, a PR that edits it is the likely fix: say whether its
 * version is valid, and annotate its errors on its lines.
 */
async function withProposedFix(scope: EventScope, pr: PullRequestPayload, output: CheckOutput): Promise<CheckOutput> {
  const { files } = await scope.data.filesAt(pr);
  if (!editsConfig({ files: files.map((f) => ({ path: f.filename, status: f.status })) })) return output;
  const errors = await validateProposedConfig(scope.data, pr.head.sha);
  if (errors.length === 0) {
    return { ...output, summary: `${output.summary}\n\nThis pull request's version of \`${CONFIG_PATH}\` is valid: merging it fixes the configuration.`, annotations: [] };
  }
  const proposed = invalidConfigOutput(errors, CONFIG_PATH, true);
  const lines = errors.map((e) => `- \`${formatConfigError(e, CONFIG_PATH).replaceAll('`', "'")}\``);
  return {
    ...output,
    summary: `${output.summary}\n\nThis pull request's version of \`${CONFIG_PATH}\` is not valid either:\n\n${lines.join('\n')}`,
    // The diff shows the PR's version, so its errors are the ones placed on lines.
    annotations: proposed.annotations,
  };
}
