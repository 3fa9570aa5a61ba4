// Writes schema/monoenv.schema.json from the zod schema (run after tsc, from the built output).
import { writeFileSync, mkdirSync } from 'node:fs';
import { jsonSchemaOf } from '../lib/config/json-schema.js';

mkdirSync(new URL('../schema/', import.meta.url), { recursive: true });
writeFileSync(new URL('../schema/monoenv.schema.json', import.meta.url), JSON.stringify(jsonSchemaOf(), null, 2) + '\n');
