/**
 * Which changed files are migrations, and of which framework: by `migrations.paths`, per framework. Python
 * and JavaScript folders named `migrations` hold several frameworks' files, so their text decides which one
 * (a Django migration imports `django.db`, a Knex one receives `knex`, and so on).
 */
import type { MonoenvConfig } from '../../../config/schema.js';
import { pathMatcher, type PathMatcher } from '../../glob.js';
import type { Framework } from './hazards.js';

type PathKey = keyof MonoenvConfig['migrations']['paths'];
const KEYS: readonly PathKey[] = ['rails', 'django', 'alembic', 'js', 'sql'];

const cache = new WeakMap<readonly string[], PathMatcher>();

/** A glob list where `!glob` entries leave paths out. */
function listMatcher(globs: readonly string[]): PathMatcher {
  let matcher = cache.get(globs);
  if (matcher === undefined) {
    const include = pathMatcher(globs.filter((g) => !g.startsWith('!')));
    const exclude = pathMatcher(globs.filter((g) => g.startsWith('!')).map((g) => g.slice(1)));
    matcher = (path) => include(path) && !exclude(path);
    cache.set(globs, matcher);
  }
  return matcher;
}

/** The `migrations.paths` list a path belongs to, if any (the first, in the order of the keys). */
export function migrationPathKind(path: string, config: MonoenvConfig): PathKey | undefined {
  return KEYS.find((key) => listMatcher(config.migrations.paths[key])(path));
}

/**
 * The framework of a migration file, read from its text where the folder alone does not say; undefined for a
 * file in a migrations folder that is not a migration (a helper module, a test, a README).
 */
export function frameworkOf(kind: PathKey, text: string): Framework | undefined {
  switch (kind) {
    case 'rails':
      return /\bActiveRecord::Migration\b|\bclass\s+\w+\s*<\s*\w*Migration\b/.test(text) ? 'rails' : undefined;
    case 'sql':
      return 'sql';
    case 'django':
    case 'alembic':
      if (/^\s*from\s+django\.db\s+import\b|^\s*import\s+django\b/m.test(text)) return 'django';
      if (/^\s*from\s+alembic\s+import\b|^\s*import\s+alembic\b/m.test(text)) return 'alembic';
      return undefined;
    case 'js':
      if (/\bqueryRunner\b|\bMigrationInterface\b/.test(text)) return 'typeorm';
      if (/\bqueryInterface\b|\bQueryInterface\b/.test(text)) return 'sequelize';
      if (/\bknex\b|\bKnex\b/.test(text)) return 'knex';
      if (/\b(?:exports\.up|export\s+(?:async\s+)?function\s+up|up\s*[:(])/.test(text)) return 'js';
      return undefined;
  }
}
