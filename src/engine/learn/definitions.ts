/**
 * Functions and methods of one parsed file, as the flag-idiom learner reads them: name, the class or module
 * around it, parameters, body, and the calls and flag-collection reads inside, each with its arguments' names.
 * One walk per file over the syntax layer's plain trees; languages differ only in node type names.
 */
import type { SyntaxNode, SyntaxTree } from '../syntax/index.js';
import { field, textOf, walk } from '../syntax/index.js';

export interface Call {
  /** The callee as written, e.g. `Flipper.enabled?`, `s.featureFlagClient.Boolean`, `evaluate`. */
  callee: string;
  /** The arguments by position: an identifier's name (a splat or spread counts as its name), else undefined. */
  args: (string | undefined)[];
  /** The argument list as written, for evidence. */
  text: string;
  line: number;
}

export interface Definition {
  /** The name callers use: `enabled?`, `useUiFlag`, `Boolean`. */
  name: string;
  /** The class or module it belongs to (`FeatureToggle`), or undefined for a plain function. */
  owner?: string;
  /** Ruby `def self.x`, a static method: called on the owner. */
  onOwner: boolean;
  params: string[];
  /** Parameters of functions nested in it (a returned closure reads the key through them). */
  nestedParams: string[];
  calls: Call[];
  /** Reads of a flag collection by a name: `flags[name]`, `flags?.[name]`, `slices.Contains(experimentals, name)`. */
  collectionReads: { text: string; key: string | undefined; line: number }[];
  /** Locals bound to a call's result: `const evaluate = useUiFlagEvaluator()` → evaluate ← useUiFlagEvaluator. */
  boundCalls: Map<string, string>;
  /** Instance fields set from a parameter in a constructor: `@feature = feature_name` → @feature ← feature_name. */
  fieldsFromParams: Map<string, string>;
  path: string;
  line: number;
}

const FUNCTION_TYPES = new Set([
  'function_declaration',
  'method_definition',
  'function_definition',
  'method',
  'singleton_method',
  'method_declaration',
  'arrow_function',
  'function_expression',
  'function',
  'generator_function_declaration',
  'func_literal',
  'lambda',
]);
const CLASS_TYPES = new Set([
  'class_declaration',
  'class_definition',
  'class',
  'module',
  'abstract_class_declaration',
  'interface_declaration',
  'object_declaration',
]);
const CALL_TYPES = new Set([
  'call_expression',
  'call',
  'method_invocation',
  'function_call_expression',
  'member_call_expression',
  'scoped_call_expression',
]);

/** Names of collections that hold flags: a read of one by a parameter is a flag check. */
const FLAG_COLLECTION =
  /(?:^|[._>$])(?:flags|features|feature_flags|featureFlags|toggles|feature_toggles|switches|experimentals|experiments|enabledFlags|enabled_features|enabledFeatures|activeFeatures|activeFlags)$/i;

/** PHP's membership tests, `in_array($name, $features)`, `array_key_exists($name, $flags)`: the key first, the collection second. */
const MEMBERSHIP = /^(?:in_array|array_key_exists)$/;
/** A collection argument that names flags: `config('app.enabled_features')`, `$this->flags`, `self::$toggles`. */
const NAMES_FLAGS = /flag|feature|toggle|experiment/i;

const IDENT = /^[@$]*[A-Za-z_][\w]*[?!]?$/;

function nameOfFunction(tree: SyntaxTree, node: SyntaxNode): string | undefined {
  const name = field(node, 'name');
  if (name) return textOf(tree, name);
  // `const useUiFlag = (flag) => …`, `useUiFlag: (flag) => …`
  const parent = node.parent;
  if (parent && (parent.type === 'variable_declarator' || parent.type === 'pair' || parent.type === 'assignment_expression')) {
    const target = field(parent, 'name') ?? field(parent, 'key') ?? field(parent, 'left');
    if (target) return textOf(tree, target);
  }
  return undefined;
}

function paramNames(tree: SyntaxTree, node: SyntaxNode): string[] {
  const params =
    field(node, 'parameters') ??
    field(node, 'parameter') ??
    node.children.find(
      (c) =>
        c.type === 'formal_parameters' ||
        c.type === 'parameters' ||
        c.type === 'method_parameters' ||
        c.type === 'parameter_list' ||
        c.type === 'function_value_parameters',
    );
  if (!params) return [];
  const names: string[] = [];
  walk(params, (n) => {
    // PHP: `string $feature` names `$feature`, as its uses write it.
    if (n.type === 'variable_name') {
      names.push(textOf(tree, n));
      return false;
    }
    if (n.type === 'identifier' || n.type === 'shorthand_property_identifier_pattern') {
      const text = textOf(tree, n);
      // A Go parameter's type is an identifier too (`flag string`): keep names, not type names.
      if (n.field === 'type' || n.parent?.field === 'type') return false;
      names.push(text);
    }
    if (n.type.includes('type') && n !== params) return false;
    return undefined;
  });
  return names;
}

