/**
 * Learns a repository's own flag idioms for `monoenv init`: the functions and methods that wrap a flag SDK
 * call, a configured `flag_calls` helper or a flag collection and pass their caller's key to it
 * (`useUiFlag(flag)`, `FeatureToggle.enabled?(feature_name)`, `feature?(feature)`, a client's
 * `Boolean(flagName, …)`), and the folders where flag checks concentrate. Pure: it reads texts and syntax
 * trees handed to it; the CLI gathers them from git.
 *
 * By analysis, never by name: a definition is a wrapper when a parameter of it (or of a closure it returns)
 * reaches the key argument of a known flag call, of a wrapper found earlier, of a function a wrapper
 * factory returned, or indexes a flag collection; a constructor's parameter kept in a field and passed on
 * by a method makes the class's `new` a flag check. Wrappers of wrappers are found by repeating until
 * nothing new appears.
 */
import { KNOWN_FLAG_CALLS, FlagMatcher, type FlagCallRecord } from '../flags/index.js';
import type { Grammar, Syntax } from '../syntax/index.js';
import { definitionsOf, type Call, type Definition } from './definitions.js';

export interface SourceText {
  path: string;
  text: string;
  grammar: Grammar;
}

export interface FlagCallProposal {
  /** What to put in `risky.flag_calls`: `useUiFlag`, `FeatureToggle.enabled?`, `featureFlagClient.Boolean`. */
  name: string;
  /** Where it is defined and what it wraps, for the admin: `lib/x.rb:104 passes feature_name to Flipper.enabled?`. */
  evidence: string;
  /** Calls of it with an argument, outside tests. */
  callSites: number;
}

export interface RiskyPathProposal {
  glob: string;
  /** Flag checks (known SDK calls and the proposed helpers) in the folder. */
  checks: number;
  files: number;
}

export interface FlagIdioms {
  flagCalls: FlagCallProposal[];
  paths: RiskyPathProposal[];
  /** Files read and parsed, for the summary. */
  filesRead: number;
  filesParsed: number;
}

/** The known SDK calls, by name, with the argument that holds the key. */
const KNOWN_KEY_ARG = new Map(
  KNOWN_FLAG_CALLS.filter((r) => r.form === 'call' && r.receiver === undefined).map((r) => [r.name, r.keys[0]?.arg ?? 0]),
);
/** Known calls that are checks only on a receiver naming flags (`Features::isActive`), by name. */
const ON_RECEIVER = new Map(KNOWN_FLAG_CALLS.filter((r) => r.receiver !== undefined).map((r) => [r.name, r]));
/** Known chains whose last call takes the key, by that call's name (`active` of `Feature::for(…)->active`). */
const TAIL_CHAINS = new Map<string, FlagCallRecord[]>();
for (const record of KNOWN_FLAG_CALLS)
  if (record.chain?.keyIn === 'tail')
    for (const tail of record.chain.tails) TAIL_CHAINS.set(tail, [...(TAIL_CHAINS.get(tail) ?? []), record]);
const lastName = (callee: string): string => callee.split(/\.|::|->/).pop() ?? callee;
/** The receiver a callee names its method on: `this.gb` of `this.gb.isOn`, `Feature` of `\App\Feature::isActive`. */
const receiverOf = (callee: string): string => callee.replace(/(?:\.|::|->)?[^.:>]*$/, '');

interface Wrapper {
  def: Definition;
  /** The call or read that makes it one, for the evidence. */
  via: string;
  /** A factory returns a function that takes the key (`useUiFlagEvaluator()`), rather than taking it itself. */
  factory: boolean;
  /** Which argument of a call of it carries the key. */
  keyArg: number;
  /**
   * A lookup that builds a flag object (`provide(feature)` returning `RemoteFeatureFlag(feature.key, …)`): the
   * object's method that checks the key, which callers chain (`provider.provide(K).isEnabled()`).
   */
  chainTail?: string;
}

