/**
 * The CLI's fact source: a change read from a local git range (the diff from the merge base to the head, as a
 * pull request shows it), with whole files read from git objects when the rules ask for them.
 */
import type { Change, ChangedFile } from '../engine/change.js';
import { makeChange } from '../engine/change.js';
import { parseGitDiff } from '../engine/diff.js';
import type { TextWanted } from '../engine/facts.js';
import type { FactSource } from '../facts/source.js';
import { configTooLargeError, MAX_CONFIG_BYTES, parseConfigText, type ConfigError } from '../config/load.js';
import { CONFIG_PATH } from '../config/path.js';
import { GITATTRIBUTES_PATH } from '../engine/gitattributes.js';
import { readTexts } from '../git/texts.js';
import { BlobReader } from '../git/blobs.js';
import { commitsBetween, diffBetween, personFromAuthor } from '../git/range.js';
import { largeFileChanges, largeFilesBetween, literalPaths } from '../git/large-files.js';
import { currentBranch, readFileAt, readSmallFileAt } from '../git/queries.js';
import type { GitRunner } from '../git/runner.js';
import { gitFlagAgeSource } from '../git/blame.js';
import type { FlagAgeSource } from '../engine/rules/flags/index.js';
import { readUserFile, type CliIO } from './io.js';
import type { CheckOptions } from './check.js';
import { SEARCHABLE_PATHSPECS, searchable, type RepositorySearcher } from '../facts/repository.js';

export interface Range {
  base: { ref: string; sha: string };
  /** Where the change starts: the merge base of base and head, as a pull request's diff does. */
  forkPoint: string;
  head: { ref: string; sha: string };
  /** The default branch, named as the base is when the base is its commit. */
  defaultBranch?: string;
}

export class GitRangeSource implements FactSource {
  readonly wholeFiles = true;
  readonly labels: readonly string[];
  /** How many commits the range holds, once the change is read. */
  commitCount = 0;
  /** The local history: `git blame` of the base lines that check a touched flag. */
  readonly flagAges: FlagAgeSource;

  constructor(
    private readonly git: GitRunner,
    private readonly io: CliIO,
    private readonly options: CheckOptions,
    private readonly range: Range,
  ) {
    this.labels = [...new Set(options.label)];
    this.flagAges = gitFlagAgeSource(git);
  }

  /** Everything git knows of the range; reading it locally costs less than deciding what to leave out. */
  async change(): Promise<Change> {
    const { git, io, options, range } = this;
    const [gitattributes, files, commits, headAuthor, body] = await Promise.all([
      readFileAt(git, range.base.sha, GITATTRIBUTES_PATH),
      this.#files(),
      commitsBetween(git, range.forkPoint, range.head.sha),
      git.run(['log', '-1', '--no-show-signature', '--format=%an%x1f%ae', range.head.sha]),
      options.body === undefined ? Promise.resolve('') : readUserFile(io, options.body, '--body'),
    ]);
    const [authorName = '', authorEmail = ''] = headAuthor.trim().split('\x1f');
    const branch = await this.#branch();
    this.commitCount = commits.length;
    return makeChange({
      files,
      title: await this.#title(commits.map((c) => c.subject)),
      body,
      author: personFromAuthor(authorName, authorEmail),
      labels: [...this.labels],
      base: { ref: range.base.ref, sha: range.forkPoint },
      head: { ref: branch ?? range.head.ref, sha: range.head.sha },
      ...(range.defaultBranch === undefined ? {} : { defaultBranch: range.defaultBranch }),
      gitattributes,
      commits: commits.map(({ sha, parents, message, author }) => ({ sha, parents, message, author })),
    });
  }

  /** The diff's files, with those too large to diff as text described from their counts. */
  async #files(): Promise<ChangedFile[]> {
    const { git, range } = this;
    const large = await largeFilesBetween(git, range.forkPoint, range.head.sha);
    const [diff, described] = await Promise.all([
      diffBetween(git, range.forkPoint, range.head.sha, literalPaths(large, 'exclude')),
      largeFileChanges(git, range.forkPoint, range.head.sha, large),
    ]);
    const files = parseGitDiff(diff);
    if (described.length === 0) return files;
    return [...files, ...described].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  readTexts(change: Change, wanted: readonly TextWanted[]): Promise<void> {
    return readTexts(this.git, change, wanted, this.range.forkPoint, this.range.head.sha);
  }

  /** `git grep` at the head commit: the files naming each name as a whole word, and their texts. */
  repositorySearcher(): RepositorySearcher {
    const { git, range } = this;
    // One `git cat-file --batch` reads every file found, for the whole search.
    let reader: BlobReader | undefined;
    return {
      async filesNaming(names, limit) {
        const out = new Map<string, string[]>(names.map((n) => [n, []]));
        if (names.length === 0) return out;
        const args = [
          'grep',
          '-w',
          '-I',
          '-o',
          '-F',
          '--no-color',
          ...names.flatMap((n) => ['-e', n]),
          range.head.sha,
          '--',
          ...SEARCHABLE_PATHSPECS,
        ];
        const found = (await git.maybe(args)) ?? '';
        const prefix = `${range.head.sha}:`;
        const seen = new Set<string>();
        for (const line of found.split('\n')) {
          if (!line.startsWith(prefix)) continue;
          const rest = line.slice(prefix.length);
          const colon = rest.lastIndexOf(':');
          if (colon < 0) continue;
          const path = rest.slice(0, colon);
          const name = rest.slice(colon + 1);
          const list = out.get(name);
          if (!list || !searchable(path) || seen.has(`${name}\0${path}`) || list.length > limit) continue;
          seen.add(`${name}\0${path}`);
          list.push(path);
        }
        return out;
      },
      async text(path, maxBytes) {
        const blob = await (reader ??= new BlobReader(git)).read(`${range.head.sha}:${path}`);
        return blob === undefined || blob.length > maxBytes || blob.includes(0) ? undefined : blob.toString('utf8');
      },
      close() {
        reader?.close();
        reader = undefined;
      },
    };
  }

  headText(_change: Change, path: string): Promise<string | undefined> {
    return readFileAt(this.git, this.range.head.sha, path);
  }

  async proposedConfigErrors(change: Change): Promise<ConfigError[]> {
    const read = await readSmallFileAt(this.git, change.head.sha, CONFIG_PATH, MAX_CONFIG_BYTES);
    if (read === undefined) return [];
    if ('tooLarge' in read) return [configTooLargeError(read.tooLarge)];
    const result = parseConfigText(read.text, CONFIG_PATH);
    return result.ok ? [] : result.errors;
  }

  /** The title a pull request of this range would most likely have. */
  async #title(subjects: string[]): Promise<string> {
    const { git, io, options } = this;
    if (options.title !== undefined) return options.title;
    // One commit: a squash merge's title is that commit's subject.
    if (subjects.length === 1) return subjects[0];
    if (options.head !== undefined) return options.head;
    return (await currentBranch(git)) ?? io.env.GITHUB_HEAD_REF ?? 'HEAD';
  }

  /**
   * The head branch the change would be proposed from: `--branch`, else, when the range ends at the checkout,
   * its branch (or the Actions pull-request branch). A `--head` of another ref names no branch for sure.
   */
  async #branch(): Promise<string | undefined> {
    const { git, io, options } = this;
    if (options.branch !== undefined) return options.branch;
    if (options.head !== undefined) return undefined;
    return (await currentBranch(git)) ?? (io.env.GITHUB_HEAD_REF || undefined);
  }
}
