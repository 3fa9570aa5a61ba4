/**
 * The guard analysis of one change: each changed line of a risky file gets a verdict with its evidence.
 *
 * - guarded: a flag check controls it (control dependence), it only reads or builds a value computed under
 *   one (data dependence), or it belongs to a definition this change adds whose every use is guarded;
 * - unguarded: every path to it was seen and none checks a flag: it runs when its file loads, in code that
 *   existed before this change (and so already runs), or in a new definition used from such code;
 * - uncertain ("not seen far enough"): it belongs to a definition this change adds that nothing in the
 *   files the change touches uses, so its callers (a framework, a convention, code elsewhere) were not seen.
 */
import type { FlagMatcher } from '../flags/index.js';
import { field, walk, type SyntaxNode, type SyntaxTree } from '../syntax/index.js';
import { FlagFlow, type SourceFile } from './flow.js';
import { keptUnderCheck, passesFlagValue, returnsArgumentUnlessOn, wrapsInFlagFilter } from './rewrites.js';
import {
  DECLARATIONS,
  DEFAULTS,
  enclosingFunctionOf,
  findChecks,
  IMPORTS,
  inParameterList,
  inTypeOnly,
  isHarmlessStatement,
  isPythonTypeAlias,
  pythonModuleAssignment,
  TYPE_ONLY,
} from './lines.js';
import { namesOtherPackage, References, resolves, visibleFrom } from './references.js';
import { isVisibilityMarker, mixedInAddedModule } from './mixins.js';
import { styleDefinitionOf, withoutTypes } from './presentation.js';
import { FileRows } from './rows.js';
import { bindingVerdict } from './bindings.js';
import { Guards, statementOf } from './guard.js';
import {
  calleeName,
  CLASSES,
  conditionalOf,
  isAnonymousFunction,
  isCall,
  isComment,
  isFunction,
  isIdentifier,
  nameNodeOf,
  nameOfFunction,
  statementsOf,
  text,
  unwrap,
} from './nodes.js';

export type Evidence = 'guarded' | 'unguarded' | 'uncertain';

export interface LineVerdict {
  evidence: Evidence;
  /** Why, in words for the annotation. */
  why: string;
  /** The definition the verdict was reached through, when it was (`New function \`x\` …`). */
  definition?: { name: string; kind: 'function' | 'class' | 'value' };
  /** The path loops back to a definition being judged: it adds no way in of its own. */
  cycle?: boolean;
}

export interface ParsedFile {
  path: string;
  tree: SyntaxTree;
  /** The file is new or changed in this change: its added rows are known. */
  isAdded(row: number): boolean;
  /** The name was defined in the file before this change (from its base text, when known). */
  existedBefore(name: string): boolean;
  /** The words (names, keys) of the lines this change deletes from the file. */
  deletedWords?: ReadonlySet<string>;
  /** The lines this change deletes from the file, without type annotations and layout (read from the base's tree). */
  removedWithoutTypes?: () => ReadonlySet<string>;
}

/** A use in a file the syntax layer cannot read (a template): whether the line scanner saw it guarded. */
export interface TextReference {
  path: string;
  line: number;
  guarded: boolean;
}

/**
 * How the analysis reaches the repository beyond the change: whether a name's uses were searched at the head
 * ('complete': every file naming it was read; 'partial': the search was cut short), or undefined when not (the
 * name is then asked for, and code that existed before keeps its presumption of running).
 */
export interface OutsideReach {
  searched(name: string): 'complete' | 'partial' | undefined;
}

const MAX_DEPTH = 8;
/** Bindings that hold a function under a name: `const Name = () => …`, a class field, `name = lambda …`. */
const HOLDERS = new Set(['variable_declarator', 'public_field_definition', 'field_definition', 'assignment', 'assignment_expression']);
/** Assignments that can write a field. */
const FIELD_WRITES = new Set(['assignment', 'assignment_expression', 'assignment_statement']);
/** A field as an assignment's target: `s.cache`, `this.cache`, `self.cache`, `@cache`. */
const FIELD_TARGETS = new Set([
  'selector_expression',
  'member_expression',
  'attribute',
  'field_access',
  'instance_variable',
  'expression_list',
]);
/** A write of these leaves a field unset. */
const UNSET_VALUES = new Set(['nil', 'null', 'None', 'undefined']);

/** The field an assignment's target names (`s.cache` → `cache`, `@cache` → `@cache`), as flag flow keys fields. */
function memberKey(file: SourceFile, target: SyntaxNode): string {
  const t = target.type === 'expression_list' ? (target.children.find((c) => c.named) ?? target) : target;
  if (t.type === 'instance_variable') return text(file.tree, t);
  const prop = field(t, 'property') ?? field(t, 'field') ?? field(t, 'attribute') ?? field(t, 'name');
  return prop ? text(file.tree, prop) : text(file.tree, t);
}

