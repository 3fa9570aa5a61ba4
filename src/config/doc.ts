/**
 * docs/configuration.md, generated from the zod schema (through the JSON Schema that ships in the package),
 * so the reference cannot drift from what the loader accepts. `npm run docs:config` rewrites the file; a test
 * fails when the committed file differs from what this renders.
 */
import { stringify } from 'yaml';
import { jsonSchemaOf, type JsonSchemaNode } from './json-schema.js';
import { DEFAULT_CONFIG } from './schema.js';
import { MAX_CONFIG_ALIASES, MAX_CONFIG_BYTES, MAX_CONFIG_NESTING } from './load.js';

/** The subset of JSON Schema that z.toJSONSchema emits for this configuration. */
export interface ConfigKey {
  /** Dotted path, e.g. "size.warn_lines". */
  path: string;
  type: string;
  /** The default, or undefined when the key has none (it is then simply absent). */
  default: unknown;
  description: string;
  example: unknown;
}

/**
 * An example value for every key. A `.meta({ examples: [...] })` on the schema wins over this table; the
 * doc test fails when a key has neither, so a new key cannot ship undocumented.
 */
export const KEY_EXAMPLES: Readonly<Record<string, unknown>> = {
  _extends: 'my-org/engineering-standards:.github/monoenv.yml',
  mode: 'advise',
  'size.level': 'warning',
  'size.warn_lines': 300,
  'size.fail_lines': 800,
  'size.warn_files': 20,
  'size.fail_files': 60,
  'size.exclude': ['**/*.generated.ts', 'openapi/**'],
  'size.label': true,
  'tests.level': 'error',
  'tests.require': 'any',
  'tests.source': ['src/**/*.ts', 'app/**/*.rb'],
  'tests.test': ['src/**/*.test.ts', 'spec/**/*_spec.rb'],
  'tests.exempt': ['**/*.md', 'src/generated/**', 'db/migrations/**'],
  'risky.level': 'warning',
  'risky.paths': ['src/billing/**', 'db/migrations/**'],
  'risky.evidence': 'file',
  'risky.flag_calls': ['useUiFlag', 'FeatureToggle.enabled?', 'feature?', 'featureFlagProvider.provide(key).isEnabled'],
  'risky.flag_patterns': ['flags\\.get\\(["\']\\w+["\']\\)'],
  'risky.accept_declared': true,
  'risky.applies_to': 'all',
  'risky.unseen': 'error',
  'review.level': 'warning',
  'review.approvals': 2,
  'review.fresh': false,
  'review.before_merge': true,
  'review.codeowners': 'risky',
  'review.label': 'needs-post-merge-review',
  'review.exempt_authors': ['dependabot[bot]', 'release-bot[bot]'],
  'review.approver_associations': ['OWNER', 'MEMBER', 'COLLABORATOR', 'CONTRIBUTOR'],
  'overrides.size': 'big-change-approved',
  'overrides.tests': 'tests-not-applicable',
  'overrides.risky': 'flag-not-needed',
  'overrides.review': 'emergency-fix',
  'migrations.level': 'error',
  'migrations.database': 'mysql',
  'migrations.paths.rails': ['db/migrate/**/*.rb', 'db/post_migrate/**/*.rb'],
  'migrations.paths.django': ['apps/*/migrations/[0-9]*.py'],
  'migrations.paths.alembic': ['db/versions/*.py'],
  'migrations.paths.js': ['src/database/migrations/*.ts'],
  'migrations.paths.sql': ['db/changes/**/*.sql', '!db/changes/**/*.rollback.sql'],
  'overrides.migrations': 'migration-reviewed',
  'overrides.flags': 'flag-kept',
  'flags.level': 'off',
  'flags.stale_after_days': 60,
  'flags.permanent': ['maintenance_mode', 'kill_payments'],
  'flags.paths': ['app/**/*.{rb,erb,haml}', 'src/**/*.{ts,tsx}'],
  'flags.exclude': ['**/vendor/**', 'src/generated/**'],
};

