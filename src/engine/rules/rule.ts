/**
 * What a rule is to the engine: a name (its section of the configuration, its override label's key and its row
 * in the report), the facts it needs read, and `judge`. The registry (rules/index.ts) lists them; `evaluate`
 * runs them; adapters ask `factNeeds` and `factsWanted` (engine/facts.ts) what to read before.
 */
import type { Change } from '../change.js';
import type { Finding, RuleName, RuleSummary, SizeFacts } from '../report.js';
import type { KindReading } from '../kind.js';
import type { MonoenvConfig } from '../../config/schema.js';
import type { ConfigError } from '../../config/load.js';
import type { Grammar, Syntax } from '../syntax/index.js';
import type { PostgresParser } from './migrations/sql-parser.js';
import type { FlagAge, FlagAgeRequest } from './flags/index.js';

/** What one rule concludes: its findings (at their final level before overrides) and its summary row. */
export interface RuleOutcome {
  findings: Finding[];
  summary: RuleSummary;
}

/** Facts computed once per evaluation and shared by the rules. */
export interface RuleContext {
  change: Change;
  config: MonoenvConfig;
  kind: KindReading;
  /** Grammars loaded for this evaluation; files of other languages are read by the line scanner. */
  syntax?: Syntax;
  /** The change's size, counted once; the size rule fills in `parts` when it fires. */
  size?: SizeFacts;
  /** What the adapter read because a rule asked (`factsWanted`). */
  facts?: EvaluationContext;
  /**
   * Filled by the risky rule with the names whose uses it would follow into the repository at the head, had
   * they been searched (`repositoryWanted`); the adapter searches them and evaluates again.
   */
  repositoryWanted?: Set<string>;
}

/**
 * What a search of the repository at the head commit found, for names the risky rule asked to follow
 * (`repositoryWanted`): the files outside the change that name each one (whole word), and their head texts.
 */
export interface RepositorySearch {
  /** Per name searched: the paths of the head's files that name it, the change's own files left out. */
  files: ReadonlyMap<string, readonly string[]>;
  /** Names whose search was cut short (too many files name them, or one could not be read). */
  truncated: ReadonlySet<string>;
  /** The head texts of the files found, by path. */
  texts: ReadonlyMap<string, string>;
}

/** What `evaluate` is given beside the change and the configuration: the facts the rules asked for. */
export interface EvaluationContext {
  /** Grammars loaded for the files the rules want parsed. */
  syntax?: Syntax;
  /** PostgreSQL's parser, when a migration is touched and it could be loaded. */
  postgres?: PostgresParser;
  /** Head texts of the files `factsWanted(...).migrations` names, by path. */
  texts?: ReadonlyMap<string, string>;
  /**
   * The configuration file the change proposes (it edits `.github/monoenv.yml`), as the configuration
   * loader found it: its errors join the report at error level, so a change cannot break the configuration
   * unseen. It never judges the change itself.
   */
  proposedConfig?: { path: string; errors: readonly ConfigError[] };
  /** The ages of the flags whose checks the change touches (`factsWanted(...).flagAges`), by key. */
  flagAges?: ReadonlyMap<string, FlagAge>;
  /** The time of the evaluation, ISO 8601 (the engine reads no clock). */
  now?: string;
  /** Uses of names found in the repository at the head, outside the change (sources that can search it). */
  repository?: RepositorySearch;
}

/** What must be read to build the change, decided from the configuration and the labels before any read. */
export interface FactNeeds {
  files: boolean;
  gitattributes: boolean;
  reviews: boolean;
  /** The base's CODEOWNERS and the owning teams' members (review.codeowners). */
  codeowners?: boolean;
}

export interface TextWanted {
  path: string;
  /** The head text is wanted (whole-file judgement, references). */
  head: boolean;
  /** The base text is wanted too (what a risky file looked like before). */
  base: boolean;
  /** A risky file: read first when a source can read only some. */
  risky: boolean;
}

/** What to read once the change is known, each only when a rule that is on asks. */
export interface FactsWanted {
  /** Whole files for the guard analysis, set on `ChangedFile.text` (head, and base where asked). */
  texts: TextWanted[];
  /** Files read whole at the head commit for the migrations rule, given as `EvaluationContext.texts`. */
  migrations: string[];
  /** Grammars to load (`EvaluationContext.syntax`). */
  grammars: Grammar[];
  /** Load PostgreSQL's parser (`EvaluationContext.postgres`). */
  postgres: boolean;
  /** Read and validate the configuration file the change proposes (`EvaluationContext.proposedConfig`). */
  proposedConfig: boolean;
  /** Date the flags whose checks the change touches (`EvaluationContext.flagAges`); absent when none is. */
  flagAges?: FlagAgeRequest;
}

/** What the adapter's fact source can read beyond the change's patches. */
export interface SourceAbilities {
  /** Whole file texts at the head and base commits (the CLI, from git). */
  wholeFiles: boolean;
}

export interface Rule {
  /** Its section of the configuration, the key of its override label, its row in the report. */
  readonly name: RuleName;
  /** What it needs read to build the change (nothing when it is off or waived). */
  needs?(config: MonoenvConfig, labels: readonly string[]): Partial<FactNeeds>;
  /** What it wants read once the change is known, of what the source can read. */
  wants?(change: Change, config: MonoenvConfig, source: SourceAbilities): Partial<FactsWanted>;
  /** Its findings and summary row; undefined when it has nothing to say about this change (no row). */
  judge(ctx: RuleContext): RuleOutcome | undefined;
}

/** A rule that is on and not waived by an override label on the change. */
export function isActive(config: MonoenvConfig, rule: RuleName, labels: readonly string[]): boolean {
  if (config[rule].level === 'off') return false;
  const override = config.overrides[rule];
  return override === undefined || !labels.includes(override);
}
