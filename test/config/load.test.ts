import { describe, expect, it } from '@jest/globals';
import {
  configErrorFindings,
  formatConfigError,
  MAX_CONFIG_BYTES,
  MAX_CONFIG_NESTING,
  parseConfigObject,
  parseConfigText,
  type ConfigError,
  type ConfigResult,
} from '../../src/config/load.js';
import { DEFAULT_CONFIG, DEFAULT_SOURCE_GLOBS } from '../../src/config/schema.js';

function errorsOf(result: ConfigResult): ConfigError[] {
  if (result.ok) throw new Error(`expected errors, got a valid config: ${JSON.stringify(result.config)}`);
  return result.errors;
}

const lines = (text: string, file = '.github/monoenv.yml'): string[] =>
  errorsOf(parseConfigText(text)).map((error) => formatConfigError(error, file));

describe('parseConfigText: valid files', () => {
  it.each([
    ['an empty file', ''],
    ['only comments', '# nothing configured yet\n   # really\n'],
    ['an empty document marker', '---\n'],
  ])('reads %s as the defaults', (_name, text) => {
    expect(parseConfigText(text)).toEqual({ ok: true, config: DEFAULT_CONFIG });
  });

  it("reads a section whose settings are all commented out as that section's defaults", () => {
    const result = parseConfigText('size:\n  # warn_lines: 200\nrisky:\n');
    expect(result).toEqual({ ok: true, config: DEFAULT_CONFIG });
  });

  it('keeps the defaults of keys the file leaves out', () => {
    const result = parseConfigText('size:\n  warn_lines: 200\n');
    if (!result.ok) throw new Error('invalid');
    expect(result.config.size.warn_lines).toBe(200);
    expect(result.config.size.fail_lines).toBe(DEFAULT_CONFIG.size.fail_lines);
    expect(result.config.tests).toEqual(DEFAULT_CONFIG.tests);
  });

  it("replaces a default list with the user's list instead of appending to it", () => {
    const result = parseConfigText('tests:\n  source: ["app/**/*.rb"]\nreview:\n  exempt_authors: []\n');
    if (!result.ok) throw new Error('invalid');
    expect(result.config.tests.source).toEqual(['app/**/*.rb']);
    expect(result.config.tests.source).not.toEqual(expect.arrayContaining([DEFAULT_SOURCE_GLOBS[0]]));
    expect(result.config.review.exempt_authors).toEqual([]);
    // The default lists themselves are untouched for the next reader.
    expect(DEFAULT_CONFIG.tests.source).toEqual(DEFAULT_SOURCE_GLOBS);
  });

  it('follows anchors and merge keys', () => {
    const result = parseConfigText('size: &base\n  level: warning\ntests:\n  <<: *base\n  require: any\n');
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.config.tests.level).toBe('warning');
    expect(result.config.tests.require).toBe('any');
  });

  it('names a merge key whose value is not a mapping where it stands, not at the top of the file', () => {
    expect(parseConfigText('size:\n  level: warning\nmode:\n  <<: false\n')).toEqual({
      ok: false,
      errors: [{ path: 'mode.<<', message: 'Merge sources must be maps or map aliases', line: 4, column: 3 }],
    });
  });
});

