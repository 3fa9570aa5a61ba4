/**
 * The configuration that judges a change: `.github/monoenv.yml` from the repository's default branch,
 * else from the org's `.github` repository, with `_extends` — Probot's convention, through `context.config`.
 * User arrays replace default arrays. A bad configuration becomes errors, never a crash.
 */
import { Context } from 'probot';
import type { ConfigError } from '../config/load.js';
import { parseConfigObject, parseConfigText } from '../config/load.js';
import { DEFAULT_CONFIG, type MonoenvConfig } from '../config/schema.js';
import type { GitHubClient, GitHubData, RepoRef } from './facts.js';

export const CONFIG_FILE = 'monoenv.yml';
export const CONFIG_PATH = `.github/${CONFIG_FILE}`;

export type LoadedConfig =
  | { ok: true; config: MonoenvConfig }
  /** `file` names where the errors are (for messages); `inRepository` when they are in this repository's own file. */
  | { ok: false; errors: ConfigError[]; file: string; inRepository: boolean };

/** What config loading needs from Probot's Context. */
export interface ConfigSource {
  config<T>(
    fileName: string,
    defaultConfig?: T,
    deepMergeOptions?: { arrayMerge?: (target: unknown[], source: unknown[]) => unknown[] },
  ): Promise<T | null>;
}

/** Arrays in the user's file replace the ones they extend, as the SPEC promises. */
const arraysReplace = { arrayMerge: (_target: unknown[], source: unknown[]) => source };

/**
 * `ownFile` reads this repository's own file where `source` reads it (for errors with lines); by default on
 * the default branch, as Probot's `context.config` reads it.
 */
export async function loadConfig(
  source: ConfigSource,
  data: GitHubData,
  ownFile: () => Promise<string | null> = () => data.fileOnDefaultBranch(CONFIG_PATH),
): Promise<LoadedConfig> {
  let merged: Record<string, unknown> | null;
  try {
    merged = await source.config<Record<string, unknown>>(CONFIG_FILE, {}, arraysReplace);
  } catch (error) {
    // GitHub failing to answer (a 5xx after retries, a cut connection, a 403) says nothing about the file:
    // it is the evaluation that failed, not the configuration, and a redelivery or re-run may succeed.
    if (typeof (error as { status?: unknown }).status === 'number') throw error;
    // Probot's config plugin throws on unparsable YAML, a bad `_extends` or an `_extends` cycle; the
    // repository's own file usually says where.
    const own = await positionedErrors(ownFile);
    if (own !== undefined) return { ok: false, errors: own, file: CONFIG_PATH, inRepository: true };
    const message = ((error as Error).message ?? String(error)).replace(/^\[@probot\/octokit-plugin-config\]\s*/, '');
    return { ok: false, errors: [{ path: '', message }], file: CONFIG_PATH, inRepository: false };
  }
  if (merged === null || Object.keys(merged).length === 0) return { ok: true, config: DEFAULT_CONFIG };
  const result = parseConfigObject(merged);
  if (result.ok) return result;
  // The merged object has no positions; when the mistake is in this repository's file, its text has them.
  const own = await positionedErrors(ownFile);
  if (own !== undefined) return { ok: false, errors: own, file: CONFIG_PATH, inRepository: true };
  return { ok: false, errors: result.errors, file: `${CONFIG_PATH} (with the configuration it extends)`, inRepository: false };
}

/** Errors of the repository's own configuration file, with lines; undefined when it has none or is valid. */
async function positionedErrors(ownFile: () => Promise<string | null>): Promise<ConfigError[] | undefined> {
  // The same request Probot just made, so it is answered 304 (free) from the conditional-request cache.
  const text = await ownFile();
  if (text === null) return undefined;
  const result = parseConfigText(text, CONFIG_PATH);
  return result.ok ? undefined : result.errors;
}

/**
 * The configuration from before a change landed, for the audits: this repository's file at `commit` (a merged
 * pull request's base, a push's `before`), else the organization's, with `_extends` — Probot's own
 * `context.config`, pointed at the commit, so reads and merging are the same. A change cannot waive its own
 * audit: the default branch after it landed holds its version. Without a commit (a new repository or branch:
 * `before` is all zeros) the organization's configuration judges it, else the defaults; in the organization's
 * `.github` repository itself, the defaults.
 */
export function loadConfigBefore(
  octokit: GitHubClient,
  repository: RepoRef,
  data: GitHubData,
  commit: string | undefined,
): Promise<LoadedConfig> {
  if (commit === undefined && repository.repo === ORG_CONFIG_REPO) return Promise.resolve({ ok: true, config: DEFAULT_CONFIG });
  const where = commit === undefined ? { owner: repository.owner, repo: ORG_CONFIG_REPO } : { ...repository, branch: commit };
  const context = { octokit, repo: <T extends object>(extra: T) => ({ ...where, ...extra }) };
  // Probot's own reading (org fallback, _extends), called below with `this` set to a context of our own.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const readConfig = Context.prototype.config as (this: unknown, ...args: Parameters<ConfigSource['config']>) => Promise<unknown>;
  const source: ConfigSource = {
    config: <T>(...args: Parameters<ConfigSource['config']>) => readConfig.call(context, ...args) as Promise<T | null>,
  };
  return loadConfig(source, data, commit === undefined ? () => Promise.resolve(null) : () => data.fileAt(CONFIG_PATH, commit));
}

/** The repository that holds an organization's shared configuration. */
const ORG_CONFIG_REPO = '.github';

/** A push's `before` when there was nothing before it (a new branch or repository). */
export function commitBefore(before: string | undefined): string | undefined {
  return before === undefined || /^0+$/.test(before) ? undefined : before;
}

/** Validates the version of the configuration a pull request proposes (read at its head commit). */
export async function validateProposedConfig(data: GitHubData, headSha: string): Promise<ConfigError[]> {
  const text = await data.fileAt(CONFIG_PATH, headSha);
  if (text === null) return [];
  const result = parseConfigText(text, CONFIG_PATH);
  return result.ok ? [] : result.errors;
}
