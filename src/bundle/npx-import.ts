/**
 * Stands in for `npx-import-light` inside the one-file bundles (Lambda, Action). Probot loads `ioredis`
 * through it only when `REDIS_URL` is set, with a dynamic import of a name the bundler cannot follow; a
 * bundle has no node_modules beside it, so that import failed and every invocation with `REDIS_URL`
 * crashed. Here the import is static, so the bundler includes ioredis (monoenv's publish lock uses it
 * anyway). Probot's other npx imports (smee-client for local webhook proxying, app registration in setup
 * mode) serve development servers, never a bundle, and say so if reached.
 */
import * as ioredis from 'ioredis';

export async function npxImport(pkg: string | string[]): Promise<unknown> {
  const name = Array.isArray(pkg) ? pkg[0] : pkg;
  if (/^ioredis(@|$)/.test(name)) return ioredis;
  throw new Error(`${name} is not part of this bundle; run the monoenv server (npm start) for it`);
}
