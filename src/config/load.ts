/**
 * Reading a configuration: YAML text (with positions) or an already-parsed object → a validated config or
 * errors that name the key path, what was expected, "did you mean" for misspelt keys, and line/column when
 * the YAML source is known.
 *
 * A section left empty (`size:` with every setting commented out) reads as YAML null; it means "the
 * defaults of this section", as if the section were absent. An empty setting (`warn_lines:`) is an error:
 * whoever wrote the key meant to set something.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { configSchema, type MonoenvConfig } from './schema.js';
import { jsonSchemaOf, type JsonSchemaNode } from './json-schema.js';
import { configTooLargeError, MAX_CONFIG_ALIASES, MAX_CONFIG_BYTES, MAX_CONFIG_NESTING, nestsDeeperThan } from './bounds.js';

export { configTooLargeError, isTooLarge, MAX_CONFIG_ALIASES, MAX_CONFIG_BYTES, MAX_CONFIG_NESTING } from './bounds.js';
import { closestMatch } from './suggest.js';
import type { Finding } from '../engine/report.js';

import { CONFIG_PATH } from './path.js';

export interface ConfigError {
  /** Dotted key path, e.g. "size.warn_lines" or "risky.paths.2"; "" for the document itself. */
  path: string;
  message: string;
  /** Set when the file was refused unread because of its size (the check's title says so). */
  code?: 'file-too-large';
  line?: number;
  column?: number;
}

export type ConfigResult = { ok: true; config: MonoenvConfig } | { ok: false; errors: ConfigError[] };

type KeyPath = (string | number)[];
type Position = { line: number; column: number };
/** Finds the source position of a key path: its value, or with `atKey` the key itself. */
type Locate = (path: KeyPath, atKey: boolean) => Position | undefined;

/**
 * Validates YAML text; errors carry line and column. `file` is only used in messages. The text is refused
 * unparsed above MAX_CONFIG_BYTES or MAX_CONFIG_NESTING, and must be one document.
 */
export function parseConfigText(text: string, file?: string): ConfigResult {
  void file; // positions are relative to the text; callers put the file name in front (formatConfigError)
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_CONFIG_BYTES) return { ok: false, errors: [configTooLargeError(bytes)] };
  if (nestsDeeperThan(text, MAX_CONFIG_NESTING)) {
    return {
      ok: false,
      errors: [
        { path: '', message: `collections nest more than ${MAX_CONFIG_NESTING} levels deep; it was not parsed`, line: 1, column: 1 },
      ],
    };
  }
  const lineCounter = new LineCounter();
  // `merge: true` lets teams share settings with `<<: *anchor`, as they do in workflow files.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, merge: true, uniqueKeys: true });
  const position = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };

  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((error) => ({
        path: pathAtOffset(doc, error.pos[0]).join('.'),
        message: yamlErrorMessage(error.code, error.message),
        ...position(error.pos[0]),
      })),
    };
  }

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_CONFIG_ALIASES });
  } catch (error) {
    // A merge key (`<<`) whose value is not a mapping fails here, not in parsing: it is named where it stands.
    // Excessive alias expansion (a "billion laughs" document) and similar: the document as a whole is bad.
    const merge = badMergeSource(doc);
    const at = merge?.range?.[0];
    return {
      ok: false,
      errors: [{ path: at === undefined ? '' : mergeKeyPath(doc, at), message: (error as Error).message, ...position(at ?? 0) }],
    };
  }
  return validate(value, (path, atKey) => {
    const range = rangeOf(doc, path, atKey);
    return range === undefined ? undefined : position(range);
  });
}

/** Validates an already-parsed value (e.g. Probot's `context.config` after `_extends`): no positions. */
export function parseConfigObject(value: unknown): ConfigResult {
  return validate(value, () => undefined);
}

/** `FILE:LINE:COLUMN: key.path: message` (the compiler convention), without position parts when unknown. */
export function formatConfigError(error: ConfigError, file: string): string {
  let where = file;
  if (error.line !== undefined) where += `:${error.line}`;
  if (error.line !== undefined && error.column !== undefined) where += `:${error.column}`;
  return error.path === '' ? `${where}: ${error.message}` : `${where}: ${error.path}: ${error.message}`;
}

/**
 * Configuration errors as findings on the configuration file, for a change that edits it: the new
 * version is validated too, and annotated on its offending lines.
 */
export function configErrorFindings(errors: readonly ConfigError[], file: string = CONFIG_PATH): Finding[] {
  return errors.map((error) => ({
    rule: 'config' as const,
    level: 'error' as const,
    title: error.code === 'file-too-large' ? 'Invalid monoenv configuration: file too large' : 'Invalid monoenv configuration',
    message: error.path === '' ? error.message : `${error.path}: ${error.message}`,
    path: file,
    ...(error.line !== undefined ? { startLine: error.line, endLine: error.line } : {}),
  }));
}

// ---------------------------------------------------------------------------------------------------------

const SECTIONS = ['size', 'tests', 'risky', 'review', 'migrations', 'flags', 'overrides'] as const;