describe('parseConfigText: errors point at the line and column and say what was expected', () => {
  it('names a misspelt key at the key itself, with the nearest known key', () => {
    const text = 'size:\n  level: error\n  warn_lnies: 300\n';
    expect(lines(text)).toEqual(['.github/monoenv.yml:3:3: size.warn_lnies: unknown key; did you mean `warn_lines`?']);
  });

  it('suggests across case and dashes, and names the section a misplaced key belongs to', () => {
    const text = 'Mode: advise\nsize:\n  Warn-Lines: 3\n  approvals: 2\n';
    expect(lines(text)).toEqual([
      '.github/monoenv.yml:1:1: Mode: unknown key; did you mean `mode`?',
      '.github/monoenv.yml:3:3: size.Warn-Lines: unknown key; did you mean `warn_lines`?',
      '.github/monoenv.yml:4:3: size.approvals: unknown key here; `approvals` is a setting of `review`',
    ]);
  });

  it('lists the known keys when nothing is close', () => {
    const [error] = errorsOf(parseConfigText('overrides:\n  deploy: ship-it\n'));
    expect(error).toEqual({
      path: 'overrides.deploy',
      message: 'unknown key (known keys here: size, tests, risky, review, migrations, flags)',
      line: 2,
      column: 3,
    });
  });

  it('reports a wrong type with the expected type and the value found', () => {
    expect(lines('size:\n  warn_lines: "400"\n')).toEqual([
      '.github/monoenv.yml:2:15: size.warn_lines: expected a whole number ≥ 0, got the string "400"',
    ]);
    expect(lines('review:\n  approvals: 2.5\n  fresh: yes\n')).toEqual([
      '.github/monoenv.yml:2:14: review.approvals: expected a whole number from 0 to 20, got 2.5',
      '.github/monoenv.yml:3:10: review.fresh: expected `true` or `false`, got the string "yes"',
    ]);
  });

  it('reports values out of range', () => {
    expect(lines('size:\n  fail_lines: -1\nreview:\n  approvals: 21\n')).toEqual([
      '.github/monoenv.yml:2:15: size.fail_lines: expected a whole number ≥ 0, got -1',
      '.github/monoenv.yml:4:14: review.approvals: expected a whole number from 0 to 20, got 21',
    ]);
  });

  it('lists the allowed values of an enum and suggests the nearest', () => {
    expect(lines('mode: enforse\ntests:\n  require: every\n')).toEqual([
      '.github/monoenv.yml:1:7: mode: expected one of `enforce`, `advise`, got the string "enforse"; did you mean `enforce`?',
      '.github/monoenv.yml:3:12: tests.require: expected one of `per-file`, `any`, got the string "every"',
    ]);
  });

  it('points into a list at the offending item, block or flow style', () => {
    const text = ['risky:', '  paths:', '    - src/billing/**', '    - ""', '  flag_calls: [useUiFlag, "not a name"]', ''].join('\n');
    expect(lines(text)).toEqual([
      '.github/monoenv.yml:4:7: risky.paths.1: must not be empty',
      '.github/monoenv.yml:5:27: risky.flag_calls.1: expected a call name such as useUiFlag, FeatureToggle.enabled? or Features::on?, or a chain such as flags.get(key).isEnabled, got the string "not a name"',
    ]);
  });

  it('rejects a pattern that the linear-time regex engine cannot run', () => {
    const [error] = errorsOf(parseConfigText("risky:\n  flag_patterns: ['(a+)\\1']\n"));
    expect(error.path).toBe('risky.flag_patterns.0');
    expect(error.message).toMatch(/^not a supported regular expression \(RE2 syntax/);
    expect([error.line, error.column]).toEqual([2, 19]);
  });

  it('points at the key of a setting left empty', () => {
    expect(lines('review:\n  label:\n')).toEqual([
      '.github/monoenv.yml:2:3: review.label: expected a non-empty string of at most 50 characters, got nothing (an empty value)',
    ]);
  });

  it('reports a section that is not a mapping', () => {
    expect(lines('tests: yes please\n')).toEqual([
      '.github/monoenv.yml:1:8: tests: expected a mapping of its settings (level, require, source, …), got the string "yes please"',
    ]);
  });

  it('reports a document that is not a mapping', () => {
    expect(lines('- size\n- tests\n')).toEqual([
      '.github/monoenv.yml:1:1: the configuration must be a mapping of settings such as `mode: enforce`, got a list',
    ]);
  });

  it('reports YAML syntax errors with their position and no validation noise', () => {
    const errors = errorsOf(parseConfigText('size:\n  warn_lines: 300\n  exclude: ["a", "b"\nmode: advise\n'));
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toMatch(/^YAML syntax error: /);
    expect(errors[0].line).toBeGreaterThanOrEqual(3);
    expect(errors[0].column).toBeGreaterThanOrEqual(1);
  });

  it('reports a duplicate key at the second occurrence', () => {
    expect(lines('size:\n  level: warning\n  warn_lines: 10\n  level: error\n')).toEqual([
      '.github/monoenv.yml:4:3: size.level: this key appears twice in the same mapping; keep one',
    ]);
  });

  it('reports tabs used as indentation', () => {
    const [error] = errorsOf(parseConfigText('size:\n\twarn_lines: 2\n'));
    expect(error).toMatchObject({ line: 2, column: 1, message: expect.stringContaining('tabs') });
  });

  it('refuses a document that expands aliases without bound, instead of hanging', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++)
      levels.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      );
    const [error] = errorsOf(parseConfigText(levels.join('\n') + '\n'));
    expect(error).toMatchObject({ path: '', line: 1, column: 1 });
    expect(error.message).toMatch(/alias/i);
  });

  it('refuses a file over 64 KB unparsed, saying so (a 3 MB list once exhausted the heap)', () => {
    const huge = `size:\n  exclude: [${'"a",'.repeat(786_432)}"a"]\n`;
    expect(errorsOf(parseConfigText(huge))).toEqual([
      { path: '', code: 'file-too-large', message: 'file too large: 3.0 MB, over the 64 KB monoenv reads; it was not parsed' },
    ]);
    const justUnder = `mode: advise\n${'#'.repeat(MAX_CONFIG_BYTES - 14)}\n`;
    expect(Buffer.byteLength(justUnder)).toBe(MAX_CONFIG_BYTES);
    expect(parseConfigText(justUnder).ok).toBe(true);
    // Bytes, not characters: 40,000 three-byte characters are 120 KB.
    expect(errorsOf(parseConfigText(`# ${'€'.repeat(40_000)}\n`))[0].code).toBe('file-too-large');
    const [finding] = configErrorFindings(errorsOf(parseConfigText(huge)));
    expect(finding.title).toBe('Invalid monoenv configuration: file too large');
  });

  it.each([
    ['flow collections', `size:\n  exclude: ${'['.repeat(40)}"a"${']'.repeat(40)}\n`],
    ['block sequences on one line', `size:\n  exclude: ${'- '.repeat(40)}a\n`],
    ['32,000 flow brackets within 64 KB', `${'['.repeat(32_000)}${']'.repeat(32_000)}`],
  ])('refuses %s nested deeper than the limit, before composing them', (_name, text) => {
    expect(errorsOf(parseConfigText(text))).toEqual([
      { path: '', message: `collections nest more than ${MAX_CONFIG_NESTING} levels deep; it was not parsed`, line: 1, column: 1 },
    ]);
  });

  it('reads one document only', () => {
    expect(lines('mode: advise\n---\nmode: enforce\n')).toEqual([
      '.github/monoenv.yml:2:1: the file holds more than one YAML document (a second `---`); keep one',
    ]);
  });

  it('reports every error of a file, in reading order', () => {
    const text = 'review:\n  approvals: -1\nsize:\n  warn_lines: x\nmode: strict\n';
    expect(errorsOf(parseConfigText(text)).map((e) => [e.line, e.path])).toEqual([
      [2, 'review.approvals'],
      [4, 'size.warn_lines'],
      [5, 'mode'],
    ]);
  });
});

