/**
 * Hostile input, fuzzed with fast-check: configurations, patches, path names and flag patterns never crash
 * the engine, configuration errors always name a key path, and hostile lines and backtracking patterns are
 * evaluated. Run counts are modest here; `FUZZ_RUNS=20000 npx jest test/reliability/fuzz` goes further.
 *
 * Nothing here is timed: the speed targets of these inputs are in `npm run bench` (bench/hostile.ts). An
 * engine that backtracked on them would not finish at all, and the test's timeout catches that.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { parseConfigText } from '../../src/config/load.js';
import { DEFAULT_CONFIG, type MonoenvConfig } from '../../src/config/schema.js';
import { changedFileFromGitHub } from '../../src/facts/github-files.js';
import { evaluate } from '../../src/engine/evaluate.js';
import type { Change } from '../../src/engine/change.js';
import {
  BACKTRACKING_LINE,
  BACKTRACKING_PATTERNS,
  HOSTILE_BODY,
  HOSTILE_LINES,
  HOSTILE_LINE_PATTERNS,
} from '../../bench/hostile-inputs.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

function change(files: Change['files'], title = 'feat: fuzz'): Change {
  return {
    number: 1,
    title,
    body: '',
    author: { login: 'alice', bot: false },
    labels: [],
    draft: false,
    base: { ref: 'main', sha: 'a'.repeat(40) },
    head: { ref: 'f', sha: 'b'.repeat(40) },
    files,
    totals: {
      additions: files.reduce((n, f) => n + f.additions, 0),
      deletions: files.reduce((n, f) => n + f.deletions, 0),
      files: files.length,
    },
    filesComplete: true,
  };
}

const riskyConfig = (patterns: string[] = []): MonoenvConfig => {
  const parsed = parseConfigText(stringify({ risky: { paths: ['**'], flag_patterns: patterns }, tests: { level: 'warning' } }));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.config;
};

describe('configurations', () => {
  it('random YAML never throws; every error names a key path or says the file is not a mapping', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.jsonValue().map((v) => stringify(v)),
        ),
        (text) => {
          const result = parseConfigText(text, '.github/monoenv.yml');
          if (result.ok) return;
          for (const error of result.errors) {
            expect(typeof error.path).toBe('string');
            expect(error.message.length).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('the default configuration mutated at one key: valid, or errors naming that key', () => {
    const keys: Array<[string, string | undefined]> = Object.entries(DEFAULT_CONFIG).flatMap(
      ([section, value]): Array<[string, string | undefined]> =>
        typeof value === 'object' && value !== null && !Array.isArray(value)
          ? Object.keys(value).map((k): [string, string | undefined] => [section, k])
          : [[section, undefined]],
    );
    const mutation = fc.oneof(fc.jsonValue(), fc.string(), fc.integer(), fc.constant(null)) as fc.Arbitrary<unknown>;
    fc.assert(
      fc.property(fc.constantFrom(...keys), mutation, ([section, key], value) => {
        const config = structuredClone(DEFAULT_CONFIG) as Record<string, any>;
        if (key === undefined) config[section] = value;
        else config[section][key] = value;
        const result = parseConfigText(stringify(config));
        if (!result.ok) {
          expect(result.errors.length).toBeGreaterThan(0);
          for (const error of result.errors)
            expect(error.path.startsWith(key === undefined ? section : `${section}.${key}`) || error.path.startsWith(section)).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('flag patterns known to backtrack catastrophically are rejected at validation or evaluated', () => {
    let evaluated = 0;
    for (const pattern of BACKTRACKING_PATTERNS) {
      const parsed = parseConfigText(stringify({ risky: { paths: ['**'], flag_patterns: [pattern] } }));
      if (!parsed.ok) {
        expect(parsed.errors[0].path).toMatch(/^risky\.flag_patterns/);
        continue;
      }
      const report = evaluate(
        change([
          changedFileFromGitHub({
            filename: 'src/a.ts',
            status: 'modified',
            additions: 1,
            deletions: 0,
            patch: `@@ -1 +1,2 @@\n x\n${BACKTRACKING_LINE}`,
          }),
        ]),
        parsed.config,
      );
      expect(report.rules.find((r) => r.rule === 'risky')).toBeDefined();
      evaluated++;
    }
    // Most are valid RE2 and run (linearly) there: the input really is evaluated, not turned away.
    expect(evaluated).toBeGreaterThanOrEqual(4);
  }, 60_000);
});

const hostileLine = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom(
    '\0\0\0',
    '\r',
    '\uFFFD\uD800',
    'Binary files a/x and b/x differ',
    'GIT binary patch',
    '\\ No newline at end of file',
    '@@ -999999999,1 +999999999,1 @@',
    '@@ -1 +1 @@@@',
    '+++ b/x',
    '--- a/x',
  ),
  fc.constant('x'.repeat(100_000)),
);

describe('patches and paths', () => {
  it('random and malformed patches never crash the parser or the rules', () => {
    const path = fc.oneof(
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
      fc.constantFrom('src/[id]/page.tsx', 'src/**/x*.ts', 'a{b,c}/?.js', 'src/é/日本.ts', 'x\0y', '../../etc/passwd', 'src/\u202Ertl.ts'),
    );
    const patch = fc
      .array(
        fc.oneof(
          hostileLine.map((l) => `+${l}`),
          hostileLine.map((l) => `-${l}`),
          hostileLine,
          fc.constant('@@ -1,3 +1,4 @@'),
        ),
        { maxLength: 12 },
      )
      .map((lines) => lines.join(fc.sample(fc.constantFrom('\n', '\r\n'), 1)[0]));
    fc.assert(
      fc.property(fc.array(fc.record({ filename: path, patch: fc.option(patch) }), { minLength: 1, maxLength: 4 }), (entries) => {
        const files = entries.map((e) =>
          changedFileFromGitHub({ filename: e.filename, status: 'modified', additions: 1, deletions: 0, patch: e.patch }),
        );
        const report = evaluate(change(files), riskyConfig());
        expect(['success', 'neutral', 'failure']).toContain(report.conclusion);
      }),
      { numRuns: RUNS },
    );
  });

  it('each hostile 100,000-character line is read in full, user patterns included', () => {
    const config = riskyConfig(HOSTILE_LINE_PATTERNS);
    // Every path is risky here: a line is unflagged unless a flag check guards it or it changes no behaviour.
    const unflagged = HOSTILE_LINES.map((line) => {
      const file = changedFileFromGitHub({
        filename: 'src/a.ts',
        status: 'modified',
        additions: 1,
        deletions: 0,
        patch: `@@ -1 +1,2 @@\n x\n+${line}`,
      });
      return evaluate(change([file]), config).findings.filter((f) => f.rule === 'risky').length;
    });
    expect(HOSTILE_LINES.map((line) => line.slice(0, 10))).toEqual([
      'aaaaaaaaaa',
      '((((((((((',
      'variation(',
      '/*/*/*/*/*',
      '\0'.repeat(10),
    ]);
    // `(a+)+$` matches the whole run of a's (so it is a flag check); `variation(…)` is an SDK's flag call;
    // the comment changes nothing; the parentheses and the NULs are unflagged changes.
    expect(unflagged).toEqual([0, 1, 0, 0, 1]);
  }, 60_000);

  it('a risky change whose PR body is 65,536 empty lines is judged, with or without a declaration after them', () => {
    const file = changedFileFromGitHub({
      filename: 'src/a.ts',
      status: 'modified',
      additions: 1,
      deletions: 0,
      patch: '@@ -1 +1,2 @@\n x\n+applyDiscount(cart);',
    });
    for (const body of [HOSTILE_BODY, `${HOSTILE_BODY}\nFeature-Flag: late-key`]) {
      const report = evaluate({ ...change([file]), body }, riskyConfig());
      const declared = report.findings.filter((f) => f.title === 'flag declared, not detected');
      expect(declared).toHaveLength(body === HOSTILE_BODY ? 0 : 1);
    }
  });
});
