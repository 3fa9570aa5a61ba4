/**
 * `monoenv check`: the local git range as fact source (source.ts), the engine, and the output format as
 * publisher (publish.ts). Like the App, the rules come from the base (a branch cannot weaken the rules that
 * judge it).
 */
import type { Report } from '../engine/report.js';
import { evaluateFrom } from '../facts/source.js';
import { configTooLargeError, MAX_CONFIG_BYTES, parseConfigText } from '../config/load.js';
import { CONFIG_PATH } from '../config/path.js';
import { DEFAULT_CONFIG, type MonoenvConfig } from '../config/schema.js';
import {
  currentBranch,
  DEFAULT_BRANCH_NAMES,
  defaultBranch,
  isShallow,
  mergeBase,
  readSmallFileAt,
  repositoryRoot,
  resolveCommit,
} from '../git/queries.js';
import { gitIn, type GitRunner } from '../git/runner.js';
import { parseStackBranch } from '../engine/split/stack.js';
import { branchOnRemote } from '../present/split.js';
import { readUserFile, UsageError, type CliIO } from './io.js';
import type { RangeFacts } from '../present/text.js';
import { ConfigInvalid } from './config-errors.js';
import { GitRangeSource, type Range } from './source.js';
import { publisherFor } from './publish.js';

import type { OutputFormat } from './publish.js';

export type { OutputFormat } from './publish.js';

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

/** Opens the repository that holds the working directory, or says clearly that there is none. */
export async function openRepository(io: CliIO): Promise<{ git: GitRunner; root: string }> {
  const root = await repositoryRoot(gitIn(io.cwd, { env: io.env }));
  if (root === undefined) throw new UsageError(`not a git repository: ${io.cwd}`);
  return { git: gitIn(root, { env: io.env }), root };
}

export async function resolveRange(git: GitRunner, options: Pick<CheckOptions, 'base' | 'head'>): Promise<Range> {
  const headRef = options.head ?? 'HEAD';
  const headSha = await resolveCommit(git, headRef);
  if (headSha === undefined) {
    throw new UsageError(
      headRef === 'HEAD' && options.head === undefined ? 'HEAD has no commits yet' : `unknown ref "${headRef}" (--head)`,
    );
  }

  let baseRef = options.base;
  const defaultRef = await defaultBranch(git);
  if (baseRef === undefined) {
    // A branch of a stack (`feature-2-api`) goes into the part before it, when that branch is here.
    const branch = options.head === undefined ? await currentBranch(git) : undefined;
    baseRef = (branch === undefined ? undefined : await stackBaseOf(git, branch)) ?? defaultRef;
    if (baseRef === undefined) {
      throw new UsageError(
        `no default branch found (looked for origin/HEAD, ${DEFAULT_BRANCH_NAMES.join(', ')}, locally and on origin); pass --base REF`,
      );
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
  // A change is stacked when its base is another branch; on the default branch's commit, or on a revision that
  // names no branch (`HEAD~3`), it is not, whatever the base is called.
  const defaultSha = defaultRef === undefined ? undefined : await resolveCommit(git, defaultRef);
  const baseIsBranch =
    (await resolveCommit(git, `refs/heads/${baseRef}`)) !== undefined ||
    (await resolveCommit(git, `refs/remotes/${baseRef}`)) !== undefined;
  const defaultName = defaultRef === undefined ? undefined : defaultSha === baseSha || !baseIsBranch ? baseRef : branchOnRemote(defaultRef);
  return {
    base: { ref: baseRef, sha: baseSha },
    forkPoint,
    head: { ref: headRef, sha: headSha },
    ...(defaultName === undefined ? {} : { defaultBranch: defaultName }),
  };
}

/** The local branch a stack branch builds on: `<stem>-<n-1>-<part>` for `<stem>-<n>-<part>`, when exactly one exists. */
async function stackBaseOf(git: GitRunner, branch: string): Promise<string | undefined> {
  const place = parseStackBranch(branch);
  if (place === undefined || place.position < 2) return undefined;
  const prefix = `${place.stem}-${place.position - 1}-`;
  const listed = await git.run(['for-each-ref', '--format=%(refname:short)', `refs/heads/${prefix}*`]);
  const below = listed.split('\n').filter((name) => name.startsWith(prefix) && parseStackBranch(name)?.stem === place.stem);
  return below.length === 1 ? below[0] : undefined;
}

interface LoadedConfig {
  config: MonoenvConfig;
  /** Where it came from, for people: ".github/monoenv.yml at main", "defaults (…)". */
  source: string;
}

function baseConfigWhere(range: Range): string {
  return `${CONFIG_PATH} at ${range.base.ref} (${range.base.sha.slice(0, 7)}), which judges this change`;
}

export async function loadConfig(git: GitRunner, io: CliIO, options: Pick<CheckOptions, 'config'>, range: Range): Promise<LoadedConfig> {
  let text: string;
  let file: string;
  let source: string;
  if (options.config !== undefined) {
    file = options.config;
    text = await readUserFile(io, options.config, '--config');
    source = options.config;
  } else {
    file = CONFIG_PATH;
    const read = await readSmallFileAt(git, range.base.sha, CONFIG_PATH, MAX_CONFIG_BYTES);
    if (read === undefined) return { config: DEFAULT_CONFIG, source: `defaults (no ${CONFIG_PATH} at ${range.base.ref})` };
    source = `${CONFIG_PATH} at ${range.base.ref}`;
    // A file too large is refused unread (its size from git), as parseConfigText refuses one given as text.
    if ('tooLarge' in read) {
      throw new ConfigInvalid([configTooLargeError(read.tooLarge)], file, `invalid configuration in ${baseConfigWhere(range)}`);
    }
    text = read.text;
  }
  const result = parseConfigText(text, file);
  if (!result.ok) {
    const where = options.config === undefined ? baseConfigWhere(range) : file;
    throw new ConfigInvalid(result.errors, file, `invalid configuration in ${where}`);
  }
  if (result.config._extends !== undefined) {
    io.stderr.write(`monoenv: warning: _extends (${result.config._extends}) is followed by the App only; the CLI uses ${file} as it is\n`);
  }
  return { config: result.config, source };
}

export async function gatherAndJudge(io: CliIO, options: CheckOptions): Promise<{ report: Report; range: RangeFacts }> {
  const { git } = await openRepository(io);
  const range = await resolveRange(git, options);
  const loaded = await loadConfig(git, io, options, range);
  const source = new GitRangeSource(git, io, options, range);
  const report = await evaluateFrom(source, loaded.config);
  return {
    report,
    range: { base: range.base, head: range.head, commits: source.commitCount, configSource: loaded.source },
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
  await publisherFor(options.format, io).publish(judged.report, judged.range);
  return judged.report.conclusion === 'failure' ? 1 : 0;
}
