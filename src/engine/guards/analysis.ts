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
import type { FlagCheck, FlagMatcher } from '../flags/index.js';
import { field, walk, type SyntaxNode, type SyntaxTree } from '../syntax/index.js';
import { FlagFlow, type SourceFile } from './flow.js';
import { keptUnderCheck, passesFlagValue } from './rewrites.js';
import { Guards, statementOf } from './guard.js';
import { calleeName, CLASSES, isCall, isComment, isFunction, isIdentifier, nameNodeOf, nameOfFunction, text } from './nodes.js';

export type Evidence = 'guarded' | 'unguarded' | 'uncertain';

export interface LineVerdict {
  evidence: Evidence;
  /** Why, in words for the annotation. */
  why: string;
  /** The definition the verdict was reached through, when it was (`New function \`x\` …`). */
  definition?: { name: string; kind: 'function' | 'class' | 'value' };
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
}

/** A use in a file the syntax layer cannot read (a template): whether the line scanner saw it guarded. */
export interface TextReference {
  path: string;
  line: number;
  guarded: boolean;
}

const MAX_DEPTH = 8;

export class ChangeAnalysis {
  private readonly sources: SourceFile[];
  private readonly parsed = new Map<SourceFile, ParsedFile>();
  private readonly flow: FlagFlow;
  private readonly guards: Guards;
  private readonly rowIndex = new Map<SourceFile, Map<number, SyntaxNode[]>>();
  private readonly lineStarts = new Map<SourceFile, number[]>();
  private referenceIndex: Map<string, { file: SourceFile; node: SyntaxNode }[]> | undefined;
  private readonly symbolVerdicts = new Map<SyntaxNode, LineVerdict | 'pending'>();
  private readonly fullyGuardedCache = new Map<string, boolean | 'pending'>();

  constructor(
    files: readonly ParsedFile[],
    matcher: FlagMatcher,
    private readonly textReferences: (name: string) => TextReference[] = () => [],
  ) {
    this.sources = files.map((f) => {
      const source: SourceFile = { path: f.path, tree: f.tree, checks: findChecks(f.tree, matcher) };
      this.parsed.set(source, f);
      return source;
    });
    this.flow = new FlagFlow(this.sources, (file, node) => `\`${file.path}:${node.startRow + 1}\``);
    this.guards = new Guards(this.flow);
    this.markWrittenUnderGuard();
  }

