/**
 * Which other changed files a changed file refers to, read from its import statements: what a split plan
 * orders its parts by (a part that adds what another imports goes first). Only references that land on a
 * file of the same change matter, so each import is resolved against the changed paths alone: relative
 * specifiers exactly, module paths (Python, Go, JVM, PHP, Ruby's `require`) by the path they end with.
 */
import type { ChangedFile } from '../change.js';
import { partsOf } from '../rules/test-mapping.js';

const JS_FROM = /\bfrom\s*['"]([^'"\n]+)['"]/g;
const JS_BARE_IMPORT = /\bimport\s*\(?\s*['"]([^'"\n]+)['"]/g;
const JS_REQUIRE = /\brequire\s*\(\s*['"]([^'"\n]+)['"]\s*\)/g;
const PY_FROM = /^\s*from\s+(\.*[\w.]*)\s+import\s+\(?\s*([\w\s,]*)/gm;
const PY_IMPORT = /^\s*import\s+([\w.]+(?:\s*,\s*[\w.]+)*)/gm;
const GO_IMPORT_LINE = /^\s*(?:import\s+)?(?:[\w.]+\s+)?"([^"\n]+)"\s*$/gm;
const RUBY_REQUIRE = /^\s*(require|require_relative)\s*\(?\s*['"]([^'"\n]+)['"]/gm;
const JVM_IMPORT = /^\s*import\s+(?:static\s+)?([\w.]+)/gm;
const PHP_USE = /^\s*use\s+(?:function\s+|const\s+)?\\?([\w\\]+)/gm;

const JS_EXTENSIONS = /\.(?:[cm]?[jt]sx?|vue|svelte)$/;
/** Files that stand for their folder when a module path names the folder. */
const FOLDER_FILES = new Set(['index', '__init__', 'mod', 'main']);

const stripExtension = (path: string): string => {
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  return dot > slash + 1 ? path.slice(0, dot) : path;
};

/** `a/./b/../c` → `a/c`; undefined when the path climbs above the repository. */
function normalise(path: string): string | undefined {
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(segment);
  }
  return out.join('/');
}

/** The changed paths, looked up by the module path they answer to. */
export class ChangedPathIndex {
  /** Extension-less path → paths (`src/cart` → `src/cart.ts`; `src/lib` → `src/lib/index.ts`). */
  private readonly byModule = new Map<string, string[]>();
  /** Last segment of the module path, lower-cased → modules ending in it, for suffix matches. */
  private readonly byLastSegment = new Map<string, string[]>();

  /** Workspace packages whose manifest the change touches: package name → its folder's changed files. */
  private readonly workspaces = new Map<string, string[]>();

  /** Go packages are folders: folder → its changed `.go` files that are not tests. */
  private readonly goFolders = new Map<string, string[]>();

  constructor(paths: Iterable<string>) {
    for (const path of paths) {
      if (path.endsWith('.go') && !path.endsWith('_test.go')) {
        const dir = path.slice(0, Math.max(0, path.lastIndexOf('/')));
        const files = this.goFolders.get(dir);
        if (files === undefined) this.goFolders.set(dir, [path]);
        else files.push(path);
      }
      const module = stripExtension(path);
      this.#add(module, path);
      const slash = module.lastIndexOf('/');
      if (slash > 0 && FOLDER_FILES.has(module.slice(slash + 1))) this.#add(module.slice(0, slash), path);
    }
  }

  #add(module: string, path: string): void {
    const known = this.byModule.get(module);
    if (known === undefined) this.byModule.set(module, [path]);
    else if (!known.includes(path)) known.push(path);
    const last = module.slice(module.lastIndexOf('/') + 1).toLowerCase();
    const modules = this.byLastSegment.get(last);
    if (modules === undefined) this.byLastSegment.set(last, [module]);
    else if (!modules.includes(module)) modules.push(module);
  }

  /** The paths of exactly this module (a relative import resolved). */
  exact(module: string): readonly string[] {
    return this.byModule.get(module) ?? [];
  }

  /** Makes `name` (a package.json's name) resolve to the changed files under `dir`. */
  addWorkspace(name: string, dir: string, paths: readonly string[]): void {
    this.workspaces.set(
      name,
      paths.filter((p) => p.startsWith(`${dir}/`)),
    );
  }

  /** The changed files of the workspace package a bare specifier names (`@shop/ui`, `@shop/ui/button`). */
  workspace(specifier: string): readonly string[] {
    for (const [name, files] of this.workspaces) if (specifier === name || specifier.startsWith(`${name}/`)) return files;
    return [];
  }

  /** The package an import path names: the changed Go files of the folder it ends with (`example.com/shop/billing` → `billing/`). */
  goPackage(importPath: string): string[] {
    const wanted = importPath.split('/');
    const found: string[] = [];
    for (const [dir, files] of this.goFolders) {
      if (dir === '') continue;
      const segments = dir.split('/');
      let common = 0;
      while (
        common < segments.length &&
        common < wanted.length &&
        segments[segments.length - 1 - common] === wanted[wanted.length - 1 - common]
      )
        common++;
      // A module's folders sit under its go.mod, wherever that is: two trailing folders in common are enough.
      if (common === segments.length || common >= 2) found.push(...files);
    }
    return found;
  }

  /** The paths whose module path ends with `suffix` at a folder boundary (case-insensitive: PHP's `App\` is `app/`). */
  endingWith(suffix: string): string[] {
    const wanted = suffix.toLowerCase();
    const last = wanted.slice(wanted.lastIndexOf('/') + 1);
    const found: string[] = [];
    for (const module of this.byLastSegment.get(last) ?? []) {
      const lower = module.toLowerCase();
      if (lower === wanted || lower.endsWith(`/${wanted}`)) found.push(...this.byModule.get(module)!);
    }
    return found;
  }
}

