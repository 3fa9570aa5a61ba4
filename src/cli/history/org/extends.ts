/**
 * `_extends` on the organisation page, followed as the App follows it (Probot's config plugin): the file in
 * force (the repository's own, else the organisation's `.github` default) names another file, which may name
 * another; the nearest file's keys win, objects merge key by key and arrays are replaced. A chain that comes
 * back to a file already read is an error, as it is for the App. Each file named is read once for the whole
 * organisation (one GraphQL request, cached), however many repositories extend it.
 */
import { parse } from 'yaml';
import { CONFIG_PATH } from '../../../config/path.js';

/** Probot's own reading of an `_extends` value: `repo`, `owner/repo`, either with `:path.yml`. */
const EXTENDS = /^(?:([a-z\d](?:[a-z\d]|-(?=[a-z\d])){0,38})\/)?([-_.\w\d]+)(?::([-_./\w\d]+\.ya?ml))?$/i;

/** Files an `_extends` chain may hold before it is cut (Probot has no bound but its cycle check). */
export const MAX_CHAIN = 10;

export interface FileRef {
  owner: string;
  repo: string;
  path: string;
}

/** Reads a file on a repository's default branch: its text, or undefined when there is none. */
export type FileReader = (file: FileRef) => Promise<string | undefined>;

export interface ResolvedConfig {
  /** The merged object, ready for the schema; undefined when no file applies. */
  merged?: Record<string, unknown>;
  /** The files extended, nearest first, as `owner/repo:path`. */
  chain: string[];
  /** Why the chain could not be followed (an unreadable value, a missing file, a cycle). */
  errors: string[];
}

export function extendsTarget(value: unknown, owner: string): FileRef | undefined {
  if (typeof value !== 'string') return undefined;
  const match = EXTENDS.exec(value.trim());
  if (!match) return undefined;
  return { owner: match[1] ?? owner, repo: match[2], path: match[3] ?? CONFIG_PATH };
}

const named = (f: FileRef): string => `${f.owner}/${f.repo}:${f.path}`;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `near` over `far`: objects merged key by key, anything else (arrays included) replaced. */
export function mergeOver(far: Record<string, unknown>, near: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...far };
  for (const [key, value] of Object.entries(near)) out[key] = isObject(value) && isObject(out[key]) ? mergeOver(out[key], value) : value;
  return out;
}

function parsed(text: string): Record<string, unknown> | undefined {
  try {
    const value = parse(text) as unknown;
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Follows the chain from `text` (the file in force, at `start`). Unparsable text is left to the schema's own
 * errors (returned as the merged object's absence with no chain), so the page reports it as it did.
 */
export async function resolveExtends(text: string, start: FileRef, read: FileReader): Promise<ResolvedConfig> {
  const first = parsed(text);
  if (first === undefined || first._extends === undefined) return { chain: [], errors: [], ...(first ? { merged: first } : {}) };
  const layers: Record<string, unknown>[] = [first];
  const chain: string[] = [];
  const seen = new Set([named(start)]);
  let current = first;
  let from = start;
  while (current._extends !== undefined) {
    const target = extendsTarget(current._extends, from.owner);
    if (target === undefined) return { chain, errors: [`invalid _extends value ${JSON.stringify(current._extends)} in ${named(from)}`] };
    if (seen.has(named(target))) return { chain, errors: [`_extends cycle: ${named(target)} was already read (from ${named(from)})`] };
    if (chain.length >= MAX_CHAIN) return { chain, errors: [`_extends chain longer than ${MAX_CHAIN} files`] };
    seen.add(named(target));
    chain.push(named(target));
    const next = await read(target);
    if (next === undefined) return { chain, errors: [`_extends: ${named(target)} not found (named in ${named(from)})`] };
    const object = parsed(next);
    if (object === undefined) return { chain, errors: [`_extends: ${named(target)} is not a YAML mapping`] };
    layers.push(object);
    current = object;
    from = target;
  }
  let merged: Record<string, unknown> = {};
  for (const layer of layers.reverse()) {
    const { _extends: _ignored, ...keys } = layer;
    merged = mergeOver(merged, keys);
  }
  return { merged, chain, errors: [] };
}
