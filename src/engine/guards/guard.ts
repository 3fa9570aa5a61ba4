/**
 * Is a piece of code reachable only when a flag is on? Control dependence, walked up from the code to the
 * start of its function: the branch of an `if`/`unless`/ternary/`&&`/`||`/`switch` it sits in, a guard
 * clause before it in its block (`if (!on) return`, `return unless feature?(:x)`), a declaration that names
 * a flag (`{ path, component, flag: 'x' }`, a decorator, `constraints FeatureToggleConstraint.new(:x) do`),
 * or a callback passed from guarded code. Data dependence on top: a changed expression that only reads a
 * value computed under a flag, or only builds such a value.
 */
import { field, walk, type SyntaxNode } from '../syntax/index.js';
import type { FlagFlow, Implication, SourceFile } from './flow.js';
import {
  alwaysExits,
  calleeName,
  childToward,
  conditionalOf,
  isAnonymousFunction,
  isCall,
  isComment,
  isFunction,
  isIdentifier,
  isLiteral,
  isNamedFunction,
  statementsOf,
  unwrap,
} from './nodes.js';

export interface PositionGuard {
  /** The flag must be on for this code to run. */
  on?: string;
  /** The code runs when the flag is off (a change here reaches everyone without the flag). */
  off?: string;
  /** The named function (or class body, or file) where the walk stopped without finding a guard. */
  boundary: SyntaxNode | undefined;
}

const BLOCKS = new Set([
  'program',
  'module',
  'source_file',
  'statement_block',
  'block',
  'body_statement',
  'statement_list',
  'then',
  'else',
  'class_body',
  'declaration_list',
  'compound_statement',
  'switch_body',
  'switch_case',
  'switch_default',
  'case_clause',
  'begin',
  'elsif',
  'else_clause',
  'elif_clause',
  'expression_case',
  'default_case',
  'when',
  'function_body',
  'statements',
  'control_structure_body',
]);

export class Guards {
  constructor(private readonly flow: FlagFlow) {}

  /** The guard of the code at `node`, walking up to its named function. */
  at(file: SourceFile, node: SyntaxNode): PositionGuard {
    let off: string | undefined;
    let child = node;
    for (let a = node.parent; a; child = a, a = a.parent) {
      if (isNamedFunction(a) || (isFunction(a) && !isAnonymousFunction(a))) {
        // A named function defined inside guarded code (a nested helper) is judged by its own references.
        return { off, boundary: a };
      }
      const implied = this.throughAncestor(file, a, child);
      if (implied?.state === 'on') return { on: implied.via, off, boundary: undefined };
      if (implied?.state === 'off') off ??= implied.via;
    }
    return { off, boundary: undefined };
  }

  private throughAncestor(file: SourceFile, a: SyntaxNode, child: SyntaxNode): Implication | undefined {
    const conditional = conditionalOf(a);
    if (conditional) {
      const branch = conditional.branch(child);
      if (branch !== undefined) {
        const implied = this.flow.imply(file, conditional.condition, branch);
        if (implied) return implied;
      }
    }
    // `switch (variant) { case 'on': … }` on a flag value: every case but the default depends on it.
    if (
      (a.type === 'switch_statement' || a.type === 'expression_switch_statement' || a.type === 'case' || a.type === 'match_statement') &&
      child.field !== 'value'
    ) {
      const value = field(a, 'value') ?? field(a, 'condition') ?? field(a, 'subject');
      if (value && value !== child) {
        const via = this.flow.derivedVia(file, value);
        if (via) return { state: 'on', via };
      }
    }
    // A guard clause earlier in the same block.
    if (BLOCKS.has(a.type)) {
      for (const statement of statementsOf(a)) {
        if (statement === child || statement.start >= child.start) break;
        const implied = this.guardClause(file, statement);
        if (implied) return implied;
      }
    }
    // Declarations that name a flag: the other entries of the literal, the block of the call, the decorated definition.
    if (isLiteral(a)) {
      for (const entry of a.children) {
        if (entry === child || !entry.named) continue;
        const via = this.checkIn(file, entry);
        if (via) return { state: 'on', via: `${via}, declared beside it` };
      }
    }
    if (isCall(a) && (child.field === 'block' || child.type === 'do_block' || child.type === 'block')) {
      const args = field(a, 'arguments');
      const via = args ? this.checkIn(file, args) : undefined;
      if (via) return { state: 'on', via };
    }
    if (isCall(a) && child.field === 'arguments') {
      const callee = field(a, 'function');
      const via = callee && isCall(unwrap(callee)) ? this.checkIn(file, callee) : undefined;
      if (via) return { state: 'on', via };
    }
    if (a.type === 'decorated_definition' && child.field === 'definition') {
      for (const decorator of a.children.filter((c) => c.type === 'decorator')) {
        const via = this.checkIn(file, decorator);
        if (via) return { state: 'on', via };
      }
    }
    return undefined;
  }

