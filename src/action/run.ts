/**
 * monoenv as a GitHub Action: the App's own handlers (the GitHub API as fact source, with the workflow's
 * token), run once on the workflow's event, publishing through a publisher that records what it is given.
 *
 * Not built on @probot/adapter-github-actions: it depends on Probot 13 and never fails the job. The Action fails
 * the job when a published run concludes `failure`, and when the token may not write checks (a read-only token on
 * a fork's pull request, or `permissions` without `checks: write`) it shows the same result as workflow
 * annotations and the job summary instead.
 */
import { readFileSync } from 'node:fs';
import * as core from '@actions/core';
import { Probot, ProbotOctokit, type ApplicationFunction } from 'probot';
import type { CheckPublisher, CheckRunPublisher } from '../github/checks.js';
import { jobSummary } from '../present/job-summary.js';
import { RecordingPublisher, type CheckRunRecord } from './publisher.js';

export type { CheckRunRecord } from './publisher.js';

export interface ActionResult {
  event: string;
  checkRuns: CheckRunRecord[];
  /** The worst conclusion among the check runs, or undefined when the handlers wrote none. */
  conclusion?: string;
  failed: boolean;
  error?: string;
}

/** The App's handlers, publishing through the publisher made of their check-run publisher. */
export type ActionApp = (publisher: (checkRuns: CheckRunPublisher) => CheckPublisher) => ApplicationFunction;

const SEVERITY = ['success', 'skipped', 'neutral', 'cancelled', 'action_required', 'timed_out', 'failure'];
const worst = (conclusions: string[]): string | undefined => conclusions.sort((a, b) => SEVERITY.indexOf(b) - SEVERITY.indexOf(a))[0];

/** Runs on `pull_request_target` as on `pull_request`: the handlers read the change through the API and never run its code. */
const EVENT_ALIASES: Record<string, string> = { pull_request_target: 'pull_request' };

function showAsAnnotations(record: CheckRunRecord): void {
  for (const annotation of record.annotations) {
    const properties: core.AnnotationProperties = {
      title: annotation.title,
      file: annotation.path,
      startLine: annotation.start_line,
      endLine: annotation.end_line,
    };
    if (annotation.annotation_level === 'failure') core.error(annotation.message, properties);
    else if (annotation.annotation_level === 'warning') core.warning(annotation.message, properties);
    else core.notice(annotation.message, properties);
  }
}

async function writeSummary(records: CheckRunRecord[]): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY || records.length === 0) return;
  core.summary.addRaw(jobSummary(records));
  await core.summary.write();
}

export interface RunActionOptions {
  /** The Octokit class the handlers' clients are built from (the app's own, with its retry settings). */
  Octokit?: typeof ProbotOctokit;
}

/**
 * Reads the workflow's event, runs the handlers and reports; resolves to what it concluded (it never throws).
 * `env` supplies the token and the event; outputs and the job summary go where @actions/core finds them
 * (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY in process.env).
 */
export async function runAction(
  makeApp: ActionApp,
  env: NodeJS.ProcessEnv = process.env,
  options: RunActionOptions = {},
): Promise<ActionResult> {
  const eventName = env.GITHUB_EVENT_NAME ?? '';
  const result: ActionResult = { event: eventName, checkRuns: [], failed: false };
  const fail = (message: string): ActionResult => {
    core.setFailed(message);
    return { ...result, failed: true, error: message };
  };

  const token = env['INPUT_GITHUB-TOKEN'] || env.GITHUB_TOKEN;
  if (!token) return fail("monoenv needs a token: pass `github-token` (it defaults to the workflow's GITHUB_TOKEN).");
  if (!eventName || !env.GITHUB_EVENT_PATH)
    return fail('monoenv runs in a GitHub Actions workflow: GITHUB_EVENT_NAME and GITHUB_EVENT_PATH are not set.');

  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    return fail(`monoenv could not read the event at ${env.GITHUB_EVENT_PATH}: ${(error as Error).message}`);
  }

  let recorder: RecordingPublisher | undefined;
  const refused = (): void =>
    core.warning(
      'The token may not write check runs (the workflow needs `permissions: checks: write`; a pull request from a fork ' +
        'gets a read-only token). The result is shown as annotations and in the job summary instead.',
    );
  const appFn = makeApp((checkRuns) => (recorder = new RecordingPublisher(checkRuns, refused)));
  const probot = new Probot({
    githubToken: token,
    baseUrl: env.GITHUB_API_URL || 'https://api.github.com',
    Octokit: options.Octokit ?? ProbotOctokit,
    logLevel: (env.LOG_LEVEL as 'info' | undefined) ?? (env.RUNNER_DEBUG === '1' ? 'debug' : 'warn'),
  });
  const name = EVENT_ALIASES[eventName] ?? eventName;
  // A workflow's event carries no installation; the handlers keep their per-installation caches under one, so
  // the workflow's token stands as installation 0. Authentication is the token's either way.
  if (payload.installation === undefined) payload.installation = { id: 0 };
  try {
    await probot.load(appFn, { cwd: process.cwd(), addHandler: () => undefined });
    await probot.receive({
      id: `${env.GITHUB_RUN_ID ?? 'local'}.${env.GITHUB_RUN_ATTEMPT ?? '1'}`,
      name,
      payload,
    } as Parameters<Probot['receive']>[0]);
  } catch (error) {
    const first = error instanceof AggregateError && error.errors.length > 0 ? (error.errors[0] as unknown) : error;
    return fail(`monoenv could not finish on ${eventName}: ${first instanceof Error ? first.message : String(first)}`);
  }

  const checkRuns = recorder?.runs ?? [];
  const conclusion = worst(checkRuns.map((r) => r.conclusion));
  for (const record of checkRuns.filter((r) => !r.published)) showAsAnnotations(record);
  try {
    await writeSummary(checkRuns);
  } catch (error) {
    core.warning(`monoenv could not write the job summary: ${(error as Error).message}`);
  }

  const main = checkRuns.find((r) => r.conclusion === conclusion) ?? checkRuns[0];
  core.setOutput('conclusion', conclusion ?? '');
  core.setOutput('title', main?.title ?? '');
  core.setOutput('check-run-url', main?.htmlUrl ?? '');
  core.setOutput('published', String(checkRuns.length > 0 && checkRuns.every((r) => r.published)));

  if (checkRuns.length === 0)
    core.info(`monoenv: nothing to report for ${eventName}${typeof payload.action === 'string' ? `.${payload.action}` : ''}.`);
  else for (const r of checkRuns) core.info(`monoenv: ${r.conclusion}: ${r.title}${r.htmlUrl ? ` (${r.htmlUrl})` : ''}`);

  if (conclusion === 'failure') {
    core.setFailed(`monoenv: ${main?.title ?? 'the check failed'}`);
    return { ...result, checkRuns, conclusion, failed: true };
  }
  return { ...result, checkRuns, conclusion, failed: false };
}
