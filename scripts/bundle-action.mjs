// Bundles the GitHub Action into one file, dist/action/index.js, so the action runs with no install step.
//
// The bundle is committed: GitHub runs an action straight from the tagged commit and installs nothing. Every
// change under src/ rebuilds it (`npm run bundle:action`) in the same commit, and test/action/bundle-current.test.ts
// fails when the committed file is not what the sources build: a fresh build into a temporary folder, compared
// byte for byte (esbuild gives the same bytes for the same sources). `prepare` and the `version` script rebuild
// it too. The Action's tests bundle the current sources themselves (`--out FILE`) and run that file.
//
//   node scripts/bundle-action.mjs                 writes dist/action/index.js
//   node scripts/bundle-action.mjs --out FILE      writes the Action's bundle to FILE
//   node scripts/bundle-action.mjs --check         exits 1 when dist/action/index.js is not current
//   node scripts/bundle-action.mjs --lambda        writes dist/lambda/index.mjs (not committed)
//   node scripts/bundle-action.mjs --entry F --out O   bundles entry F with the Action's options (tests)
//
// Beside each bundle goes a `grammars/` folder with the tree-sitter runtime and grammar WebAssembly files
// (src/engine/syntax/load.ts looks there first) and PostgreSQL's parser (libpg-query, which the migrations
// rule loads): a bundle has no node_modules to find them in. They change only when their packages do, so git
// keeps one copy of each across bundle rebuilds.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ACTION_BUNDLE = 'dist/action/index.js';
const root = fileURLToPath(new URL('..', import.meta.url));

/** Bottleneck's Redis connection hides its `require("ioredis")` from bundlers behind `eval`; unhide it. */
const staticIoredisRequire = {
  name: 'static-ioredis-require',
  setup(build) {
    build.onLoad({ filter: /[\\/]bottleneck[\\/]lib[\\/]IORedisConnection\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const hidden = 'eval("require")("ioredis")';
      if (!source.includes(hidden)) throw new Error(`${args.path} no longer hides its ioredis require; review the bundle plugin`);
      return { contents: source.replace(hidden, 'require("ioredis")'), loader: 'js' };
    });
  },
};

/**
 * libpg-query's Emscripten loader finds its .wasm in `__dirname`, which ESM output lacks: its module gets one
 * declared, naming the `grammars/` folder beside the bundle where the .wasm is copied.
 */
const pgQueryBesideBundle = {
  name: 'pg-query-beside-bundle',
  setup(build) {
    build.onLoad({ filter: /[\\/]libpg-query[\\/]wasm[\\/]libpg-query\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('scriptDirectory=__dirname'))
        throw new Error(`${args.path} no longer locates its .wasm by __dirname; review the bundle plugin`);
      return { contents: `var __dirname = __monoenvGrammars;\n${source}`, loader: 'js' };
    });
  },
};

/** The esbuild options, shared with the test that checks the committed bundle is current. */
export const bundleOptions = {
  absWorkingDir: root,
  entryPoints: ['src/action/index.ts'],
  bundle: true,
  platform: 'node',
  // The action declares node24; the bundle also runs on Node 20, where this repository's tests run it.
  target: 'node20',
  format: 'esm',
  // Some bundled CommonJS dependencies call require() for Node's built-ins, which ESM output lacks.
  banner: {
    js: [
      "import { createRequire as __monoenvCreateRequire } from 'node:module';",
      "import { fileURLToPath as __monoenvFileURLToPath } from 'node:url';",
      'const require = __monoenvCreateRequire(import.meta.url);',
      "const __monoenvGrammars = __monoenvFileURLToPath(new URL('./grammars', import.meta.url));",
    ].join('\n'),
  },
  // With REDIS_URL, Probot and Bottleneck load ioredis in ways a bundler cannot follow (a package name only
  // known at run time, an `eval("require")`); the bundle has no node_modules beside it, so both failed and
  // every invocation crashed. Made static here, the bundle carries ioredis (the publish lock uses it anyway).
  alias: { 'npx-import-light': './src/bundle/npx-import.ts' },
  plugins: [staticIoredisRequire, pgQueryBesideBundle],
  legalComments: 'none',
  minify: true,
  logLevel: 'warning',
  write: false,
  outfile: ACTION_BUNDLE,
};

export const LAMBDA_BUNDLE = 'dist/lambda/index.mjs';
export const lambdaOptions = {
  ...bundleOptions,
  entryPoints: ['src/lambda/index.ts'],
  // Lambda's Node.js 22 and 24 runtimes.
  target: 'node22',
  outfile: LAMBDA_BUNDLE,
};

/**
 * The WebAssembly files the syntax layer loads (src/engine/syntax/grammars.ts names the same ones), and
 * PostgreSQL's parser for the migrations rule.
 */
export const WASM_FILES = [
  ['web-tree-sitter', 'web-tree-sitter.wasm'],
  ...['typescript', 'tsx', 'javascript', 'python', 'ruby', 'go', 'java', 'php'].map((g) => [
    '@vscode/tree-sitter-wasm',
    `wasm/tree-sitter-${g}.wasm`,
  ]),
  ['@tree-sitter-grammars/tree-sitter-kotlin', 'tree-sitter-kotlin.wasm'],
  ['libpg-query', 'wasm/libpg-query.wasm'],
];

/** Copies the WebAssembly files into `grammars/` beside a bundle; a missing optional grammar is skipped. */
export function copyGrammars(bundleFile) {
  const require = createRequire(import.meta.url);
  const dir = resolve(dirname(bundleFile), 'grammars');
  mkdirSync(dir, { recursive: true });
  for (const [pkg, file] of WASM_FILES) {
    let from;
    try {
      from = require.resolve(`${pkg}/${file}`);
    } catch {
      process.stderr.write(`${pkg}/${file} is not installed: the bundle reads that language with the line scanner\n`);
      continue;
    }
    copyFileSync(from, resolve(dir, file.slice(file.lastIndexOf('/') + 1)));
  }
}

export async function bundleAction() {
  const result = await build(bundleOptions);
  return result.outputFiles[0].text;
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes('--check')) {
  // Exit 1 when the committed bundle is not what the sources build today.
  const built = await bundleAction();
  const committed = existsSync(new URL(`../${ACTION_BUNDLE}`, import.meta.url))
    ? readFileSync(new URL(`../${ACTION_BUNDLE}`, import.meta.url), 'utf8')
    : '';
  if (built !== committed) {
    process.stderr.write(`${ACTION_BUNDLE} is out of date: run \`npm run bundle:action\` and commit it.\n`);
    process.exit(1);
  }
  process.stdout.write(`${ACTION_BUNDLE} is current.\n`);
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const lambda = process.argv.includes('--lambda');
  // --entry FILE bundles another entry point with the same options (tests of what a bundle can load).
  const entryIndex = process.argv.indexOf('--entry');
  const options = lambda ? lambdaOptions : bundleOptions;
  const result = await build(entryIndex > 0 ? { ...options, entryPoints: [resolve(process.argv[entryIndex + 1])] } : options);
  const text = result.outputFiles[0].text;
  const outIndex = process.argv.indexOf('--out');
  const file = outIndex > 0 ? resolve(process.argv[outIndex + 1]) : resolve(root, lambda ? LAMBDA_BUNDLE : ACTION_BUNDLE);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  copyGrammars(file);
  process.stdout.write(`${file}: ${(Buffer.byteLength(text) / 1024).toFixed(0)} KiB\n`);
}