/** A class whose constructor keeps a key that one of its methods (taking no key itself) checks. */
interface FlagObject {
  /** The constructor's argument that carries the key. */
  keyArg: number;
  /** The method that checks it: `isEnabled`. */
  method: string;
  /** What the method passes the key to, for the evidence. */
  what: string;
}

/** A receiver that names a flag client (`ldClient`, `this.unleash`, `featureFlags`), so `getValue` on it is an SDK call. */
const FLAG_CLIENT =
  /(?:flag|feature|toggle|unleash|launchdarkly|ldclient|growthbook|statsig|posthog|flagsmith|configcat|split|openfeature|flipper|experiment)\w*$|(?:^|\.)gb$/i;

/** A name callers cannot mistake: long, or shaped (`Boolean`, `enabled?`), not `add` or `call`. */
const distinctive = (name: string): boolean => name.length >= 7 || /[A-Z?]/.test(name);

const keyOf = (def: Definition): string => `${def.path}:${def.line}:${def.owner ?? ''}.${def.name}`;

/** Whether a call reaches a known flag check or a wrapper: what it reaches, and which argument holds the key. */
function flagTarget(
  call: Call,
  caller: Definition,
  configured: ReadonlySet<string>,
  byName: ReadonlyMap<string, Wrapper[]>,
  shadowed: ReadonlySet<string>,
): { target: string; keyArg: number } | undefined {
  const name = lastName(call.callee);
  // A function the repository defines itself shadows an SDK name (`useFeature` fetching a feature's data).
  if (call.callee === name && shadowed.has(name) && !byName.has(name)) return undefined;
  for (const [known, keyArg] of KNOWN_KEY_ARG) {
    const qualified = known.includes('.') || known.includes('::');
    if (
      call.callee === known ||
      (qualified && (call.callee.endsWith(`.${known}`) || call.callee.endsWith(`::${known}`) || call.callee.endsWith(`\\${known}`)))
    )
      return { target: call.callee, keyArg };
  }
  // A bare SDK method name counts on a receiver only when it cannot be ordinary code (`isFeatureEnabled`, not `isOn`).
  const known = KNOWN_KEY_ARG.get(name);
  const receiver = receiverOf(call.callee);
  if (known !== undefined && receiver !== '' && FLAG_CLIENT.test(receiver)) return { target: call.callee, keyArg: known };
  // A chain whose last call takes the key: `\Laravel\Pennant\Feature::for($user)->active($name)`.
  for (const chain of TAIL_CHAINS.get(name) ?? []) {
    const head = receiver.endsWith(')') ? receiver.slice(0, receiver.indexOf('(')) : '';
    if (head === chain.name || head.endsWith(`\\${chain.name}`) || head.endsWith(`.${chain.name}`))
      return { target: call.callee, keyArg: chain.keys[0]?.arg ?? 0 };
  }
  const onReceiver = ON_RECEIVER.get(name);
  if (onReceiver && receiver !== '' && onReceiver.receiver!.test(lastName(receiver))) return { target: call.callee, keyArg: 0 };
  if (configured.has(call.callee) || configured.has(name)) return { target: call.callee, keyArg: 0 };
  for (const wrapper of byName.get(name) ?? []) {
    if (wrapper.factory || wrapper.chainTail) continue;
    const { owner, onOwner } = wrapper.def;
    const matches =
      onOwner && owner
        ? call.callee === `${owner}.${name}` ||
          call.callee.endsWith(`.${owner}.${name}`) ||
          call.callee.endsWith(`::${owner}.${name}`) ||
          (call.callee === name && caller.owner === owner && caller.onOwner)
        : owner === undefined
          ? call.callee === name || distinctive(name)
          : distinctive(name);
    if (matches) return { target: call.callee, keyArg: wrapper.keyArg };
  }
  // `evaluate(flag)` where `const evaluate = useUiFlagEvaluator()`.
  const source = caller.boundCalls.get(call.callee);
  const factory = source === undefined ? undefined : byName.get(lastName(source))?.find((w) => w.factory);
  if (factory) return { target: `${call.callee} (from ${source}())`, keyArg: factory.keyArg };
  return undefined;
}

