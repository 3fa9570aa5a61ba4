/**
 * The commented starter `.github/monoenv.yml` that `monoenv init` writes. Every setting is shown with its
 * default, so the file reads as documentation; lists are left commented out because a list in the file
 * replaces the built-in one (a team that copies the default globs would stop receiving improvements).
 */

export const SCHEMA_URL = 'https://unpkg.com/monoenv/schema/monoenv.schema.json';

export const STARTER_CONFIG = `# yaml-language-server: $schema=${SCHEMA_URL}
#
# monoenv keeps changes small, reviewed, tested and feature-flagged.
# The rules that judge a pull request are read from its base branch, so a pull request cannot weaken them.
# Check this file with \`npx monoenv validate\`; try it on your branch with \`npx monoenv check\`.

# enforce: error findings fail the check · advise: report only (conclusion neutral)
mode: enforce

# Oversized diffs. Lockfiles, generated and vendored files do not count.
size:
  level: error          # off | notice | warning | error
  warn_lines: 400       # counted changed lines above which the rule warns
  fail_lines: 1000      # ... and above which it fires at its level
  warn_files: 30
  fail_files: 100
  label: false          # add size/XS … size/XXL labels
  # exclude: ["docs/generated/**"]   # extra globs left out of the counts

# Source changed without tests.
tests:
  level: warning
  require: per-file     # per-file: each source file needs its own test · any: any test change is enough
  # Lists replace the built-in globs, which cover JS/TS, Python, Go, Ruby, Java/Kotlin, Rust, C#, PHP, Elixir.
  # source: ["src/**/*.ts"]
  # test: ["**/*.test.ts"]
  # exempt: ["**/*.md", "scripts/**"]

# Risky paths changed without a feature flag.
risky:
  level: error
  evidence: hunk        # where a flag check must be: hunk | file | pr
  accept_declared: false  # a "Feature-Flag: <key>" line in the PR body satisfies the rule
  applies_to: features  # features: fixes, refactors and chores only get a notice · all
  unseen: warning       # code whose callers could not all be read ("not seen far enough"): off | notice | warning | error
  # paths: ["src/billing/**", "db/migrations/**"]
  # flag_calls: ["useUiFlag", "FeatureToggle.enabled?"]   # your own flag helpers
  # flag_patterns: ['flags\\.on\\("[a-z_]+"\\)']   # regular expressions (RE2 syntax)

# Merges without review.
review:
  level: error
  approvals: 1
  fresh: true           # an approval counts for the merged commit, or the same change rebased (patch ids)
  before_merge: false   # also fire on open pull requests that lack approvals
  codeowners: off       # off | risky | all: owned files (under risky.paths with risky) need an owner's approval
  label: unreviewed-merge
  # exempt_authors: ["dependabot[bot]", "renovate[bot]", "github-actions[bot]"]   # a merger, pusher, or bot author as GitHub authenticated it
  # approver_associations: [OWNER, MEMBER, COLLABORATOR]   # whose approvals count (write access)

# Schema changes that break a running deployment (drops, renames, locking index builds, …).
migrations:
  level: warning
  database: postgres    # postgres | mysql: which operations lock or rewrite a table
  # Lists replace the built-in globs, which cover Rails, Django, Alembic, Knex/Sequelize/TypeORM and SQL files.
  # paths: { sql: ["db/changes/**/*.sql"], rails: ["db/migrate/**/*.rb"] }

# Flag debt: \`monoenv flags\` lists every flag the code checks; a pull request touching a stale one gets a notice.
flags:
  level: notice         # notice | off (never a failure)
  stale_after_days: 90
  # permanent: ["maintenance_mode"]   # kill switches and permissions: listed, never stale
  # Lists replace the built-in globs: the inventory reads source files and templates, not vendored code.
  # paths: ["app/**/*.{rb,erb,haml}", "src/**/*.{ts,tsx}"]
  # exclude: ["**/vendor/**", "src/generated/**"]

# A pull-request label that waives one rule for that pull request (recorded in the check summary).
overrides:
  size: large-change-ok
  tests: no-tests-needed
  risky: no-flag-needed
  migrations: safe-migration
  # review: emergency-merge
  # flags: flag-kept    # silences the stale-flag notice
`;

/** What `monoenv init` learned from the repository, to propose commented out. */
export interface LearnedProposals {
  /** The commit read, short. */
  commit: string;
  flagCalls: readonly { name: string; evidence: string; callSites: number }[];
  paths: readonly { glob: string; checks: number; files: number }[];
}

/** Proposals listed in the file; the rest are printed only. */
const LISTED_PROPOSALS = 10;

/** A YAML comment line: no line breaks can escape it. */
const comment = (text: string): string => text.replace(/[\r\n]+/g, ' ');

/** The learned `risky.flag_calls` and `risky.paths`, as commented YAML lines for the risky section. */
export function learnedLines(learned: LearnedProposals): string[] {
  const lines: string[] = [];
  if (learned.flagCalls.length === 0 && learned.paths.length === 0) return lines;
  lines.push(`  # Learned from this repository at ${learned.commit} by \`monoenv init\`: uncomment what you accept.`);
  if (learned.flagCalls.length > 0) {
    lines.push('  # flag_calls:');
    for (const call of learned.flagCalls.slice(0, LISTED_PROPOSALS)) {
      lines.push(`  #   - ${JSON.stringify(call.name)}   # ${comment(`${call.callSites} calls · ${call.evidence}`)}`);
    }
  }
  if (learned.paths.length > 0) {
    lines.push('  # paths:   # where flag checks concentrate');
    for (const path of learned.paths.slice(0, LISTED_PROPOSALS)) {
      lines.push(`  #   - ${JSON.stringify(path.glob)}   # ${path.checks} flag checks in ${path.files} files`);
    }
  }
  return lines;
}

/** The starter file, with what was learned from the repository proposed in its risky section. */
export function starterConfig(learned?: LearnedProposals): string {
  const extra = learned === undefined ? [] : learnedLines(learned);
  if (extra.length === 0) return STARTER_CONFIG;
  const anchor = STARTER_CONFIG.indexOf('\n', STARTER_CONFIG.indexOf('  # flag_patterns:'));
  return `${STARTER_CONFIG.slice(0, anchor + 1)}${extra.join('\n')}\n${STARTER_CONFIG.slice(anchor + 1)}`;
}
