/**
 * Reading a configuration: YAML text (with positions) or an already-parsed object → a validated config or
 * errors that name the key path, what was expected, "did you mean" for misspelt keys, and line/column when
 * the YAML source is known. (Interface fixed; implementation pending.)
 */
import type { MonoenvConfig } from './schema.js';

export interface ConfigError {
  /** Dotted key path, e.g. "size.warn_lines" or "risky.paths.2"; "" for the document itself. */
  path: string;
  message: string;
  line?: number;
  column?: number;
}

export type ConfigResult = { ok: true; config: MonoenvConfig } | { ok: false; errors: ConfigError[] };

/** Validates YAML text; errors carry line and column. `file` is only used in messages. */
export declare function parseConfigText(text: string, file?: string): ConfigResult;

/** Validates an already-parsed value (e.g. Probot's `context.config` after `_extends`): no positions. */
export declare function parseConfigObject(value: unknown): ConfigResult;

/** `FILE:LINE:COLUMN: key.path: message` (the compiler convention), without position parts when unknown. */
export declare function formatConfigError(error: ConfigError, file: string): string;