function findWrappers(definitions: readonly Definition[], configured: ReadonlySet<string>): Wrapper[] {
  const found = new Map<string, Wrapper>();
  const flagObjects = new Map<string, FlagObject>();
  const byName = new Map<string, Wrapper[]>();
  const add = (wrapper: Wrapper) => {
    found.set(keyOf(wrapper.def), wrapper);
    const list = byName.get(wrapper.def.name) ?? [];
    list.push(wrapper);
    byName.set(wrapper.def.name, list);
  };
  const shadowed = new Set(definitions.filter((d) => d.owner === undefined && KNOWN_KEY_ARG.has(d.name)).map((d) => d.name));
  // Fields a constructor fills from its parameters: the key given to `new` lives on in them.
  const constructors = new Map<string, Definition>();
  for (const def of definitions) {
    if (/^(?:initialize|constructor|__init__)$/.test(def.name) && def.owner && def.fieldsFromParams.size > 0)
      constructors.set(`${def.path}:${def.owner}`, def);
  }
  for (let round = 0; round < 6; round++) {
    let grew = false;
    for (const def of definitions) {
      if (found.has(keyOf(def))) continue;
      const own = new Set(def.params);
      const nested = new Set(def.nestedParams);
      const ctor = def.owner ? constructors.get(`${def.path}:${def.owner}`) : undefined;
      const fields = ctor && ctor !== def ? ctor.fieldsFromParams : new Map<string, string>();
      let wrapper: Wrapper | undefined;
      const judge = (key: string | undefined, what: string): void => {
        if (key === undefined) return;
        // The key, or one property of it (`feature.key`, `$feature->name`).
        const root = own.has(key) ? key : key.split(/\.|->|\?\./)[0];
        if (own.has(root)) wrapper = { def, via: `passes ${key} to ${what}`, factory: false, keyArg: def.params.indexOf(root) };
        else if (nested.has(key)) wrapper = { def, via: `returns a function that passes its key to ${what}`, factory: true, keyArg: 0 };
        else if (
          fields.has(key) &&
          ctor &&
          def.params.length === 0 &&
          def.owner &&
          !flagObjects.has(def.owner) &&
          !/\.rb$/.test(def.path)
        ) {
          // A flag object: built with its key, asked for its state (`RemoteFeatureFlag(key, …).isEnabled()`).
          flagObjects.set(def.owner, { keyArg: ctor.params.indexOf(fields.get(key)!), method: def.name, what });
          grew = true;
        } else if (fields.has(key) && ctor && /\.rb$/.test(def.path) && !found.has(keyOf({ ...ctor, name: 'new' }))) {
          // The class's `new` takes the key: `FeatureToggleConstraint.new(:key)`.
          add({
            def: { ...ctor, name: 'new', onOwner: true },
            via: `keeps its key in ${key}, which ${def.name} passes to ${what}`,
            factory: false,
            keyArg: ctor.params.indexOf(fields.get(key)!),
          });
          grew = true;
        }
      };
      for (const read of def.collectionReads) {
        judge(read.key, `\`${read.text}\``);
        if (wrapper) break;
      }
      for (const call of def.calls) {
        if (wrapper) break;
        const reached = flagTarget(call, def, configured, byName, shadowed);
        if (reached !== undefined) judge(call.args[reached.keyArg], `\`${reached.target}\``);
        // A lookup that builds a flag object from its parameter: callers chain the object's check.
        const object = reached === undefined && def.name !== 'constructor' ? flagObjects.get(lastName(call.callee)) : undefined;
        if (object && object.method !== def.name) {
          judge(
            call.args[object.keyArg],
            `\`${lastName(call.callee)}\`, whose ${object.method}() passes the key it keeps to ${object.what}`,
          );
          const head = wrapper as Wrapper | undefined;
          if (head) wrapper = { ...head, chainTail: object.method };
        }
      }
      if (wrapper) {
        add(wrapper);
        grew = true;
      }
    }
    if (!grew) break;
  }
  return [...found.values()];
}

