/**
 * The configuration schema: the single source of truth for `.github/monoenv.yml`, its defaults,
 * its validation messages and the JSON Schema shipped in the package.
 */
import { z } from 'zod';
import { RE2JS } from 're2js';

const level = z
  .enum(['off', 'notice', 'warning', 'error'])
  .describe('How findings of this rule are reported: off disables it, error can fail the check.');

const count = z.number().int().min(0);
const globs = z.array(z.string().min(1));

/** User regular expressions run on a linear-time engine (RE2 semantics), so none can hang the app. */
const linearRegex = z
  .string()
  .min(1)
  .superRefine((pattern, ctx) => {
    try {
      RE2JS.compile(pattern);
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        message: `not a supported regular expression (RE2 syntax: no backreferences or lookaround): ${(error as Error).message}`,
      });
    }
  });

export const DEFAULT_SOURCE_GLOBS = [
  '**/*.{js,jsx,mjs,cjs,ts,tsx,mts,cts,vue,svelte}',
  '**/*.py',
  '**/*.go',
  '**/*.rb',
  '**/*.{java,kt,kts,scala}',
  '**/*.rs',
  '**/*.cs',
  '**/*.php',
  '**/*.{ex,exs}',
  '**/*.swift',
];

export const DEFAULT_TEST_GLOBS = [
  '**/*.{test,spec}.*',
  '**/*.{e2e-spec,cy}.*',
  '**/__tests__/**',
  '**/test_*.py',
  '**/*_test.py',
  '**/tests.py',
  '**/tests/**',
  '**/test/**',
  '**/*_test.go',
  '**/spec/**/*_spec.rb',
  '**/src/test/**',
  // Gradle, Android and Kotlin Multiplatform source sets: androidTest, integrationTest, commonTest, jvmTest,
  // androidUnitTest, testDebug, testFixtures.
  '**/src/*Test/**',
  '**/src/test{Debug,Release,Fixtures}/**',
  '**/*{Test,Tests}.{java,kt,scala,swift,cs}',
  '**/*Tests*/**',
  // A capitalised `Test/` folder (PHP, C#, `src/Test/java`) and C# test projects (`Shop.Test`, `Shop.UnitTest`).
  '**/Test/**',
  '**/*.{Test,UnitTest,IntegrationTest}/**',
  '**/*Test.php',
  '**/*_test.exs',
];

export const DEFAULT_EXEMPT_GLOBS = [
  '**/*.md',
  '**/*.mdx',
  'docs/**',
  '**/docs/**',
  '.github/**',
  '.circleci/**',
  '.gitlab/**',
  '.buildkite/**',
  '**/*.d.ts',
  '**/*.stories.*',
  '**/fixtures/**',
  '**/__fixtures__/**',
  '**/__mocks__/**',
  '**/testdata/**',
  '**/*.config.{js,cjs,mjs,ts,cts,mts}',
  '**/.*rc.{js,cjs,mjs}',
  '**/{setup.py,conftest.py,manage.py,__init__.py}',
  '**/{Rakefile,Gemfile,Dangerfile}',
  '**/{db/schema.rb,db/structure.sql}',
  '**/db/migrate/**',
  '**/migrations/**',
  '**/{vendor,third_party,node_modules,dist,__generated__}/**',
  '**/*.{min.js,pb.go,pb.gw.go}',
  '**/*_pb2{,_grpc}.py',
  // Laravel's language files (`lang/en/auth.php`, `resources/lang/pt_BR/orders.php`): translated strings per locale.
  '**/lang/{??,???,??[-_]*}/**/*.php',
];

export const DEFAULT_EXEMPT_AUTHORS = ['dependabot[bot]', 'renovate[bot]', 'github-actions[bot]'];

/** GitHub's `author_association` values. */
export const AUTHOR_ASSOCIATIONS = [
  'OWNER',
  'MEMBER',
  'COLLABORATOR',
  'CONTRIBUTOR',
  'FIRST_TIME_CONTRIBUTOR',
  'FIRST_TIMER',
  'MANNEQUIN',
  'NONE',
] as const;
export const DEFAULT_APPROVER_ASSOCIATIONS: (typeof AUTHOR_ASSOCIATIONS)[number][] = ['OWNER', 'MEMBER', 'COLLABORATOR'];

const sizeSchema = z
  .strictObject({
    level: level.default('error'),
    warn_lines: count.default(400).describe('Counted changed lines above which the size rule warns.'),
    fail_lines: count.default(1000).describe('Counted changed lines above which the size rule fires at its level.'),
    warn_files: count.default(30).describe('Counted changed files above which the size rule warns.'),
    fail_files: count.default(100).describe('Counted changed files above which the size rule fires at its level.'),
    exclude: globs.default([]).describe('Extra globs excluded from the counts, on top of the built-in exclusions.'),
    label: z.boolean().default(false).describe('Add size/XS … size/XXL labels to pull requests.'),
  })
  .describe('size: oversized diffs.');

