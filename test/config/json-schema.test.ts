import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { jsonSchemaOf } from '../../src/config/json-schema.js';
import { DEFAULT_CONFIG } from '../../src/config/schema.js';
import { parseConfigText } from '../../src/config/load.js';
import { STARTER_CONFIG } from '../../src/config/starter.js';

const committedPath = new URL('../../schema/monoenv.schema.json', import.meta.url);
const committedText = readFileSync(committedPath, 'utf8');

/** SPEC section 2's example, with its `[...]` placeholders replaced by real lists. */
const SPEC_EXAMPLE = `
mode: enforce
size:
  level: error
  warn_lines: 400
  fail_lines: 1000
  warn_files: 30
  fail_files: 100
  exclude: []
  label: false
tests:
  level: warning
  require: per-file
  source: ["src/**/*.ts", "app/**/*.rb"]
  test: ["**/*.test.ts", "spec/**/*_spec.rb"]
  exempt: ["**/*.md", "docs/**"]
risky:
  level: error
  paths: ["src/billing/**", "db/migrations/**"]
  evidence: hunk
  flag_calls: ["useUiFlag", "FeatureToggle.enabled?"]
  flag_patterns: []
  accept_declared: false
  applies_to: features
review:
  level: error
  approvals: 1
  fresh: true
  before_merge: false
  label: unreviewed-merge
  exempt_authors: ["dependabot[bot]", "renovate[bot]", "github-actions[bot]"]
overrides:
  size: large-change-ok
  tests: no-tests-needed
  risky: no-flag-needed
`;

describe('schema/monoenv.schema.json', () => {
  it('is what the zod schema generates now (run `npm run build` when this fails)', () => {
    expect(committedText).toBe(JSON.stringify(jsonSchemaOf(), null, 2) + '\n');
  });

  const ajv = new Ajv2020({ allErrors: true, strict: true });
  const validateWithSchema = ajv.compile(JSON.parse(committedText) as object);
  const accepts = (value: unknown): boolean => validateWithSchema(value) === true;

  it('accepts the defaults, an empty file and the starter file', () => {
    expect(accepts(DEFAULT_CONFIG)).toBe(true);
    expect(accepts({})).toBe(true);
    expect(accepts(parse(STARTER_CONFIG))).toBe(true);
  });

  it('accepts the example of the SPEC, as the loader does', () => {
    expect(accepts(parse(SPEC_EXAMPLE))).toBe(true);
    expect(parseConfigText(SPEC_EXAMPLE).ok).toBe(true);
  });

  it('rejects a misspelt key, naming it', () => {
    expect(accepts({ size: { warn_lnies: 300 } })).toBe(false);
    expect(validateWithSchema.errors).toEqual([
      expect.objectContaining({
        instancePath: '/size',
        keyword: 'additionalProperties',
        params: { additionalProperty: 'warn_lnies' },
      }),
    ]);
  });

  it('rejects what the loader rejects: wrong types, bad enum values, out-of-range numbers', () => {
    for (const bad of [
      { size: { warn_lines: '400' } },
      { mode: 'strict' },
      { review: { approvals: 21 } },
      { review: { approvals: 1.5 } },
      { risky: { paths: [''] } },
      { risky: { flag_calls: ['not a name'] } },
    ]) {
      expect([bad, accepts(bad)]).toEqual([bad, false]);
      expect([bad, parseConfigText(JSON.stringify(bad)).ok]).toEqual([bad, false]);
    }
  });
});
