/**
 * The App's fact source (and the Action's): a pull request read through the GitHub API, each fact fetched only
 * when a rule asks and at most once (`GitHubData` memoises). Whole files are not read here: the rules judge the
 * patches GitHub sends (the CLI reads whole files from git).
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

export class PullRequestSource implements FactSource {
  readonly wholeFiles = false;
  readonly labels: readonly string[];

  /** GitHub's blame in one GraphQL request, unless the adapter has a better source (the Action's checkout). */
  readonly flagAges: FlagAgeSource;

  constructor(
    private readonly data: GitHubData,
    private readonly pr: PullRequestPayload,
    private readonly config: MonoenvConfig,
    flagAges?: FlagAgeSource,
  ) {
    this.labels = (pr.labels ?? []).map((l) => l.name);
    this.flagAges = flagAges ?? githubFlagAgeSource(data.octokit, data.repository);
  }

  change(needs: FactNeeds): Promise<Change> {
    return buildChange(this.data, this.pr, this.config, needs);
  }

  readTexts(): Promise<void> {
    return Promise.resolve();
  }

  /** One contents request per file, at the pull request's head commit. */
  headText(_change: Change, path: string): Promise<string | null> {
    return this.data.fileAt(path, this.pr.head.sha);
  }

  proposedConfigErrors(): Promise<ConfigError[]> {
    return validateProposedConfig(this.data, this.pr.head.sha);
  }
}