const testsSchema = z
  .strictObject({
    level: level.default('warning'),
    require: z
      .enum(['per-file', 'any'])
      .default('per-file')
      .describe('per-file: each changed source file needs a changed test that maps to it; any: any test change is enough.'),
    source: globs.default(DEFAULT_SOURCE_GLOBS).describe('Globs of source files.'),
    test: globs.default(DEFAULT_TEST_GLOBS).describe('Globs of test files.'),
    exempt: globs.default(DEFAULT_EXEMPT_GLOBS).describe('Globs of files that never need tests.'),
  })
  .describe('tests: source changed without tests.');

/**
 * A `risky.flag_calls` entry: a call name (`useUiFlag`, `FeatureToggle.enabled?`, `Features::on?`), or a chain
 * of two calls whose `(key)` marks the one that takes the key (`flags.get(key).isEnabled`,
 * `Feature::for().active(key)`); the chain's last name may be a call or a property.
 */
const FLAG_CALL_NAME =
  /^[A-Za-z_$][\w$]*(?:(?:\.|::)[A-Za-z_$][\w$]*)*(?:[?!]|\(key\)(?:\.|::|->)[A-Za-z_$][\w$]*(?:\(\))?[?!]?|\(\)(?:\.|::|->)[A-Za-z_$][\w$]*[?!]?\(key\))?$/;

const riskySchema = z
  .strictObject({
    level: level.default('error'),
    paths: globs.default([]).describe('Globs naming code whose behaviour must only change behind a feature flag.'),
    evidence: z
      .enum(['hunk', 'file', 'pr'])
      .default('hunk')
      .describe('Where a flag check must be found for an added line to count as guarded.'),
    flag_calls: z
      .array(
        z
          .string()
          .min(1)
          .regex(
            FLAG_CALL_NAME,
            'a call name such as useUiFlag, FeatureToggle.enabled? or Features::on?, or a chain such as flags.get(key).isEnabled',
          ),
      )
      .default([])
      .describe(
        'Your own flag helpers; a call to one of them with a key is a flag check. A chain names the call that takes the key with `(key)`: `flags.get(key).isEnabled` (the key goes to `get`, the check is the last call or property), `Feature::for().active(key)`.',
      ),
    flag_patterns: z.array(linearRegex).default([]).describe('Extra regular expressions (RE2 syntax) that recognise a flag check.'),
    accept_declared: z.boolean().default(false).describe('A "Feature-Flag: <key>" line in the PR body satisfies the rule.'),
    unseen: level
      .default('warning')
      .describe(
        'Level of risky findings that could not be settled: code whose callers lie outside what could be read, or lines that are only removed ("not seen far enough"). Unguarded code, where every path was seen, fires at `level`.',
      ),
    applies_to: z
      .enum(['features', 'all'])
      .default('features')
      .describe('features: fixes, refactors, chores, dependency bumps and reverts only get a notice; all: judge every change.'),
  })
  .describe('risky: risky paths changed without a feature flag.');

const reviewSchema = z
  .strictObject({
    level: level.default('error'),
    approvals: count.max(20).default(1).describe('Valid approvals a pull request needs.'),
    fresh: z
      .boolean()
      .default(true)
      .describe(
        'An approval counts only when given on the merged head commit, when only base-branch merges came after it, or when the change is the same as what was approved (per-file patch ids equal: a rebase keeps it, any edit does not).',
      ),
    before_merge: z.boolean().default(false).describe('Fire on open pull requests that lack approvals, not only after merge.'),
    codeowners: z
      .enum(['off', 'risky', 'all'])
      .default('off')
      .describe(
        'risky: every changed file under risky.paths that CODEOWNERS (read at the base) assigns needs a valid approval from one of its owners (the user, or a member of the owning team); all: every owned file; off: CODEOWNERS is not read.',
      ),
    label: z.string().min(1).max(50).default('unreviewed-merge').describe('Label added to pull requests merged without review.'),
    exempt_authors: z
      .array(z.string().min(1))
      .default(DEFAULT_EXEMPT_AUTHORS)
      .describe(
        "Accounts whose merges and pushes are not audited. Matched only on identities GitHub authenticated: the push's sender, the pull request's merger, or its opener when every commit's GitHub author is an exempt bot, never a commit's git author name.",
      ),
    approver_associations: z
      .array(z.enum(AUTHOR_ASSOCIATIONS))
      .min(1)
      .default(DEFAULT_APPROVER_ASSOCIATIONS)
      .describe(
        "Whose approvals count, by GitHub's author_association of the reviewer: by default accounts with write access to the repository (its owner, members of its organization, collaborators).",
      ),
  })
  .describe('review: unreviewed merges.');

/**
 * Where each framework keeps its migrations. Rollbacks (`down` files, Flyway undo scripts) are left out:
 * a deploy never runs them.
 */