function argumentsOf(tree: SyntaxTree, call: SyntaxNode): { args: (string | undefined)[]; text: string } {
  const list =
    field(call, 'arguments') ??
    call.children.find((c) => c.type === 'argument_list' || c.type === 'arguments' || c.type === 'value_arguments');
  if (!list) return { args: [], text: '' };
  const args: (string | undefined)[] = [];
  for (const arg of list.children) {
    if (!arg.named || arg.type === 'comment') continue;
    const text = textOf(tree, arg).replace(/^(?:\*\*?|\.\.\.|&)/, '');
    // A name, a field (`this.name`), or one property of a name (`feature.key`, `$feature->name`).
    args.push(IDENT.test(text) || /^[@$]*[A-Za-z_]\w*(?:\.|->|\?\.)\w+$/.test(text) ? text : undefined);
  }
  return { args, text: textOf(tree, list).slice(0, 120) };
}

function calleeOf(tree: SyntaxTree, call: SyntaxNode): string {
  const fn = field(call, 'function') ?? field(call, 'method');
  if (call.type === 'call' && fn) {
    // Ruby: `receiver.method(args)` has receiver and method fields.
    const receiver = field(call, 'receiver');
    return receiver ? `${textOf(tree, receiver)}.${textOf(tree, fn)}` : textOf(tree, fn);
  }
  if (fn) return textOf(tree, fn);
  const name = field(call, 'name');
  const scope = field(call, 'scope');
  // PHP: `Feature::isActive(…)` keeps its `::`, as SDK names and callers write it.
  if (name && scope) return `${textOf(tree, scope)}::${textOf(tree, name)}`;
  const object = field(call, 'object');
  if (name) return object ? `${textOf(tree, object)}.${textOf(tree, name)}` : textOf(tree, name);
  return textOf(tree, call.children[0] ?? call);
}

const lineOf = (node: SyntaxNode): number => node.startRow + 1;

/** Reads the definitions of one file. */
export function definitionsOf(tree: SyntaxTree, path: string): Definition[] {
  const definitions: Definition[] = [];
  const visit = (node: SyntaxNode, owner: string | undefined, current: Definition | undefined): void => {
    let nextOwner = owner;
    let nextCurrent = current;
    if (CLASS_TYPES.has(node.type)) {
      const name = field(node, 'name');
      if (name) nextOwner = textOf(tree, name).split('::').pop();
      // Kotlin's primary constructor, `class Flag(private val key: String, …)`: its parameters are fields.
      const primary = node.children.find((c) => c.type === 'primary_constructor');
      if (primary && nextOwner) {
        const params: string[] = [];
        walk(primary, (n) => {
          if (n.type === 'class_parameter') {
            const id = n.children.find((c) => c.type === 'identifier' || c.type === 'simple_identifier');
            if (id) params.push(textOf(tree, id));
            return false;
          }
          return undefined;
        });
        definitions.push({
          name: 'constructor',
          owner: nextOwner,
          onOwner: false,
          params,
          nestedParams: [],
          calls: [],
          collectionReads: [],
          boundCalls: new Map(),
          fieldsFromParams: new Map(params.flatMap((p) => [[p, p] as [string, string], [`this.${p}`, p] as [string, string]])),
          path,
          line: lineOf(node),
        });
      }
    } else if (FUNCTION_TYPES.has(node.type)) {
      const name = nameOfFunction(tree, node);
      const params = paramNames(tree, node);
      if (
        current !== undefined &&
        (name === undefined ||
          node.type === 'arrow_function' ||
          node.type === 'function_expression' ||
          node.type === 'lambda' ||
          node.type === 'func_literal')
      ) {
        // A closure inside a function: its parameters may carry the key (a returned evaluator).
        current.nestedParams.push(...params);
      } else if (name !== undefined) {
        let receiverType: string | undefined;
        if (node.type === 'method_declaration') {
          const receiver = field(node, 'receiver');
          receiverType = receiver ? textOf(tree, receiver).replace(/[()*]/g, ' ').trim().split(/\s+/).pop() : undefined;
        }
        const nameNode = field(node, 'name');
        const head = textOf(tree, node).slice(0, nameNode ? nameNode.start - node.start : 40);
        const onOwner = node.type === 'singleton_method' || /(?:^|\s)static\b/.test(head);
        nextCurrent = {
          name: name.replace(/^self\./, ''),
          owner: receiverType ?? owner,
          onOwner,
          params,
          nestedParams: [],
          calls: [],
          collectionReads: [],
          boundCalls: new Map(),
          fieldsFromParams: new Map(),
          path,
          line: lineOf(node),
        };
        definitions.push(nextCurrent);
      }
    } else if (current !== undefined) {
      readInside(tree, node, current);
    }
    for (const child of node.children) visit(child, nextOwner, nextCurrent);
  };
  visit(tree.root, undefined, undefined);
  return definitions;
}

