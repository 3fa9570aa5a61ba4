/** Where names are used and declared across the parsed files of a change. */
import { field, grammarOf, walk, type Grammar, type SyntaxNode } from '../syntax/index.js';
import type { SourceFile } from './flow.js';
import { enclosingFunctionOf, IMPORTS, inTypeOnly } from './lines.js';
import { CLASSES, enclosingFunction, isComment, isFunction, isIdentifier, nameNodeOf, nameOfFunction, text } from './nodes.js';

export class References {
  private readonly declaredNames = new Map<SourceFile, Set<string>>();
  private index: Map<string, { file: SourceFile; node: SyntaxNode }[]> | undefined;

  constructor(private readonly sources: readonly SourceFile[]) {}

  /** Names a file defines itself: functions, types, classes and file-level constants and variables. */
  declares(file: SourceFile, name: string): boolean {
    let names = this.declaredNames.get(file);
    if (!names) {
      const set = (names = new Set<string>());
      walk(file.tree.root, (n) => {
        const nameNode = nameOfFunction(n) ?? (CLASSES.has(n.type) || n.type === 'type_spec' ? field(n, 'name') : undefined);
        if (nameNode) set.add(text(file.tree, nameNode));
        if ((n.type === 'const_spec' || n.type === 'var_spec' || n.type === 'variable_declarator') && !enclosingFunctionOf(n)) {
          const id = field(n, 'name');
          if (id) set.add(text(file.tree, id));
        }
      });
      this.declaredNames.set(file, names);
    }
    return names.has(name);
  }

  /**
   * Is `name`, used at `node`, a local of a function around the use that does not hold `def`: one of its
   * parameters (`rows.map((cell) => cell.render())`) or a variable it declares? Such a use means the local, not
   * a definition of the same name elsewhere.
   */
  boundLocally(file: SourceFile, node: SyntaxNode, name: string, defFile: SourceFile, def: SyntaxNode): boolean {
    for (let scope = enclosingFunction(node); scope; scope = enclosingFunction(scope)) {
      if (defFile === file && scope.start <= def.start && def.end <= scope.end) return false;
      if (this.localsOf(file, scope).has(name)) return true;
    }
    return false;
  }

  private readonly importedNames = new Map<SourceFile, Set<string>>();

  /** A file (other than `except`) that imports `name`, if any: in a language that can see `except`'s names. */
  importerOf(name: string, except: SourceFile): SourceFile | undefined {
    for (const file of this.sources) {
      if (file === except || !visibleFrom(except.path, file.path, name)) continue;
      let names = this.importedNames.get(file);
      if (!names) {
        const set = (names = new Set<string>());
        walk(file.tree.root, (n) => {
          if (IMPORTS.has(n.type)) {
            walk(n, (c) => {
              if (isIdentifier(c) || c.type === 'constant') set.add(text(file.tree, c));
            });
            return false;
          }
          // Imports sit at the top of a file, outside functions and classes.
          if (isFunction(n) || CLASSES.has(n.type)) return false;
        });
        this.importedNames.set(file, names);
      }
      if (names.has(name)) return file;
    }
    return undefined;
  }

  private readonly locals = new Map<SyntaxNode, Set<string>>();

  private localsOf(file: SourceFile, fn: SyntaxNode): Set<string> {
    let names = this.locals.get(fn);
    if (names) return names;
    const set = (names = new Set<string>());
    const bind = (target: SyntaxNode | undefined): void => {
      if (!target) return;
      walk(target, (c) => {
        // A default value or a type annotation names no binding; a renamed destructuring's value does
        // (`const { reload: reloadForm } = …` binds `reloadForm`).
        if (c.field === 'value' && c.parent?.type !== 'pair_pattern') return false;
        if (c.field === 'type' || c.field === 'default_value' || c.type === 'type_annotation') return false;
        if (c.field === 'key' && c.parent?.type === 'pair_pattern') return false;
        if (isIdentifier(c) && c.type !== 'property_identifier' && c.type !== 'type_identifier') set.add(text(file.tree, c));
      });
    };
    bind(field(fn, 'parameters') ?? field(fn, 'parameter'));
    const body = field(fn, 'body');
    if (body) {
      walk(body, (n) => {
        if (n !== body && isFunction(n)) return false;
        if (n.type === 'variable_declarator' || n.type === 'var_spec' || n.type === 'const_spec') bind(field(n, 'name'));
        else if (n.type === 'short_var_declaration') bind(field(n, 'left'));
      });
    }
    this.locals.set(fn, names);
    return names;
  }

