/**
 * The configuration that judges a change: `.github/monoenv.yml` from the repository's default branch,
 * else from the org's `.github` repository, with `_extends` — Probot's convention, read by Probot's config
 * plugin. User arrays replace default arrays. A bad configuration becomes errors, never a crash; a file
 * over MAX_CONFIG_BYTES is refused before anything parses it.
 */
import { composeConfigGet } from '@probot/octokit-plugin-config';
import deepmerge from 'deepmerge';
import type { ConfigError } from '../config/load.js';
import { configTooLargeError, MAX_CONFIG_BYTES, parseConfigObject, parseConfigText } from '../config/load.js';
import { DEFAULT_CONFIG, type MonoenvConfig } from '../config/schema.js';
import { ContentOmittedError, type GitHubClient, type GitHubData, type RepoRef } from './facts.js';

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
    /**
     * Told when the repository's own file turns out missing (its read answered 404): the plugin then reads the
     * organisation's, one round trip more, and what waits on the configuration may start on a guess meanwhile.
     */
    onOwnFileMissing?: () => void,
  ): Promise<T | null>;
}

/** Arrays in the user's file replace the ones they extend, as the SPEC promises. */
const arraysReplace = { arrayMerge: (_target: unknown[], source: unknown[]) => source };

/** A configuration file (the repository's, the org's or one it extends) over MAX_CONFIG_BYTES, left unparsed. */
export class ConfigTooLargeError extends Error {
  constructor(
    /** The file as `owner/repo:path`. */
    readonly file: string,
    readonly bytes: number,
  ) {
    super(`${file} is too large (${bytes} bytes)`);
    this.name = 'ConfigTooLargeError';
  }
}

/** The size of a contents answer: raw text or bytes, or a JSON answer's `size` when GitHub left the content out. */
function answerBytes(data: unknown): number | undefined {
  if (typeof data === 'string') return Buffer.byteLength(data, 'utf8');
  if (data instanceof ArrayBuffer) return data.byteLength;
  const size = (data as { size?: unknown } | null)?.size;
  return typeof size === 'number' ? size : undefined;
}

/**
 * Probot's `context.config`, with every file it reads (the repository's, the org `.github` repository's,
 * each `_extends`) refused above MAX_CONFIG_BYTES before the plugin parses it. The plugin is Probot's own;
 * only the client it is given differs: one whose contents reads check the size of the answer.
 */
export function boundedConfigSource(octokit: GitHubClient, where: RepoRef & { branch?: string }): ConfigSource {
  const send = octokit.request as unknown as (route: unknown, parameters?: unknown) => Promise<{ data: unknown }>;
  const client = (onMissing: (asked: Record<string, string>) => void) => {
    const request = Object.assign(
      async (route: string | Record<string, unknown>, parameters?: Record<string, unknown>) => {
        const asked = { ...(typeof route === 'object' ? route : {}), ...parameters } as Record<string, string>;
        let response: { data: unknown };
        try {
          response = await send(route, parameters);
        } catch (error) {
          if ((error as { status?: unknown }).status === 404) onMissing(asked);
          throw error;
        }
        const bytes = answerBytes(response.data);
        if (bytes !== undefined && bytes > MAX_CONFIG_BYTES)
          throw new ConfigTooLargeError(`${asked.owner}/${asked.repo}:${asked.path}`, bytes);
        return response;
      },
      { endpoint: octokit.request.endpoint },
    );
    return { ...octokit, request } as unknown as Parameters<typeof composeConfigGet>[0];
  };
  return {
    async config<T>(
      fileName: string,
      defaultConfig?: T,
      deepMergeOptions?: deepmerge.Options,
      onOwnFileMissing?: () => void,
    ): Promise<T | null> {
      const path = `.github/${fileName}`;
      const limited = client((asked) => {
        if (asked.owner === where.owner && asked.repo === where.repo && asked.path === path) onOwnFileMissing?.();
      });
      // What Probot's `context.config` does with the plugin's answer.
      const { config, files } = await composeConfigGet(limited, {
        ...where,
        path,
        defaults: (configs) => deepmerge.all([defaultConfig ?? {}, ...configs], deepMergeOptions) as never,
      });
      if (defaultConfig === undefined && !files.some((file) => file.config !== null)) return null;
      return config;
    },
  };
}

/**
 * `ownFile` reads this repository's own file where `source` reads it (for errors with lines); by default on
 * the default branch, as Probot's `context.config` reads it.
 */
export async function loadConfig(
  source: ConfigSource,
  data: GitHubData,
  ownFile: () => Promise<string | null> = () => data.fileOnDefaultBranch(CONFIG_PATH),
  onOwnFileMissing?: () => void,
): Promise<LoadedConfig> {
  let merged: Record<string, unknown> | null;
  try {
    merged = await source.config<Record<string, unknown>>(CONFIG_FILE, {}, arraysReplace, onOwnFileMissing);
  } catch (error) {
    if (error instanceof ConfigTooLargeError) {
      const own = error.file === `${data.repository.owner}/${data.repository.repo}:${CONFIG_PATH}`;
      return { ok: false, errors: [configTooLargeError(error.bytes)], file: own ? CONFIG_PATH : error.file, inRepository: own };
    }
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
  const errors = await configTextErrors(ownFile);
  return errors.length === 0 ? undefined : errors;
}

/**
 * The configuration from before a change landed, for the audits: this repository's file at `commit` (a merged
 * pull request's base, a push's `before`), else the organization's, with `_extends` — Probot's own
 * config plugin, pointed at the commit, so reads and merging are the same. A change cannot waive its own
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
  // Probot's own reading (org fallback, _extends), pointed at the commit, with the same size bound.
  const source = boundedConfigSource(octokit, where);
  return loadConfig(source, data, commit === undefined ? () => Promise.resolve(null) : () => data.fileAt(CONFIG_PATH, commit));
}

/** The repository that holds an organization's shared configuration. */
const ORG_CONFIG_REPO = '.github';

/** A push's `before` when there was nothing before it (a new branch or repository). */
export function commitBefore(before: string | undefined): string | undefined {
  return before === undefined || /^0+$/.test(before) ? undefined : before;
}

/** Validates the version of the configuration a pull request proposes (read at its head commit). */
export function validateProposedConfig(data: GitHubData, headSha: string): Promise<ConfigError[]> {
  return configTextErrors(() => data.fileAt(CONFIG_PATH, headSha));
}

/** The errors of a configuration file's text (none when it does not exist); parseConfigText refuses large ones. */
async function configTextErrors(read: () => Promise<string | null>): Promise<ConfigError[]> {
  let text: string | null;
  try {
    text = await read();
  } catch (error) {
    // GitHub answered with the file's size and no content (files over 1 MB in its JSON format).
    if (error instanceof ContentOmittedError) return [configTooLargeError(Math.max(error.size, MAX_CONFIG_BYTES + 1))];
    throw error;
  }
  if (text === null) return [];
  const result = parseConfigText(text, CONFIG_PATH);
  return result.ok ? [] : result.errors;
}
