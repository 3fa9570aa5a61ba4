/**
 * Where flag values flow in the change's files: names that hold a flag check's result (aliases, with their
 * polarity), names that hold a value computed from one (derived), functions that return either, and the
 * parameters and fields a flag value is passed into. Computed over all parsed files of the change together,
 * to a fixed point, because a value checked in one file is often passed to a function in another
 * (`WithOptimizations(enabled)` … `if c.optimizationsEnabled {`).
 */
import type { FlagCheck } from '../flags/index.js';
import { field, walk, type SyntaxNode, type SyntaxTree } from '../syntax/index.js';
import {
  argumentsOf,
  calleeName,
  enclosingFunction,
  isCall,
  isFunction,
  isIdentifier,
  isNamedFunction,
  nameOfFunction,
  statementsOf,
  text,
  unwrap,
} from './nodes.js';

export interface SourceFile {
  path: string;
  tree: SyntaxTree;
  /** Flag checks found in the file, by the node that makes the call. */
  checks: Map<SyntaxNode, FlagCheck>;
}

/** How a condition relates to a flag: it implies the flag is on, or off; `via` says which check. */
export interface Implication {
  state: 'on' | 'off';
  via: string;
}

interface Alias {
  positive: boolean;
  via: string;
}

const ASSIGNMENTS = new Set([
  'variable_declarator',
  'assignment',
  // Go's `x = y` and `q.field = on`.
  'assignment_statement',
  'assignment_expression',
  'short_var_declaration',
  'var_spec',
  'operator_assignment',
  'augmented_assignment',
  'augmented_assignment_expression',
  'property_declaration',
  'const_spec',
]);
/** The values that say a field is not set. */
const UNSET = new Set(['nil', 'null', 'None', 'undefined']);
const PAIRS = new Set(['pair', 'keyed_element', 'keyword_argument']);
const MEMBERS = new Set([
  'member_expression',
  'selector_expression',
  'attribute',
  'field_access',
  'navigation_expression',
  'member_access_expression',
  'scoped_identifier',
]);

export class FlagFlow {
  /** Aliases per scope (a function node, or a file's root for file-level names). */
  private readonly aliases = new Map<SyntaxNode, Map<string, Alias>>();
  private readonly derived = new Map<SyntaxNode, Map<string, string>>();
  private readonly fieldAliases = new Map<string, Alias>();
  private readonly fieldDerived = new Map<string, string>();
  private readonly fieldsSetUnderFlag = new Map<string, string>();
  /** Functions whose result is a flag check (predicates) or derived from one, by name. */
  readonly predicates = new Map<string, Alias>();
  readonly derivedFunctions = new Map<string, string>();
  private readonly fileOf = new Map<SyntaxNode, SourceFile>();
  private readonly definitions = new Map<string, { file: SourceFile; node: SyntaxNode }[]>();

  constructor(
    readonly files: readonly SourceFile[],
    private readonly lineOf: (file: SourceFile, node: SyntaxNode) => string,
  ) {
    for (const file of files) {
      this.fileOf.set(file.tree.root, file);
      walk(file.tree.root, (n) => {
        if (!isFunction(n)) return;
        const name = nameOfFunction(n);
        if (!name) return;
        const key = text(file.tree, name);
        const list = this.definitions.get(key) ?? [];
        list.push({ file, node: n });
        this.definitions.set(key, list);
      });
    }
    // Three rounds reach values passed through two calls (a flag read, handed to an option, stored in a field).
    for (let round = 0; round < 3; round++) if (!this.round()) break;
  }

  definitionsOf(name: string): readonly { file: SourceFile; node: SyntaxNode }[] {
    return this.definitions.get(name) ?? [];
  }

  private scopeOf(n: SyntaxNode, root: SyntaxNode): SyntaxNode {
    return enclosingFunction(n) ?? root;
  }

  private setAlias(map: Map<SyntaxNode, Map<string, Alias>>, scope: SyntaxNode, name: string, alias: Alias): boolean {
    let names = map.get(scope);
    if (!names) map.set(scope, (names = new Map<string, Alias>()));
    if (names.has(name)) return false;
    names.set(name, alias);
    return true;
  }