export const DEFAULT_MIGRATION_PATHS = {
  rails: ['**/db/*migrate/**/*.rb'],
  django: ['**/migrations/[0-9]*.py'],
  alembic: ['**/alembic/versions/**/*.py', '**/migrations/versions/**/*.py'],
  js: ['**/{*migrations,migration,db/migrate}/**/*.{js,ts,mjs,cjs,mts,cts}'],
  sql: [
    '**/{*migrations,migration,migrate,db/migration,changelog,changelogs}/**/*.sql',
    '!**/{down,undo}.sql',
    '!**/*{.,_}{down,undo}.sql',
    '!**/U[0-9]*__*.sql',
  ],
};

const migrationPaths = (framework: keyof typeof DEFAULT_MIGRATION_PATHS, what: string) =>
  globs.default(DEFAULT_MIGRATION_PATHS[framework]).describe(`Globs of ${what}; a glob starting with ! leaves paths out.`);

const migrationsSchema = z
  .strictObject({
    level: level.default('warning'),
    database: z
      .enum(['postgres', 'mysql'])
      .default('postgres')
      .describe('The database the migrations run on: which operations lock or rewrite a table depends on it.'),
    paths: z
      .strictObject({
        rails: migrationPaths('rails', 'Rails (Active Record) migrations'),
        django: migrationPaths('django', 'Django migrations'),
        alembic: migrationPaths('alembic', 'Alembic migrations'),
        js: migrationPaths('js', 'JavaScript and TypeScript migrations (Knex, Sequelize, TypeORM, db-migrate)'),
        sql: migrationPaths('sql', 'plain SQL migrations (golang-migrate, goose, Flyway, Liquibase SQL, Prisma, dbmate)'),
      })
      .prefault({})
      .describe("Where migrations are, per framework; each list replaces that framework's defaults."),
  })
  .describe('migrations: schema changes that break a running deployment.');

/** Templates hold flag checks too (`{% flag %}`, `@feature`, `- if feature?(:x)` in HAML, ERB tags). */
export const DEFAULT_FLAG_PATHS = [...DEFAULT_SOURCE_GLOBS, '**/*.{erb,haml,slim,html,htm,jinja,jinja2,j2,twig,hbs,liquid}'];

export const DEFAULT_FLAG_EXCLUDE = [
  '**/{vendor,third_party,node_modules,dist,build,__generated__,.yarn}/**',
  '**/.pnp.*',
  '**/*.min.js',
  '**/*.{pb.go,pb.gw.go}',
  '**/*_pb2{,_grpc}.py',
];

const flagsSchema = z
  .strictObject({
    level: z
      .enum(['off', 'notice'])
      .default('notice')
      .describe('notice: a pull request that touches a check of a stale flag gets a notice naming it (never a failure); off: none.'),
    stale_after_days: count.min(1).max(3650).default(90).describe('A flag checked in the code for longer than this many days is stale.'),
    permanent: z
      .array(z.string().min(1))
      .default([])
      .describe('Flag keys meant to stay (kill switches, permissions, operational switches): listed, never stale.'),
    paths: globs.default(DEFAULT_FLAG_PATHS).describe('Globs of the files the flag inventory reads.'),
    exclude: globs.default(DEFAULT_FLAG_EXCLUDE).describe('Globs of files the flag inventory leaves out (vendored and generated code).'),
  })
  .describe('flags: the feature flags checked in the code, and flag debt.');

const labelName = z.string().min(1).max(50);
const overridesSchema = z
  .strictObject({
    size: labelName.default('large-change-ok'),
    tests: labelName.default('no-tests-needed'),
    risky: labelName.default('no-flag-needed'),
    review: labelName.optional(),
    migrations: labelName.default('safe-migration'),
    flags: labelName.optional(),
  })
  .describe('A pull-request label that waives one rule for that pull request.');

export const configSchema = z
  .strictObject({
    _extends: z.string().optional().describe("Inherit from another repository's configuration (repo or owner/repo:path.yml)."),
    mode: z
      .enum(['enforce', 'advise'])
      .default('enforce')
      .describe('enforce: error findings fail the check; advise: never fail (conclusion neutral).'),
    size: sizeSchema.prefault({}),
    tests: testsSchema.prefault({}),
    risky: riskySchema.prefault({}),
    review: reviewSchema.prefault({}),
    migrations: migrationsSchema.prefault({}),
    flags: flagsSchema.prefault({}),
    overrides: overridesSchema.prefault({}),
  })
  .describe('monoenv configuration (.github/monoenv.yml)');

export type MonoenvConfig = z.output<typeof configSchema>;
export type MonoenvConfigInput = z.input<typeof configSchema>;

/** The defaults: what applies when a repository has no configuration. */
export const DEFAULT_CONFIG: MonoenvConfig = configSchema.parse({});
