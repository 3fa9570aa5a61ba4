/**
 * Loading the tree-sitter runtime and grammars: the one place of the syntax layer that reads bytes. It runs
 * once per process, lazily (a grammar is read the first time a file of its language needs it), before
 * `evaluate`, which then parses synchronously. A grammar that cannot be read or instantiated is reported as
 * unavailable with the reason, and files of its language fall back to the line scanner; nothing throws.
 *
 * Where the WebAssembly files are found: beside a bundle (the Action and Lambda bundles ship a `grammars/`
 * folder next to their one JavaScript file), else in the npm packages that ship them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Language, Parser } from 'web-tree-sitter';
import { GRAMMAR_FILES, RUNTIME_FILE, type Grammar } from './grammars.js';
import { Syntax } from './parse.js';

const requireHere = createRequire(import.meta.url);

/** Where a shipped WebAssembly file is on this machine, or why it is not. */
export function locateWasm(entry: { pkg: string; file: string }): string {
  const name = entry.file.slice(entry.file.lastIndexOf('/') + 1);
  const beside = new URL(`./grammars/${name}`, import.meta.url);
  if (beside.protocol === 'file:' && existsSync(beside)) return beside.pathname;
  return requireHere.resolve(`${entry.pkg}/${entry.file}`);
}

let runtime: Promise<void> | undefined;
const languages = new Map<Grammar, Promise<Language | string>>();

function initRuntime(): Promise<void> {
  runtime ??= Parser.init({ wasmBinary: readFileSync(locateWasm(RUNTIME_FILE)) });
  return runtime;
}

async function loadLanguage(grammar: Grammar, read: (path: string) => Uint8Array): Promise<Language | string> {
  try {
    await initRuntime();
    return await Language.load(read(locateWasm(GRAMMAR_FILES[grammar])));
  } catch (error) {
    return (error as Error).message?.split('\n')[0] || String(error);
  }
}

/**
 * A Syntax that can parse the given grammars (those that loaded). Safe to call often: the runtime and each
 * grammar load once per process. `read` replaces the file reading (tests of a grammar that fails to load);
 * what it loads is not remembered.
 */
export async function loadSyntax(grammars: Iterable<Grammar>, options: { read?: (path: string) => Uint8Array } = {}): Promise<Syntax> {
  const wanted = [...new Set(grammars)];
  const loaded = new Map<Grammar, Language>();
  const unavailable = new Map<Grammar, string>();
  for (const grammar of wanted) {
    let pending = options.read ? loadLanguage(grammar, options.read) : languages.get(grammar);
    if (!pending) languages.set(grammar, (pending = loadLanguage(grammar, readFileSync)));
    const result = await pending;
    if (typeof result === 'string') unavailable.set(grammar, result);
    else loaded.set(grammar, result);
  }
  let parser: Parser | undefined;
  if (loaded.size > 0) {
    try {
      parser = new Parser();
    } catch (error) {
      for (const grammar of loaded.keys()) unavailable.set(grammar, (error as Error).message);
      loaded.clear();
    }
  }
  return new Syntax(parser, loaded, unavailable);
}