/** Names a language gives a class's constructor (JavaScript/TypeScript, Python, Ruby, PHP). */
const CONSTRUCTORS = new Set(['constructor', '__init__', 'initialize', '__construct']);
/** Steps through code that existed before the change (each a search of the repository) before the presumption holds. */
export const MAX_OUTSIDE_STEPS = 6;

export class ChangeAnalysis {
  private readonly sources: SourceFile[];
  private readonly parsed = new Map<SourceFile, ParsedFile>();
  private readonly flow: FlagFlow;
  private readonly guards: Guards;
  private readonly rows = new FileRows();
  private readonly names: References;
  private readonly symbolVerdicts = new Map<SyntaxNode, LineVerdict | 'pending'>();
  private readonly fullyGuardedCache = new Map<string, boolean | 'pending'>();

  constructor(
    files: readonly ParsedFile[],
    matcher: FlagMatcher,
    private readonly textReferences: (name: string) => TextReference[] = () => [],
    private readonly outside?: OutsideReach,
  ) {
    this.sources = files.map((f) => {
      const source: SourceFile = { path: f.path, tree: f.tree, checks: findChecks(f.tree, matcher) };
      this.parsed.set(source, f);
      return source;
    });
    this.names = new References(this.sources);
    this.flow = new FlagFlow(this.sources, (file, node) => `\`${file.path}:${node.startRow + 1}\``);
    this.guards = new Guards(this.flow);
    this.markWrittenUnderGuard();
  }

  /**
   * Locals written in guarded code (`if (on) list.push(x)`) hold values computed under the flag; fields written
   * only where a flag is on (`s.cache = …`, `@cache = …`, never set otherwise but to nil) are set only with it.
   */
  private markWrittenUnderGuard(): void {
    // Per field name: the flag under which it is written, or null once a write is seen outside any flag.
    const fieldWrites = new Map<string, string | null>();
    const write = (name: string, on: string | undefined): void => {
      const prior = fieldWrites.get(name);
      if (prior === null) return;
      fieldWrites.set(name, on ?? null);
    };
    for (const file of this.sources) {
      walk(file.tree.root, (n) => {
        const keyed = n.type === 'keyed_element' || n.type === 'pair' || n.type === 'field_initializer';
        if (FIELD_WRITES.has(n.type) || keyed) {
          const named = n.children.filter((c) => c.named);
          const left = field(n, 'left') ?? field(n, 'key') ?? field(n, 'name') ?? named[0];
          const right = field(n, 'right') ?? field(n, 'value') ?? named[named.length - 1];
          if (left && right && left !== right && !UNSET_VALUES.has(text(file.tree, right).trim())) {
            if (FIELD_TARGETS.has(left.type)) write(memberKey(file, left), this.guards.at(file, n).on);
            // An entry of a literal (`Server{cache: c}`, `{ cache }`) outside a flag sets the field for everyone;
            // under one it is no evidence of its own (literals of other types share the key).
            else if (keyed && !this.guards.at(file, n).on) fieldWrites.set(text(file.tree, left).replace(/^:/, ''), null);
          }
        }
        let target: SyntaxNode | undefined;
        if (
          n.type === 'assignment_expression' ||
          n.type === 'assignment' ||
          n.type === 'augmented_assignment_expression' ||
          n.type === 'operator_assignment' ||
          n.type === 'augmented_assignment'
        )
          target = field(n, 'left');
        else if (isCall(n)) {
          const callee = field(n, 'function');
          target = (callee && (field(callee, 'object') ?? field(callee, 'operand'))) ?? field(n, 'receiver');
        }
        if (!target || !isIdentifier(target)) return;
        // Written on either side of a flag check, the value depends on the flag.
        const guard = this.guards.at(file, n);
        const via = guard.on ?? guard.off;
        if (via) this.flow.markDerived(file, target, `\`${text(file.tree, target)}\` (changed under ${via})`);
      });
    }
    for (const [name, on] of fieldWrites) if (on) this.flow.markFieldSetUnderFlag(name, on);
  }

  sourceOf(path: string): SourceFile | undefined {
    return this.sources.find((s) => s.path === path);
  }

