/**
 * Which files the flag inventory reads (`flags.paths` minus `flags.exclude`), which of them are tests
 * (`tests.test`, as the risky rule decides: a check in a test is setup, not a use), and the same choice as
 * git pathspecs, so that git itself skips every other file's diff while it walks the history.
 */
import { Minimatch } from 'minimatch';
import { pathMatcher } from '../../engine/glob.js';
import type { MonoenvConfig } from '../../config/schema.js';

export type FileRole = 'code' | 'test' | 'skip';

export interface FlagFiles {
  /** What a path is to the inventory; memoised (a history names the same paths again and again). */
  roleOf(path: string): FileRole;
  /**
   * Pathspecs for `git log` / `git ls-tree` that keep at least every file `roleOf` reads, or undefined when
   * a glob uses syntax git's glob magic does not share with minimatch (then git reads everything and
   * `roleOf` alone decides).
   */
  pathspecs: string[] | undefined;
}

/** Glob syntax git's pathspecs read as minimatch does: `*`, `**`, `?`, and plain text. */
const PLAIN_GLOB = /^[^[\]()!+@{}\\]*$/;

/**
 * Include pathspecs: plain (no magic), each `**` and `**\/` read as git's `*`, which crosses `/`. Each
 * matches every path its glob does, and a few more (`src/**\/x.ts` becomes `src/*x.ts`), which `roleOf`
 * then leaves out. Plain pathspecs, not `:(glob)` ones: git walks a history three times faster with
 * thirty plain patterns than with the same globs.
 */
function includeSpecs(globs: readonly string[]): string[] | undefined {
  const specs = new Set<string>();
  for (const glob of globs) {
    for (const expanded of new Minimatch(glob, { dot: true, nocomment: true, nonegate: true }).globSet) {
      if (!PLAIN_GLOB.test(expanded)) return undefined;
      specs.add(expanded.replace(/\*\*\/?/g, '*').replace(/\*+/g, '*'));
    }
  }
  return [...specs];
}

/** Exclusions must leave out no more than their globs do: git's own glob magic, which reads them exactly. */
function excludeSpecs(globs: readonly string[]): string[] {
  const specs: string[] = [];
  for (const glob of globs) {
    for (const expanded of new Minimatch(glob, { dot: true, nocomment: true, nonegate: true }).globSet) {
      // One git cannot read exactly is not passed: `roleOf` still leaves its files out.
      if (PLAIN_GLOB.test(expanded)) specs.push(`:(exclude,glob)${expanded}`);
    }
  }
  return specs;
}

export function flagFiles(config: MonoenvConfig): FlagFiles {
  const included = pathMatcher(config.flags.paths);
  const excluded = pathMatcher(config.flags.exclude);
  const isTest = pathMatcher(config.tests.test);
  const roles = new Map<string, FileRole>();
  const includes = includeSpecs(config.flags.paths);
  const excludes = excludeSpecs(config.flags.exclude);
  return {
    roleOf(path) {
      let role = roles.get(path);
      if (role === undefined) {
        role = !included(path) || excluded(path) ? 'skip' : isTest(path) ? 'test' : 'code';
        roles.set(path, role);
      }
      return role;
    },
    pathspecs: includes === undefined || includes.length === 0 ? undefined : [...includes, ...excludes],
  };
}
