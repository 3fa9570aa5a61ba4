/**
 * The git side of the report: finds the default branch, streams its first-parent history, follows the
 * configuration and `.gitattributes` in force at every commit from the same stream, and judges each change.
 */
import path from 'node:path';
import { makeChange } from '../../engine/change.js';
import { parseGitDiff } from '../../engine/diff.js';
import { DEFAULT_CONFIG, type MonoenvConfig } from '../../config/schema.js';
import { formatConfigError, parseConfigText } from '../../config/load.js';
import { BlobReader } from '../../git/blobs.js';
import {
  blobsAt,
  DEFAULT_BRANCH_NAMES,
  defaultBranch as findDefaultBranch,
  gitDirectory,
  resolveCommit,
  shallowBoundary as readShallowBoundary,
} from '../../git/queries.js';
import type { GitRunner } from '../../git/runner.js';
import { GitError, reportGit } from './git.js';
import { personFromAuthor } from '../../git/range.js';
import { readFirstParentLog, type LoggedCommit } from './history.js';
import { CONFIG_PATH } from '../../config/path.js';
import { GITATTRIBUTES_PATH } from '../../engine/gitattributes.js';
import { isHotfix, readArrival, revertedCommit } from './messages.js';
import { judgeChange } from './judge.js';
import { HistoryMigrationFacts } from './migration-facts.js';
import type { ChangeRecord, ConfigFacts, ConfigState, HistoryFacts } from './model.js';

/** A problem with the input that ends the report with a one-line reason (exit 2). */
export class ReportInputError extends Error {
  override name = 'ReportInputError';
}

export interface CollectOptions {
  cwd: string;
  /** The branch to walk; the default branch when absent. */
  branch?: string;
  since: Date;
  until: Date;
  /** A proposed configuration every change is also judged with (`--config`). */
  proposed?: MonoenvConfig;
  /** Called after every commit read, with the number of commits expected in the window. */
  onProgress?: (done: number, total: number) => void;
}

export interface Collected {
  records: ChangeRecord[];
  history: HistoryFacts;
  config: ConfigFacts;
  missing: string[];
  /** Configuration in force at the branch tip (for the review figures). */
  headConfig: MonoenvConfig;
}

interface ConfigVersion {
  config: MonoenvConfig;
  source: ConfigState;
  errors: string[];
}

async function gitDirOf(git: GitRunner): Promise<string> {
  const gitDir = await gitDirectory(git).catch((error: unknown) => {
    throw new ReportInputError(`cannot read ${git.cwd}: ${(error as Error).message}`);
  });
  if (gitDir === undefined) throw new ReportInputError(`not a git repository: ${path.resolve(git.cwd)}`);
  return gitDir;
}

/** origin/HEAD when the clone knows it, else the usual names, else a clear request for --branch. */
export async function defaultBranch(cwd: string): Promise<string> {
  const found = await findDefaultBranch(reportGit(cwd));
  if (found !== undefined) return found;
  throw new ReportInputError(
    `no default branch: no origin/HEAD and none of ${DEFAULT_BRANCH_NAMES.join(', ')} exists (pass --branch NAME)`,
  );
}

async function resolveTip(git: GitRunner, branch: string): Promise<string> {
  const sha = await resolveCommit(git, branch);
  if (sha === undefined) throw new ReportInputError(`branch "${branch}" has no commits or does not exist`);
  return sha;
}

