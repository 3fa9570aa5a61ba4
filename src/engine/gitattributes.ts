/**
 * `.gitattributes` as GitHub Linguist reads it: which paths are `linguist-generated` or `linguist-vendored`.
 * The text is the base commit's, supplied by adapters, so a pull request cannot relabel its own code.
 *
 * Git's pattern rules, not minimatch's: a pattern without a slash matches the name at any depth, a slash
 * anchors it to the root, braces and extglobs mean nothing, negative patterns are ignored, and a pattern
 * naming a directory (`vendor/`) matches no file in it (attributes need `vendor/**`). The last line that
 * sets or unsets an attribute for a path wins.
 */

/** Where a repository's attributes live; the base commit's version is read (a change cannot relabel its own code). */
export const GITATTRIBUTES_PATH = '.gitattributes';
import { Minimatch } from 'minimatch';
import { unquoteCString } from './diff.js';

/** true: set (`attr`, `attr=true`); false: unset (`-attr`, `attr=false`); undefined: unspecified. */
export type AttributeState = boolean | undefined;

interface AttributeRule {
  matches: (path: string) => boolean;
  /** The attribute's state on this line; `null` for `!attr` (back to unspecified). */
  state: boolean | null;
}

export interface GitAttributes {
  /** The state of a boolean attribute for a path (Linguist's reading: other values are unspecified). */
  state(path: string, attribute: string): AttributeState;
  generated(path: string): boolean;
  vendored(path: string): boolean;
}

const MATCH_OPTIONS = { dot: true, nobrace: true, noext: true, nocomment: true, nonegate: true } as const;

function compilePattern(pattern: string): ((path: string) => boolean) | null {
  if (pattern.length === 0 || pattern.endsWith('/')) return null;
  const anchored = pattern.includes('/');
  const glob = anchored ? pattern.replace(/^\//, '') : pattern;
  const mm = new Minimatch(glob, MATCH_OPTIONS);
  if (anchored) return (path) => mm.match(path);
  return (path) => mm.match(path.slice(path.lastIndexOf('/') + 1));
}

/** Splits a line into its pattern (possibly C-quoted) and the attribute tokens after it. */
function splitLine(line: string): { pattern: string; attributes: string[] } | null {
  const trimmed = line.replace(/^[ \t]+/, '');
  if (trimmed.length === 0 || trimmed.startsWith('#')) return null;
  let pattern: string;
  let rest: string;
  if (trimmed.startsWith('"')) {
    let i = 1;
    while (i < trimmed.length && trimmed[i] !== '"') i += trimmed[i] === '\\' ? 2 : 1;
    if (i >= trimmed.length) return null;
    pattern = unquoteCString(trimmed.slice(0, i + 1));
    rest = trimmed.slice(i + 1);
  } else {
    const end = trimmed.search(/[ \t]/);
    pattern = end === -1 ? trimmed : trimmed.slice(0, end);
    rest = end === -1 ? '' : trimmed.slice(end);
  }
  return { pattern, attributes: rest.split(/[ \t]+/).filter((t) => t.length > 0) };
}

function stateOf(token: string, attribute: string): boolean | null | undefined {
  if (token === attribute) return true;
  if (token === `-${attribute}`) return false;
  if (token === `!${attribute}`) return null;
  if (token.startsWith(`${attribute}=`)) {
    const value = token.slice(attribute.length + 1);
    return value === 'true' ? true : value === 'false' ? false : null;
  }
  return undefined;
}

/** Parses `.gitattributes` text once; answers per path, for the attributes it is asked about. */
export function parseGitAttributes(text: string | undefined): GitAttributes {
  const lines: { matches: (path: string) => boolean; attributes: string[] }[] = [];
  for (const raw of (text ?? '').split(/\r?\n/)) {
    const line = splitLine(raw);
    if (line === null || line.attributes.length === 0 || line.pattern.startsWith('!')) continue;
    const matches = compilePattern(line.pattern);
    if (matches !== null) lines.push({ matches, attributes: line.attributes });
  }

  // Per attribute, the lines that mention it, last first: the first match decides.
  const rulesByAttribute = new Map<string, AttributeRule[]>();
  const rulesFor = (attribute: string): AttributeRule[] => {
    let rules = rulesByAttribute.get(attribute);
    if (rules !== undefined) return rules;
    rules = [];
    for (let i = lines.length - 1; i >= 0; i--) {
      let state: boolean | null | undefined;
      for (const token of lines[i].attributes) {
        const s = stateOf(token, attribute);
        if (s !== undefined) state = s;
      }
      if (state !== undefined) rules.push({ matches: lines[i].matches, state });
    }
    rulesByAttribute.set(attribute, rules);
    return rules;
  };

  const state = (path: string, attribute: string): AttributeState => {
    for (const rule of rulesFor(attribute)) {
      if (rule.matches(path)) return rule.state ?? undefined;
    }
    return undefined;
  };
  return {
    state,
    generated: (path) => state(path, 'linguist-generated') === true,
    vendored: (path) => state(path, 'linguist-vendored') === true,
  };
}
