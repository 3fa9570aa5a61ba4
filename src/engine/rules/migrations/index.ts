/**
 * migrations: schema changes that break a running deployment. Deploying often means the old code runs
 * against the new schema for a while, and a migration that holds a strong lock stops the application while it
 * runs. Each migration the change adds or edits is read with a real parser (PostgreSQL's own for SQL) and
 * every hazardous operation is reported on its line with the fix; an operation on a name the same change
 * stops using in its code is reported as an expand/contract violation.
 */
import type { Change } from '../../change.js';
import type { Finding, RuleStatus } from '../../report.js';
import type { MonoenvConfig } from '../../../config/schema.js';
import { isActive, type Rule, type RuleContext, type RuleOutcome } from '../rule.js';
import { plural } from '../../conclusion.js';
import { fixFor, HAZARDS, REMOVES_NAME, type MigrationAnalysis, type MigrationOp } from './hazards.js';
import { migrationCandidates, migrationFiles, wholeInPatch, type MigrationFile } from './files.js';
import { analyseSql, emptyState } from './sql.js';
import { droppedUses, type DroppedUse } from './references.js';
import { CallReader, type Language } from './calls.js';
import { railsOps, type HostResult } from './rails.js';
import { alembicOps, djangoOps, type PreviousField } from './python.js';
import { javascriptOps } from './javascript.js';
import { grammarOf, type Grammar, type Syntax } from '../../syntax/index.js';
import type { PostgresParser } from './sql-parser.js';

export { loadPostgresParser, type PostgresParser } from './sql-parser.js';

/** What the rule needs beyond the change, read by the adapter's fact source before `evaluate` (`migrationsRule.wants`). */
export interface MigrationFacts {
  /** PostgreSQL's parser, loaded when a migration is touched. */
  postgres?: PostgresParser;
  /** Head texts of edited migration files, by path. */
  texts?: ReadonlyMap<string, string>;
  /** Syntax trees for migrations written in Ruby, Python, JavaScript or TypeScript. */
  syntax?: Syntax;
}

export interface MigrationNeeds {
  /** Load the SQL parser. */
  postgres: boolean;
  /** Read these files at the head commit (edited migrations, whose patch holds only part of the text). */
  texts: string[];
  /** Grammars of the migrations' host languages. */
  grammars: Grammar[];
}

const NOTHING: MigrationNeeds = { postgres: false, texts: [], grammars: [] };

/** At most this many edited migrations are read whole; beyond it, their hunks are judged. */
export const MAX_TEXTS = 20;

/** What to gather for this change: nothing at all (no call, no parser) when it touches no migration. */
export function migrationNeeds(change: Change, config: MonoenvConfig): MigrationNeeds {
  if (config.migrations.level === 'off') return NOTHING;
  const candidates = migrationCandidates(change, config);
  if (candidates.length === 0) return NOTHING;
  const grammars = [...new Set(candidates.map((f) => grammarOf(f.path)).filter((g): g is Grammar => g !== undefined))];
  return {
    postgres: true,
    texts: candidates
      .filter((f) => !wholeInPatch(f))
      .map((f) => f.path)
      .slice(0, MAX_TEXTS),
    grammars,
  };
}

const LANGUAGE: Partial<Record<Grammar, Language>> = { ruby: 'ruby', python: 'python', javascript: 'js', typescript: 'js', tsx: 'js' };

