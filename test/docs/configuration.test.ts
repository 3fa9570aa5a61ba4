import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { configKeys, renderConfigurationDoc } from '../../src/config/doc.js';
import { configSchema, DEFAULT_CONFIG } from '../../src/config/schema.js';

const committed = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');

/** Every leaf path of the parsed defaults plus the optional keys the schema declares. */
function leafPaths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => leafPaths(v, prefix ? `${prefix}.${k}` : k));
}

function nest(path: string, value: unknown): unknown {
  return path.split('.').reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);
}

describe('docs/configuration.md', () => {
  it('is what the schema renders today (run `npm run docs:config` after changing src/config/schema.ts)', () => {
    expect(committed).toBe(renderConfigurationDoc());
  });

  it('documents every key the defaults have, plus the optional ones', () => {
    const documented = configKeys().map((k) => k.path);
    for (const path of leafPaths(DEFAULT_CONFIG)) expect(documented).toContain(path);
    expect(documented).toEqual(expect.arrayContaining(['_extends', 'overrides.review']));
    for (const path of documented) expect(committed).toContain(`### \`${path}\``);
  });

  it('gives every key a description, a type and an example', () => {
    for (const key of configKeys()) {
      expect({ path: key.path, described: key.description.length > 10 }).toEqual({ path: key.path, described: true });
      expect({ path: key.path, example: key.example !== undefined }).toEqual({ path: key.path, example: true });
      expect(key.type).not.toBe('any');
    }
  });

  it('shows only examples the schema accepts, each different from the default', () => {
    for (const key of configKeys()) {
      const result = configSchema.safeParse(nest(key.path, key.example));
      expect({ path: key.path, issues: result.success ? [] : result.error.issues }).toEqual({ path: key.path, issues: [] });
      expect({ path: key.path, example: key.example }).not.toEqual({ path: key.path, example: key.default });
    }
  });

  it('states each default as the schema applies it', () => {
    const defaults = new Map(configKeys().map((k) => [k.path, k.default]));
    expect(defaults.get('size.warn_lines')).toBe(DEFAULT_CONFIG.size.warn_lines);
    expect(defaults.get('tests.exempt')).toEqual(DEFAULT_CONFIG.tests.exempt);
    expect(defaults.get('review.exempt_authors')).toEqual(DEFAULT_CONFIG.review.exempt_authors);
    expect(committed).toContain(`| [\`size.fail_lines\`](#sizefail_lines) | integer ≥ 0 | \`${DEFAULT_CONFIG.size.fail_lines}\` |`);
  });
});
