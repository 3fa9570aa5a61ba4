import { z } from 'zod';
import { configSchema } from './schema.js';

/** The JSON Schema of `.github/monoenv.yml`, generated from the zod schema (input side: every key optional). */
export function jsonSchemaOf(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configSchema, { io: 'input', target: 'draft-2020-12' }),
    $id: 'https://monoenv.dev/monoenv.schema.json',
    title: 'monoenv configuration',
  };
}
