/**
 * `monoenv report`: the Mono Environment trend of a repository (batch size, deploy frequency, tests,
 * flags and, with GitHub, review coverage), from its own history, with no server.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError } from 'commander';
import { aggregate, weeksBetween } from './aggregate.js';
import { computeDora } from './dora.js';
import { readDeployments } from './deployments.js';
import { computeWhatIf } from './whatif.js';
import { readFlagDebt } from './flag-debt.js';
import { originWebUrl, webUrlFromApi } from './links.js';
import { reportGit } from './git.js';
import { formatConfigError, parseConfigText } from '../../config/load.js';
import type { MonoenvConfig } from '../../config/schema.js';
import { collectHistory, ReportInputError } from './collect.js';
import { fetchMergedPulls } from './github.js';
import { git } from './git.js';
import { progressBar, type ProgressStream } from './progress.js';
import { renderHistoryText } from './render/text.js';
import type { ReportData } from './model.js';

export interface ReportOptions {
  cwd: string;
  branch?: string;
  since: Date;
  until: Date;
  github?: string;
  env: NodeJS.ProcessEnv;
  cacheDir?: string;
  noCache?: boolean;
  progress?: (done: number, total: number) => void;
  now?: Date;
  /** A proposed configuration to judge history with beside the one in force (`--config`). */
  proposed?: { file: string; config: MonoenvConfig };
  /** Deployment environments that are production (DORA). */
  environments?: string[];
  /** The flag-debt section (default on; `--no-flags` leaves it out). */
  flags?: boolean;
  flagProgress?: (done: number, total: number) => void;
}

export async function buildReport(options: ReportOptions): Promise<ReportData> {
  const collected = await collectHistory({
    cwd: options.cwd,
    ...(options.branch ? { branch: options.branch } : {}),
    since: options.since,
    until: options.until,
    ...(options.progress ? { onProgress: options.progress } : {}),
    ...(options.proposed ? { proposed: options.proposed.config } : {}),
  });
  const missing = [...collected.missing];
  const apiUrl = options.env.GITHUB_API_URL || 'https://api.github.com';
  let pulls;
  let dora;
  if (options.github) {
    const gitDir = (await git(options.cwd, ['rev-parse', '--absolute-git-dir'])).trim();
    const cacheDir = options.cacheDir ?? path.join(gitDir, 'monoenv');
    const cacheFile = (kind: string) =>
      options.noCache ? undefined : path.join(cacheDir, `${kind}-${options.github!.replace('/', '-')}.json`);
    const result = await fetchMergedPulls({
      repository: options.github,
      token: options.env.GITHUB_TOKEN,
      apiUrl,
      since: options.since,
      cacheFile: cacheFile('github'),
      config: collected.headConfig,
      ...(options.proposed ? { proposed: options.proposed.config } : {}),
    });
    pulls = result.pulls;
    missing.push(...result.missing);
    const shipped = await readDeployments({
      repository: options.github,
      token: options.env.GITHUB_TOKEN,
      apiUrl,
      environments: options.environments ?? ['production'],
      since: options.since,
      until: options.until,
      cacheFile: cacheFile('deployments'),
      git: reportGit(options.cwd),
      ...(options.now ? { now: options.now } : {}),
    });
    missing.push(...shipped.missing);
    dora = computeDora({
      source: shipped.source,
      sourceNote: shipped.sourceNote,
      events: shipped.events ?? collected.records.map((r) => ({ at: r.committedAt, sha: r.sha, failedStatus: false })),
      records: collected.records,
      ...(pulls ? { pulls } : {}),
      since: options.since,
      until: options.until,
      weeks: weeksBetween(options.since, options.until),
    });
  }
  let whatIf;
  if (options.proposed) {
    const webUrl = options.github ? webUrlFromApi(apiUrl, options.github) : await originWebUrl(reportGit(options.cwd));
    whatIf = computeWhatIf({
      proposedFile: options.proposed.file,
      records: collected.records,
      ...(pulls ? { pulls } : {}),
      weeks: weeksBetween(options.since, options.until),
      since: options.since,
      until: options.until,
      current: collected.headConfig,
      proposed: options.proposed.config,
      ...(webUrl ? { webUrl } : {}),
    });
  }
  let flagDebt;
  if (options.flags !== false) {
    try {
      flagDebt = await readFlagDebt({
        cwd: options.cwd,
        env: options.env,
        commit: collected.history.head,
        ref: collected.history.branch,
        config: collected.headConfig,
        weeks: weeksBetween(options.since, options.until),
        since: options.since,
        until: options.until,
        now: options.now ?? new Date(),
        cache: !options.noCache,
        ...(options.flagProgress ? { onProgress: options.flagProgress } : {}),
      });
      if (flagDebt.history.shallow) missing.push('flag debt: the clone is shallow, so flags as old as its boundary may be older');
    } catch (error) {
      missing.push(`flag debt: ${(error as Error).message}`);
    }
  }
  const top = (await git(options.cwd, ['rev-parse', '--show-toplevel']).catch(() => options.cwd)).trim();
  const data = aggregate({
    repository: path.basename(top),
    ...(options.github ? { github: options.github } : {}),
    generatedAt: (options.now ?? new Date()).toISOString(),
    since: options.since,
    until: options.until,
    records: collected.records,
    ...(pulls ? { pulls } : {}),
    history: collected.history,
    config: collected.config,
    missing,
  });
  return { ...data, ...(dora ? { dora } : {}), ...(whatIf ? { whatIf } : {}), ...(flagDebt ? { flagDebt } : {}) };
}