/** Where the schema says less than a reader needs; shown after the schema's own description. */
const KEY_NOTES: Readonly<Record<string, string>> = {
  _extends:
    "Read by Probot's config loader: `other-repo` means `.github/monoenv.yml` in a repository of the same owner, " +
    '`owner/repo:path.yml` names any file. Keys in this file replace the inherited ones; arrays are replaced, not appended.',
  'size.level': 'Above `warn_lines`/`warn_files` the rule warns; above `fail_lines`/`fail_files` it fires at this level.',
  'tests.source': 'Replacing this list replaces the defaults: copy the ones you still need.',
  'tests.test': 'Replacing this list replaces the defaults: copy the ones you still need.',
  'tests.exempt': 'Replacing this list replaces the defaults: copy the ones you still need.',
  'risky.evidence':
    '`hunk`: a flag check in the same hunk (or an alias of one assigned earlier in the file); `file`: anywhere in the ' +
    "file's added or context lines; `pr`: anywhere in the change.",
  'risky.flag_patterns':
    'Patterns run on a linear-time engine, so none can hang the app; lines over 2,000 characters are cut before matching.',
  'review.exempt_authors':
    'Replacing this list replaces the defaults: keep the bots you still want skipped. GitHub links a commit to an account by its author email, so list only bots whose commits you would accept unreviewed; an exempt merger or pusher exempts whatever it is made to merge or push.',
  'review.approver_associations':
    'OWNER, MEMBER, COLLABORATOR, CONTRIBUTOR, FIRST_TIME_CONTRIBUTOR, FIRST_TIMER, MANNEQUIN or NONE. An approval from any other association is listed as not counted, with the reason.',
  'overrides.size': 'The label that waives the size rule for one pull request.',
  'overrides.tests': 'The label that waives the tests rule for one pull request.',
  'overrides.risky': 'The label that waives the risky rule for one pull request.',
  'overrides.review':
    'The label that waives the review rule for one pull request. There is none by default: an unreviewed merge is ' +
    'always recorded unless you choose a label.',
  'overrides.migrations':
    'The label that waives the migrations rule for one pull request, once a reviewer knows the migration is safe there ' +
    '(a small table, a maintenance window).',
  'flags.stale_after_days':
    'The age of a flag is the time since its first check reached the branch (`monoenv flags`), or, on a pull request, since ' +
    'the oldest line of the base that checks it was last changed (`git blame`): a lower bound, so a notice never calls a young flag stale.',
  'flags.paths': 'Replacing this list replaces the defaults (source files and templates): copy the ones you still need.',
  'overrides.flags':
    'The label that silences the stale-flag notice for one pull request. There is none by default: the notice never fails a check.',
  'migrations.paths.sql': 'Rollbacks (`down` files, Flyway `U…__` undo scripts) are left out: a deploy never runs them.',
};

function typeOf(node: JsonSchemaNode): string {
  if (node.enum) return `one of ${node.enum.map((v) => `\`${String(v)}\``).join(', ')}`;
  switch (node.type) {
    case 'integer': {
      const max = node.maximum !== undefined && node.maximum < Number.MAX_SAFE_INTEGER ? node.maximum : undefined;
      if (node.minimum !== undefined && max !== undefined) return `integer, ${node.minimum} to ${max}`;
      if (node.minimum !== undefined) return `integer ≥ ${node.minimum}`;
      return 'integer';
    }
    case 'string':
      if (node.maxLength !== undefined) return `string, ${node.minLength ?? 0} to ${node.maxLength} characters`;
      return 'string';
    case 'array': {
      const items = node.items;
      if (items?.pattern) return 'list of call names';
      return `list of ${items?.type ?? 'value'}s`;
    }
    default:
      return node.type ?? 'any';
  }
}

/** Every leaf key of the configuration, in schema order. */
export function configKeys(): ConfigKey[] {
  const root = jsonSchemaOf() as JsonSchemaNode;
  const keys: ConfigKey[] = [];
  const walk = (node: JsonSchemaNode, prefix: string): void => {
    for (const [name, child] of Object.entries(node.properties ?? {})) {
      const path = prefix ? `${prefix}.${name}` : name;
      if (child.type === 'object' && child.properties) {
        walk(child, path);
        continue;
      }
      const description = [child.description, KEY_NOTES[path]].filter(Boolean).join(' ');
      keys.push({
        path,
        type: typeOf(child),
        default: child.default,
        description,
        example: child.examples?.[0] ?? KEY_EXAMPLES[path],
      });
    }
  };
  walk(root, '');
  return keys;
}

/** The sections of the file (mode, size, tests …), with the schema's description of each. */
function sections(): { name: string; description: string | undefined }[] {
  const root = jsonSchemaOf() as JsonSchemaNode;
  return Object.entries(root.properties ?? {})
    .filter(([, node]) => node.type === 'object')
    .map(([name, node]) => ({ name, description: node.description }));
}

/** `{a: {b: value}}` for "a.b", so an example is shown as the YAML a user would write. */
function nest(path: string, value: unknown): Record<string, unknown> {
  return path.split('.').reduceRight<unknown>((inner, key) => ({ [key]: inner }), value) as Record<string, unknown>;
}

const yamlOf = (value: unknown): string => stringify(value, { lineWidth: 0 }).trimEnd();

function inlineDefault(value: unknown): string {
  if (value === undefined) return '*none*';
  if (Array.isArray(value)) {
    if (value.length === 0) return '`[]`';
    if (value.length > 3) return `${value.length} entries (below)`;
  }
  return `\`${JSON.stringify(value).replaceAll('|', '\\|')}\``;
}

