import { Minimatch } from 'minimatch';

export type PathMatcher = (path: string) => boolean;

const compiled = new Map<string, Minimatch>();

function compile(glob: string): Minimatch {
  let mm = compiled.get(glob);
  if (mm === undefined) {
    mm = new Minimatch(glob, { dot: true, nocomment: true, nonegate: true });
    compiled.set(glob, mm);
  }
  return mm;
}

/**
 * A matcher for a list of globs (minimatch syntax, dotfiles included). Compiled globs are cached
 * process-wide because the same config globs are matched against every file of every event.
 */
export function pathMatcher(globs: readonly string[]): PathMatcher {
  const matchers = globs.map(compile);
  if (matchers.length === 0) return () => false;
  return (path) => matchers.some((mm) => mm.match(path));
}

/** The first glob of the list that matches, for messages that say why. */
export function firstMatchingGlob(globs: readonly string[], path: string): string | undefined {
  return globs.find((glob) => compile(glob).match(path));
}
