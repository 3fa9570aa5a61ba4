// Compiles bench/engine.ts to plain JavaScript (lib/bench/engine.mjs), so the engine is measured as the app
// runs it: without a TypeScript loader in the process, whose own memory would count in the peak RSS.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

export const ENGINE_BENCH = fileURLToPath(new URL('../lib/bench/engine.mjs', import.meta.url));

export async function buildEngineBench() {
  await build({
    entryPoints: [fileURLToPath(new URL('../bench/engine.ts', import.meta.url))],
    outfile: ENGINE_BENCH,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  return ENGINE_BENCH;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildEngineBench();
