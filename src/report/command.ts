/**
 * `monoenv report`: the Mono Environment trend of a repository (batch size, deploy frequency, tests,
 * flags and, with GitHub, review coverage), from its own history, with no server.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError } from 'commander';
import { aggregate } from './aggregate.js';
import { collectHistory, ReportInputError } from './collect.js';
import { fetchMergedPulls } from './github.js';
import { git } from './git.js';
import { progressBar, type ProgressStream } from './progress.js';
import { renderText } from './render/text.js';
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
}

export async function buildReport(options: ReportOptions): Promise<ReportData> {
  const collected = await collectHistory({
    cwd: options.cwd,
    ...(options.branch ? { branch: options.branch } : {}),
    since: options.since,
    until: options.until,
    ...(options.progress ? { onProgress: options.progress } : {}),
  });
  const missing = [...collected.missing];
  let pulls;
  if (options.github) {
    const gitDir = (await git(options.cwd, ['rev-parse', '--absolute-git-dir'])).trim();
    const cacheFile = options.noCache
      ? undefined
      : path.join(options.cacheDir ?? path.join(gitDir, 'monoenv'), `github-${options.github.replace('/', '-')}.json`);
    const result = await fetchMergedPulls({
      repository: options.github,
      token: options.env.GITHUB_TOKEN,
      apiUrl: options.env.GITHUB_API_URL || 'https://api.github.com',
      since: options.since,
      cacheFile,
      config: collected.headConfig,
    });
    pulls = result.pulls;
    missing.push(...result.missing);
  }
  const top = (await git(options.cwd, ['rev-parse', '--show-toplevel']).catch(() => options.cwd)).trim();
  return aggregate({
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
}

const DAY_MS = 86_400_000;

/** `90d`, `12w`, `6m` (30-day months) or a date git would read (`2024-01-31`, ISO 8601). */
export function parseSince(value: string, now: Date = new Date()): Date {
  const relative = /^(\d+)\s*([dwm])$/i.exec(value.trim());
  if (relative) {
    const days = Number(relative[1]) * ({ d: 1, w: 7, m: 30 } as const)[relative[2]!.toLowerCase() as 'd' | 'w' | 'm'];
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
  weeks?: string;
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
  const bar = progressBar(io.stderr);
  try {
    const data = await buildReport({
      cwd: io.cwd,
      since: parseSince(flags.since, now),
      until: flags.until ? parseSince(flags.until, now) : now,
      env: io.env,
      now,
      ...(flags.branch ? { branch: flags.branch } : {}),
      ...(flags.github ? { github: flags.github } : {}),
      ...(flags.cacheDir ? { cacheDir: flags.cacheDir } : {}),
      noCache: !flags.cache,
      progress: (done, total) => bar.update(done, total),
    });
    bar.done();
    if (flags.html) {
      // Vega loads only when a page is asked for, so the other commands start fast.
      const { renderHtml } = await import('./render/html.js');
      await writeFile(flags.html, await renderHtml(data));
    }
    if (flags.format === 'json') io.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
    else io.stdout.write(renderText(data, { color: io.stdout.isTTY === true && !io.env.NO_COLOR, ...(flags.weeks ? { weeks: Number(flags.weeks) } : {}) }));
    if (flags.html && flags.format !== 'json') io.stderr.write(`HTML report written to ${flags.html}\n`);
    return 0;
  } catch (error) {
    bar.done();
    if (error instanceof ReportInputError || error instanceof InvalidArgumentError) {
      io.stderr.write(`monoenv report: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