  private setDerived(scope: SyntaxNode, name: string, via: string): boolean {
    let names = this.derived.get(scope);
    if (!names) this.derived.set(scope, (names = new Map<string, string>()));
    if (names.has(name)) return false;
    names.set(name, via);
    return true;
  }

  /** One pass over every file; true when something new was learnt. */
  private round(): boolean {
    let learnt = false;
    for (const file of this.files) {
      const { tree } = file;
      walk(tree.root, (n) => {
        if (ASSIGNMENTS.has(n.type)) learnt = this.learnAssignment(file, n) || learnt;
        else if (PAIRS.has(n.type)) learnt = this.learnPair(file, n) || learnt;
        else if (isCall(n)) learnt = this.learnCall(file, n) || learnt;
        else if (isNamedFunction(n) || isFunction(n)) learnt = this.learnReturn(file, n) || learnt;
      });
    }
    return learnt;
  }

  private targetsOf(tree: SyntaxTree, n: SyntaxNode): SyntaxNode[] {
    const target = field(n, 'name') ?? field(n, 'left') ?? field(n, 'pattern');
    if (!target) return [];
    const t = unwrap(target);
    if (
      t.type === 'object_pattern' ||
      t.type === 'array_pattern' ||
      t.type === 'expression_list' ||
      t.type === 'pattern_list' ||
      t.type === 'tuple_pattern' ||
      t.type === 'left_assignment_list'
    ) {
      const out: SyntaxNode[] = [];
      walk(t, (c) => {
        if (c !== t && (isIdentifier(c) || MEMBERS.has(c.type))) {
          out.push(c);
          return false;
        }
        // `{ a: renamed }`: the binding is the value.
        if (c.type === 'pair_pattern') {
          const value = field(c, 'value');
          if (value && isIdentifier(value)) out.push(value);
          return false;
        }
      });
      return t.type === 'expression_list' || t.type === 'pattern_list'
        ? out.filter((c) => text(tree, c) !== '_' && text(tree, c) !== 'err').slice(0, 1)
        : out;
    }
    return [t];
  }

  private learnAssignment(file: SourceFile, n: SyntaxNode): boolean {
    const value = field(n, 'value') ?? field(n, 'right');
    if (!value) return false;
    const root = file.tree.root;
    const targets = this.targetsOf(file.tree, n);
    if (targets.length === 0) return false;
    const implied = this.imply(file, value, true);
    const destructured = targets.length > 1 || unwrap(field(n, 'name') ?? field(n, 'left')!).type === 'object_pattern';
    const derivedVia = implied ? implied.via : this.derivedVia(file, value);
    let learnt = false;
    for (const target of targets) {
      const name = text(file.tree, target);
      const isField = MEMBERS.has(target.type) || target.type === 'instance_variable';
      const key = isField ? this.memberName(file.tree, target) : name;
      // A flags object destructured (`const { newCheckout } = useFlags()`): each name is a flag read.
      const flagsObject = this.isFlagsObject(file, value);
      if ((implied && !destructured) || flagsObject) {
        // `const flags = useFlags()`: the name holds a flags object, whose properties are flag reads.
        const alias = {
          positive: true,
          via: flagsObject
            ? `\`${name}\` from ${this.describe(file, value)}${destructured ? '' : ' (a flags object)'}`
            : `\`${name}\` (${implied!.via}, ${this.lineOf(file, n)})`,
        };
        if (!flagsObject) alias.positive = implied!.state === 'on';
        learnt = (isField ? this.setField(key, alias) : this.setAlias(this.aliases, this.scopeOf(n, root), key, alias)) || learnt;
      } else if (derivedVia) {
        const via = `\`${name}\`, computed from ${derivedVia} (${this.lineOf(file, n)})`;
        learnt = (isField ? this.setFieldDerived(key, via) : this.setDerived(this.scopeOf(n, root), key, via)) || learnt;
      }
    }
    return learnt;
  }

  private setField(name: string, alias: Alias): boolean {
    if (this.fieldAliases.has(name)) return false;
    this.fieldAliases.set(name, alias);
    return true;
  }

  private setFieldDerived(name: string, via: string): boolean {
    if (this.fieldDerived.has(name) || this.fieldAliases.has(name)) return false;
    this.fieldDerived.set(name, via);
    return true;
  }

