/**
 * Dependency-injection bindings: a Koin module's definitions (`val appModule = module { single { … } factory
 * { … } }`) and the provider methods of a Dagger/Hilt `@Module` or a Spring `@Configuration` (`@Provides`,
 * `@Binds`, `@Bean`). Their code does not run when the file loads: a binding runs when something resolves what it
 * provides. So a binding this change adds runs only once some code resolves it, and that code is judged where it
 * does; a binding that existed before already has its resolvers, and a change to it reaches every one of them.
 */
import { field, type SyntaxNode, type SyntaxTree } from '../syntax/index.js';
import { text } from './nodes.js';

/** Koin's definitions inside `module { … }`. */
const KOIN_DEFINITIONS = new Set([
  'single',
  'factory',
  'scoped',
  'viewModel',
  'worker',
  'fragment',
  'singleOf',
  'factoryOf',
  'scopedOf',
  'viewModelOf',
  'workerOf',
  'fragmentOf',
]);

/** Annotations that make a method a provider the container calls. */
const PROVIDER_ANNOTATION = /@(?:Provides|Binds|BindsInstance|IntoSet|IntoMap|Bean|Produces)\b/;

export interface Binding {
  /** How it is written: Koin `single`, a `@Provides` method. */
  what: string;
  /** The names it provides or builds (its type, the class it constructs), as the base text is searched for them. */
  names: string[];
  /** The method's own name, for a provider method. */
  method?: string;
}

/** The identifier a Koin statement starts with: `single` in `single<T> { … }`, `single(named("x")) { … } bind T::class`. */
function leadingName(tree: SyntaxTree, node: SyntaxNode): string | undefined {
  let n: SyntaxNode | undefined = node;
  while (n && n.type !== 'identifier' && n.type !== 'simple_identifier') n = n.children.find((c) => c.named);
  return n ? text(tree, n) : undefined;
}

/** Names in a binding that say what it provides: type arguments and `bind T::class`, then the classes it builds. */
function providedNames(tree: SyntaxTree, node: SyntaxNode): string[] {
  const explicit: string[] = [];
  const built: string[] = [];
  const visit = (n: SyntaxNode): void => {
    if (n.type === 'binary_expression') {
      // `single<PaymentGateway> { … }` reads as a comparison in the Kotlin grammar: `single < PaymentGateway > { … }`.
      const left = field(n, 'left');
      const right = left?.type === 'binary_expression' ? field(left, 'right') : undefined;
      if (right && /^[A-Z]/.test(text(tree, right))) explicit.push(text(tree, right));
    } else if (n.type === 'type_arguments' || n.type === 'callable_reference') {
      const name = /[A-Z][\w]*/.exec(text(tree, n));
      if (name) (n.type === 'type_arguments' ? explicit : built).push(name[0]);
    } else if (n.type === 'infix_expression' && /\bbind\b/.test(text(tree, n))) {
      const target = n.children.filter((c) => c.named).pop();
      const name = target ? /^[A-Z]\w*/.exec(text(tree, target)) : null;
      if (name) explicit.push(name[0]);
    } else if ((n.type === 'call_expression' || n.type === 'object_creation_expression') && built.length === 0) {
      const callee = field(n, 'type') ?? n.children.find((c) => c.named);
      const name = callee && (callee.type === 'identifier' || callee.type === 'type_identifier') ? text(tree, callee) : '';
      if (/^[A-Z]/.test(name)) built.push(name);
    }
    for (const c of n.children) visit(c);
  };
  visit(node);
  return [...explicit, ...built];
}

/** The Koin binding holding a node: the statement of a `module { … }` block that starts with a Koin definition. */
function koinBinding(tree: SyntaxTree, node: SyntaxNode): Binding | undefined {
  for (let child: SyntaxNode = node, p = node.parent; p; child = p, p = p.parent) {
    if (p.type !== 'lambda_literal' || p.parent?.type !== 'annotated_lambda') continue;
    const call = p.parent.parent;
    if (call?.type !== 'call_expression' || leadingName(tree, call) !== 'module') continue;
    const definition = leadingName(tree, child);
    if (definition === undefined || !KOIN_DEFINITIONS.has(definition)) return undefined;
    return { what: `Koin \`${definition}\``, names: providedNames(tree, child) };
  }
  return undefined;
}

/** A provider method (`@Provides fun provideGateway(…): PaymentGateway`, `@Bean PaymentGateway gateway()`). */
function providerMethod(tree: SyntaxTree, fn: SyntaxNode): Binding | undefined {
  const modifiers = fn.children.find((c) => c.type === 'modifiers');
  const annotation = modifiers ? PROVIDER_ANNOTATION.exec(text(tree, modifiers)) : null;
  if (!annotation) return undefined;
  const name = field(fn, 'name');
  // Kotlin's return type is the `user_type` after the parameters; Java's is the method's `type`.
  const returns = field(fn, 'type') ?? fn.children.find((c) => c.type === 'user_type' || c.type === 'nullable_type');
  const body = field(fn, 'body') ?? fn.children.find((c) => c.type === 'function_body');
  const names = [
    ...(returns ? [/[A-Z]\w*/.exec(text(tree, returns))?.[0]].filter((x): x is string => x !== undefined) : []),
    ...(body ? providedNames(tree, body) : []),
  ];
  return { what: `a \`${annotation[0]}\` method`, names, ...(name ? { method: text(tree, name) } : {}) };
}

/**
 * The verdict of code no flag check controls inside a binding, or undefined when it is in none. `boundary` is
 * the named function the walk stopped at (a provider method), if any.
 */
export function bindingVerdict(
  tree: SyntaxTree,
  node: SyntaxNode,
  boundary: SyntaxNode | undefined,
  existedBefore: (name: string) => boolean,
): { evidence: 'guarded' | 'unguarded'; why: string } | undefined {
  const binding = boundary ? providerMethod(tree, boundary) : koinBinding(tree, node);
  if (!binding) return undefined;
  const provides = binding.names[0];
  const named = provides ? ` of \`${provides}\`` : '';
  const existing = [...binding.names, ...(binding.method ? [binding.method] : [])].filter(existedBefore);
  if (existing.length === 0)
    return {
      evidence: 'guarded',
      why: `it is in a binding${named} (${binding.what}) this change adds: a binding runs only when something resolves it, and the code that does is judged where it does`,
    };
  return {
    evidence: 'unguarded',
    why: `it is in the binding${named} (${binding.what}), which exists before this change: everything that resolves it gets the change, with no flag check`,
  };
}
