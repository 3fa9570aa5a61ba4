/**
 * `monoenv check`: gathers a change from a local git range, judges it with the engine, prints the report.
 * Like the App, the rules come from the base (a branch cannot weaken the rules that judge it).
 */
import { appendFile, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { makeChange, type Change } from '../engine/change.js';
import { parseGitDiff } from '../engine/diff.js';
import { gatherMigrationFacts } from '../engine/rules/migrations/index.js';
import { evaluate } from '../engine/evaluate.js';
import { factsWanted } from '../engine/facts.js';
import { loadSyntax } from '../engine/syntax/load.js';
import { readTexts } from '../git/texts.js';
import type { Report } from '../engine/report.js';
import { renderSummary } from '../present/markdown.js';
import { CONFIG_PATH, parseConfigText, type ConfigError } from '../config/load.js';
import { DEFAULT_CONFIG, type MonoenvConfig } from '../config/schema.js';
import {
  DEFAULT_BRANCH_CANDIDATES,
  commitsBetween,
  currentBranch,
  defaultBranch,
  diffBetween,
  gitIn,
  isShallow,
  mergeBase,
  personOf,
  readFileAt,
  repositoryRoot,
  resolveCommit,
  type GitRunner,
} from './git.js';
import { UsageError, useColour, type CliIO } from './io.js';
import { renderText, type RangeFacts } from '../present/text.js';
import { renderGitHub } from '../present/workflow-commands.js';
import { ConfigInvalid } from './config-errors.js';

export type OutputFormat = 'text' | 'json' | 'github';

export interface CheckOptions {
  base?: string;
  head?: string;
  config?: string;
  format: OutputFormat;
  title?: string;
  body?: string;
  label: string[];
  /** The pull request's head branch (`fix/…`, `dependabot/…`), read for the kind of change. */
  branch?: string;
}

const GITATTRIBUTES_PATH = '.gitattributes';

/** Opens the repository that holds the working directory, or says clearly that there is none. */
export async function openRepository(io: CliIO): Promise<{ git: GitRunner; root: string }> {
  const root = await repositoryRoot(gitIn(io.cwd, io.env));
  if (root === undefined) throw new UsageError(`not a git repository: ${io.cwd}`);
  return { git: gitIn(root, io.env), root };
}

interface Range {
  base: { ref: string; sha: string };
  /** Where the change starts: the merge base of base and head, as a pull request's diff does. */
  forkPoint: string;
  head: { ref: string; sha: string };
}

async function resolveRange(git: GitRunner, options: CheckOptions): Promise<Range> {
  const headRef = options.head ?? 'HEAD';
  const headSha = await resolveCommit(git, headRef);
  if (headSha === undefined) {
    throw new UsageError(headRef === 'HEAD' && options.head === undefined ? 'HEAD has no commits yet' : `unknown ref "${headRef}" (--head)`);
  }

  let baseRef = options.base;
  if (baseRef === undefined) {
    baseRef = await defaultBranch(git);
    if (baseRef === undefined) {
      throw new UsageError(`no default branch found (looked for ${DEFAULT_BRANCH_CANDIDATES.join(', ')}); pass --base REF`);
    }
  }
  const baseSha = await resolveCommit(git, baseRef);
  if (baseSha === undefined) throw new UsageError(`unknown ref "${baseRef}" (--base)`);

  const forkPoint = await mergeBase(git, baseSha, headSha);
  if (forkPoint === undefined) {
    const why = (await isShallow(git))
      ? 'the clone is shallow; fetch more history (actions/checkout: fetch-depth: 0)'
      : 'they share no history; pass --base REF';
    throw new UsageError(`no merge base between ${baseRef} and ${headRef}: ${why}`);
  }
  return { base: { ref: baseRef, sha: baseSha }, forkPoint, head: { ref: headRef, sha: headSha } };
}

interface LoadedConfig {
  config: MonoenvConfig;
  /** Where it came from, for people: ".github/monoenv.yml at main", "defaults (…)". */
  source: string;
}

async function loadConfig(git: GitRunner, io: CliIO, options: CheckOptions, range: Range): Promise<LoadedConfig> {
  let text: string | undefined;
  let file: string;
  let source: string;
  if (options.config !== undefined) {
    file = options.config;
    text = await readUserFile(io, options.config, '--config');
    source = options.config;
  } else {
    file = CONFIG_PATH;
    text = await readFileAt(git, range.base.sha, CONFIG_PATH);
    if (text === undefined) return { config: DEFAULT_CONFIG, source: `defaults (no ${CONFIG_PATH} at ${range.base.ref})` };
    source = `${CONFIG_PATH} at ${range.base.ref}`;
  }
  const result = parseConfigText(text, file);
  if (!result.ok) {
    const where = options.config === undefined ? `${CONFIG_PATH} at ${range.base.ref} (${range.base.sha.slice(0, 7)}), which judges this change` : file;
    throw new ConfigInvalid(result.errors, file, `invalid configuration in ${where}`);
  }
  if (result.config._extends !== undefined) {
    io.stderr.write(`monoenv: warning: _extends (${result.config._extends}) is followed by the App only; the CLI uses ${file} as it is\n`);
  }
  return { config: result.config, source };
}

export async function readUserFile(io: CliIO, file: string, option: string): Promise<string> {
  if (file === '-') return io.readStdin();
  try {
    return await readFile(resolve(io.cwd, file), 'utf8');
  } catch (error) {
    const { code } = error as NodeJS.ErrnoException;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new UsageError(`cannot read ${file} (${option}): ${reason}`);
  }
}

/** The title a pull request of this range would most likely have. */
async function titleOf(git: GitRunner, io: CliIO, options: CheckOptions, subjects: string[]): Promise<string> {
  if (options.title !== undefined) return options.title;
  // One commit: a squash merge's title is that commit's subject.
  if (subjects.length === 1) return subjects[0];
  if (options.head !== undefined) return options.head;
  return (await currentBranch(git)) ?? io.env.GITHUB_HEAD_REF ?? 'HEAD';
}

/**
 * The head branch the change would be proposed from: `--branch`, else, when the range ends at the checkout,
 * its branch (or the Actions pull-request branch). A `--head` of another ref names no branch for sure.
 */
async function branchOf(git: GitRunner, io: CliIO, options: CheckOptions): Promise<string | undefined> {
  if (options.branch !== undefined) return options.branch;
  if (options.head !== undefined) return undefined;
  return (await currentBranch(git)) ?? (io.env.GITHUB_HEAD_REF || undefined);
}

/** The `.github/monoenv.yml` a change brings is validated too: its errors become findings on its lines. */
async function proposedConfigErrors(git: GitRunner, change: Change): Promise<ConfigError[]> {
  const text = await readFileAt(git, change.head.sha, CONFIG_PATH);
  if (text === undefined) return [];
  const result = parseConfigText(text, CONFIG_PATH);
  return result.ok ? [] : result.errors;
}

export async function gatherAndJudge(io: CliIO, options: CheckOptions): Promise<{ report: Report; range: RangeFacts }> {
  const { git } = await openRepository(io);
  const range = await resolveRange(git, options);
  const [loaded, gitattributes, diff, commits, headAuthor, body] = await Promise.all([
    loadConfig(git, io, options, range),
    readFileAt(git, range.base.sha, GITATTRIBUTES_PATH),
    diffBetween(git, range.forkPoint, range.head.sha),
    commitsBetween(git, range.forkPoint, range.head.sha),
    git.run(['log', '-1', '--no-show-signature', '--format=%an%x1f%ae', range.head.sha]),
    options.body === undefined ? Promise.resolve('') : readUserFile(io, options.body, '--body'),
  ]);
  const [authorName = '', authorEmail = ''] = headAuthor.trim().split('\x1f');
  const branch = await branchOf(git, io, options);

  const change = makeChange({
    files: parseGitDiff(diff),
    title: await titleOf(git, io, options, commits.map((c) => c.subject)),
    body,
    author: personOf(authorName, authorEmail),
    labels: [...new Set(options.label)],
    base: { ref: range.base.ref, sha: range.forkPoint },
    head: { ref: branch ?? range.head.ref, sha: range.head.sha },
    gitattributes,
    commits: commits.map(({ sha, parents, message, author }) => ({ sha, parents, message, author })),
  });

  // Whole files for the risky rule, when a risky file is touched and its patch does not settle it.
  const wanted = factsWanted(change, loaded.config);
  await readTexts(git, change, wanted, range.forkPoint, range.head.sha);
  const migrationFacts = await gatherMigrationFacts(change, loaded.config, (path) => readFileAt(git, range.head.sha, path));
  const syntax = await loadSyntax(wanted.grammars);
  const proposedConfig = wanted.proposedConfig ? { path: CONFIG_PATH, errors: await proposedConfigErrors(git, change) } : undefined;
  const report = evaluate(change, loaded.config, { ...migrationFacts, syntax, ...(proposedConfig === undefined ? {} : { proposedConfig }) });
  return {
    report,
    range: { base: range.base, head: range.head, commits: commits.length, configSource: loaded.source },
  };
}

export async function runCheck(io: CliIO, options: CheckOptions): Promise<number> {
  let judged: { report: Report; range: RangeFacts };
  try {
    judged = await gatherAndJudge(io, options);
  } catch (error) {
    if (error instanceof ConfigInvalid) return error.print(io, options.format);
    throw error;
  }
  const { report, range } = judged;
  if (options.format === 'json') io.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else if (options.format === 'github') {
    io.stdout.write(renderGitHub(report));
    // In a workflow, the job's summary page gets the same table the check run shows.
    const summaryFile = io.env.GITHUB_STEP_SUMMARY;
    if (summaryFile) await appendFile(summaryFile, `## monoenv: ${report.title}\n\n${renderSummary(report)}\n`);
  }
  else io.stdout.write(renderText(report, range, useColour(io)));
  return report.conclusion === 'failure' ? 1 : 0;
}