  /** `{ throttlingEnabled: flag }`, `Operation{ThrottlingEnabled: on}`, `f(enabled=on)`: the key becomes a field alias. */
  private learnPair(file: SourceFile, n: SyntaxNode): boolean {
    const key = field(n, 'key') ?? field(n, 'name') ?? n.children.find((c) => c.named);
    const value = field(n, 'value') ?? [...n.children].reverse().find((c) => c.named);
    if (!key || !value || key === value) return false;
    const name = text(file.tree, unwrap(key)).replace(/^:/, '');
    if (!/^[A-Za-z_$@][\w$]*$/.test(name)) return false;
    const implied = this.imply(file, value, true);
    if (implied)
      return this.setField(name, { positive: implied.state === 'on', via: `\`${name}\` (${implied.via}, ${this.lineOf(file, n)})` });
    return false;
  }

  /** A flag value passed as an argument: the callee's parameter at that position (or keyword) becomes an alias. */
  private learnCall(file: SourceFile, call: SyntaxNode): boolean {
    const name = calleeName(file.tree, call);
    if (!name) return false;
    const defs = this.definitions.get(name);
    if (!defs || defs.length !== 1) return false;
    const args = argumentsOf(call);
    let learnt = false;
    args.forEach((arg, index) => {
      const implied = this.imply(file, arg, true);
      if (!implied) return;
      const def = defs[0];
      const params = field(def.node, 'parameters');
      if (!params) return;
      const list = params.children.filter((c) => c.named && c.type !== 'comment');
      const param = list[index];
      if (!param) return;
      const ident = isIdentifier(param)
        ? param
        : (field(param, 'name') ?? field(param, 'pattern') ?? param.children.find((c) => isIdentifier(c)));
      if (!ident) return;
      const pname = text(def.file.tree, ident);
      learnt =
        this.setAlias(this.aliases, def.node, pname, {
          positive: implied.state === 'on',
          via: `\`${pname}\`, passed ${implied.via} at ${this.lineOf(file, call)}`,
        }) || learnt;
    });
    return learnt;
  }

  /** A function whose result is a flag check is a flag predicate; one whose result derives from one is derived. */
  private learnReturn(file: SourceFile, fn: SyntaxNode): boolean {
    const nameNode = nameOfFunction(fn);
    if (!nameNode) return false;
    const name = text(file.tree, nameNode);
    if (this.predicates.has(name) || this.definitions.get(name)?.length !== 1) return false;
    for (const value of this.returnValues(file, fn)) {
      const implied = this.imply(file, value, true);
      if (implied) {
        this.predicates.set(name, { positive: implied.state === 'on', via: `\`${name}\` (${implied.via})` });
        return true;
      }
      const derived = this.derivedVia(file, value);
      if (derived && !this.derivedFunctions.has(name)) {
        this.derivedFunctions.set(name, `\`${name}\` (its result comes from ${derived})`);
        return true;
      }
    }
    return false;
  }

  private returnValues(file: SourceFile, fn: SyntaxNode): SyntaxNode[] {
    const body = field(fn, 'body');
    if (!body) return [];
    // An arrow function's expression body, or Ruby's implicit return of the last statement.
    if (fn.type === 'arrow_function' && body.type !== 'statement_block') return [body];
    const values: SyntaxNode[] = [];
    walk(body, (n) => {
      if (n !== body && isFunction(n)) return false;
      if (n.type === 'return_statement' || n.type === 'return') {
        const v = n.children.find((c) => c.named);
        if (v) values.push(v.type === 'argument_list' || v.type === 'expression_list' ? (v.children.find((c) => c.named) ?? v) : v);
      }
    });
    if (fn.type === 'method' || fn.type === 'singleton_method') {
      const statements = statementsOf(body);
      const last = statements[statements.length - 1];
      if (last) values.push(last);
    }
    return values;
  }

  private memberName(tree: SyntaxTree, n: SyntaxNode): string {
    if (n.type === 'instance_variable') return text(tree, n);
    const prop = field(n, 'property') ?? field(n, 'field') ?? field(n, 'attribute') ?? field(n, 'name');
    if (prop) return text(tree, prop);
    const last = [...n.children].reverse().find((c) => isIdentifier(c));
    return last ? text(tree, last) : text(tree, n);
  }