function validate(value: unknown, locate: Locate): ConfigResult {
  const input = withEmptySectionsAsDefaults(value);
  const parsed = configSchema.safeParse(input);
  if (parsed.success) return { ok: true, config: parsed.data };
  const errors = parsed.error.issues.flatMap((issue) => errorsOfIssue(issue, input, locate));
  // Reading order of the file when positions are known; zod's order (the schema's) otherwise.
  errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  return { ok: false, errors };
}

/** An empty document (or only comments) is the defaults; so is an empty section. */
function withEmptySectionsAsDefaults(value: unknown): unknown {
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) return value;
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const section of SECTIONS) if (copy[section] === null) delete copy[section];
  return copy;
}

type Issue = z.core.$ZodIssue;

function errorsOfIssue(issue: Issue, input: unknown, locate: Locate): ConfigError[] {
  const path = issue.path.filter((segment): segment is string | number => typeof segment !== 'symbol');
  const at = (keyPath: KeyPath, atKey: boolean, message: string): ConfigError => ({
    path: keyPath.join('.'),
    message,
    ...locate(keyPath, atKey),
  });

  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => at([...path, key], true, unknownKeyMessage(path, key)));
  }

  const schemaNode = jsonSchemaAt(path);
  const got = valueAt(input, path);
  const expected = schemaNode === undefined ? undefined : describeExpected(schemaNode);
  const expectedButGot = (what: string | undefined): string => `expected ${what ?? 'something else'}, got ${describeValue(got)}`;

  switch (issue.code) {
    case 'invalid_type':
      if (path.length === 0) {
        return [at(path, false, `the configuration must be a mapping of settings such as \`mode: enforce\`, got ${describeValue(got)}`)];
      }
      return [at(path, false, expectedButGot(expected))];
    case 'invalid_value': {
      const suggestion = typeof got === 'string' ? closestMatch(got, issue.values.map(String)) : undefined;
      const message = expectedButGot(expected ?? `one of ${issue.values.map((v) => `\`${String(v)}\``).join(', ')}`);
      return [at(path, false, suggestion === undefined ? message : `${message}; did you mean \`${suggestion}\`?`)];
    }
    case 'too_small':
    case 'too_big':
      if (issue.origin === 'string' && issue.code === 'too_small' && Number(issue.minimum) === 1) {
        return [at(path, false, 'must not be empty')];
      }
      if (issue.origin === 'string') {
        const length = typeof got === 'string' ? got.length : 0;
        return [at(path, false, `expected ${expected ?? 'a shorter string'}, got ${length} characters`)];
      }
      return [at(path, false, expectedButGot(expected))];
    case 'invalid_format':
      // Patterns cannot be explained by the pattern; the schema gives the message (e.g. "a call name such as …").
      return [at(path, false, `expected ${issue.message}, got ${describeValue(got)}`)];
    default:
      return [at(path, false, issue.message)];
  }
}

function unknownKeyMessage(parentPath: KeyPath, key: string): string {
  const known = Object.keys(jsonSchemaAt(parentPath)?.properties ?? {});
  const nearest = closestMatch(key, known);
  if (nearest !== undefined) return `unknown key; did you mean \`${nearest}\`?`;
  // A right key in the wrong section: `approvals` under `size` belongs under `review`.
  if (parentPath.length <= 1) {
    const home = SECTIONS.find((section) => section !== parentPath[0] && key in (jsonSchemaAt([section])?.properties ?? {}));
    if (home !== undefined) return `unknown key here; \`${key}\` is a setting of \`${home}\``;
  }
  return known.length > 0 ? `unknown key (known keys here: ${known.join(', ')})` : 'unknown key';
}

// ---------------------------------------------------------------------------------------------------------
// What a key expects, read from the JSON Schema generated from the zod schema, so the words follow the
// schema wherever it changes.

let rootSchema: JsonSchemaNode | undefined;

function jsonSchemaAt(path: KeyPath): JsonSchemaNode | undefined {
  rootSchema ??= jsonSchemaOf() as JsonSchemaNode;
  let node: JsonSchemaNode | undefined = rootSchema;
  for (const segment of path) {
    node = typeof segment === 'number' ? node?.items : node?.properties?.[segment];
    if (node === undefined) return undefined;
  }
  return node;
}

