/**
 * What the adapters read for an evaluation, asked of the rules in the registry: `factNeeds` before the change
 * is built (from the configuration and the labels alone), `factsWanted` once it is known. A rule that is off
 * asks for nothing, so most changes cost nothing more than their file list.
 */
import type { Change } from './change.js';
import type { MonoenvConfig } from '../config/schema.js';
import { CONFIG_PATH } from '../config/path.js';
import { RULES } from './rules/index.js';
import type { FactNeeds, FactsWanted, SourceAbilities, TextWanted } from './rules/rule.js';
import type { Grammar } from './syntax/index.js';

export type { EvaluationContext, FactNeeds, FactsWanted, RepositorySearch, SourceAbilities, TextWanted } from './rules/rule.js';
export { repositoryWanted } from './rules/risky/rule.js';

export function factNeeds(config: MonoenvConfig, labels: readonly string[]): FactNeeds {
  const needs: FactNeeds = { files: false, gitattributes: false, reviews: false };
  for (const rule of RULES) {
    const asked = rule.needs?.(config, labels) ?? {};
    needs.files ||= asked.files === true;
    needs.gitattributes ||= asked.gitattributes === true;
    needs.reviews ||= asked.reviews === true;
    if (asked.codeowners === true) needs.codeowners = true;
  }
  return needs;
}

/** The change edits the configuration file (and does not delete it): its version is validated too. */
export function editsConfig(change: { files: readonly { path: string; status: string }[] }): boolean {
  return change.files.some((f) => f.path === CONFIG_PATH && f.status !== 'removed');
}

export function factsWanted(change: Change, config: MonoenvConfig, source: SourceAbilities = { wholeFiles: true }): FactsWanted {
  const texts = new Map<string, TextWanted>();
  const migrations = new Set<string>();
  const grammars = new Set<Grammar>();
  const wanted: FactsWanted = { texts: [], migrations: [], grammars: [], postgres: false, proposedConfig: editsConfig(change) };
  for (const rule of RULES) {
    const asked = rule.wants?.(change, config, source);
    if (asked === undefined) continue;
    for (const text of asked.texts ?? []) {
      const known = texts.get(text.path);
      texts.set(
        text.path,
        known === undefined
          ? text
          : { path: text.path, head: known.head || text.head, base: known.base || text.base, risky: known.risky || text.risky },
      );
    }
    for (const path of asked.migrations ?? []) migrations.add(path);
    for (const grammar of asked.grammars ?? []) grammars.add(grammar);
    wanted.postgres ||= asked.postgres === true;
    if (asked.flagAges !== undefined) wanted.flagAges = asked.flagAges;
  }
  wanted.texts = [...texts.values()];
  wanted.migrations = [...migrations];
  wanted.grammars = [...grammars];
  return wanted;
}