/** GitHub's heading anchors drop punctuation other than `-` and `_`. */
const anchorOf = (path: string): string => path.replaceAll('.', '').toLowerCase();

export function renderConfigurationDoc(): string {
  const keys = configKeys();
  const out: string[] = [];
  out.push(
    '<!-- Generated from src/config/schema.ts by `npm run docs:config`. Do not edit by hand. -->',
    '',
    '# Configuration',
    '',
    "monoenv reads `.github/monoenv.yml` from the repository's **default branch**, so a pull request cannot weaken the",
    'rules that judge it (a pull request that edits the file gets its new version validated, with annotations on the',
    "offending lines). When the repository has no file, the organisation's `.github` repository's",
    '`.github/monoenv.yml` applies. With no file at all, the defaults below apply.',
    '',
    'The review audits read it from before the audited change, so a change cannot waive its own audit: a merged pull',
    "request's audit reads the file at the pull request's base commit, a push's audit the file at the push's `before`",
    "commit (a push that creates the branch or repository: the organisation's file, else the defaults).",
    '',
    'Every key is optional. Unknown keys, wrong types and out-of-range values are errors: the app posts a `monoenv`',
    'check run titled "Invalid monoenv configuration" and the CLI (`monoenv validate`) exits 2, each naming the key',
    'path and what was expected. Arrays you set replace the default arrays; they are not appended to.',
    '',
    `Each file is read only up to ${MAX_CONFIG_BYTES / 1024} KB: a larger one (the repository's, the organisation's, one named by`,
    '`_extends`, or the version a pull request proposes) is refused unparsed, and the check is titled',
    '"Invalid monoenv configuration: file too large" (the CLI exits 2 with the same words). A file must also be one',
    `YAML document whose collections nest at most ${MAX_CONFIG_NESTING} levels deep, with at most ${MAX_CONFIG_ALIASES} alias expansions.`,
    '',
    'Editors complete and check the file with the JSON Schema that ships in the package (`schema/monoenv.schema.json`);',
    'with the YAML language server, put this on the first line:',
    '',
    '```yaml',
    '# yaml-language-server: $schema=./node_modules/monoenv/schema/monoenv.schema.json',
    '```',
    '',
    '## All keys',
    '',
    '| Key | Type | Default |',
    '| --- | --- | --- |',
  );
  for (const key of keys) {
    out.push(`| [\`${key.path}\`](#${anchorOf(key.path)}) | ${key.type} | ${inlineDefault(key.default)} |`);
  }
  out.push('', '## The defaults as a file', '', '```yaml', yamlOf(DEFAULT_CONFIG), '```');

  const sectionList = sections();
  const topLevel = keys.filter((k) => !k.path.includes('.'));
  const groups: { title: string; description?: string; keys: ConfigKey[] }[] = [
    { title: 'Top level', keys: topLevel },
    ...sectionList.map((s) => ({
      title: `\`${s.name}\``,
      description: s.description,
      keys: keys.filter((k) => k.path.startsWith(`${s.name}.`)),
    })),
  ];
  for (const group of groups) {
    out.push('', `## ${group.title}`);
    if (group.description) out.push('', group.description);
    for (const key of group.keys) {
      out.push('', `### \`${key.path}\``, '', key.description, '', `- Type: ${key.type}`);
      if (key.default === undefined) {
        out.push('- Default: none');
      } else if (Array.isArray(key.default) && key.default.length > 3) {
        out.push(
          '- Default:',
          '',
          '  ```yaml',
          ...yamlOf(key.default)
            .split('\n')
            .map((l) => `  ${l}`),
          '  ```',
        );
      } else {
        out.push(`- Default: \`${JSON.stringify(key.default)}\``);
      }
      out.push('', 'Example:', '', '```yaml', yamlOf(nest(key.path, key.example)), '```');
    }
  }
  return out.join('\n') + '\n';
}