function readInside(tree: SyntaxTree, node: SyntaxNode, def: Definition): void {
  if (CALL_TYPES.has(node.type)) {
    const callee = calleeOf(tree, node);
    const { args, text } = argumentsOf(tree, node);
    def.calls.push({ callee, args, text, line: lineOf(node) });
    // Go's `slices.Contains(s.experimentals, flag)`, Ruby's `experimentals.include?(flag)`.
    const collection = /(?:^|\.)(?:Contains|include\?|includes|has|has_key\?|key\?|get|contains|__contains__)$/.exec(callee)
      ? callee.replace(/\.(?:Contains|include\?|includes|has|has_key\?|key\?|get|contains|__contains__)$/, '')
      : '';
    const [first = '', second = ''] = text
      .replace(/^\(/, '')
      .split(',')
      .map((a) => a.trim());
    if (collection && FLAG_COLLECTION.test(collection))
      def.collectionReads.push({ text: `${callee}${text}`, key: args[0], line: lineOf(node) });
    else if (/(?:^|\.)Contains$/.test(callee) && FLAG_COLLECTION.test(first))
      def.collectionReads.push({ text: `${callee}${text}`, key: args[1], line: lineOf(node) });
    else if (MEMBERSHIP.test(callee) && NAMES_FLAGS.test(second))
      def.collectionReads.push({ text: `${callee}${text}`, key: args[0], line: lineOf(node) });
    return;
  }
  // `new Rollout(name, …)` (TypeScript, Java, PHP): a call of the class, as Kotlin and Python write it.
  if (node.type === 'new_expression' || node.type === 'object_creation_expression') {
    const type = field(node, 'constructor') ?? field(node, 'type') ?? node.children.find((c) => c.named);
    if (type) {
      const { args, text } = argumentsOf(tree, node);
      def.calls.push({
        callee: textOf(tree, type)
          .split(/\.|::|\\/)
          .pop()!,
        args,
        text,
        line: lineOf(node),
      });
    }
    return;
  }
  if (
    node.type === 'subscript_expression' ||
    node.type === 'element_reference' ||
    node.type === 'subscript' ||
    node.type === 'index_expression'
  ) {
    const object = field(node, 'object') ?? field(node, 'operand') ?? field(node, 'value') ?? node.children[0];
    const index = field(node, 'index') ?? field(node, 'subscript') ?? node.children.find((c) => c.named && c !== object);
    if (object && index && FLAG_COLLECTION.test(textOf(tree, object).replace(/\?$/, ''))) {
      const key = textOf(tree, index);
      if (IDENT.test(key)) def.collectionReads.push({ text: textOf(tree, node).slice(0, 120), key, line: lineOf(node) });
    }
    return;
  }
  if (
    node.type === 'variable_declarator' ||
    node.type === 'short_var_declaration' ||
    node.type === 'assignment' ||
    node.type === 'assignment_expression'
  ) {
    const left = field(node, 'name') ?? field(node, 'left');
    const right = field(node, 'value') ?? field(node, 'right');
    if (left && right) {
      const target = textOf(tree, left).trim();
      const value = right.type === 'expression_list' ? right.children.find((c) => c.named) : right;
      if (value && CALL_TYPES.has(value.type) && IDENT.test(target)) def.boundCalls.set(target, calleeOf(tree, value));
      // Ruby `@feature = feature_name` in `initialize`: the key lives on in a field.
      if (value && def.params.includes(textOf(tree, value)) && /^(?:@\w+|(?:this|self)\.\w+)$/.test(target))
        def.fieldsFromParams.set(target, textOf(tree, value));
    }
  }
}