  private isFlagsObject(file: SourceFile, value: SyntaxNode): boolean {
    const v = unwrap(value);
    const check = file.checks.get(v);
    return check !== undefined && check.key === '*';
  }

  private describe(file: SourceFile, node: SyntaxNode): string {
    const check = file.checks.get(node) ?? file.checks.get(unwrap(node));
    if (check) return `\`${check.call}\`${check.key !== '*' ? ` of \`${check.key}\`` : ''}`;
    return `\`${text(file.tree, node).split('\n')[0].slice(0, 60)}\``;
  }

  /** A flag check at a leaf: a recognised call, a predicate's call, an alias (local, parameter or field). */
  private leaf(file: SourceFile, n: SyntaxNode): Alias | undefined {
    const check = file.checks.get(n);
    if (check && check.key !== '*') return { positive: true, via: `${this.describe(file, n)} at ${this.lineOf(file, n)}` };
    if (isCall(n)) {
      const name = calleeName(file.tree, n);
      const predicate = name ? this.predicates.get(name) : undefined;
      if (predicate) return { positive: predicate.positive, via: `${predicate.via} at ${this.lineOf(file, n)}` };
      return undefined;
    }
    if (isIdentifier(n) && n.type !== 'instance_variable' && n.type !== 'property_identifier' && n.type !== 'field_identifier') {
      const name = text(file.tree, n);
      for (let scope: SyntaxNode | undefined = enclosingFunction(n); ; scope = scope ? enclosingFunction(scope) : undefined) {
        const alias = this.aliases.get(scope ?? file.tree.root)?.get(name);
        if (alias) return alias;
        if (!scope) break;
      }
      // A Ruby method without receiver or parentheses is a call: `unless inventory_enabled?`.
      const predicate = this.predicates.get(name);
      if (predicate && n.parent?.type !== 'method' && n.field !== 'name') return predicate;
      return undefined;
    }
    if (MEMBERS.has(n.type) || n.type === 'instance_variable') {
      const object = field(n, 'object') ?? field(n, 'operand');
      if (object && this.isFlagsObjectName(file, object))
        return { positive: true, via: `\`${text(file.tree, n)}\` (a flags object) at ${this.lineOf(file, n)}` };
      const alias = this.fieldAliases.get(this.memberName(file.tree, n));
      if (alias) return alias;
      const set = this.fieldsSetUnderFlag.get(this.memberName(file.tree, n));
      if (set) return { positive: true, via: `\`${text(file.tree, n)}\` (set only under ${set})` };
    }
    return undefined;
  }

  /** A name bound to a flags object (`const flags = useFlags()`). */
  private isFlagsObjectName(file: SourceFile, object: SyntaxNode): boolean {
    if (!isIdentifier(object)) return false;
    const name = text(file.tree, object);
    for (let scope: SyntaxNode | undefined = enclosingFunction(object); ; scope = scope ? enclosingFunction(scope) : undefined) {
      const alias = this.aliases.get(scope ?? file.tree.root)?.get(name);
      if (alias) return alias.via.includes('flags object');
      if (!scope) return false;
    }
  }

  /** What a condition's outcome implies about a flag, if anything. */
  imply(file: SourceFile, node: SyntaxNode, outcome: boolean): Implication | undefined {
    const n = unwrap(node);
    const leaf = this.leaf(file, n);
    if (leaf) return { state: leaf.positive === outcome ? 'on' : 'off', via: leaf.via };
    const operator = field(n, 'operator');
    const op = operator ? text(file.tree, operator) : n.children.find((c) => !c.named)?.type;
    if (n.type === 'unary_expression' || n.type === 'not_operator' || n.type === 'unary' || n.type === 'prefix_expression') {
      const arg = field(n, 'argument') ?? field(n, 'operand') ?? n.children.find((c) => c.named);
      if (arg && (op === '!' || op === 'not')) return this.imply(file, arg, !outcome);
      return undefined;
    }
    if (
      n.type === 'binary_expression' ||
      n.type === 'boolean_operator' ||
      n.type === 'binary' ||
      n.type === 'comparison_operator' ||
      n.type === 'conjunction_expression' ||
      n.type === 'disjunction_expression' ||
      n.type === 'equality_expression'
    ) {
      const named = n.children.filter((c) => c.named);
      const left = field(n, 'left') ?? named[0];
      const right = field(n, 'right') ?? named[named.length - 1];
      if (!left || !right) return undefined;
      const and = op === '&&' || op === 'and' || n.type === 'conjunction_expression';
      const or = op === '||' || op === 'or' || n.type === 'disjunction_expression';
      if (and) return outcome ? (this.imply(file, left, true) ?? this.imply(file, right, true)) : undefined;
      if (or) return outcome ? undefined : (this.imply(file, left, false) ?? this.imply(file, right, false));
      const eq = op === '==' || op === '===' || op === 'is';
      const ne = op === '!=' || op === '!==' || op === 'is not';
      if (eq || ne) {
        const literal = (x: SyntaxNode): boolean | undefined => {
          const t = text(file.tree, x);
          return t === 'true' || t === 'True' ? true : t === 'false' || t === 'False' ? false : undefined;
        };
        const value = literal(right) ?? literal(left);
        const other = literal(right) !== undefined ? left : right;
        if (value === undefined) {
          // `x != nil`, `x !== null`, `x is not None`: x is set.
          const unset = (x: SyntaxNode): boolean => UNSET.has(text(file.tree, x));
          const tested = unset(right) ? left : unset(left) ? right : undefined;
          return tested && this.isSetUnderFlag(file, unwrap(tested)) ? this.imply(file, tested, ne ? outcome : !outcome) : undefined;
        }
        return this.imply(file, other, eq === value ? outcome : !outcome);
      }
    }
    return undefined;
  }

  private isSetUnderFlag(file: SourceFile, n: SyntaxNode): boolean {
    return (MEMBERS.has(n.type) || n.type === 'instance_variable') && this.fieldsSetUnderFlag.has(this.memberName(file.tree, n));
  }

  /** Where a value derives from a flag: it contains a check, an alias, a derived name or a derived call. */
  derivedVia(file: SourceFile, node: SyntaxNode): string | undefined {
    let via: string | undefined;
    walk(node, (n) => {
      if (via) return false;
      if (n !== node && isFunction(n)) return false;
      const leaf = this.leaf(file, n);
      if (leaf) {
        via = leaf.via;
        return false;
      }
      const d = this.derivedLeaf(file, n);
      if (d) {
        via = d;
        return false;
      }
    });
    return via;
  }

  /** A name or call whose value derives from a flag (not itself a check). */
  derivedLeaf(file: SourceFile, n: SyntaxNode): string | undefined {
    if (isCall(n)) {
      const name = calleeName(file.tree, n);
      return name ? this.derivedFunctions.get(name) : undefined;
    }
    if (isIdentifier(n) && n.type !== 'property_identifier' && n.type !== 'field_identifier' && n.type !== 'instance_variable') {
      const name = text(file.tree, n);
      for (let scope: SyntaxNode | undefined = enclosingFunction(n); ; scope = scope ? enclosingFunction(scope) : undefined) {
        const via = this.derived.get(scope ?? file.tree.root)?.get(name);
        if (via) return via;
        if (!scope) return undefined;
      }
    }
    if (MEMBERS.has(n.type) || n.type === 'instance_variable') return this.fieldDerived.get(this.memberName(file.tree, n));
    return undefined;
  }

  /**
   * A field every write of which, in the files read, sits where a flag is on (`if experimental { s.cache = … }`,
   * `@vine = …` under `feature?(:vine)`): it is unset (nil, null, None, undefined) unless the flag is on, so a
   * test of it being set (`if s.cache != nil`, `if @vine`, `this.cache?.get(…)` guarded by `if (this.cache)`) is
   * a test of the flag.
   */
  markFieldSetUnderFlag(name: string, via: string): boolean {
    if (this.fieldsSetUnderFlag.has(name) || this.fieldAliases.has(name)) return false;
    this.fieldsSetUnderFlag.set(name, via);
    return true;
  }

  /** Marks a local as derived because it is written in flag-guarded code (`if (on) styleSrc.push(…)`). */
  markDerived(file: SourceFile, target: SyntaxNode, via: string): boolean {
    if (!isIdentifier(target)) return false;
    return this.setDerived(this.scopeOf(target, file.tree.root), text(file.tree, target), via);
  }
}
