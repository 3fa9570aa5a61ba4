/**
 * monoenv as a GitHub Action: the App's own handlers, run once on the workflow's event with the workflow's token.
 *
 * Not built on @probot/adapter-github-actions: it depends on Probot 13 and never fails the job. Here the
 * Action watches the check runs the handlers write; it fails the job when one concludes `failure`, and when the
 * token may not write checks (a read-only token on a fork's pull request, or `permissions` without
 * `checks: write`) it shows the same result as workflow annotations and the job summary instead.
 */
import { readFileSync } from 'node:fs';
import * as core from '@actions/core';
import { Probot, ProbotOctokit, type ApplicationFunction } from 'probot';

/** What an Octokit plugin receives: the base client, whose request hook every API call goes through. */
type Octokit = Parameters<Parameters<typeof ProbotOctokit.plugin>[0]>[0];
type RequestOptions = Record<string, unknown> & { method: string; url: string };
type AnnotationLevel = 'notice' | 'warning' | 'failure';

export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: AnnotationLevel;
  message: string;
  title?: string;
}

/** What the handlers wrote to one check run, as the Action saw it. */
export interface CheckRunRecord {
  /** GitHub's id, or a negative number for a run the token could not create. */
  id: number;
  name?: string;
  headSha?: string;
  status?: string;
  conclusion?: string;
  title?: string;
  summary?: string;
  text?: string;
  annotations: Annotation[];
  htmlUrl?: string;
  /** False when GitHub refused the write for lack of permission and the Action shows the run itself. */
  published: boolean;
}

export interface ActionResult {
  event: string;
  checkRuns: CheckRunRecord[];
  /** The worst conclusion among the check runs, or undefined when the handlers wrote none. */
  conclusion?: string;
  failed: boolean;
  error?: string;
}

const CHECK_RUNS_ROUTE = /^(?:https?:\/\/[^/]+)?(?:\/api\/v3)?\/repos\/[^/]+\/[^/]+\/check-runs(?:\/(?:\{check_run_id\}|(\d+)))?$/;
const NOT_BODY = new Set(['method', 'url', 'headers', 'request', 'baseUrl', 'mediaType', 'owner', 'repo', 'check_run_id']);

function bodyOf(options: RequestOptions): Record<string, unknown> {
  if (options.data && typeof options.data === 'object') return options.data as Record<string, unknown>;
  return Object.fromEntries(Object.entries(options).filter(([key]) => !NOT_BODY.has(key)));
}

/** Watches check-run writes and stands in for GitHub when the token may not make them. */
class CheckRunLedger {
  readonly runs = new Map<number, CheckRunRecord>();
  /** Set at the first refusal: later check-run writes are not sent, they would be refused too. */
  private refused = false;
  private nextLocalId = -1;

  plugin = (octokit: Octokit): void => {
    octokit.hook.wrap('request', async (request, options) => {
      const route = options as unknown as RequestOptions;
      const match = CHECK_RUNS_ROUTE.exec(route.url);
      const method = route.method.toUpperCase();
      const isCreate = match !== null && method === 'POST' && match[1] === undefined && !route.url.includes('{check_run_id}');
      const isUpdate = match !== null && method === 'PATCH';
      if (!isCreate && !isUpdate) return request(options);

      const id = isUpdate ? Number(route.check_run_id ?? match![1]) : undefined;
      const body = bodyOf(route);
      if (!this.refused) {
        try {
          const response = await request(options);
          this.record(Number((response.data as { id: number }).id), body, response.data as Record<string, unknown>, true);
          return response;
        } catch (error) {
          if ((error as { status?: number }).status !== 403) throw error;
          this.refused = true;
          core.warning(
            'The token may not write check runs (the workflow needs `permissions: checks: write`; a pull request from a fork ' +
              'gets a read-only token). The result is shown as annotations and in the job summary instead.',
          );
        }
      }
      const localId = id ?? this.nextLocalId--;
      const record = this.record(localId, body, undefined, false);
      // The handlers go on as if GitHub had accepted the write, so later updates (batches of annotations,
      // the final conclusion) reach this ledger too.
      return {
        status: isCreate ? 201 : 200,
        url: route.url,
        headers: {},
        data: {
          id: localId,
          name: record.name,
          head_sha: record.headSha,
          status: record.status,
          conclusion: record.conclusion ?? null,
          html_url: null,
          output: { title: record.title ?? null, summary: record.summary ?? null, text: record.text ?? null },
        },
      } as unknown as Awaited<ReturnType<typeof request>>;
    });
  };