const PACKAGE_NAME = /"name"\s*:\s*"([^"\n]+)"/;

/** The changed package.json files name their packages: imports of those names resolve to the package's changed files. */
export function indexWorkspaces(index: ChangedPathIndex, files: readonly ChangedFile[]): void {
  const paths = files.map((f) => f.path);
  for (const file of files) {
    if (!file.path.endsWith('/package.json') || file.status === 'removed') continue;
    const name = PACKAGE_NAME.exec(importText(file))?.[1];
    if (name !== undefined) index.addWorkspace(name, file.path.slice(0, file.path.lastIndexOf('/')), paths);
  }
}

/** The text to read imports from: the whole file at the head when the source read it, else the patch's new side. */
export function importText(file: ChangedFile): string {
  if (file.text?.head !== undefined) return file.text.head;
  const lines: string[] = [];
  for (const hunk of file.hunks) for (const line of hunk.lines) if (line.type !== 'del') lines.push(line.content);
  return lines.join('\n');
}

function* matches(pattern: RegExp, text: string): Generator<RegExpExecArray> {
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) yield match;
}

function resolveJs(from: string, specifier: string, index: ChangedPathIndex): string[] {
  if (specifier.startsWith('.')) {
    const dir = from.slice(0, from.lastIndexOf('/') + 1);
    const target = normalise(dir + specifier);
    if (target === undefined) return [];
    // ESM TypeScript imports `./cart.js` for `cart.ts`; a folder import means its index.
    const module = JS_EXTENSIONS.test(target) ? stripExtension(target) : target;
    return [...index.exact(module), ...index.exact(target)];
  }
  // Path aliases (`@/lib/money`, `~/lib/money`, `#lib/money`) name a folder under a source root.
  const alias = /^(?:@\/|~\/|#)(.+)$/.exec(specifier);
  if (alias !== null) return alias[1].includes('/') ? index.endingWith(stripExtension(alias[1])) : [];
  const workspace = index.workspace(specifier);
  if (workspace.length > 0) return [...workspace];
  return [];
}

function resolvePython(from: string, module: string, names: string[], index: ChangedPathIndex): string[] {
  const dots = /^\.*/.exec(module)![0].length;
  const rest = module.slice(dots).replace(/\./g, '/');
  const modules = [rest, ...names.map((name) => (rest === '' ? name : `${rest}/${name}`))].filter((m) => m !== '');
  if (dots > 0) {
    let dir = from.slice(0, Math.max(0, from.lastIndexOf('/')));
    for (let up = 1; up < dots; up++) dir = dir.slice(0, Math.max(0, dir.lastIndexOf('/')));
    return modules.flatMap((m) => index.exact(normalise(`${dir}/${m}`) ?? ''));
  }
  return modules.flatMap((m) => (m.includes('/') || names.length === 0 ? index.endingWith(m) : []));
}

/** The changed files (other than itself) that `file` imports, by the conventions of its language. */
export function importedPaths(file: ChangedFile, index: ChangedPathIndex): Set<string> {
  const found = new Set<string>();
  if (file.status === 'removed' || file.binary) return found;
  const text = importText(file);
  const from = file.path;
  const add = (paths: readonly string[]): void => {
    for (const path of paths) if (path !== from) found.add(path);
  };
  switch (partsOf(from).family) {
    case 'js':
      for (const pattern of [JS_FROM, JS_BARE_IMPORT, JS_REQUIRE])
        for (const m of matches(pattern, text)) add(resolveJs(from, m[1], index));
      break;
    case 'python':
      for (const m of matches(PY_FROM, text)) {
        const names = m[2]
          .split(',')
          .map((n) => n.trim().split(/\s+/)[0])
          .filter((n) => /^\w+$/.test(n));
        add(resolvePython(from, m[1], names, index));
      }
      for (const m of matches(PY_IMPORT, text)) for (const module of m[1].split(',')) add(resolvePython(from, module.trim(), [], index));
      break;
    case 'go':
      for (const m of matches(GO_IMPORT_LINE, text)) {
        // A Go import names a package: every changed file of the folder the import path ends with.
        add(index.goPackage(m[1]));
      }
      break;
    case 'ruby':
      for (const m of matches(RUBY_REQUIRE, text)) {
        const target = m[2].replace(/\.rb$/, '');
        if (m[1] === 'require_relative') add(index.exact(normalise(`${from.slice(0, from.lastIndexOf('/') + 1)}${target}`) ?? ''));
        else if (target.includes('/')) add(index.endingWith(target));
      }
      break;
    case 'jvm':
      for (const m of matches(JVM_IMPORT, text)) add(index.endingWith(m[1].replace(/\./g, '/')));
      break;
    case 'php':
      for (const m of matches(PHP_USE, text)) if (m[1].includes('\\')) add(index.endingWith(m[1].replace(/\\/g, '/')));
      break;
    default:
      break;
  }
  return found;
}