  /** The verdict of a changed row (zero-based) of a parsed file. */
  verdict(path: string, row: number): LineVerdict | undefined {
    const file = this.sourceOf(path);
    if (!file) return undefined;
    const nodes = this.rows.nodesOn(file, row);
    let anchor = nodes[0] ?? this.rows.coveringNode(file, row);
    if (!anchor) return undefined;
    // A definition's header (its name, parameters, decorators) carries no behaviour: its body's lines do.
    // A Python string standing alone as a statement (a docstring, wherever the patch cuts it) does nothing.
    // (Not in JavaScript, where `'use strict'` and `'use client'` are directives.)
    for (let n: SyntaxNode | undefined = anchor; n && !isFunction(n) && /\.pyi?$/.test(file.path); n = n.parent) {
      if (n.type !== 'expression_statement') continue;
      const named = n.children.filter((c) => c.named);
      if (named.length === 1 && named[0].type === 'string' && !named[0].children.some((c) => c.type === 'interpolation'))
        return { evidence: 'guarded', why: 'it is a docstring' };
      break;
    }
    if (inTypeOnly(anchor) || TYPE_ONLY.has(anchor.type) || isPythonTypeAlias(file.tree, anchor))
      return { evidence: 'guarded', why: 'it declares a type' };
    for (let n: SyntaxNode | undefined = anchor; n; n = n.parent)
      if (IMPORTS.has(n.type)) return { evidence: 'guarded', why: 'it is an import' };
    // How it looks is not what it does: a line of a style definition (`styled(…)`, `sx={…}`) only styles.
    const style = /\.[cm]?[jt]sx?$/.test(file.path) ? styleDefinitionOf(file.tree, anchor) : undefined;
    if (style) return { evidence: 'guarded', why: `it only styles (\`${style}\`): presentation, not behaviour` };
    // A line that reads as one the change removes, once type annotations are set aside, only changed a type.
    const removed = this.parsed.get(file)!.removedWithoutTypes?.();
    if (removed && removed.size > 0 && removed.has(withoutTypes(file.tree, this.rows.lineStartsOf(file), row)))
      return { evidence: 'guarded', why: 'it differs from the line it replaces only in type annotations' };
    // The arguments of a flag check that spans lines (`FeatureToggle.enabled?(:k,\n user)`) are the check itself.
    for (let n: SyntaxNode | undefined = anchor.parent; n && !isFunction(n); n = n.parent) {
      const check = file.checks.get(n);
      if (check && check.key !== '*') return { evidence: 'guarded', why: `it is part of the check of \`${check.key}\`` };
    }
    // `const (` / `var (` open a group whose entries are judged on their own lines; `var _ I = (*T)(nil)` only asserts a type.
    if ((anchor.type === 'const_declaration' || anchor.type === 'var_declaration') && anchor.endRow > row)
      return { evidence: 'guarded', why: 'it opens a group of declarations' };
    if (anchor.type === 'var_spec' || anchor.type === 'var_declaration') {
      const name =
        anchor.type === 'var_spec' ? field(anchor, 'name') : field(anchor.children.find((c) => c.type === 'var_spec') ?? anchor, 'name');
      if (name && text(file.tree, name) === '_') return { evidence: 'guarded', why: 'it only asserts a type at compile time' };
    }
    // A decorator is part of its definition: judged as the definition's own code.
    for (let n: SyntaxNode | undefined = anchor; n; n = n.parent) {
      const decorated =
        n.type === 'decorator' && n.parent?.type === 'decorated_definition'
          ? n.parent
          : n.type === 'decorated_definition' && (field(n, 'definition')?.startRow ?? 0) > row
            ? n
            : undefined;
      if (decorated) {
        const def = field(decorated, 'definition');
        // A new class's decorator (`@dataclass`) is judged with the class, by its uses.
        const className = def && CLASSES.has(def.type) ? nameNodeOf(def) : undefined;
        const parsed = this.parsed.get(file)!;
        if (def && className && parsed.isAdded(className.startRow) && !parsed.existedBefore(text(file.tree, className)))
          return this.symbolVerdict(file, def, text(file.tree, className), 'class', 0);
        if (def) return this.verdictAt(file, field(def, 'body') ?? def, [], 0, def);
      }
    }
    // A parameter list names values; what the function does with them is judged where they are used. A default
    // value is behaviour (it applies when the argument is left out).
    if (inParameterList(anchor) && !nodes.some((n) => DEFAULTS.has(n.type) || n.field === 'value'))
      return { evidence: 'guarded', why: 'it only names parameters, judged where they are used' };
    const header = this.headerOf(nodes.length > 0 ? nodes : [anchor], row);
    if (header === 'header') return { evidence: 'guarded', why: "it is a definition's header, judged through its body" };
    if (header) anchor = header;
    const statement = anchor.type === 'body_statement' ? (anchor.children.find((c) => c.named && c.startRow === row) ?? anchor) : anchor;
    if (isVisibilityMarker(file, statement))
      return { evidence: 'guarded', why: 'it only sets the visibility of the methods below it, each judged on its own' };
    const mixin = mixedInAddedModule(file, statement, this.sources, (source, name) => {
      const parsed = this.parsed.get(source)!;
      return parsed.isAdded(name.startRow) && !parsed.existedBefore(text(source.tree, name));
    });
    if (mixin)
      return { evidence: 'guarded', why: `it mixes in \`${mixin}\`, which this change adds: its methods are judged where they are called` };
    return this.verdictAt(
      file,
      anchor,
      nodes.filter((n) => n.start >= anchor.start),
      0,
    );
  }