  /** Locals written in guarded code (`if (on) list.push(x)`) hold values computed under the flag. */
  private markWrittenUnderGuard(): void {
    for (const file of this.sources) {
      walk(file.tree.root, (n) => {
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
  }

  sourceOf(path: string): SourceFile | undefined {
    return this.sources.find((s) => s.path === path);
  }

  /** The verdict of a changed row (zero-based) of a parsed file. */
  verdict(path: string, row: number): LineVerdict | undefined {
    const file = this.sourceOf(path);
    if (!file) return undefined;
    const nodes = this.nodesOn(file, row);
    let anchor = nodes[0] ?? this.coveringNode(file, row);
    if (!anchor) return undefined;
    // A definition's header (its name, parameters, decorators) carries no behaviour: its body's lines do.
    if (inTypeOnly(anchor) || TYPE_ONLY.has(anchor.type)) return { evidence: 'guarded', why: 'it declares a type' };
    for (let n: SyntaxNode | undefined = anchor; n; n = n.parent)
      if (IMPORTS.has(n.type)) return { evidence: 'guarded', why: 'it is an import' };
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
      if (n.type === 'decorator' && n.parent?.type === 'decorated_definition') {
        const def = field(n.parent, 'definition');
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
      def.children.find((c) => c.type === 'class_body' || c.type === 'body_statement' || c.type === 'block');
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
    const deleted = this.parsed.get(file)!.deletedWords;
    const row = this.rowText(file, anchor.startRow);
    const kept = deleted && (keptUnderCheck(file, anchor, row, deleted) ?? passesFlagValue(this.flow, file, anchor, row, deleted));
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
    return this.beyond(file, anchor, definition ?? guard.boundary, guard.off, depth);
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
    // A binding that existed before keeps its value when the statement only gains others; new bindings,
    // and the rest of a destructured object (`...rest`, which loses what is now named), carry the change.
    const names = new Set<string>();
    const parsed = this.parsed.get(file)!;
    walk(target, (n) => {
      if (!isIdentifier(n) || n.type === 'property_identifier') return;
      const name = text(file.tree, n);
      const rest = n.parent?.type === 'rest_pattern' || n.parent?.type === 'list_splat_pattern' || n.parent?.type === 'splat_parameter';
      if (rest || !parsed.existedBefore(name) || target === n) names.add(name);
    });
    if (names.size === 0) return undefined;
    let uses = 0;
    let open = false;
    walk(fn, (n) => {
      if (open) return false;
      if (n.start < statement.end || !isIdentifier(n) || !names.has(text(file.tree, n))) return;
      uses++;
      const row = this.nodesOn(file, n.startRow).filter((x) => x.start >= n.start);
      const guard = this.guards.at(file, n);
      if (guard.on || file.checks.has(n)) return;
      const stmt = statementOf(n);
      if (this.guards.dataGuard(file, row, stmt, harmless)) return;
      if (stmt && isHarmlessStatement(file, stmt, harmless)) return;
      open = true;
    });
    return !open && uses > 0 ? `it only sets ${[...names].map((n) => `\`${n}\``).join(', ')}, used only where a flag decides` : undefined;
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
    if (boundary) {
      const nameNode = nameOfFunction(boundary);
      const name = nameNode ? text(file.tree, nameNode) : undefined;
      if (!name) return { evidence: 'unguarded', why: `nothing checks a flag on the way to it${offNote}` };
      if (this.parsed.get(file)!.existedBefore(name) || !this.parsed.get(file)!.isAdded(nameNode!.startRow)) {
        return {
          evidence: 'unguarded',
          why: `\`${name}\` exists before this change and already runs; nothing on the way from its start to this line checks a flag${offNote}`,
        };
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
      return { evidence: 'unguarded', why: `\`${name}\` exists before this change and is used without a flag${offNote}` };
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

  /** A definition the change adds: guarded when every use is, unguarded when one is not, uncertain when none is seen. */
  private symbolVerdict(file: SourceFile, def: SyntaxNode, name: string, kind: 'function' | 'class' | 'value', depth: number): LineVerdict {
    const known = this.symbolVerdicts.get(def);
    if (known === 'pending')
      return { evidence: 'uncertain', why: `\`${name}\` is only reached through itself`, definition: { name, kind } };
    if (known) return known;
    this.symbolVerdicts.set(def, 'pending');
    const verdict = this.judgeSymbol(file, def, name, kind, depth);
    this.symbolVerdicts.set(def, verdict);
    return verdict;
  }

  private judgeSymbol(file: SourceFile, def: SyntaxNode, name: string, kind: 'function' | 'class' | 'value', depth: number): LineVerdict {
    const definition = { name, kind };
    if (depth > MAX_DEPTH)
      return {
        evidence: 'uncertain',
        why: `\`${name}\` is reached through more than ${MAX_DEPTH} definitions this change adds`,
        definition,
      };
    // Uses in a file that defines its own `name` mean that one; a Go method is never called without a receiver.
    const goMethod = def.type === 'method_declaration' && field(def, 'receiver') !== undefined;
    const refs = (this.references().get(name) ?? []).filter(
      (r) =>
        !(r.file === file && r.node.start >= def.start && r.node.end <= def.end) &&
        !(r.file !== file && this.declares(r.file, name)) &&
        !(goMethod && r.node.parent?.type === 'call_expression' && r.node.field === 'function'),
    );
    const texts = this.textReferences(name);
    if (refs.length === 0 && texts.length === 0) {
      return {
        evidence: 'uncertain',
        why: `nothing in the files this change touches uses \`${name}\`; what calls it (a framework, a convention, or code elsewhere) could not be seen`,
        definition,
      };
    }
    let uncertain: string | undefined;
    let guardedWhy: string | undefined;
    for (const ref of refs) {
      const where = `\`${ref.file.path}:${ref.node.startRow + 1}\``;
      const v = this.verdictAt(
        ref.file,
        ref.node,
        this.nodesOn(ref.file, ref.node.startRow).filter((n) => n.start >= ref.node.start),
        depth + 1,
      );
      if (v.evidence === 'unguarded' && !this.resolves(ref.file, ref.node, file, def)) {
        uncertain ??= `\`${name}\` is called at ${where} on a receiver whose type could not be told, so that call may be another type's \`${name}\``;
        continue;
      }
      if (v.evidence === 'unguarded')
        return { evidence: 'unguarded', why: `\`${name}\` is used at ${where}, and there ${v.why}`, definition };
      if (v.evidence === 'uncertain') uncertain ??= `\`${name}\` is used at ${where}, where ${v.why}`;
      else guardedWhy ??= `it is only used at ${where}, where ${v.why}`;
    }
    for (const t of texts) {
      if (!t.guarded)
        return { evidence: 'unguarded', why: `\`${name}\` is used at \`${t.path}:${t.line}\`, which is not behind a flag`, definition };
    }
    if (uncertain) return { evidence: 'uncertain', why: uncertain, definition };
    return { evidence: 'guarded', why: guardedWhy ?? 'every use of it is behind a flag', definition };
  }

  private readonly declaredNames = new Map<SourceFile, Set<string>>();

  /** Names a file defines itself: functions, types, classes and file-level constants and variables. */
  private declares(file: SourceFile, name: string): boolean {
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
   * Does a use by name surely mean this definition? A plain name or a call on `this`/`self`/the method's own
   * receiver does; `x.name(…)` on any other receiver may be another type's method of the same name.
   */
  private resolves(refFile: SourceFile, ref: SyntaxNode, defFile: SourceFile, def: SyntaxNode): boolean {
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
    if (r === 'this' || r === 'self' || r === 'super' || r === '$this' || r === 'static') return true;
    const own = field(def, 'receiver');
    const ownName = own ? own.children.find((c) => c.type === 'parameter_declaration') : undefined;
    const ownIdent = ownName ? field(ownName, 'name') : undefined;
    return ownIdent !== undefined && refFile === defFile && text(defFile.tree, ownIdent) === r;
  }

  /** Identifier uses by name, across the parsed files (definitions' own names left out). */
  private references(): Map<string, { file: SourceFile; node: SyntaxNode }[]> {
    if (this.referenceIndex) return this.referenceIndex;
    const index = new Map<string, { file: SourceFile; node: SyntaxNode }[]>();
    for (const file of this.sources) {
      walk(file.tree.root, (n) => {
        if (isComment(n)) return false;
        let name: string | undefined;
        if (isIdentifier(n) && n.type !== 'instance_variable') name = text(file.tree, n);
        else if (n.type === 'simple_symbol') name = text(file.tree, n).slice(1);
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
    this.referenceIndex = index;
    return index;
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
        const nodes = this.nodesOn(defFile, row).filter((n) => n !== body && !(n.start === body.start));
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

  private rowText(file: SourceFile, row: number): string {
    const starts = this.lineStartsOf(file);
    return file.tree.text.slice(starts[row], starts[row + 1] ?? file.tree.text.length);
  }

  private lineStartsOf(file: SourceFile): number[] {
    let starts = this.lineStarts.get(file);
    if (!starts) {
      starts = [0];
      const t = file.tree.text;
      for (let i = t.indexOf('\n'); i >= 0; i = t.indexOf('\n', i + 1)) starts.push(i + 1);
      this.lineStarts.set(file, starts);
    }
    return starts;
  }

  /** Nodes that start on a row (outermost first), without comments. */
  private nodesOn(file: SourceFile, row: number): SyntaxNode[] {
    let index = this.rowIndex.get(file);
    if (!index) {
      index = new Map();
      const rows = index;
      walk(file.tree.root, (n) => {
        if (isComment(n)) return false;
        if (n === file.tree.root) return;
        const list = rows.get(n.startRow);
        if (list) list.push(n);
        else rows.set(n.startRow, [n]);
      });
      this.rowIndex.set(file, index);
    }
    return index.get(row) ?? [];
  }

  /** The smallest node covering the first character of a row (a line inside a multi-line string or literal). */
  private coveringNode(file: SourceFile, row: number): SyntaxNode | undefined {
    const starts = this.lineStartsOf(file);
    const offset = starts[row];
    if (offset === undefined) return undefined;
    const lineText = file.tree.text.slice(offset, starts[row + 1] ?? file.tree.text.length);
    const at = offset + (lineText.length - lineText.trimStart().length);
    let node = file.tree.root;
    for (;;) {
      const child = node.children.find((c) => c.start <= at && at < c.end);
      if (!child) return node === file.tree.root ? undefined : node;
      node = child;
    }
  }
}

/** Flag checks of a whole file, found line by line by the matcher, placed on their call nodes. */
export function findChecks(tree: SyntaxTree, matcher: FlagMatcher): Map<SyntaxNode, FlagCheck> {
  const checks = new Map<SyntaxNode, FlagCheck>();
  const lines = tree.text.split('\n');
  const found = matcher.scan(lines);
  let offset = 0;
  for (let i = 0; i < lines.length; i++) {
    for (const check of found[i] ?? []) {
      const at = offset + check.index;
      let node = tree.root;
      for (;;) {
        const child = node.children.find((c) => c.start <= at && at < c.end);
        if (!child) break;
        node = child;
      }
      // The call that holds the name (`flagResolver.isEnabled(…)`), else the smallest declaration around it.
      let target: SyntaxNode | undefined;
      for (let n: SyntaxNode | undefined = node; n && n !== tree.root; n = n.parent) {
        if (isCall(n) || n.type === 'element_reference' || n.type === 'subscript_expression') {
          target = n;
          break;
        }
        if (n.type === 'pair' || n.type === 'member_expression' || n.type === 'keyword_argument') target ??= n;
        if (n.startRow !== node.startRow && target) break;
      }
      if (target && !checks.has(target)) checks.set(target, check);
    }
    offset += lines[i].length + 1;
  }
  return checks;
}

const IMPORTS = new Set([
  'import_statement',
  'import_from_statement',
  'import_declaration',
  'import_spec',
  'use_declaration',
  'namespace_use_declaration',
  'future_import_statement',
  'package_clause',
]);

const TYPE_ONLY = new Set([
  'type_declaration',
  'interface_declaration',
  'type_alias_declaration',
  'method_spec',
  'method_elem',
  'type_annotation',
  'type_arguments',
  'type_parameters',
  'interface_type',
  'implements_clause',
  'type_spec',
  'field_declaration_list',
]);

/** A name in a type, an interface or a signature: not code that runs. */
function inTypeOnly(node: SyntaxNode): boolean {
  for (let n = node.parent; n; n = n.parent) {
    if (TYPE_ONLY.has(n.type)) return true;
    if (isFunction(n)) return false;
  }
  return false;
}

function enclosingFunctionOf(node: SyntaxNode): SyntaxNode | undefined {
  for (let p = node.parent; p; p = p.parent) if (isFunction(p)) return p;
  return undefined;
}

/** A statement whose calls are all harmless (flag predicates, derived values, guarded definitions). */
function isHarmlessStatement(file: SourceFile, statement: SyntaxNode, harmless: (call: SyntaxNode) => boolean): boolean {
  let calls = 0;
  let bad = false;
  walk(statement, (n) => {
    if (bad || isFunction(n)) return false;
    if (isCall(n) && !file.checks.has(n)) {
      calls++;
      if (!harmless(n)) bad = true;
    }
  });
  return calls > 0 && !bad;
}

/** Declarations whose single binding (`var_spec`, `variable_declarator`) names what they declare. */
const DECLARATIONS = new Set(['var_declaration', 'const_declaration', 'lexical_declaration', 'variable_declaration']);

const PARAMETER_LISTS = new Set(['formal_parameters', 'parameters', 'parameter_list', 'method_parameters', 'lambda_parameters']);
const DEFAULTS = new Set([
  'assignment_pattern',
  'default_parameter',
  'typed_default_parameter',
  'optional_parameter',
  'object_assignment_pattern',
]);

/** Inside a function's parameter list (not in a default value's own function). */
function inParameterList(node: SyntaxNode): boolean {
  for (let n: SyntaxNode | undefined = node; n; n = n.parent) {
    if (PARAMETER_LISTS.has(n.type)) return true;
    if (isFunction(n) || DEFAULTS.has(n.type)) return false;
  }
  return false;
}