function describeExpected(node: JsonSchemaNode): string | undefined {
  if (node.enum !== undefined) return `one of ${node.enum.map((v) => `\`${String(v)}\``).join(', ')}`;
  switch (node.type) {
    case 'integer':
    case 'number': {
      const noun = node.type === 'integer' ? 'a whole number' : 'a number';
      const max = node.maximum !== undefined && node.maximum < Number.MAX_SAFE_INTEGER ? node.maximum : undefined;
      if (node.minimum !== undefined && max !== undefined) return `${noun} from ${node.minimum} to ${max}`;
      if (node.minimum !== undefined) return `${noun} ≥ ${node.minimum}`;
      if (max !== undefined) return `${noun} ≤ ${max}`;
      return noun;
    }
    case 'boolean':
      return '`true` or `false`';
    case 'string': {
      const nonEmpty = (node.minLength ?? 0) >= 1 ? 'a non-empty string' : 'a string';
      return node.maxLength !== undefined ? `${nonEmpty} of at most ${node.maxLength} characters` : nonEmpty;
    }
    case 'array': {
      const item = node.items?.type === 'string' ? 'strings' : node.items?.type === 'integer' ? 'whole numbers' : 'values';
      return `a list of ${item} (e.g. \`["…"]\` or one \`- …\` line per item)`;
    }
    case 'object': {
      const keys = Object.keys(node.properties ?? {});
      return keys.length > 0 ? `a mapping of its settings (${keys.slice(0, 3).join(', ')}${keys.length > 3 ? ', …' : ''})` : 'a mapping';
    }
    default:
      return undefined;
  }
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing (an empty value)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') {
    const shown = value.length > 60 ? `${value.slice(0, 57)}…` : value;
    return `the string ${JSON.stringify(shown)}`;
  }
  if (typeof value === 'object') return 'a mapping';
  // What YAML leaves: a number or a boolean.
  return `${value as number | boolean}`;
}

function valueAt(input: unknown, path: KeyPath): unknown {
  let node = input;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

// ---------------------------------------------------------------------------------------------------------
// Source positions.

function keyMatches(key: unknown, segment: string | number): boolean {
  return isScalar(key) ? String(key.value) === String(segment) : String(key) === String(segment);
}

function resolveNode(doc: Document, node: unknown): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

/**
 * The offset of a key path in the document: the value node, or the key with `atKey` (unknown keys).
 * When the path leads somewhere the source does not hold, the deepest node found stands in.
 */
function rangeOf(doc: Document, path: KeyPath, atKey: boolean): number | undefined {
  let node: unknown = doc.contents;
  let offset = (node as Node | null)?.range?.[0];
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    node = resolveNode(doc, node);
    if (isMap(node)) {
      const pair = node.items.find((item) => keyMatches(item.key, segment));
      if (pair === undefined) return offset;
      const keyOffset = isScalar(pair.key) ? pair.key.range?.[0] : offset;
      const value = pair.value;
      const last = i === path.length - 1;
      // An empty value has no text of its own; the key is where the reader looks.
      const emptyValue = isScalar(value) && value.value === null && value.source === '';
      if ((last && atKey) || value === null || emptyValue) return keyOffset;
      node = value;
      offset = (value as Node).range?.[0] ?? keyOffset;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (item === undefined) return offset;
      node = item;
      offset = (item as Node).range?.[0] ?? offset;
    } else {
      return offset;
    }
  }
  return offset;
}

/** The key path of the deepest node that holds `offset`, to name where a YAML syntax error is. */
/** The key path of a merge key at `offset`: the mapping's path, then `<<` (the parser keeps no string for the key). */
function mergeKeyPath(doc: Document, offset: number): string {
  return [...pathAtOffset(doc, offset).slice(0, -1), '<<'].join('.');
}

/** The first merge key (`<<`) whose value is not a mapping, an alias or a list of them, if any. */
function badMergeSource(doc: Document): Node | undefined {
  let found: Node | undefined;
  const source = (n: unknown): boolean => isMap(n) || isAlias(n);
  visit(doc, {
    Pair(_, pair) {
      const key = pair.key;
      if (!isScalar(key) || key.source !== '<<') return undefined;
      const value = pair.value;
      if (source(value) || (isSeq(value) && value.items.every(source))) return undefined;
      found = key;
      return visit.BREAK;
    },
  });
  return found;
}

function pathAtOffset(doc: Document, offset: number): KeyPath {
  const path: KeyPath = [];
  let node: unknown = doc.contents;
  const holds = (n: unknown): boolean => {
    const range = (n as Node | null)?.range;
    return range !== undefined && range !== null && range[0] <= offset && offset < range[2];
  };
  for (;;) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && (holds(item.key) || holds(item.value)));
      if (pair === undefined || !isScalar(pair.key)) return path;
      path.push(String(pair.key.value));
      if (!holds(pair.value)) return path;
      node = pair.value;
    } else if (isSeq(node)) {
      const index = node.items.findIndex(holds);
      if (index < 0) return path;
      path.push(index);
      node = node.items[index];
    } else {
      return path;
    }
  }
}

function yamlErrorMessage(code: string, message: string): string {
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'this key appears twice in the same mapping; keep one';
    case 'MULTIPLE_DOCS':
      return 'the file holds more than one YAML document (a second `---`); keep one';
    case 'TAB_AS_INDENT':
      return 'tabs are not allowed as indentation in YAML; indent with spaces';
    default: {
      const firstLine = message.split('\n')[0].replace(/\s*at line \d+, column \d+:?$/, '');
      return `YAML syntax error: ${firstLine.charAt(0).toLowerCase()}${firstLine.slice(1)}`;
    }
  }
}