describe('parseConfigObject', () => {
  it('validates an already-parsed value with the same messages and no positions', () => {
    const result = parseConfigObject({ size: { warn_lnies: 3, level: 'warn' } });
    expect(errorsOf(result)).toEqual([
      {
        path: 'size.level',
        message: 'expected one of `off`, `notice`, `warning`, `error`, got the string "warn"; did you mean `warning`?',
      },
      { path: 'size.warn_lnies', message: 'unknown key; did you mean `warn_lines`?' },
    ]);
  });

  it('reads null (no configuration) and empty sections as the defaults', () => {
    expect(parseConfigObject(null)).toEqual({ ok: true, config: DEFAULT_CONFIG });
    expect(parseConfigObject({ risky: null, review: { approvals: 2 } })).toMatchObject({
      ok: true,
      config: { risky: DEFAULT_CONFIG.risky, review: { ...DEFAULT_CONFIG.review, approvals: 2 } },
    });
  });

  it('keeps `_extends` that Probot leaves in a merged configuration', () => {
    expect(parseConfigObject({ _extends: 'org/.github:monoenv.yml', mode: 'advise' })).toMatchObject({
      ok: true,
      config: { mode: 'advise' },
    });
  });
});

describe('formatConfigError', () => {
  it('follows the compiler convention and drops the parts that are unknown', () => {
    expect(formatConfigError({ path: 'size.level', message: 'm', line: 3, column: 9 }, 'a.yml')).toBe('a.yml:3:9: size.level: m');
    expect(formatConfigError({ path: 'size.level', message: 'm' }, 'a.yml')).toBe('a.yml: size.level: m');
    expect(formatConfigError({ path: '', message: 'm', line: 1, column: 1 }, 'a.yml')).toBe('a.yml:1:1: m');
  });
});

describe('configErrorFindings', () => {
  it('annotates the configuration file on the offending lines', () => {
    const findings = configErrorFindings(errorsOf(parseConfigText('size:\n  warn_lines: many\n')));
    expect(findings).toEqual([
      {
        rule: 'config',
        level: 'error',
        title: 'Invalid monoenv configuration',
        message: 'size.warn_lines: expected a whole number ≥ 0, got the string "many"',
        path: '.github/monoenv.yml',
        startLine: 2,
        endLine: 2,
      },
    ]);
  });
});
