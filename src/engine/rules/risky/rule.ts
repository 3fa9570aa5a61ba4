/**
 * The risky rule in the registry: it needs the change's files when risky paths are set, and whole files (head
 * and base texts, parsed) when a risky file is touched and the patch alone does not settle it, so most changes
 * cost nothing more.
 */
import type { Change } from '../../change.js';
import type { MonoenvConfig } from '../../../config/schema.js';
import { isActive, type EvaluationContext, type FactsWanted, type Rule, type SourceAbilities } from '../rule.js';
import { readKind } from '../../kind.js';
import { pathMatcher } from '../../glob.js';
import { isTestPath } from '../tests.js';
import { grammarOf, Syntax, type Grammar } from '../../syntax/index.js';
import { languageOf } from '../../symbols.js';
import { judgeRisky } from './index.js';
import { DECLARATIVE_TITLE } from './data-files.js';

function wholeFilesWanted(change: Change, config: MonoenvConfig, source: SourceAbilities): Partial<FactsWanted> {
  const risky = config.risky;
  // A source that cannot read whole files leaves the rule on the patch: nothing to ask, nothing to parse.
  if (!source.wholeFiles || risky.level === 'off' || risky.paths.length === 0) return {};
  const isRisky = pathMatcher(risky.paths);
  const readable = (path: string): boolean => grammarOf(path) !== undefined || languageOf(path) === 'template';
  const candidates = change.files.filter((f) => f.status !== 'removed' && !f.binary && !isTestPath(f.path, config) && readable(f.path));
  if (!candidates.some((f) => isRisky(f.path) && f.additions > 0)) return {};
  // Settled by the patch: every changed line of every risky file is guarded where it stands.
  const patchOnly = judgeRisky({ change, config, kind: readKind(change) });
  const settled = new Set(['flag declared, not detected', 'risky change not inspected', DECLARATIVE_TITLE]);
  if (!patchOnly.findings.some((f) => !settled.has(f.title))) return {};
  const texts = candidates.map((f) => ({
    path: f.path,
    head: true,
    base: isRisky(f.path) && f.status !== 'added' && f.status !== 'copied',
    risky: isRisky(f.path),
  }));
  texts.sort((a, b) => Number(b.risky) - Number(a.risky));
  const grammars = [...new Set(texts.map((t) => grammarOf(t.path)).filter((g): g is Grammar => g !== undefined))];
  return { texts, grammars };
}

export const riskyRule: Rule = {
  name: 'risky',
  needs: (config, labels) => (isActive(config, 'risky', labels) && config.risky.paths.length > 0 ? { files: true } : {}),
  wants: wholeFilesWanted,
  judge: judgeRisky,
};

/**
 * The names whose uses the risky rule would follow into the repository at the head, given what was searched
 * so far (`context.repository`): the definitions that existed before the change and hold its unguarded lines,
 * then the ones holding their uses. The adapter searches them and asks again, a few rounds at most.
 */
export function repositoryWanted(change: Change, config: MonoenvConfig, context: EvaluationContext): string[] {
  if (!isActive(config, 'risky', change.labels) || config.risky.paths.length === 0) return [];
  if (!change.files.some((f) => f.text?.head !== undefined)) return [];
  const wanted = new Set<string>();
  judgeRisky({ change, config, kind: readKind(change), syntax: context.syntax ?? Syntax.none(), facts: context, repositoryWanted: wanted });
  const searched = context.repository?.files;
  return [...wanted].filter((name) => !searched?.has(name)).sort();
}