  /**
   * Identifier uses by name, across the parsed files (definitions' own names left out). An import only brings a
   * name into a file: what that file does with it is where the name is used, so imports are left out too.
   */
  all(): Map<string, { file: SourceFile; node: SyntaxNode }[]> {
    if (this.index) return this.index;
    const index = new Map<string, { file: SourceFile; node: SyntaxNode }[]>();
    for (const file of this.sources) {
      walk(file.tree.root, (n) => {
        // A re-export (`export { X } from './x'`, `export { X }`) only passes a name on: its users name it too.
        if (isComment(n) || IMPORTS.has(n.type) || n.type === 'export_clause' || exportsName(n)) return false;
        let name: string | undefined;
        if (isIdentifier(n) && n.type !== 'instance_variable') name = text(file.tree, n);
        else if (n.type === 'simple_symbol') name = text(file.tree, n).slice(1);
        else if (n.type === 'type_identifier' && constructedType(n)) name = text(file.tree, n);
        else if (n.type === 'jsx_opening_element' || n.type === 'jsx_self_closing_element') return;
        if (!name) return;
        if (inTypeOnly(n)) return;
        const parent = n.parent;
        if (parent && n.field === 'name' && (isFunction(parent) || CLASSES.has(parent.type))) return;
        if (parent && nameNodeOf(parent) === n) return;
        const list = index.get(name) ?? [];
        list.push({ file, node: n });
        index.set(name, list);
      });
    }
    this.index = index;
    return index;
  }
}

/** `export default Name;`: like a re-export, it only passes a name on. */
function exportsName(n: SyntaxNode): boolean {
  if (n.type !== 'export_statement') return false;
  const value = field(n, 'value');
  return value !== undefined && value.type === 'identifier' && field(n, 'declaration') === undefined;
}

/** The class a Java `new` builds (`new Cache(…)`, `new Cache<>(…)`, `new Outer.Cache(…)`): a use of that class. */
function constructedType(n: SyntaxNode): boolean {
  let p = n.parent;
  // `new Outer.Cache(…)` builds `Cache`; `Outer` only names where it lives.
  if (p?.type === 'scoped_type_identifier' && p.children[p.children.length - 1] !== n) return false;
  while (p && (p.type === 'generic_type' || p.type === 'scoped_type_identifier')) p = p.parent;
  return p?.type === 'object_creation_expression';
}

/**
 * Does a use by name surely mean this definition? A plain name or a call on `this`/`self`/the method's own
 * receiver does; `x.name(…)` on any other receiver may be another type's method of the same name.
 */
export function resolves(refFile: SourceFile, ref: SyntaxNode, defFile: SourceFile, def: SyntaxNode): boolean {
  const parent = ref.parent;
  const member =
    parent &&
    (parent.type === 'member_expression' ||
      parent.type === 'selector_expression' ||
      parent.type === 'attribute' ||
      parent.type === 'field_access' ||
      parent.type === 'navigation_expression' ||
      parent.type === 'member_access_expression' ||
      parent.type === 'call' ||
      parent.type === 'method_invocation') &&
    ref.field !== 'object' &&
    ref.field !== 'operand' &&
    ref.field !== 'receiver';
  if (!member) return true;
  const receiver = field(parent, 'object') ?? field(parent, 'operand') ?? field(parent, 'receiver');
  if (!receiver) return true;
  const r = text(refFile.tree, receiver);
  // Go: `pkg.Name(…)` through the package the defining file belongs to (its directory's last segment).
  if (receiver.type === 'identifier' && refFile.path.endsWith('.go') && defFile.path.endsWith('.go')) {
    const dir = defFile.path.split('/').slice(0, -1);
    if (dir.length > 0 && dir[dir.length - 1] === r && importsPath(refFile, dir.join('/'))) return true;
  }
  if (r === 'this' || r === 'self' || r === 'super' || r === '$this' || r === 'static') return true;
  const own = field(def, 'receiver');
  const ownName = own ? own.children.find((c) => c.type === 'parameter_declaration') : undefined;
  const ownIdent = ownName ? field(ownName, 'name') : undefined;
  return ownIdent !== undefined && refFile === defFile && text(defFile.tree, ownIdent) === r;
}