/** Words that name a flag collection in code (`uiConfig.flags`, `s.experimentals`): files with none may still call a wrapper. */
const FLAG_WORDS = /flags|features|toggles|experimentals|experiments|switches|enabledFlags|enabled_features/;

/** A line that defines a function rather than calling it: `def x(`, `func (s *S) X(`, `function x(`. */
const DEFINITION = /^\s*(?:export\s+)?(?:async\s+)?(?:def|func|function|fn|fun)\b/;

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const lineNumber = (text: string, index: number): number => {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
};

/** How callers write a wrapper: `Owner.name` for class-level methods, the receiver's last name for methods. */
function callNames(wrapper: Wrapper, texts: readonly SourceText[]): { name: string; sites: number }[] {
  const { def } = wrapper;
  const pattern = new RegExp(`([A-Za-z_][\\w]*(?:\\??\\.|::|->)?)?${escapeRegExp(def.name)}\\s*\\(\\s*[^)\\s]`, 'g');
  const byReceiver = new Map<string, number>();
  let plain = 0;
  for (const { text, path } of texts) {
    if (path === def.path && def.name === 'new') continue;
    for (const match of text.matchAll(pattern)) {
      const lineStart = text.lastIndexOf('\n', match.index) + 1;
      if (DEFINITION.test(text.slice(lineStart, match.index + match[0].length))) continue;
      const before = text[match.index - 1];
      if (before !== undefined && /[\w$]/.test(before) && match[1] === undefined) continue;
      if (path === def.path) {
        // Its own definition (a method has no keyword: `isOn(feature: Feature) {`), and, in its own file, a
        // call through a field (`this.gb.isOn(…)`), which is what it wraps, not a call of it.
        if (lineNumber(text, match.index) === def.line) continue;
        if (match[1] !== undefined && /(?:(?:this|self)(?:\.|->)|@)$/.test(text.slice(Math.max(0, match.index - 6), match.index))) continue;
      }
      const receiver = match[1]?.replace(/(?:\??\.|::|->)$/, '');
      if (receiver === undefined || receiver === match[1]) plain++;
      else byReceiver.set(receiver, (byReceiver.get(receiver) ?? 0) + 1);
    }
  }
  if (def.onOwner && def.owner) {
    // PHP calls a static method `Feature::isActive(…)`; the others `Owner.name`.
    const separator = /\.php$/.test(def.path) ? '::' : '.';
    return [{ name: `${def.owner}${separator}${def.name}`, sites: byReceiver.get(def.owner) ?? 0 }];
  }
  // Called by its bare name (a helper, a module function): that is the name to list.
  if (def.owner === undefined || byReceiver.size === 0 || plain >= Math.max(...byReceiver.values())) {
    return [{ name: def.name, sites: plain + [...byReceiver.values()].reduce((a, b) => a + b, 0) }];
  }
  // Callers name it through a one-letter variable (`s.IsExperimentallyEnabled`): the method's name says it.
  if ([...byReceiver.keys()].every((r) => /^(?:this|self|\w{1,2})$/.test(r)))
    return [{ name: def.name, sites: plain + [...byReceiver.values()].reduce((a, b) => a + b, 0) }];
  // A method: the receivers callers name it through (`featureFlagClient.Boolean`), the common ones first.
  return [...byReceiver]
    .filter(([receiver]) => !/^(?:this|self|s|c|h|t)$/.test(receiver) || byReceiver.size === 1)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([receiver, sites]) => ({ name: `${receiver}.${def.name}`, sites }));
}

