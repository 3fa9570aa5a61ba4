/**
 * What the engine asks the adapters to read beyond the patch, before evaluating: whole file texts and the
 * grammars to parse them. Asked only when a risky file is touched and the patch alone does not settle it,
 * so most changes cost nothing more.
 */
import type { Change } from './change.js';
import type { MonoenvConfig } from '../config/schema.js';
import { judgeRisky } from './rules/risky/index.js';
import { readKind } from './kind.js';
import { pathMatcher } from './glob.js';
import { isTestPath } from './rules/tests.js';
import { grammarOf, type Grammar } from './syntax/index.js';
import { languageOf } from './symbols.js';

export interface TextWanted {
  path: string;
  /** The head text is wanted (whole-file judgement, references). */
  head: boolean;
  /** The base text is wanted too (what a risky file looked like before). */
  base: boolean;
  /** A risky file: read first when a source can read only some. */
  risky: boolean;
}

export interface FactsWanted {
  texts: TextWanted[];
  grammars: Grammar[];
}

const NOTHING: FactsWanted = { texts: [], grammars: [] };

export function factsWanted(change: Change, config: MonoenvConfig): FactsWanted {
  const risky = config.risky;
  if (risky.level === 'off' || risky.paths.length === 0) return NOTHING;
  const isRisky = pathMatcher(risky.paths);
  const readable = (path: string): boolean => grammarOf(path) !== undefined || languageOf(path) === 'template';
  const candidates = change.files.filter((f) => f.status !== 'removed' && !f.binary && !isTestPath(f.path, config) && readable(f.path));
  if (!candidates.some((f) => isRisky(f.path) && f.additions > 0)) return NOTHING;
  // Settled by the patch: every changed line of every risky file is guarded where it stands.
  const patchOnly = judgeRisky({ change, config, kind: readKind(change) });
  if (!patchOnly.findings.some((f) => f.title !== 'flag declared, not detected' && f.title !== 'risky change not inspected')) return NOTHING;
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