/**
 * A Go use `pkg.Name` where `pkg` is a package the using file imports, other than the one defining `Name`: it
 * names that package's `Name`, never this definition (a method is called on a value, not a package).
 */
export function namesOtherPackage(refFile: SourceFile, ref: SyntaxNode, defFile: SourceFile): boolean {
  if (!refFile.path.endsWith('.go') || !defFile.path.endsWith('.go')) return false;
  const parent = ref.parent;
  if (parent?.type !== 'selector_expression' || ref.field !== 'field') return false;
  const operand = field(parent, 'operand');
  if (operand?.type !== 'identifier') return false;
  const pkg = text(refFile.tree, operand);
  const path = importedPackage(refFile, pkg);
  if (path === undefined) return false;
  const dir = defFile.path.split('/').slice(0, -1).join('/');
  return !(dir.length > 0 && (path === dir || path.endsWith(`/${dir}`)));
}

/** The import path a Go file binds to a package name (its alias, else the path's last segment). */
function importedPackage(file: SourceFile, name: string): string | undefined {
  let found: string | undefined;
  walk(file.tree.root, (n) => {
    if (found !== undefined) return false;
    if (n.type === 'import_spec') {
      const path = field(n, 'path');
      const value = path ? text(file.tree, path).replace(/^["`]|["`]$/g, '') : '';
      const alias = field(n, 'name');
      const bound = alias ? text(file.tree, alias) : value.slice(value.lastIndexOf('/') + 1);
      if (bound === name) found = value;
      return false;
    }
    if (n.type === 'function_declaration' || n.type === 'method_declaration') return false;
  });
  return found;
}

/** The Go file imports a package whose path ends with `dir` (a module path ends with the repository's directory). */
function importsPath(file: SourceFile, dir: string): boolean {
  let found = false;
  walk(file.tree.root, (n) => {
    if (found) return false;
    if (n.type === 'import_spec') {
      const path = field(n, 'path');
      const value = path ? text(file.tree, path).replace(/^["`]|["`]$/g, '') : '';
      if (value === dir || value.endsWith(`/${dir}`)) found = true;
      return false;
    }
    if (n.type === 'function_declaration' || n.type === 'method_declaration') return false;
  });
  return found;
}

/** Languages whose code calls each other's by name: JavaScript and TypeScript, Java and Kotlin; the others alone. */
const FAMILY: Record<Grammar, string> = {
  typescript: 'js',
  tsx: 'js',
  javascript: 'js',
  java: 'jvm',
  kotlin: 'jvm',
  python: 'python',
  ruby: 'ruby',
  go: 'go',
  php: 'php',
};

/**
 * Can a use in `refPath` mean a definition named `name` in `defPath`? Not from another language (a TypeScript
 * client's `enforceFor` is not the Java server's method of that name); Go hides names that start in lower case
 * from other packages (directories).
 */
export function visibleFrom(defPath: string, refPath: string, name: string): boolean {
  const defGrammar = grammarOf(defPath);
  const refGrammar = grammarOf(refPath);
  if (defGrammar && refGrammar && FAMILY[defGrammar] !== FAMILY[refGrammar]) return false;
  if (!defPath.endsWith('.go') || !refPath.endsWith('.go')) return true;
  if (!/^[a-z_]/.test(name)) return true;
  return defPath.slice(0, defPath.lastIndexOf('/') + 1) === refPath.slice(0, refPath.lastIndexOf('/') + 1);
}
