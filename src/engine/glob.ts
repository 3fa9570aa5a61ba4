import { Minimatch } from 'minimatch';

export type PathMatcher = (path: string) => boolean;

/**
 * A compiled glob, with what every matching path has: one of `suffixes` as its ending, and one of `pieces`
 * somewhere in it (undefined: no such list could be derived).
 */
interface CompiledGlob {
  mm: Minimatch;
  suffixes: string[] | undefined;
  pieces: string[] | undefined;
}

const compiled = new Map<string, CompiledGlob>();

/** `*` then literal text: the last segment of most source, test and exemption globs (`**\/*.py`). */
const STAR_SUFFIX = /^\*([^*?[\]{}()!+@\\/]+)$/;

/**
 * The endings a path must have to match: for each brace expansion, the literal after the last segment's
 * leading `*`. A path without any of them cannot match, so minimatch (which costs far more than
 * `endsWith`, and runs for every file against every glob of three lists) is not asked.
 */
function requiredSuffixes(mm: Minimatch): string[] | undefined {
  const suffixes: string[] = [];
  for (const pattern of mm.globSet) {
    const last = pattern.slice(pattern.lastIndexOf('/') + 1);
    const literal = STAR_SUFFIX.exec(last);
    if (literal === null) return undefined;
    suffixes.push(literal[1]);
  }
  return suffixes.length > 0 ? suffixes : undefined;
}

/**
 * For each brace expansion, its longest literal piece (between `/`, `*` and `?`): a matching path contains
 * it verbatim. Only for plain expansions: classes, extglobs (`!(x)` must not require x), escapes and `.`/`..`
 * segments (which minimatch may rewrite) leave the glob without pieces.
 */
function requiredPieces(mm: Minimatch): string[] | undefined {
  const pieces: string[] = [];
  for (const pattern of mm.globSet) {
    if (/[[\]()!+@{}\\]|(?:^|\/)\.\.?(?:\/|$)/.test(pattern)) return undefined;
    let longest = '';
    for (const piece of pattern.split(/[/*?]/)) if (piece.length > longest.length) longest = piece;
    if (longest.length === 0) return undefined;
    pieces.push(longest);
  }
  return pieces.length > 0 ? pieces : undefined;
}

function compile(glob: string): CompiledGlob {
  let entry = compiled.get(glob);
  if (entry === undefined) {
    const mm = new Minimatch(glob, { dot: true, nocomment: true, nonegate: true });
    entry = { mm, suffixes: requiredSuffixes(mm), pieces: requiredPieces(mm) };
    compiled.set(glob, entry);
  }
  return entry;
}

function matches(entry: CompiledGlob, path: string): boolean {
  const { suffixes } = entry;
  if (suffixes !== undefined && !path.endsWith('/')) {
    let possible = false;
    for (let i = 0; i < suffixes.length && !possible; i++) possible = path.endsWith(suffixes[i]);
    if (!possible) return false;
  }
  const { pieces } = entry;
  if (pieces !== undefined) {
    let possible = false;
    for (let i = 0; i < pieces.length && !possible; i++) possible = path.includes(pieces[i]);
    if (!possible) return false;
  }
  return entry.mm.match(path);
}

/**
 * A matcher for a list of globs (minimatch syntax, dotfiles included). Compiled globs are cached
 * process-wide because the same config globs are matched against every file of every event.
 */
export function pathMatcher(globs: readonly string[]): PathMatcher {
  const entries = globs.map(compile);
  if (entries.length === 0) return () => false;
  return (path) => {
    for (let i = 0; i < entries.length; i++) if (matches(entries[i], path)) return true;
    return false;
  };
}

/** The first glob of the list that matches, for messages that say why. */
export function firstMatchingGlob(globs: readonly string[], path: string): string | undefined {
  return globs.find((glob) => matches(compile(glob), path));
}
