/**
 * The judgement suite: labelled pull requests (base and head files, title, labels, body, config) with the
 * findings a careful reviewer expects. Each case's Change is built by diffing base → head with three lines
 * of context, as GitHub shows it, and judged by `evaluate`; findings are scored per rule.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { evaluate } from '../../src/engine/evaluate.js';
import { configSchema } from '../../src/config/schema.js';
import type { Finding, Level } from '../../src/engine/report.js';
import { changeFromFiles, type FileSet } from './change-from-files.js';
import { EXPAND_CONTRACT_TITLE, loadPostgresParser, type PostgresParser } from '../../src/engine/rules/migrations/index.js';
import { HAZARDS, type HazardKind } from '../../src/engine/rules/migrations/hazards.js';
import type { Syntax } from '../../src/engine/syntax/index.js';
import { loadSyntax } from '../../src/engine/syntax/load.js';
import { factsWanted, repositoryWanted, type EvaluationContext } from '../../src/engine/facts.js';
import { MAX_ROUNDS, searchInMemory } from '../../src/facts/repository.js';
import { GRAMMARS } from '../../src/engine/syntax/index.js';

export type ScoredRule = 'tests' | 'risky' | 'migrations';
export const SCORED_RULES: readonly ScoredRule[] = ['tests', 'risky', 'migrations'];

export interface ExpectedFinding {
  path?: string;
  /** A line the finding's range must cover. */
  line?: number;
  level?: Level;
  title?: string;
  /** A migration hazard (hazards.ts), or `expand-contract`: the finding's title must be that hazard's. */
  hazard?: HazardKind | 'expand-contract';
}

/** Where a labelled case was taken from, for cases trimmed from public projects. */
export interface CaseSource {
  repo: string;
  commit: string;
  path: string;
}

export interface JudgeCase {
  name: string;
  reason: string;
  file: string;
  title: string;
  body: string;
  labels: string[];
  branch?: string;
  config: unknown;
  base: FileSet;
  head: FileSet;
  renames?: Record<string, string>;
  expect: Partial<Record<ScoredRule, ExpectedFinding[]>>;
  source?: CaseSource;
  /** The case is judged wrongly today, for this reason: it is kept as an expected failure. */
  known?: string;
}

export const FIXTURES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'fixtures', 'judge');

export function loadCases(dir = FIXTURES_DIR): JudgeCase[] {
  const cases: JudgeCase[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.yml'))
    .sort()) {
    const documents = parse(readFileSync(join(dir, file), 'utf8'), { maxAliasCount: -1 }) as Record<string, unknown>[];
    for (const raw of documents) {
      const expect: JudgeCase['expect'] = {};
      for (const [rule, value] of Object.entries((raw.expect ?? {}) as Record<string, unknown>)) {
        expect[rule as ScoredRule] = value === 'none' ? [] : (value as ExpectedFinding[]);
      }
      cases.push({
        name: String(raw.name),
        reason: String((raw.reason as string | undefined) ?? ''),
        file,
        title: String((raw.title as string | undefined) ?? ''),
        body: String((raw.body as string | undefined) ?? ''),
        labels: (raw.labels as string[]) ?? [],
        ...(raw.branch === undefined ? {} : { branch: `${raw.branch as string}` }),
        config: raw.config ?? {},
        base: (raw.base as FileSet) ?? {},
        head: (raw.head as FileSet) ?? {},
        renames: raw.renames as Record<string, string> | undefined,
        expect,
        ...(raw.source ? { source: raw.source as CaseSource } : {}),
        ...(raw.known ? { known: `${raw.known as string}` } : {}),
      });
    }
  }
  return cases;
}

export interface CaseResult {
  case: JudgeCase;
  rule: ScoredRule;
  truePositives: number;
  falsePositives: Finding[];
  missed: ExpectedFinding[];
}

const covers = (finding: Finding, expected: ExpectedFinding): boolean =>
  (expected.path === undefined || finding.path === expected.path) &&
  (expected.line === undefined ||
    (finding.startLine !== undefined && finding.startLine <= expected.line && expected.line <= (finding.endLine ?? finding.startLine))) &&
  (expected.level === undefined || finding.level === expected.level) &&
  (expected.title === undefined || finding.title === expected.title) &&
  (expected.hazard === undefined ||
    finding.title === (expected.hazard === 'expand-contract' ? EXPAND_CONTRACT_TITLE : HAZARDS[expected.hazard].title));