export async function collectHistory(options: CollectOptions): Promise<Collected> {
  const { cwd, since, until } = options;
  const git = reportGit(cwd);
  const gitDir = await gitDirOf(git);
  const branch = options.branch ?? (await defaultBranch(cwd));
  const tip = await resolveTip(git, branch);
  const shallowBoundary = await readShallowBoundary(gitDir);
  const expected = Number((await git.run(['rev-list', '--first-parent', '--count', `--since=${since.toISOString()}`, tip])).trim());

  const blobs = new BlobReader(git);
  const migrationFacts = new HistoryMigrationFacts(blobs);
  const configs = new Map<string, ConfigVersion>();
  const attributes = new Map<string, string>();
  const readConfig = async (blob: string | undefined): Promise<ConfigVersion> => {
    if (blob === undefined) return { config: DEFAULT_CONFIG, source: 'default', errors: [] };
    let version = configs.get(blob);
    if (version === undefined) {
      const text = (await blobs.read(blob))?.toString('utf8');
      const parsed = text === undefined ? undefined : parseConfigText(text, CONFIG_PATH);
      if (parsed?.ok) version = { config: parsed.config, source: 'file', errors: [] };
      else {
        const errors =
          parsed === undefined ? [`${CONFIG_PATH}: blob ${blob} is missing`] : parsed.errors.map((e) => formatConfigError(e, CONFIG_PATH));
        version = { config: DEFAULT_CONFIG, source: 'invalid', errors };
      }
      configs.set(blob, version);
    }
    return version;
  };
  const readAttributes = async (blob: string | undefined): Promise<string | undefined> => {
    if (blob === undefined) return undefined;
    let text = attributes.get(blob);
    if (text === undefined) {
      text = (await blobs.read(blob))?.toString('utf8') ?? '';
      attributes.set(blob, text);
    }
    return text;
  };

  const atTip = await blobsAt(git, tip, [CONFIG_PATH, GITATTRIBUTES_PATH]);
  const state = new Map([CONFIG_PATH, GITATTRIBUTES_PATH].map((file) => [file, atTip.get(file)]));
  const headConfig = (await readConfig(state.get(CONFIG_PATH))).config;
  const records: ChangeRecord[] = [];
  const skipped: HistoryFacts['skipped'] = [];
  const invalidUse = new Map<string, number>();
  let read = 0;
  let oldest: LoggedCommit | undefined;
  try {
    for await (const commit of readFirstParentLog(git, tip, since)) {
      read++;
      oldest = commit;
      // Walking newest first: after this commit's own changes are undone, `state` is its first parent's tree,
      // whose configuration judged it (as the check run judges a pull request by its base).
      for (const change of commit.tracked) state.set(change.path, change.before);
      options.onProgress?.(read, Math.max(expected, read));
      if (Date.parse(commit.committedAt) > until.getTime()) continue;
      if (commit.parents.length === 0) {
        skipped.push({ sha: commit.sha, reason: shallowBoundary.has(commit.sha) ? 'shallow boundary' : 'root' });
        continue;
      }
      const configBlob = state.get(CONFIG_PATH);
      const version = await readConfig(configBlob);
      if (version.source === 'invalid') invalidUse.set(configBlob!, (invalidUse.get(configBlob!) ?? 0) + 1);
      let files;
      try {
        files = parseGitDiff(commit.diff);
      } catch {
        skipped.push({ sha: commit.sha, reason: 'unreadable diff' });
        continue;
      }
      const arrived = readArrival(commit.message);
      const body = commit.message.split('\n').slice(1).join('\n').trim();
      const change = makeChange({
        files,
        title: arrived.title,
        body,
        author: personFromAuthor(commit.authorName, commit.authorEmail),
        base: { ref: branch, sha: commit.parents[0] },
        head: { ref: branch, sha: commit.sha },
        gitattributes: await readAttributes(state.get(GITATTRIBUTES_PATH)),
        ...(arrived.pr === undefined ? {} : { number: arrived.pr }),
      });
      const reverts = revertedCommit(commit.message);
      const facts = await migrationFacts.for(change, options.proposed ? [version.config, options.proposed] : [version.config]);
      records.push(
        judgeChange({
          change,
          config: version.config,
          configSource: version.source,
          committedAt: commit.committedAt,
          authoredAt: commit.authoredAt,
          arrival: arrived.arrival,
          ...(arrived.pr === undefined ? {} : { pr: arrived.pr }),
          ...(reverts === undefined ? {} : { reverts }),
          hotfix: isHotfix(commit.message),
          ...(options.proposed ? { proposed: options.proposed } : {}),
          facts,
        }),
      );
    }
  } catch (error) {
    if (error instanceof GitError) throw new ReportInputError(`git log failed: ${error.message}`);
    throw error;
  } finally {
    blobs.close();
  }

  const missing: string[] = [];
  const shallow = shallowBoundary.size > 0;
  let availableSince: string | undefined;
  if (oldest !== undefined && oldest.parents.length === 0 && shallowBoundary.has(oldest.sha)) {
    availableSince = oldest.committedAt;
    missing.push(
      `shallow clone: history available only from ${oldest.committedAt.slice(0, 10)} (${read} first-parent commits in the window); run \`git fetch --unshallow\` for the full window`,
    );
  }
  const invalidVersions = [...invalidUse].map(([blob, changes]) => ({ blob, errors: configs.get(blob)!.errors, changes }));
  const config: ConfigFacts = {
    fromFile: records.filter((r) => r.config === 'file').length,
    defaults: records.filter((r) => r.config === 'default').length,
    invalid: records.filter((r) => r.config === 'invalid').length,
    invalidVersions,
  };
  if (config.invalid > 0) {
    missing.push(
      `${config.invalid} changes were judged with the default configuration: the ${CONFIG_PATH} in force at their base could not be read (${invalidVersions.length} invalid versions)`,
    );
  }
  return {
    records,
    history: { branch, head: tip, shallow, ...(availableSince ? { availableSince } : {}), judged: records.length, skipped },
    config,
    missing,
    headConfig,
  };
}
