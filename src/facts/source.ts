/**
 * The fact source: what every adapter that judges a change provides (the App and the Action through the GitHub
 * API, the CLI through local git), and the one way from it to the final report: ask the rules what to read
 * (`factNeeds`, then `factsWanted`), read exactly that, `evaluate`. The adapter then publishes the report.
 */
import type { Change } from '../engine/change.js';
import type { Report } from '../engine/report.js';
import type { ConfigError } from '../config/load.js';
import type { MonoenvConfig } from '../config/schema.js';
import { CONFIG_PATH } from '../config/path.js';
import { evaluate } from '../engine/evaluate.js';
import { factNeeds, factsWanted, type FactNeeds, type TextWanted } from '../engine/facts.js';
import { loadSyntax } from '../engine/syntax/load.js';
import { loadPostgresParser, type PostgresParser } from '../engine/rules/migrations/sql-parser.js';
import { gatherFlagAges, type FlagAgeSource } from '../engine/rules/flags/index.js';
import type { EvaluationContext } from '../engine/rules/rule.js';
import { followInRepository, type RepositorySearcher } from './repository.js';

export interface FactSource {
  /** The change's labels, known before it is read (override labels spare reads). */
  readonly labels: readonly string[];
  /** Whether it can read whole files (`readTexts`); rules then ask for them. */
  readonly wholeFiles: boolean;
  /** The change, with what `needs` asks read: its files, the base's `.gitattributes`, its reviews. */
  change(needs: FactNeeds): Promise<Change>;
  /** Sets `ChangedFile.text` for the files wanted, saying in `text.unreadable` why one could not be read. */
  readTexts(change: Change, wanted: readonly TextWanted[]): Promise<void>;
  /** A file's text at the change's head commit; null or undefined when it is not there. */
  headText(change: Change, path: string): Promise<string | null | undefined>;
  /** The errors of the configuration file the change proposes, read at its head ([] when valid). */
  proposedConfigErrors(change: Change): Promise<ConfigError[]>;
  /** Dates the flags whose checks the change touches (asked only when it touches one). */
  readonly flagAges: FlagAgeSource;
  /** Searches the repository at the head commit (sources holding it); the risky rule follows uses through it. */
  repositorySearcher?(): RepositorySearcher;
}

/** Reads what the rules ask for from `source`, each fact once, and returns the final report. */
export async function evaluateFrom(source: FactSource, config: MonoenvConfig): Promise<Report> {
  const change = await source.change(factNeeds(config, source.labels));
  const wanted = factsWanted(change, config, { wholeFiles: source.wholeFiles });
  const [, postgres, texts, syntax, proposedErrors, flagAges] = await Promise.all([
    // Whole files and flag ages are asked side by side: a source that reads both remotely sends them as one request.
    source.wholeFiles && wanted.texts.length > 0 ? source.readTexts(change, wanted.texts) : Promise.resolve(),
    wanted.postgres ? parserOrNothing() : Promise.resolve(undefined),
    // Edited migrations are read whole at the head commit, one read each; a change touching none costs nothing.
    Promise.all(wanted.migrations.map(async (path) => [path, await source.headText(change, path)] as const)),
    wanted.grammars.length > 0 ? loadSyntax(wanted.grammars) : Promise.resolve(undefined),
    // The change's version of the configuration is checked too, but never judges the change.
    wanted.proposedConfig ? source.proposedConfigErrors(change) : Promise.resolve(undefined),
    // Flags whose checks the change touches are dated at the base; nothing is read when none is touched.
    gatherFlagAges(wanted.flagAges, source.flagAges, config),
  ]);
  const found = texts.filter((entry): entry is readonly [string, string] => typeof entry[1] === 'string');
  let context: EvaluationContext = {
    ...(postgres === undefined ? {} : { postgres }),
    ...(found.length > 0 ? { texts: new Map(found) } : {}),
    ...(syntax === undefined ? {} : { syntax }),
    ...(proposedErrors === undefined ? {} : { proposedConfig: { path: CONFIG_PATH, errors: proposedErrors } }),
    flagAges,
    now: new Date().toISOString(),
  };
  // Code that existed before the change is followed through its uses in the repository, where the source holds it.
  const searcher = syntax !== undefined ? source.repositorySearcher?.() : undefined;
  if (searcher) {
    // The rule judges again as the search reads more: each file is parsed once, the trees kept for this
    // evaluation. Files found in languages whose grammar the change did not need stay unread (their names'
    // searches count as cut short): loading a grammar costs more than a round.
    const base = { ...context, syntax: syntax!.remembering() };
    try {
      context = await followInRepository(change, config, base, searcher, () => Promise.resolve(base));
    } finally {
      searcher.close?.();
    }
  }
  return evaluate(change, config, context);
}

/** A parser that cannot load leaves SQL unjudged, with a notice on each file; the evaluation goes on. */
async function parserOrNothing(): Promise<PostgresParser | undefined> {
  try {
    return await loadPostgresParser();
  } catch {
    return undefined;
  }
}