  /** 'header' when the row is the header of a definition; else the first body node on the row, if any. */
  private headerOf(nodes: readonly SyntaxNode[], row: number): 'header' | SyntaxNode | undefined {
    let def: SyntaxNode | undefined;
    const isDef = (n: SyntaxNode): boolean =>
      (isFunction(n) && nameOfFunction(n) !== undefined) || CLASSES.has(n.type) || n.type === 'type_declaration';
    for (let n: SyntaxNode | undefined = nodes[0]; n && n.startRow === row; n = n.parent) if (isDef(n)) def = n;
    def ??= nodes.find(isDef);
    if (!def) return undefined;
    const body =
      field(def, 'body') ??
      field(def, 'definition') ??
      def.children.find((c) => c.type === 'class_body' || c.type === 'body_statement' || c.type === 'block' || c.type === 'function_body');
    if (!body || body.startRow > row) return 'header';
    const first = body.children.find((c) => c.named && c.startRow === row && !isComment(c));
    return first ?? 'header';
  }

  /** The verdict of code at a node, given the nodes that start on its row. */
  private verdictAt(
    file: SourceFile,
    anchor: SyntaxNode,
    nodes: readonly SyntaxNode[],
    depth: number,
    definition?: SyntaxNode,
  ): LineVerdict {
    for (const n of nodes) {
      const check = file.checks.get(n);
      if (check && check.key !== '*') return { evidence: 'guarded', why: `it is the check of \`${check.key}\` itself` };
    }
    const guard = this.guards.at(file, anchor);
    if (guard.on) return { evidence: 'guarded', why: `it runs only when ${guard.on} is on` };
    // A one-line conditional (`return render(:express) if current_user.express_checkout?`): its condition is on the line.
    const modifier = anchor.type === 'if_modifier' || anchor.type === 'unless_modifier' ? conditionalOf(anchor) : undefined;
    const body = modifier ? (field(anchor, 'body') ?? anchor.children.find((c) => c.named && c !== modifier.condition)) : undefined;
    const taken = modifier && body ? modifier.branch(body) : undefined;
    const implied = modifier && taken !== undefined ? this.flow.imply(file, modifier.condition, taken) : undefined;
    if (implied?.state === 'on') return { evidence: 'guarded', why: `it runs only when ${implied.via} is on` };
    const deleted = this.parsed.get(file)!.deletedWords;
    const row = this.rows.rowText(file, anchor.startRow);
    const transparent = (defFile: SourceFile, def: SyntaxNode): string | undefined =>
      returnsArgumentUnlessOn(defFile, def, (f, s) => this.guards.guardClause(f, s));
    const kept =
      deleted &&
      (keptUnderCheck(file, anchor, row, deleted) ??
        passesFlagValue(this.flow, file, anchor, row, deleted) ??
        wrapsInFlagFilter(this.flow, file, anchor, row, deleted, transparent));
    if (kept) return { evidence: 'guarded', why: kept };
    const harmless = (call: SyntaxNode): boolean => this.harmlessCall(file, call);
    const data = this.guards.dataGuard(file, nodes, statementOf(anchor), harmless);
    if (data) return { evidence: 'guarded', why: data };
    const locals = this.localsOnlyUsedGuarded(file, anchor, harmless);
    if (locals) return { evidence: 'guarded', why: locals };
    const calls = nodes.filter((n) => isCall(n) && !file.checks.has(n));
    if (calls.length > 0 && calls.every((c) => this.callsGuardedDefinition(file, c))) {
      return {
        evidence: 'guarded',
        why: `it only calls ${calls.map((c) => `\`${calleeName(file.tree, c)}\``).join(', ')}, whose every line is behind a flag`,
      };
    }
    this.askForPredicates(file, anchor);
    return this.beyond(file, anchor, definition ?? guard.boundary, guard.off, depth);
  }

  /**
   * The functions the conditions around unguarded code call (`if current_user.new_checkout?`, `return unless
   * beta_enabled?`, `if (isNewEditor())`), when no file read defines them, are asked of the repository: a team's
   * predicate around a flag check (`def new_checkout? = Flipper.enabled?(:new_checkout, self)`) is then read
   * and learnt, and its conditions guard. At most 3 names a line, and only where the repository can be searched.
   */
  private askForPredicates(file: SourceFile, anchor: SyntaxNode): void {
    if (!this.outside) return;
    const names = new Set<string>();
    const collect = (condition: SyntaxNode): void =>
      walk(condition, (n) => {
        if (names.size >= 3 || isFunction(n)) return false;
        const name = isCall(n)
          ? calleeName(file.tree, n)
          : n.type === 'identifier' && /\?$/.test(text(file.tree, n))
            ? text(file.tree, n)
            : undefined;
        if (name && name.length > 3 && !file.checks.has(n) && !this.flow.predicates.has(name) && this.flow.definitionsOf(name).length === 0)
          names.add(name);
      });
    const own = conditionalOf(anchor);
    if (own && (anchor.type === 'if_modifier' || anchor.type === 'unless_modifier')) collect(own.condition);
    let child = anchor;
    for (let a = anchor.parent; a && names.size < 3 && !(isFunction(a) && !isAnonymousFunction(a)); child = a, a = a.parent) {
      const conditional = conditionalOf(a);
      if (conditional && conditional.branch(child) !== undefined) collect(conditional.condition);
      if (a.type === 'body_statement' || a.type === 'block' || a.type === 'statement_block')
        for (const statement of statementsOf(a)) {
          if (statement.start >= child.start) break;
          const clause = conditionalOf(unwrap(statement));
          if (clause) collect(clause.condition);
        }
    }
    for (const name of names) this.outside.searched(name);
  }

  /**
   * A statement that only declares locals (calling nothing that matters) changes behaviour only where the
   * locals are used: guarded when every later use in the function is.
   */
  private localsOnlyUsedGuarded(file: SourceFile, anchor: SyntaxNode, harmless: (call: SyntaxNode) => boolean): string | undefined {
    const statement = statementOf(anchor);
    const fn = statement ? enclosingFunctionOf(statement) : undefined;
    if (!statement || !fn) return undefined;
    const declarator =
      statement.type === 'lexical_declaration' ||
      statement.type === 'variable_declaration' ||
      statement.type === 'local_variable_declaration'
        ? statement.children.find((c) => c.type === 'variable_declarator')
        : statement.type === 'expression_statement'
          ? statement.children.find((c) => c.type === 'assignment')
          : statement.type === 'short_var_declaration' || statement.type === 'assignment'
            ? statement
            : undefined;
    if (!declarator) return undefined;
    const target = field(declarator, 'name') ?? field(declarator, 'left');
    const value = field(declarator, 'value') ?? field(declarator, 'right');
    if (!target || !value) return undefined;
    let calls = false;
    walk(value, (n) => {
      if (calls || isFunction(n)) return false;
      if (isCall(n) && !harmless(n) && !file.checks.has(n)) calls = true;
    });
    if (calls) return undefined;
    // A binding that existed before keeps its value when the statement only gains others; new bindings carry
    // the change. The rest of a destructured object (`...rest`) loses what is now named: that loss is the
    // change's too, unless every name it loses to is new and read only where a flag decides — then the fields
    // were named apart for the flag's code, and what the rest no longer holds is that code's concern.
    const names = new Set<string>();
    const rests = new Set<string>();
    const parsed = this.parsed.get(file)!;
    walk(target, (n) => {
      if (!isIdentifier(n) || n.type === 'property_identifier') return;
      const name = text(file.tree, n);
      const rest = n.parent?.type === 'rest_pattern' || n.parent?.type === 'list_splat_pattern' || n.parent?.type === 'splat_parameter';
      if (rest) rests.add(name);
      else if (!parsed.existedBefore(name) || target === n) names.add(name);
    });
    const onlyGuarded = (judged: ReadonlySet<string>): boolean => {
      let uses = 0;
      let open = false;
      walk(fn, (n) => {
        if (open) return false;
        if (n.start < statement.end || !isIdentifier(n) || !judged.has(text(file.tree, n))) return;
        uses++;
        const row = this.rows.nodesOn(file, n.startRow).filter((x) => x.start >= n.start);
        const guard = this.guards.at(file, n);
        if (guard.on || file.checks.has(n)) return;
        const stmt = statementOf(n);
        if (this.guards.dataGuard(file, row, stmt, harmless)) return;
        if (stmt && isHarmlessStatement(file, stmt, harmless)) return;
        open = true;
      });
      return !open && uses > 0;
    };
    const quoted = (set: ReadonlySet<string>): string => [...set].map((n) => `\`${n}\``).join(', ');
    if (names.size > 0 && onlyGuarded(names))
      return `it only sets ${quoted(names)}, used only where a flag decides${rests.size > 0 ? ` (and ${quoted(rests)} no longer holds them)` : ''}`;
    if (names.size === 0 && rests.size > 0 && onlyGuarded(rests)) return `it only sets ${quoted(rests)}, used only where a flag decides`;
    return undefined;
  }

  /** The verdict once the walk reached a function (or file) boundary without a guard. */
  private beyond(
    file: SourceFile,
    node: SyntaxNode,
    boundary: SyntaxNode | undefined,
    off: string | undefined,
    depth: number,
  ): LineVerdict {
    const offNote = off ? ` (it is on the path taken when ${off} is off)` : '';
    // A dependency-injection binding runs when something resolves it, not when its file loads.
    const binding = bindingVerdict(file.tree, node, boundary, (name) => this.parsed.get(file)!.existedBefore(name));
    if (binding) return binding;
    if (boundary) {
      const nameNode = nameOfFunction(boundary);
      const name = nameNode ? text(file.tree, nameNode) : undefined;
      if (!name) return { evidence: 'unguarded', why: `nothing checks a flag on the way to it${offNote}` };
      // A constructor runs where its class is built (`new Cache(…)`, `Cache.new`, `Cache(…)`): it is followed
      // through the class's name, not its own, which every class shares.
      const owner = CONSTRUCTORS.has(name) ? this.enclosingClass(boundary) : undefined;
      const ownerName = owner ? nameNodeOf(owner) : undefined;
      if (owner && ownerName) return this.beyond(file, ownerName, undefined, off, depth);
      if (this.parsed.get(file)!.existedBefore(name) || !this.parsed.get(file)!.isAdded(nameNode!.startRow)) {
        const why = `\`${name}\` exists before this change and already runs; nothing on the way from its start to this line checks a flag${offNote}`;
        return this.existingUses(file, boundary, name, 'function', depth, why);
      }
      return this.symbolVerdict(file, boundary, name, 'function', depth);
    }
    // File or class level: a declaration is judged by its uses; anything else runs when the file loads.
    const declared = this.declaredName(file, node);
    if (declared) {
      const [nameNode, def, kind] = declared;
      const name = text(file.tree, nameNode);
      if (this.parsed.get(file)!.isAdded(nameNode.startRow) && !this.parsed.get(file)!.existedBefore(name))
        return this.symbolVerdict(file, def, name, kind, depth);
      return this.existingUses(file, def, name, kind, depth, `\`${name}\` exists before this change and is used without a flag${offNote}`);
    }
    const inClass = this.enclosingClass(node);
    return {
      evidence: 'unguarded',
      why: inClass
        ? `it runs for every \`${text(file.tree, nameNodeOf(inClass) ?? inClass).slice(0, 60)}\`, with no flag check`
        : 'it runs when the file is loaded, with no flag check',
    };
  }

  private enclosingClass(node: SyntaxNode): SyntaxNode | undefined {
    for (let p = node.parent; p && p.parent; p = p.parent) if (CLASSES.has(p.type)) return p;
    return undefined;
  }

  /** A name declared at file or class level by the statement holding `node`: a constant, a component, a class. */
  private declaredName(file: SourceFile, node: SyntaxNode): [SyntaxNode, SyntaxNode, 'function' | 'class' | 'value'] | undefined {
    // `var x = …` / `const x = …` as a whole (the row's outermost node): its one binding is the declaration.
    const specs = DECLARATIONS.has(node.type)
      ? node.children.filter((c) => c.type === 'var_spec' || c.type === 'const_spec' || c.type === 'variable_declarator')
      : [];
    if (specs.length === 1) node = specs[0];
    node = pythonModuleAssignment(node) ?? node;
    for (let n: SyntaxNode | undefined = node; n && n.parent; n = n.parent) {
      if (n.type === 'type_spec' || n.type === 'type_alias' || n.type === 'type_alias_declaration') {
        const name = field(n, 'name');
        return name ? [name, n, 'class'] : undefined;
      }
      if (CLASSES.has(n.type)) {
        const name = nameNodeOf(n);
        return name ? [name, n, 'class'] : undefined;
      }
      if (
        n.type === 'variable_declarator' ||
        n.type === 'public_field_definition' ||
        n.type === 'field_definition' ||
        n.type === 'const_spec' ||
        n.type === 'var_spec' ||
        (n.type === 'assignment' && n.parent?.type === 'expression_statement')
      ) {
        const name = field(n, 'name') ?? field(n, 'left') ?? field(n, 'property');
        if (name && isIdentifier(name)) return [name, n, 'value'];
      }
      if (isFunction(n)) return undefined;
    }
    return undefined;
  }

  /**
   * Code that existed before the change is presumed to run: `presumed` stands unless its uses in the repository
   * at the head were searched and every one of them sits in guarded code (then the change is guarded through
   * them), or some do and the others could not be followed (then it is uncertain).
   */
  private existingUses(
    file: SourceFile,
    def: SyntaxNode,
    name: string,
    kind: 'function' | 'class' | 'value',
    depth: number,
    presumed: string,
  ): LineVerdict {
    if (!this.outside || depth > MAX_OUTSIDE_STEPS) return { evidence: 'unguarded', why: presumed };
    const searched = this.outside.searched(name);
    if (searched === undefined) return { evidence: 'unguarded', why: presumed };
    // `const Name = () => …`: the binding holds the function, and its own name is no use of it.
    const own = nameNodeOf(def);
    const holder = def.parent && HOLDERS.has(def.parent.type) && own?.parent === def.parent ? def.parent : def;
    const { definition: _definition, ...verdict } = this.symbolVerdict(file, holder, name, kind, depth, presumed);
    if (verdict.evidence !== 'guarded') return verdict;
    if (searched === 'partial')
      return {
        evidence: 'uncertain',
        why: `\`${name}\` exists before this change and the uses of it that were read are behind a flag (${verdict.why}), but more files name it than could be read`,
      };
    return { evidence: 'guarded', why: `\`${name}\` exists before this change and ${verdict.why}` };
  }

  /** A use judged by control alone: a flag check on the way to it, or, past its function, that function's own uses. */
  private controlVerdict(file: SourceFile, node: SyntaxNode, depth: number): LineVerdict {
    const guard = this.guards.at(file, node);
    if (guard.on) return { evidence: 'guarded', why: `it runs only when ${guard.on} is on` };
    return this.beyond(file, node, guard.boundary, guard.off, depth);
  }

  /** A definition the change adds: guarded when every use is, unguarded when one is not, uncertain when none is seen. */
  private symbolVerdict(
    file: SourceFile,
    def: SyntaxNode,
    name: string,
    kind: 'function' | 'class' | 'value',
    depth: number,
    presumed?: string,
  ): LineVerdict {
    const known = this.symbolVerdicts.get(def);
    if (known === 'pending')
      return { evidence: 'uncertain', why: `\`${name}\` is only reached through itself`, definition: { name, kind }, cycle: true };
    if (known) return known;
    this.symbolVerdicts.set(def, 'pending');
    const verdict = this.judgeSymbol(file, def, name, kind, depth, presumed);
    // A verdict that only loops back depends on who asked: judged again from elsewhere.
    if (verdict.cycle) this.symbolVerdicts.delete(def);
    else this.symbolVerdicts.set(def, verdict);
    return verdict;
  }

  /** `presumed`: the definition existed before the change, so with no use seen it is presumed to run, for this reason. */
  private judgeSymbol(
    file: SourceFile,
    def: SyntaxNode,
    name: string,
    kind: 'function' | 'class' | 'value',
    depth: number,
    presumed?: string,
  ): LineVerdict {
    const definition = { name, kind };
    if (depth > MAX_DEPTH)
      return {
        evidence: 'uncertain',
        why: `\`${name}\` is reached through more than ${MAX_DEPTH} definitions this change adds`,
        definition,
      };
    // Uses in a file that defines its own `name` mean that one; a Go method is never called without a receiver.
    const goMethod = def.type === 'method_declaration' && field(def, 'receiver') !== undefined;
    const refs = (this.names.all().get(name) ?? []).filter(
      (r) =>
        !(r.file === file && r.node.start >= def.start && r.node.end <= def.end) &&
        !(r.file !== file && this.names.declares(r.file, name)) &&
        visibleFrom(file.path, r.file.path, name) &&
        !this.names.boundLocally(r.file, r.node, name, file, def) &&
        !namesOtherPackage(r.file, r.node, file) &&
        !(goMethod && r.node.parent?.type === 'call_expression' && r.node.field === 'function'),
    );
    const texts = this.textReferences(name);
    if (refs.length === 0 && texts.length === 0) {
      const complete = this.outside?.searched(name) === 'complete';
      // Imported, yet used nowhere: no framework reaches it by that import, and no code calls it (commented out,
      // left behind). Whether it runs could not be seen either way.
      const importer = presumed !== undefined && complete ? this.names.importerOf(name, file) : undefined;
      if (importer)
        return {
          evidence: 'uncertain',
          why: `\`${name}\` exists before this change, and the repository imports it (\`${importer.path}\`) but uses it nowhere: it may be dead code, or reached in a way that could not be seen`,
        };
      if (presumed !== undefined)
        return {
          evidence: 'unguarded',
          why:
            this.outside?.searched(name) === 'complete'
              ? `${presumed}, and nothing in the repository uses it (an entry point, called by a framework or a convention)`
              : `${presumed}, and more files name it than could be read`,
        };
      return {
        evidence: 'uncertain',
        why: `nothing in the files this change touches uses \`${name}\`; what calls it (a framework, a convention, or code elsewhere) could not be seen`,
        definition,
      };
    }
    let uncertain: string | undefined;
    let guardedWhy: string | undefined;
    // A use that could not be settled further on (as opposed to a call on a receiver of unknown type).
    let unsettled = false;
    let ways = 0;
    let loops = false;
    for (const ref of refs) {
      const where = `\`${ref.file.path}:${ref.node.startRow + 1}\``;
      // A use of code that existed before guards it only by control: a flag check on the way to the use. That
      // the call's receiver or arguments were built from a flag's value does not keep the call from running.
      const v =
        presumed !== undefined
          ? this.controlVerdict(ref.file, ref.node, depth + 1)
          : this.verdictAt(
              ref.file,
              ref.node,
              this.rows.nodesOn(ref.file, ref.node.startRow).filter((n) => n.start >= ref.node.start),
              depth + 1,
            );
      if (v.cycle && presumed !== undefined) {
        loops = true;
        continue;
      }
      ways++;
      if (v.evidence === 'unguarded' && !resolves(ref.file, ref.node, file, def)) {
        uncertain ??= `\`${name}\` is called at ${where} on a receiver whose type could not be told, so that call may be another type's \`${name}\``;
        continue;
      }
      if (v.evidence === 'unguarded')
        return { evidence: 'unguarded', why: `\`${name}\` is used at ${where}, and there ${v.why}`, definition };
      if (v.evidence === 'uncertain') {
        uncertain ??= `\`${name}\` is used at ${where}, where ${v.why}`;
        unsettled = true;
      } else guardedWhy ??= `it is only used at ${where}, where ${v.why}`;
    }
    for (const t of texts) {
      if (!t.guarded)
        return { evidence: 'unguarded', why: `\`${name}\` is used at \`${t.path}:${t.line}\`, which is not behind a flag`, definition };
    }
    // Every way in loops back to a definition whose other ways are being judged: this one adds nothing of its own.
    if (presumed !== undefined && ways === 0 && texts.length === 0 && loops)
      return { evidence: 'uncertain', why: `\`${name}\` is only reached through code that calls it back`, definition, cycle: true };
    if (presumed !== undefined && ways === 0 && texts.length === 0)
      return { evidence: 'unguarded', why: `${presumed}, and it is only used from code it calls itself`, definition };
    // Code that existed before stays presumed to run unless a guarded path to it was seen.
    if (uncertain && presumed !== undefined && guardedWhy === undefined && !unsettled)
      return { evidence: 'unguarded', why: `${presumed} (${uncertain})`, definition };
    if (uncertain) return { evidence: 'uncertain', why: uncertain, definition };
    return { evidence: 'guarded', why: guardedWhy ?? 'every use of it is behind a flag', definition };
  }

  /** A call that changes nothing by itself: a predicate, a derived value, or a definition whose lines are all guarded. */
  private harmlessCall(file: SourceFile, call: SyntaxNode): boolean {
    const name = calleeName(file.tree, call);
    if (!name) return false;
    if (this.flow.predicates.has(name) || this.flow.derivedFunctions.has(name)) return true;
    return this.callsGuardedDefinition(file, call);
  }

  private callsGuardedDefinition(file: SourceFile, call: SyntaxNode): boolean {
    const name = calleeName(file.tree, call);
    if (!name) return false;
    if (this.flow.predicates.has(name) || this.flow.derivedFunctions.has(name)) return true;
    const cached = this.fullyGuardedCache.get(name);
    if (cached !== undefined) return cached === true;
    const defs = this.flow.definitionsOf(name);
    if (defs.length !== 1) return false;
    const { file: defFile, node } = defs[0];
    const parsed = this.parsed.get(defFile)!;
    const nameNode = nameOfFunction(node);
    if (!nameNode || !parsed.isAdded(nameNode.startRow) || parsed.existedBefore(name)) return false;
    this.fullyGuardedCache.set(name, 'pending');
    const body = field(node, 'body');
    let all = body !== undefined;
    if (body) {
      for (let row = body.startRow; row <= body.endRow && all; row++) {
        const nodes = this.rows.nodesOn(defFile, row).filter((n) => n !== body && !(n.start === body.start));
        if (nodes.length === 0 || nodes.every((n) => !n.named)) continue;
        if (nodes.some((n) => defFile.checks.has(n))) continue;
        const guard = this.guards.at(defFile, nodes[0]);
        if (guard.on) continue;
        if (
          this.guards.dataGuard(
            defFile,
            nodes,
            statementOf(nodes[0]),
            (c) =>
              this.flow.predicates.has(calleeName(defFile.tree, c) ?? '') ||
              this.flow.derivedFunctions.has(calleeName(defFile.tree, c) ?? ''),
          )
        )
          continue;
        if (nodes.every((n) => !isCall(n) && !n.type.includes('assignment') && !n.type.includes('declaration'))) continue;
        all = false;
      }
    }
    this.fullyGuardedCache.set(name, all);
    return all;
  }
}
