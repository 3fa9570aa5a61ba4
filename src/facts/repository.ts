/**
 * Following the risky rule into the repository at the head commit, for sources that can search it (the CLI, from
 * git): the rule names the definitions it would follow (`repositoryWanted`), the source
 * finds the files naming them (whole word) and reads them, and the rule is asked again with what was found, a
 * few rounds at most. Every bound is a count: names a round, files a name, files in all, bytes a file.
 */
import type { Change } from '../engine/change.js';
import type { MonoenvConfig } from '../config/schema.js';
import { repositoryWanted, type EvaluationContext, type RepositorySearch } from '../engine/facts.js';
import { grammarOf, type Grammar } from '../engine/syntax/index.js';
import { languageOf } from '../engine/symbols.js';

/** Rounds of search: each follows the uses found by the one before (a component, the page rendering it, its route). */
export const MAX_ROUNDS = 6;
/** Names searched a round. Further names keep the presumption that code which existed before runs. */
export const MAX_NAMES_PER_ROUND = 40;
/** Files read for one name; a name in more files is too common to follow (none is read, its search is cut short). */
export const MAX_FILES_PER_NAME = 20;
/** Files read in all. */
export const MAX_FILES = 150;
/** A file larger than this is not read (its name's search is cut short). */
export const MAX_FILE_BYTES = 512_000;

export interface RepositorySearcher {
  /** The files at the head commit naming each name as a whole word (code files only, at most `limit` + 1 each). */
  filesNaming(names: readonly string[], limit: number): Promise<Map<string, string[]>>;
  /** A file's text at the head commit; undefined when absent, binary or larger than `maxBytes`. */
  text(path: string, maxBytes: number): Promise<string | undefined>;
  /** Ends what the searcher keeps open (a reading process). */
  close?(): void;
}

/**
 * Git pathspecs that hold every file `searchable` accepts (and a few more, which it then leaves out): a search
 * limited to them reads no image, data or documentation blob, which is most of the cost in a large repository.
 */
export const SEARCHABLE_PATHSPECS: readonly string[] = [
  ...['ts', 'mts', 'cts', 'tsx', 'js', 'jsx', 'mjs', 'cjs', 'py', 'pyi', 'rb', 'rake', 'ru', 'gemspec', 'go', 'java', 'kt', 'kts', 'php'],
  ...['erb', 'html', 'htm', 'jinja', 'jinja2', 'j2', 'djhtml', 'hbs', 'liquid', 'njk', 'twig'],
]
  .map((ext) => `:(icase)*.${ext}`)
  .concat([':(icase)*gemfile', ':(icase)*rakefile']);

/** A code file the guard analysis can read (by grammar or as a template). */
export function searchable(path: string): boolean {
  return grammarOf(path) !== undefined || languageOf(path) === 'template';
}

/**
 * Searches, round by round, what the risky rule asks for. `reload` loads the grammars of files found beyond the
 * change's own, and returns the context to judge with.
 */
export async function followInRepository(
  change: Change,
  config: MonoenvConfig,
  context: EvaluationContext,
  searcher: RepositorySearcher,
  reload: (grammars: Grammar[]) => Promise<EvaluationContext>,
): Promise<EvaluationContext> {
  const files = new Map<string, string[]>();
  const truncated = new Set<string>();
  const texts = new Map<string, string>();
  const inChange = new Set(change.files.map((f) => f.path));
  let current = context;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const names = repositoryWanted(change, config, current).slice(0, MAX_NAMES_PER_ROUND);
    if (names.length === 0) break;
    const found = await searcher.filesNaming(names, MAX_FILES_PER_NAME);
    const grammars = new Set<Grammar>();
    for (const name of names) {
      const paths = (found.get(name) ?? []).filter((p) => !inChange.has(p));
      // A name in more files than a search reads is too common to follow: none of them is read.
      if (paths.length > MAX_FILES_PER_NAME) truncated.add(name);
      const kept = paths.length > MAX_FILES_PER_NAME ? [] : paths;
      files.set(name, kept);
      for (const path of kept) {
        if (texts.has(path)) continue;
        if (texts.size >= MAX_FILES) {
          truncated.add(name);
          continue;
        }
        const text = await searcher.text(path, MAX_FILE_BYTES);
        if (text === undefined) {
          truncated.add(name);
          continue;
        }
        texts.set(path, text);
        const grammar = grammarOf(path);
        if (grammar) grammars.add(grammar);
      }
    }
    const repository: RepositorySearch = { files: new Map(files), truncated: new Set(truncated), texts: new Map(texts) };
    current = { ...(await reload([...grammars])), repository };
  }
  return current;
}

/**
 * The same search over texts held in memory (the judgement suite, tests): extends `previous` with the files of
 * `all` naming each of `names`, outside `inChange`, under the same bounds.
 */
export function searchInMemory(
  previous: RepositorySearch | undefined,
  names: readonly string[],
  all: ReadonlyMap<string, string>,
  inChange: ReadonlySet<string>,
): RepositorySearch {
  const files = new Map(previous?.files ?? []);
  const truncated = new Set(previous?.truncated ?? []);
  const texts = new Map(previous?.texts ?? []);
  for (const name of names.slice(0, MAX_NAMES_PER_ROUND)) {
    const word = new RegExp(`(?<![\\w$])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w$])`);
    const paths = [...all].filter(([path, text]) => !inChange.has(path) && searchable(path) && word.test(text)).map(([path]) => path);
    const kept = paths.length > MAX_FILES_PER_NAME ? [] : paths;
    if (paths.length > MAX_FILES_PER_NAME) truncated.add(name);
    files.set(name, kept);
    for (const path of kept) texts.set(path, all.get(path)!);
  }
  return { files, truncated, texts };
}