/** Folders two levels below the common roots, where flag checks concentrate. */
function proposePaths(texts: readonly SourceText[], matcher: FlagMatcher, minimum: number): RiskyPathProposal[] {
  const perFolder = new Map<string, { checks: number; files: Set<string> }>();
  for (const { path, text } of texts) {
    let checks = 0;
    const lines = text.split('\n');
    matcher.scan(lines).forEach((found, i) => {
      if (found && !DEFINITION.test(lines[i])) checks += found.length;
    });
    if (checks === 0) continue;
    const folder = path.split('/').slice(0, -1);
    if (folder.length === 0) continue;
    const depth = Math.min(
      folder.length,
      Math.max(2, folder.findIndex((f) => !/^(?:src|lib|app|pkg|internal|frontend|backend|server|client|web)$/.test(f)) + 2),
    );
    const glob = `${folder.slice(0, depth).join('/')}/**`;
    const entry = perFolder.get(glob) ?? { checks: 0, files: new Set<string>() };
    entry.checks += checks;
    entry.files.add(path);
    perFolder.set(glob, entry);
  }
  return [...perFolder]
    .map(([glob, { checks, files }]) => ({ glob, checks, files: files.size }))
    .filter((p) => p.checks >= minimum)
    .sort((a, b) => b.checks - a.checks || a.glob.localeCompare(b.glob))
    .slice(0, 8);
}

export interface LearnOptions {
  /** The configuration's `risky.flag_calls` and `flag_patterns`, when there is one. */
  flagCalls?: readonly string[];
  flagPatterns?: readonly string[];
  /** Files whose path is a test are read for nothing (flag calls there are test setup). */
  isTest: (path: string) => boolean;
}

/** Proposes `risky.flag_calls` and `risky.paths` from the repository's source texts. */
export function learnFlagIdioms(sources: readonly SourceText[], syntax: Syntax, options: LearnOptions): FlagIdioms {
  const texts = sources.filter((s) => !options.isTest(s.path));
  const configured = new Set(options.flagCalls ?? []);
  // Parsing is most of the cost, so a file is parsed only once its text names something a wrapper could
  // reach: an SDK call, a configured helper, a flag collection, then (round after round) a wrapper found.
  const definitions: Definition[] = [];
  const unparsed = new Set(texts);
  let parsed = 0;
  let names = [...new Set([...KNOWN_KEY_ARG.keys()].map(lastName)), ...[...configured].map(lastName)];
  let wrappers: Wrapper[] = [];
  for (let round = 0; round < 6 && names.length > 0; round++) {
    const mention = new RegExp(`${FLAG_WORDS.source}|(?:${names.map(escapeRegExp).join('|')})\\s*\\(`);
    for (const source of [...unparsed]) {
      if (!mention.test(source.text)) continue;
      unparsed.delete(source);
      const tree = syntax.parse(source.grammar, source.text);
      if (tree === undefined) continue;
      parsed++;
      definitions.push(...definitionsOf(tree, source.path));
    }
    const known = new Set(wrappers.map((w) => w.def.name));
    wrappers = findWrappers(definitions, configured);
    names = [...new Set(wrappers.map((w) => w.def.name))].filter((n) => !known.has(n));
  }

  const proposals = new Map<string, FlagCallProposal>();
  for (const wrapper of wrappers) {
    if (wrapper.factory) continue;
    const where = `${wrapper.def.path}:${wrapper.def.line}`;
    for (const called of callNames(wrapper, texts)) {
      // A lookup is proposed as the chain callers write: `featureFlagProvider.provide(key).isEnabled`.
      const name = wrapper.chainTail ? `${called.name}(key).${wrapper.chainTail}` : called.name;
      const sites = called.sites;
      if (configured.has(name) || KNOWN_KEY_ARG.has(name)) continue;
      const previous = proposals.get(name);
      if (previous && previous.callSites >= sites) continue;
      proposals.set(name, {
        name,
        evidence: `${where} ${wrapper.via}${sites === 0 ? ' (no call of it at this commit)' : ''}`,
        callSites: sites,
      });
    }
  }
  const flagCalls = [...proposals.values()].sort((a, b) => b.callSites - a.callSites || a.name.localeCompare(b.name));
  const matcher = new FlagMatcher({ flagCalls: [...configured, ...flagCalls.map((p) => p.name)], flagPatterns: options.flagPatterns });
  return { flagCalls, paths: proposePaths(texts, matcher, 3), filesRead: texts.length, filesParsed: parsed };
}
