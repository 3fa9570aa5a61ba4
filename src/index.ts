export type * from './engine/change.js';
export type * from './engine/report.js';
export { makeChange } from './engine/change.js';
export { evaluate } from './engine/evaluate.js';
export { configSchema, DEFAULT_CONFIG, type MonoenvConfig } from './config/schema.js';