  private record(id: number, body: Record<string, unknown>, data: Record<string, unknown> | undefined, published: boolean): CheckRunRecord {
    const record = this.runs.get(id) ?? { id, annotations: [], published };
    const output = (body.output ?? {}) as { title?: string; summary?: string; text?: string; annotations?: Annotation[] };
    record.name = (body.name as string | undefined) ?? (data?.name as string | undefined) ?? record.name;
    record.headSha = (body.head_sha as string | undefined) ?? (data?.head_sha as string | undefined) ?? record.headSha;
    record.status = (body.status as string | undefined) ?? (data?.status as string | undefined) ?? record.status;
    record.conclusion = (body.conclusion as string | undefined) ?? (data?.conclusion as string | undefined) ?? record.conclusion;
    if ('conclusion' in body && !record.status) record.status = 'completed';
    record.title = output.title ?? record.title;
    record.summary = output.summary ?? record.summary;
    record.text = output.text ?? record.text;
    record.annotations.push(...(output.annotations ?? []));
    record.htmlUrl = (data?.html_url as string | undefined) ?? record.htmlUrl;
    record.published = record.published && published;
    this.runs.set(id, record);
    return record;
  }
}

const SEVERITY = ['success', 'skipped', 'neutral', 'cancelled', 'action_required', 'timed_out', 'failure'];
const worst = (conclusions: string[]): string | undefined =>
  conclusions.sort((a, b) => SEVERITY.indexOf(b) - SEVERITY.indexOf(a))[0];

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
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  for (const record of records) {
    const icon = record.conclusion === 'failure' ? '❌' : record.conclusion === 'success' ? '✅' : 'ℹ️';
    // Markdown, not core.summary's HTML helpers: an HTML heading directly followed by the summary's table
    // would swallow the table into the HTML block.
    const parts = [`## ${icon} ${record.name ?? 'monoenv'}: ${record.title ?? record.conclusion ?? record.status ?? ''}`];
    if (record.htmlUrl) parts.push(`[The check run, with its annotations](${record.htmlUrl})`);
    if (record.summary) parts.push(record.summary);
    if (record.text) parts.push(record.text);
    core.summary.addRaw(`${parts.join('\n\n')}\n\n`);
  }
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
export async function runAction(appFn: ApplicationFunction, env: NodeJS.ProcessEnv = process.env, options: RunActionOptions = {}): Promise<ActionResult> {
  const eventName = env.GITHUB_EVENT_NAME ?? '';
  const result: ActionResult = { event: eventName, checkRuns: [], failed: false };
  const fail = (message: string): ActionResult => {
    core.setFailed(message);
    return { ...result, failed: true, error: message };
  };

  const token = env['INPUT_GITHUB-TOKEN'] || env.GITHUB_TOKEN;
  if (!token) return fail('monoenv needs a token: pass `github-token` (it defaults to the workflow\'s GITHUB_TOKEN).');
  if (!eventName || !env.GITHUB_EVENT_PATH) return fail('monoenv runs in a GitHub Actions workflow: GITHUB_EVENT_NAME and GITHUB_EVENT_PATH are not set.');

  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    return fail(`monoenv could not read the event at ${env.GITHUB_EVENT_PATH}: ${(error as Error).message}`);
  }

  const ledger = new CheckRunLedger();
  const probot = new Probot({
    githubToken: token,
    baseUrl: env.GITHUB_API_URL || 'https://api.github.com',
    Octokit: (options.Octokit ?? ProbotOctokit).plugin(ledger.plugin),
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
    const first = error instanceof AggregateError && error.errors.length > 0 ? error.errors[0] : error;
    return fail(`monoenv could not finish on ${eventName}: ${first instanceof Error ? first.message : String(first)}`);
  }

  const checkRuns = [...ledger.runs.values()];
  const conclusion = worst(checkRuns.map((r) => r.conclusion).filter((c): c is string => c !== undefined));
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

  if (checkRuns.length === 0) core.info(`monoenv: nothing to report for ${eventName}${payload.action ? `.${String(payload.action)}` : ''}.`);
  else for (const r of checkRuns) core.info(`monoenv: ${r.conclusion ?? r.status ?? 'pending'}: ${r.title ?? ''}${r.htmlUrl ? ` (${r.htmlUrl})` : ''}`);

  if (conclusion === 'failure') {
    core.setFailed(`monoenv: ${main?.title ?? 'the check failed'}`);
    return { ...result, checkRuns, conclusion, failed: true };
  }
  return { ...result, checkRuns, conclusion, failed: false };
}
