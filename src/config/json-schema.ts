import { z } from 'zod';
import { configSchema } from './schema.js';

/** The JSON Schema of `.github/monoenv.yml`, generated from the zod schema (input side: every key optional). */
/** The parts of a JSON Schema node the loader's messages and the configuration reference read. */
export interface JsonSchemaNode {
  type?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  examples?: unknown[];
  properties?: Record<string, JsonSchemaNode>;
  items?: JsonSchemaNode;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
}

export function jsonSchemaOf(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configSchema, { io: 'input', target: 'draft-2020-12' }),
    $id: 'https://monoenv.dev/monoenv.schema.json',
    title: 'monoenv configuration',
  };
}