/** The previous definition of a Django model field, from the lines the change deletes in its model files. */
function previousFieldIn(change: Change): PreviousField {
  return (_model, name) => {
    const definition = new RegExp(`^\\s*${name}\\s*=\\s*(?:\\w+\\.)*(\\w+\\(.*)$`);
    for (const file of change.files) {
      if (!file.path.endsWith('.py') || /\/migrations\//.test(file.path)) continue;
      for (const hunk of file.hunks) {
        for (const line of hunk.lines) {
          const match = line.type === 'del' ? definition.exec(line.content) : null;
          if (match) return match[1];
        }
      }
    }
    return undefined;
  };
}

function hostAnalysis(file: MigrationFile, facts: MigrationFacts, config: MonoenvConfig, change: Change): MigrationAnalysis {
  const grammar = grammarOf(file.path);
  const language = grammar ? LANGUAGE[grammar] : undefined;
  const tree = grammar && facts.syntax?.has(grammar) ? facts.syntax.parse(grammar, file.text) : undefined;
  if (!language || !tree) {
    const why = grammar && facts.syntax?.unavailable.get(grammar);
    return {
      framework: file.framework,
      ops: [],
      notes: [{ line: 1, message: `not judged: the ${grammar ?? 'language'} grammar could not be loaded${why ? ` (${why})` : ''}` }],
    };
  }
  const reader = new CallReader(tree, language);
  const { database } = config.migrations;
  let host: HostResult & { notes?: MigrationAnalysis['notes'] };
  if (file.framework === 'rails') host = railsOps(reader, database);
  else if (file.framework === 'django') host = djangoOps(reader, database, previousFieldIn(change));
  else if (file.framework === 'alembic') host = alembicOps(reader, database);
  else host = javascriptOps(reader, database);
  const ops = [...host.ops];
  const notes = [...(host.notes ?? [])];
  if (host.sql.length > 0 && facts.postgres) {
    const state = emptyState();
    for (const table of host.created) state.createdTables.add(table);
    for (const piece of host.sql) {
      const result = analyseSql(piece.text, { parser: facts.postgres, database, state, firstLine: reader.lineOf(piece.start) });
      ops.push(...result.ops);
      notes.push(...result.notes);
    }
  }
  return { framework: file.framework, ops: ops.sort((a, b) => a.line - b.line), notes };
}

function analyse(file: MigrationFile, facts: MigrationFacts, config: MonoenvConfig, change: Change): MigrationAnalysis | undefined {
  if (file.framework !== 'sql') return hostAnalysis(file, facts, config, change);
  if (facts.postgres === undefined)
    return { framework: 'sql', ops: [], notes: [{ line: 1, message: 'not judged: the SQL parser could not be loaded' }] };
  const fresh = (line: number) => file.changedLines === undefined || file.changedLines.has(line);
  const result = analyseSql(file.text, { parser: facts.postgres, database: config.migrations.database, state: emptyState(), fresh });
  return { framework: 'sql', ...result };
}

/** The names a hazard removes, as the code would spell them. */
function removedNames(op: MigrationOp): string[] {
  if (op.hazard === 'drop-column' || op.hazard === 'rename-column') return op.column ? [op.column] : [];
  if (!op.table) return [];
  // Tables are plural where the model using them is singular (`users` for User).
  return op.table.endsWith('s') ? [op.table, op.table.slice(0, -1)] : [op.table];
}

export const EXPAND_CONTRACT_TITLE = 'Dropped in the same deploy that stops using it';

const where = (use: DroppedUse): string => `${use.path}:${use.line}`;

function findingOf(op: MigrationOp, file: MigrationFile, change: Change, ctx: RuleContext): Finding {
  const { config } = ctx;
  const level = config.migrations.level as Finding['level'];
  const hazard = HAZARDS[op.hazard];
  const subject = [op.table, op.column].filter(Boolean).join('.');
  const detail = op.detail ? ` (${op.detail})` : '';
  const base = { rule: 'migrations' as const, level, path: file.path, startLine: op.line, endLine: op.line };
  if (REMOVES_NAME.has(op.hazard)) {
    const uses = removedNames(op).flatMap((name) => droppedUses(change, config, name));
    if (uses.length > 0) {
      const shown = uses.slice(0, 3).map(where).join(', ') + (uses.length > 3 ? ` and ${uses.length - 3} more` : '');
      return {
        ...base,
        title: EXPAND_CONTRACT_TITLE,
        message: `\`${subject}\` is ${op.hazard.startsWith('rename') ? 'renamed' : 'dropped'} by this migration, and this pull request also removes the code that uses it (${shown}). Both ship in one deploy, so the old code, still running while the new one rolls out, queries a name that is gone.`,
        suggestion: `Expand and contract: ship the code change first, and ${op.hazard.startsWith('rename') ? 'rename' : 'drop'} in a later pull request once no running code uses it. ${fixFor(op.hazard, file.framework)}.`,
      };
    }
  }
  return {
    ...base,
    title: hazard.title,
    message: `${subject ? `\`${subject}\`${detail}: ` : detail ? `${detail.trim()}: ` : ''}${hazard.why}.`,
    suggestion: `${fixFor(op.hazard, file.framework)[0].toUpperCase()}${fixFor(op.hazard, file.framework).slice(1)}; or add the label \`${config.overrides.migrations}\` once it is known to be safe here.`,
  };
}

export function judgeMigrations(ctx: RuleContext, facts: MigrationFacts = {}): RuleOutcome | undefined {
  const { change, config } = ctx;
  const settings = config.migrations;
  if (settings.level === 'off') return undefined;
  const files = migrationFiles(change, config, facts.texts);
  if (files.length === 0) return undefined;
  const findings: Finding[] = [];
  for (const file of files) {
    const analysis = analyse(file, facts, config, change);
    if (analysis === undefined) continue;
    const touched = (line: number) => file.changedLines === undefined || file.changedLines.has(line);
    for (const op of analysis.ops) if (touched(op.line)) findings.push(findingOf(op, file, change, ctx));
    for (const note of analysis.notes) {
      if (!touched(note.line)) continue;
      findings.push({
        rule: 'migrations',
        level: 'notice',
        title: 'Migration statement not judged',
        message: note.message,
        path: file.path,
        startLine: note.line,
        endLine: note.line,
      });
    }
  }
  const hazards = findings.filter((f) => f.level !== 'notice');
  const status: RuleStatus = hazards.length > 0 ? settings.level : findings.length > 0 ? 'notice' : 'pass';
  const judged = plural(files.length, 'migration');
  return {
    findings,
    summary: {
      rule: 'migrations',
      status,
      summary:
        hazards.length > 0
          ? `${plural(hazards.length, 'operation')} in ${judged} can break the running deployment or block the table.`
          : `${judged} judged: nothing breaks the running deployment.`,
      ...(hazards.length > 0
        ? {
            advice: `Split the change so old and new code both work against every schema they meet (expand, migrate, contract), or add the label \`${config.overrides.migrations}\` once it is known to be safe here.`,
            headline: plural(hazards.length, 'unsafe migration step'),
          }
        : {}),
    },
  };
}

export const migrationsRule: Rule = {
  name: 'migrations',
  needs: (config, labels) => (isActive(config, 'migrations', labels) ? { files: true } : {}),
  wants: (change, config) => {
    const needs = migrationNeeds(change, config);
    return { postgres: needs.postgres, migrations: needs.texts, grammars: needs.grammars };
  },
  judge: (ctx) => judgeMigrations(ctx, ctx.facts),
};
