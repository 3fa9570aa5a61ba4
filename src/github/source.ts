/**
 * The App's fact source (and the Action's): a pull request read through the GitHub API, each fact fetched only
 * when a rule asks and at most once (`GitHubData` memoises). Whole files are read when the risky rule asks for
 * them, through GraphQL (`whole-files.ts`), in the request that dates flags when both are asked; the Action
 * reads them from its checkout instead when that holds the commits.
 */
import type { FlagAgeSource } from '../engine/rules/flags/index.js';
import { githubFlagAgeSource } from './flag-ages.js';
import type { Change } from '../engine/change.js';
import type { MonoenvConfig } from '../config/schema.js';
import type { ConfigError } from '../config/load.js';
import type { FactNeeds } from '../engine/facts.js';
import type { FactSource } from '../facts/source.js';
import { validateProposedConfig } from './config.js';
import { buildChange, type GitHubData, type PullRequestPayload } from './facts.js';
import type { TextWanted } from '../engine/facts.js';
import { githubTextReader, type TextReader } from './whole-files.js';

export class PullRequestSource implements FactSource {
  readonly wholeFiles = true;
  readonly labels: readonly string[];

  /** GitHub's blame through GraphQL, unless the adapter has a better source (the Action's checkout). */
  readonly flagAges: FlagAgeSource;
  /** GitHub's blobs through GraphQL, unless the adapter has a better source (the Action's checkout). */
  readonly #texts: TextReader;

  constructor(
    private readonly data: GitHubData,
    private readonly pr: PullRequestPayload,
    private readonly config: MonoenvConfig,
    flagAges?: FlagAgeSource,
    texts?: TextReader,
  ) {
    this.labels = (pr.labels ?? []).map((l) => l.name);
    // Both GitHub sources read through the evaluation's GraphQL reads: what they ask together is one request.
    this.flagAges = flagAges ?? githubFlagAgeSource(data.octokit, data.repository, data.reads);
    this.#texts = texts ?? githubTextReader(data.reads);
  }

  change(needs: FactNeeds): Promise<Change> {
    return buildChange(this.data, this.pr, this.config, needs);
  }

  readTexts(change: Change, wanted: readonly TextWanted[]): Promise<void> {
    return this.#texts(change, wanted);
  }

  /** One contents request per file, at the pull request's head commit. */
  headText(_change: Change, path: string): Promise<string | null> {
    return this.data.fileAt(path, this.pr.head.sha);
  }

  proposedConfigErrors(): Promise<ConfigError[]> {
    return validateProposedConfig(this.data, this.pr.head.sha);
  }
}
