/**
 * What the migrations rule reads, for changes of the history: PostgreSQL's parser and the grammars of the
 * migrations' host languages (each loaded once for the whole report), and the whole text of an edited
 * migration at the change's commit (read through the report's one `git cat-file` process). A change that
 * touches no migration costs nothing, as in the App.
 */
import type { Change } from '../../engine/change.js';
import type { MonoenvConfig } from '../../config/schema.js';
import type { EvaluationContext } from '../../engine/rules/rule.js';
import { migrationNeeds, loadPostgresParser, type PostgresParser } from '../../engine/rules/migrations/index.js';
import type { Grammar, Syntax } from '../../engine/syntax/index.js';
import { loadSyntax } from '../../engine/syntax/load.js';
import type { BlobReader } from '../../git/blobs.js';

export class HistoryMigrationFacts {
  private postgres: Promise<PostgresParser | undefined> | undefined;
  private readonly syntaxes = new Map<string, Promise<Syntax>>();

  constructor(private readonly blobs: BlobReader) {}

  /** The facts the migrations rule needs to judge `change` under each of `configs` (in force, proposed). */
  async for(change: Change, configs: readonly MonoenvConfig[]): Promise<EvaluationContext> {
    const needs = configs.map((config) => migrationNeeds(change, config));
    const grammars = [...new Set(needs.flatMap((n) => n.grammars))].sort();
    const paths = [...new Set(needs.flatMap((n) => n.texts))];
    if (!needs.some((n) => n.postgres) && grammars.length === 0 && paths.length === 0) return {};
    const [postgres, syntax, texts] = await Promise.all([
      needs.some((n) => n.postgres) ? this.parser() : Promise.resolve(undefined),
      grammars.length > 0 ? this.syntax(grammars) : Promise.resolve(undefined),
      Promise.all(paths.map(async (path) => [path, (await this.blobs.read(`${change.head.sha}:${path}`))?.toString('utf8')] as const)),
    ]);
    const found = texts.filter((entry): entry is readonly [string, string] => typeof entry[1] === 'string');
    return {
      ...(postgres ? { postgres } : {}),
      ...(syntax ? { syntax } : {}),
      ...(found.length > 0 ? { texts: new Map(found) } : {}),
    };
  }

  /** A parser that cannot load leaves SQL unjudged (a notice per file), as in the App. */
  private parser(): Promise<PostgresParser | undefined> {
    this.postgres ??= loadPostgresParser().catch(() => undefined);
    return this.postgres;
  }

  private syntax(grammars: readonly Grammar[]): Promise<Syntax> {
    const key = grammars.join(',');
    let loaded = this.syntaxes.get(key);
    if (loaded === undefined) this.syntaxes.set(key, (loaded = loadSyntax(grammars)));
    return loaded;
  }
}
