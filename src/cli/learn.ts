/**
 * `monoenv init`'s reading of the repository: the source files at a commit, read from git objects (offline,
 * work-tree edits aside), parsed by the syntax layer, and handed to the engine's flag-idiom learner.
 */
import { BlobReader } from '../git/blobs.js';
import type { GitRunner } from '../git/runner.js';
import { grammarOf, type Grammar } from '../engine/syntax/index.js';
import { loadSyntax } from '../engine/syntax/load.js';
import { learnFlagIdioms, type FlagIdioms, type SourceText } from '../engine/learn/flag-idioms.js';
import { pathMatcher } from '../engine/glob.js';
import { DEFAULT_TEST_GLOBS } from '../config/schema.js';

/** Files larger than this are generated or vendored more often than written; they are not read. */
const MAX_FILE_BYTES = 256 * 1024;
/** Vendored, built and generated trees: their flag calls are not the team's idioms. */
const SKIPPED = /(?:^|\/)(?:node_modules|vendor|third_party|dist|build|out|coverage|__generated__|generated|\.git)\//;

export interface LearnedRepository extends FlagIdioms {
  commit: string;
  /** Grammars that could not load, with the reason: their files were not read. */
  unavailable: string[];
  milliseconds: number;
}

/** The source files at `commit` that a grammar reads: `git ls-tree` for names and sizes, one `cat-file --batch`. */
export async function sourcesAt(git: GitRunner, commit: string): Promise<SourceText[]> {
  const listing = await git.run(['ls-tree', '-r', '-z', '-l', '--full-tree', commit]);
  const wanted: { path: string; object: string; grammar: Grammar }[] = [];
  for (const entry of listing.split('\0')) {
    const tab = entry.indexOf('\t');
    if (tab < 0) continue;
    const [, type, object, size] = entry.slice(0, tab).split(/\s+/);
    const path = entry.slice(tab + 1);
    const grammar = grammarOf(path);
    if (type !== 'blob' || grammar === undefined || SKIPPED.test(path) || Number(size) > MAX_FILE_BYTES || /\.min\.js$/.test(path))
      continue;
    wanted.push({ path, object, grammar });
  }
  const reader = new BlobReader(git);
  try {
    const sources: SourceText[] = [];
    for (const file of wanted) {
      const blob = await reader.read(file.object);
      // A blob a partial clone lacks is skipped, not fatal.
      if (blob !== undefined) sources.push({ path: file.path, text: blob.toString('utf8'), grammar: file.grammar });
    }
    return sources;
  } finally {
    reader.close();
  }
}

/** Reads the repository at `commit` and learns its flag idioms. */
export async function learnRepository(
  git: GitRunner,
  commit: string,
  options: { flagCalls?: readonly string[]; flagPatterns?: readonly string[]; testGlobs?: readonly string[] } = {},
): Promise<LearnedRepository> {
  const started = performance.now();
  const sources = await sourcesAt(git, commit);
  const syntax = await loadSyntax(new Set(sources.map((s) => s.grammar)));
  const isTest = pathMatcher(options.testGlobs ?? DEFAULT_TEST_GLOBS);
  const idioms = learnFlagIdioms(sources, syntax, { flagCalls: options.flagCalls, flagPatterns: options.flagPatterns, isTest });
  return {
    ...idioms,
    commit,
    unavailable: [...syntax.unavailable].map(([grammar, reason]) => `${grammar}: ${reason}`),
    milliseconds: Math.round(performance.now() - started),
  };
}