let postgres: PostgresParser | undefined;
let syntax: Syntax | undefined;

/** Loads what the judgement needs beyond the files: PostgreSQL's parser and the grammars of migrations. */
export async function prepareJudge(): Promise<void> {
  postgres ??= await loadPostgresParser();
  syntax ??= await loadSyntax(GRAMMARS);
}

export function runCase(judgeCase: JudgeCase): CaseResult[] {
  const config = configSchema.parse(judgeCase.config);
  const change = changeFromFiles(judgeCase);
  // The texts an adapter would read for this change: the engine asks, the case's files answer.
  if (syntax) {
    for (const want of factsWanted(change, config).texts) {
      const file = change.files.find((f) => f.path === want.path)!;
      const oldPath = file.previousPath ?? file.path;
      file.text = {
        head: judgeCase.head[file.path],
        ...(want.base && judgeCase.base[oldPath] !== undefined ? { base: judgeCase.base[oldPath] } : {}),
      };
    }
  }
  // The head files stand for what an adapter reads at the head commit, and for the repository it can search.
  let context: EvaluationContext = {
    ...(postgres ? { postgres } : {}),
    ...(syntax ? { syntax } : {}),
    texts: new Map(Object.entries(judgeCase.head)),
  };
  if (syntax) {
    const inChange = new Set(change.files.map((f) => f.path));
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const names = repositoryWanted(change, config, context);
      if (names.length === 0) break;
      context = { ...context, repository: searchInMemory(context.repository, names, context.texts!, inChange) };
    }
  }
  const report = evaluate(change, config, context);
  const results: CaseResult[] = [];
  for (const rule of SCORED_RULES) {
    const expected = judgeCase.expect[rule];
    if (expected === undefined) continue;
    // A notice says what was not judged; it is neither a finding nor a false alarm.
    const actual = report.findings.filter((f) => f.rule === rule && (rule !== 'migrations' || f.level !== 'notice'));
    const used = new Set<Finding>();
    const missed: ExpectedFinding[] = [];
    let truePositives = 0;
    for (const exp of expected) {
      const match = actual.find((f) => !used.has(f) && covers(f, exp));
      if (match) {
        used.add(match);
        truePositives++;
      } else missed.push(exp);
    }
    results.push({ case: judgeCase, rule, truePositives, falsePositives: actual.filter((f) => !used.has(f)), missed });
  }
  return results;
}

export interface RuleScore {
  rule: ScoredRule;
  cases: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  /** Cases with no expected findings and none reported count as correct; precision is 1 with nothing reported. */
  precision: number;
  recall: number;
  failures: CaseResult[];
}

export function score(results: readonly CaseResult[]): RuleScore[] {
  return SCORED_RULES.map((rule) => {
    const mine = results.filter((r) => r.rule === rule);
    const tp = mine.reduce((n, r) => n + r.truePositives, 0);
    const fp = mine.reduce((n, r) => n + r.falsePositives.length, 0);
    const fn = mine.reduce((n, r) => n + r.missed.length, 0);
    return {
      rule,
      cases: mine.length,
      truePositives: tp,
      falsePositives: fp,
      falseNegatives: fn,
      precision: tp + fp === 0 ? 1 : tp / (tp + fp),
      recall: tp + fn === 0 ? 1 : tp / (tp + fn),
      failures: mine.filter((r) => r.falsePositives.length > 0 || r.missed.length > 0),
    };
  });
}

/** Targets the suite must meet: per rule, precision and recall over all its cases. */
export const TARGETS = { precision: 0.9, recall: 0.9 };

export function describeFailure(result: CaseResult): string {
  const lines = [`✗ [${result.rule}] ${result.case.name} (${result.case.file}) — ${result.case.reason}`];
  for (const missed of result.missed) lines.push(`    missed:     ${JSON.stringify(missed)}`);
  for (const f of result.falsePositives) {
    lines.push(
      `    unexpected: ${f.level} "${f.title}" ${f.path ?? ''}${f.startLine ? `:${f.startLine}-${f.endLine}` : ''} — ${f.message}`,
    );
  }
  return lines.join('\n');
}