/** Reads and validates a proposed configuration; a bad one ends the report with its errors (exit 2). */
export async function readProposedConfig(file: string, cwd: string): Promise<{ file: string; config: MonoenvConfig }> {
  let text: string;
  try {
    text = await readFile(path.resolve(cwd, file), 'utf8');
  } catch (error) {
    throw new ReportInputError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const parsed = parseConfigText(text, file);
  if (!parsed.ok)
    throw new ReportInputError(`invalid configuration in ${file}:\n${parsed.errors.map((e) => formatConfigError(e, file)).join('\n')}`);
  return { file, config: parsed.config };
}

const DAY_MS = 86_400_000;

/** `90d`, `12w`, `6m` (30-day months) or a date git would read (`2024-01-31`, ISO 8601). */
export function parseSince(value: string, now: Date = new Date()): Date {
  const relative = /^(\d+)\s*([dwm])$/i.exec(value.trim());
  if (relative) {
    const days = Number(relative[1]) * ({ d: 1, w: 7, m: 30 } as const)[relative[2].toLowerCase() as 'd' | 'w' | 'm'];
    return new Date(now.getTime() - days * DAY_MS);
  }
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed)) throw new InvalidArgumentError('expected a duration (90d, 12w, 6m) or a date (2024-01-31)');
  return new Date(parsed);
}

export interface CommandFlags {
  since: string;
  until?: string;
  branch?: string;
  github?: string;
  format: 'text' | 'json';
  html?: string;
  cacheDir?: string;
  cache: boolean;
  /** `--no-flags` sets it false. */
  flags?: boolean;
  weeks?: string;
  config?: string;
  environment?: string;
  org?: string;
  repos?: string;
}

/** Runs the command; returns the exit code (0, or 2 on bad input with a one-line reason on stderr). */
export interface ReportIO {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: ProgressStream;
}

export async function runReportCommand(flags: CommandFlags, io: ReportIO): Promise<number> {
  const now = new Date();
  if (flags.org) {
    let since: Date;
    let until: Date;
    try {
      since = parseSince(flags.since, now);
      until = flags.until ? parseSince(flags.until, now) : now;
    } catch (error) {
      io.stderr.write(`monoenv report: ${(error as Error).message}\n`);
      return 2;
    }
    const { runOrgReport } = await import('./org/command.js');
    return runOrgReport({ ...flags, org: flags.org }, { since, until, now }, io);
  }
  const bar = progressBar(io.stderr);
  const flagBar = progressBar(io.stderr, 'Reading flag history');
  try {
    const proposed = flags.config ? await readProposedConfig(flags.config, io.cwd) : undefined;
    const data = await buildReport({
      cwd: io.cwd,
      ...(proposed ? { proposed } : {}),
      ...(flags.environment
        ? {
            environments: flags.environment
              .split(',')
              .map((e) => e.trim())
              .filter(Boolean),
          }
        : {}),
      since: parseSince(flags.since, now),
      until: flags.until ? parseSince(flags.until, now) : now,
      env: io.env,
      now,
      ...(flags.branch ? { branch: flags.branch } : {}),
      ...(flags.github ? { github: flags.github } : {}),
      ...(flags.cacheDir ? { cacheDir: flags.cacheDir } : {}),
      noCache: !flags.cache,
      flags: flags.flags !== false,
      progress: (done, total) => bar.update(done, total),
      flagProgress: (done, total) => {
        bar.done();
        flagBar.update(done, total);
      },
    });
    bar.done();
    flagBar.done();
    if (flags.html) {
      // Vega loads only when a page is asked for, so the other commands start fast.
      const { renderHtml } = await import('./render/html.js');
      await writeFile(flags.html, await renderHtml(data));
    }
    if (flags.format === 'json') io.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
    else
      io.stdout.write(
        renderHistoryText(data, {
          color: io.stdout.isTTY === true && !io.env.NO_COLOR,
          ...(flags.weeks ? { weeks: Number(flags.weeks) } : {}),
        }),
      );
    if (flags.html && flags.format !== 'json') io.stderr.write(`HTML report written to ${flags.html}\n`);
    return 0;
  } catch (error) {
    bar.done();
    flagBar.done();
    if (error instanceof ReportInputError || error instanceof InvalidArgumentError) {
      io.stderr.write(`monoenv report: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
