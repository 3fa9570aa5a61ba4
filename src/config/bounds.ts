/**
 * The bounds on a configuration file, checked before anything parses it: its size, how deep its collections
 * nest, and how often its anchors may be expanded. A pull request proposes its own version of the file, read on
 * every event, so these are what keeps a hostile file from costing the App its memory.
 */
import { CST, Lexer } from 'yaml';
import type { ConfigError } from './load.js';

/**
 * The largest configuration file monoenv reads, in bytes (64 KB; the largest real configuration is a few KB).
 * A bigger file is refused before it is parsed: parsing YAML costs memory many times its size (400 KB of
 * `size: [0,0,…]` took ~200 MB of heap), and the proposed version of a pull request is read on every event.
 */
export const MAX_CONFIG_BYTES = 64 * 1024;

/** How deep collections may nest (the schema needs 4); deeper documents are refused before they are composed. */
export const MAX_CONFIG_NESTING = 32;

/** Anchors may be expanded this many times in all; more is a "billion laughs" document. */
export const MAX_CONFIG_ALIASES = 100;

/** The error for a file refused because of its size; `bytes` as GitHub or git reported it. */
export function configTooLargeError(bytes: number): ConfigError {
  return {
    path: '',
    code: 'file-too-large',
    message: `file too large: ${formatBytes(bytes)}, over the ${formatBytes(MAX_CONFIG_BYTES)} monoenv reads; it was not parsed`,
  };
}

export function isTooLarge(errors: readonly ConfigError[]): boolean {
  return errors.some((error) => error.code === 'file-too-large');
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/**
 * Whether collections nest deeper than `limit`, read from the token stream (linear, nothing built): flow
 * brackets, and block indicators (`-`, `?`, `:`) on one line, as in `- - - - x`. Block nesting by
 * indentation needs quadratic space, so the size limit already keeps it shallow.
 */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let flow = 0;
  let indicatorsOnLine = 0;
  for (const token of new Lexer().lex(text)) {
    switch (CST.tokenType(token)) {
      case 'flow-map-start':
      case 'flow-seq-start':
        if (++flow > limit) return true;
        break;
      case 'flow-map-end':
      case 'flow-seq-end':
        flow = Math.max(0, flow - 1);
        break;
      case 'seq-item-ind':
      case 'explicit-key-ind':
      case 'map-value-ind':
        if (++indicatorsOnLine + flow > limit) return true;
        break;
      case 'newline':
        indicatorsOnLine = 0;
        break;
    }
  }
  return false;
}