  /** A flag check within a declaration entry (a pair's value, an argument, a decorator). */
  private checkIn(file: SourceFile, node: SyntaxNode): string | undefined {
    let via: string | undefined;
    walk(node, (n) => {
      if (via || isFunction(n)) return false;
      const check = file.checks.get(n);
      if (check && check.key !== '*') via = `\`${check.call}\` of \`${check.key}\``;
    });
    return via;
  }

  /** `if (!on) return;`, `return unless on`, `if not on: raise …`: what running past it implies. */
  guardClause(file: SourceFile, statement: SyntaxNode): Implication | undefined {
    const s = unwrap(statement);
    const conditional = conditionalOf(s);
    if (!conditional) return undefined;
    const { tree } = file;
    const consequence = field(s, 'consequence') ?? field(s, 'body');
    const alternative = field(s, 'alternative');
    if (!consequence || !alwaysExits(tree, consequence)) {
      if (consequence && alternative && alwaysExits(tree, alternative)) {
        const taken = conditional.branch(consequence);
        return taken === undefined ? undefined : this.flow.imply(file, conditional.condition, taken);
      }
      return undefined;
    }
    if (alternative && !alwaysExits(tree, alternative)) {
      // Code after an if/else whose one branch exits runs only after the other branch.
      const taken = conditional.branch(alternative);
      return taken === undefined ? undefined : this.flow.imply(file, conditional.condition, taken);
    }
    if (alternative) return undefined;
    const taken = conditional.branch(consequence);
    return taken === undefined ? undefined : this.flow.imply(file, conditional.condition, !taken);
  }

  /**
   * Data dependence of a changed line: the nodes that start on it read a flag-derived value and call
   * nothing (`styleSrc,` in an options object), or the statement holding it only builds a derived local
   * (`const styleSrc = ["'self'"]`, `styleSrc.push(…)` where `if (on) styleSrc.push(…)` makes it derived).
   */
  dataGuard(
    file: SourceFile,
    lineNodes: readonly SyntaxNode[],
    statement: SyntaxNode | undefined,
    harmless: (call: SyntaxNode) => boolean,
  ): string | undefined {
    let reads: string | undefined;
    let calls = false;
    for (const n of lineNodes) {
      if (isCall(n) && !harmless(n) && !file.checks.has(n)) calls = true;
      if (!reads && (isIdentifier(n) || n.type.endsWith('expression'))) reads = this.flow.derivedLeaf(file, n) ?? this.leafAlias(file, n);
    }
    if (!calls && reads) return `it reads ${reads}`;
    if (!statement) return undefined;
    const built = this.buildsDerived(file, statement, harmless);
    return built ? `it builds ${built}` : undefined;
  }

  private leafAlias(file: SourceFile, n: SyntaxNode): string | undefined {
    const implied = this.flow.imply(file, n, true);
    return implied?.via;
  }

  /** The statement only assigns or mutates a derived local, calling nothing else. */
  private buildsDerived(file: SourceFile, statement: SyntaxNode, harmless: (call: SyntaxNode) => boolean): string | undefined {
    const s = unwrap(statement);
    let target: SyntaxNode | undefined;
    let value: SyntaxNode | undefined = s;
    const declarator =
      s.type === 'lexical_declaration' || s.type === 'variable_declaration' || s.type === 'local_variable_declaration'
        ? s.children.find((c) => c.type === 'variable_declarator')
        : s;
    if (declarator && (field(declarator, 'name') || field(declarator, 'left'))) {
      target = field(declarator, 'name') ?? field(declarator, 'left');
      value = field(declarator, 'value') ?? field(declarator, 'right');
    } else if (isCall(s)) {
      // A mutation of the receiver: `list.push(x)`, `list.append(x)`, `list << x`.
      const callee = field(s, 'function') ?? s;
      target = field(callee, 'object') ?? field(callee, 'operand') ?? field(s, 'receiver');
    }
    if (!target) return undefined;
    const t = unwrap(target);
    const via = this.flow.derivedLeaf(file, t) ?? this.leafAlias(file, t);
    if (!via) return undefined;
    let calls = false;
    if (value) {
      walk(value, (n) => {
        if (calls || isFunction(n)) return false;
        if (n !== s && isCall(n) && !harmless(n) && !file.checks.has(n)) calls = true;
      });
    }
    return calls ? undefined : via;
  }
}

/** The statement (a direct child of a block) that holds a node. */
export function statementOf(node: SyntaxNode): SyntaxNode | undefined {
  for (let n: SyntaxNode | undefined = node; n; n = n.parent) {
    if (n.parent && BLOCKS.has(n.parent.type)) return n;
    if (n.parent && isFunction(n.parent) && n.field === 'body') return n;
  }
  return undefined;
}

/** Nodes that start on a row, without comments, in document order. */
export function nodesStartingOn(root: SyntaxNode, row: number): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  walk(root, (n) => {
    if (n.endRow < row || n.startRow > row) return false;
    if (isComment(n)) return false;
    if (n.startRow === row) out.push(n);
  });
  return out;
}

export { childToward, calleeName };
