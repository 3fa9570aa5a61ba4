import { describe, expect, it } from '@jest/globals';
import { parseConfigText } from '../../src/config/load.js';
import { DEFAULT_CONFIG } from '../../src/config/schema.js';
import { jsonSchemaOf } from '../../src/config/json-schema.js';
import { STARTER_CONFIG } from '../../src/config/starter.js';

type Properties = Record<string, { properties?: Properties }>;

describe('the starter configuration', () => {
  it('is valid and equals the defaults, so writing it changes nothing', () => {
    expect(parseConfigText(STARTER_CONFIG)).toEqual({ ok: true, config: DEFAULT_CONFIG });
  });

  it('stays valid when every commented-out setting is switched on', () => {
    const uncommented = STARTER_CONFIG.replace(/^( +)# (\w+:)/gm, '$1$2');
    expect(uncommented).not.toBe(STARTER_CONFIG);
    const result = parseConfigText(uncommented);
    expect(result.ok ? [] : result.errors).toEqual([]);
    if (!result.ok) return;
    expect(result.config.risky.paths).toEqual(['src/billing/**', 'db/migrations/**']);
    expect(result.config.risky.flag_patterns).toEqual(['flags\\.on\\("[a-z_]+"\\)']);
  });

  it('mentions every setting of the schema, so new settings are documented for new users', () => {
    const properties = (jsonSchemaOf() as { properties: Properties }).properties;
    const missing: string[] = [];
    for (const [section, schema] of Object.entries(properties)) {
      if (section === '_extends') continue;
      const sectionAt = STARTER_CONFIG.search(new RegExp(`^${section}:`, 'm'));
      if (sectionAt < 0) missing.push(section);
      for (const key of Object.keys(schema.properties ?? {})) {
        const rest = STARTER_CONFIG.slice(sectionAt).split(/\n(?=\w)/)[0];
        if (!new RegExp(`^\\s+(# )?${key}:`, 'm').test(rest)) missing.push(`${section}.${key}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
