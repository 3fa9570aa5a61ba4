/**
 * Which tree-sitter grammar reads which file, and where each grammar's WebAssembly build ships.
 *
 * The grammars come prebuilt from the npm registry: `@vscode/tree-sitter-wasm` (built by the VS Code team
 * with tree-sitter-cli 0.25, language ABI 14–15, no install script, no native code) for TypeScript, TSX,
 * JavaScript, Python, Ruby, Go, Java and PHP, and `@tree-sitter-grammars/tree-sitter-kotlin` (ABI 14) for
 * Kotlin. `tree-sitter-wasms` was tried and rejected: its grammars are built with tree-sitter-cli 0.20,
 * whose WebAssembly modules the current runtime (`web-tree-sitter` 0.25+) refuses to load.
 * Templates (ERB, HAML, Jinja, Django, Blade) stay on the line scanner: their code sits in tags, not in a
 * grammar of its own.
 */
export type Grammar = 'typescript' | 'tsx' | 'javascript' | 'python' | 'ruby' | 'go' | 'java' | 'kotlin' | 'php';

export const GRAMMARS: readonly Grammar[] = ['typescript', 'tsx', 'javascript', 'python', 'ruby', 'go', 'java', 'kotlin', 'php'];

/** The npm package and file of each grammar's WebAssembly build (also its file name beside a bundle). */
export const GRAMMAR_FILES: Record<Grammar, { pkg: string; file: string }> = {
  typescript: { pkg: '@vscode/tree-sitter-wasm', file: 'wasm/tree-sitter-typescript.wasm' },
  tsx: { pkg: '@vscode/tree-sitter-wasm', file: 'wasm/tree-sitter-tsx.wasm' },
  javascript: { pkg: '@vscode/tree-sitter-wasm', file: 'wasm/tree-sitter-javascript.wasm' },
  python: { pkg: '@vscode/tree-sitter-wasm', file: 'wasm/tree-sitter-python.wasm' },
  ruby: { pkg: '@vscode/tree-sitter-wasm', file: 'wasm/tree-sitter-ruby.wasm' },
  go: { pkg: '@vscode/tree-sitter-wasm', file: 'wasm/tree-sitter-go.wasm' },
  java: { pkg: '@vscode/tree-sitter-wasm', file: 'wasm/tree-sitter-java.wasm' },
  kotlin: { pkg: '@tree-sitter-grammars/tree-sitter-kotlin', file: 'tree-sitter-kotlin.wasm' },
  php: { pkg: '@vscode/tree-sitter-wasm', file: 'wasm/tree-sitter-php.wasm' },
};

/** The runtime's own WebAssembly module. */
export const RUNTIME_FILE = { pkg: 'web-tree-sitter', file: 'web-tree-sitter.wasm' };

/** The grammar that reads a path, or undefined for languages left to the line scanner. */
export function grammarOf(path: string): Grammar | undefined {
  const name = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  const dot = name.lastIndexOf('.');
  if (dot < 0) return name === 'gemfile' || name === 'rakefile' ? 'ruby' : undefined;
  if (name.endsWith('.blade.php')) return undefined;
  switch (name.slice(dot + 1)) {
    case 'ts':
    case 'mts':
    case 'cts':
      return 'typescript';
    case 'tsx':
      return 'tsx';
    case 'js':
    case 'jsx':
    case 'mjs':
    case 'cjs':
      return 'javascript';
    case 'py':
    case 'pyi':
      return 'python';
    case 'rb':
    case 'rake':
    case 'ru':
    case 'gemspec':
      return 'ruby';
    case 'go':
      return 'go';
    case 'java':
      return 'java';
    case 'kt':
    case 'kts':
      return 'kotlin';
    case 'php':
      return 'php';
    default:
      return undefined;
  }
}
