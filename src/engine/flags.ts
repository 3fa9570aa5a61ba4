/**
 * Feature-flag checks, recognised as data: every known SDK call and template form is a record that says
 * which argument holds the key and what a key may look like. A line is first tested with one precompiled
 * alternation of the call names (a cheap prefilter that rejects almost every line), and only lines that
 * name a flag call get their arguments read, by hand, in linear time. User patterns (`risky.flag_patterns`)
 * run on RE2JS, never on native RegExp, so no pattern can backtrack catastrophically.
 */
import { RE2JS } from 're2js';

/** What a key argument may be: a string literal, a Ruby symbol, a constant (`Flags.NEW_X`,
 * `featuremgmt.FlagNewSearch`) or any identifier (typed SDK calls and team helpers pass variables). */
export type KeyForm = 'string' | 'symbol' | 'constant' | 'identifier';

export interface KeySpec {
  /** Zero-based argument position. */
  arg: number;
  forms: readonly KeyForm[];
}

export interface FlagCallRecord {
  /** The call as written in code: `boolVariation`, `Flipper.enabled?`, `Feature::active`, `flag_is_active`. */
  name: string;
  sdk: string;
  /**
   * call: `name(key, …)` (Ruby also `name :key`); index: `Flipper[:key]`; flags-object: `useFlags()` returns
   * every flag (its destructured names and property reads are flag reads); template: a template tag.
   */
  form: 'call' | 'index' | 'flags-object';
  /** Where the key may be; the first spec that matches wins. */
  keys: readonly KeySpec[];
  /** Fewest arguments a real call has (ConfigCat's getValue always passes a default), to skip look-alikes. */
  minArgs?: number;
}

const S: readonly KeyForm[] = ['string'];
const SY: readonly KeyForm[] = ['string', 'symbol'];
/** Typed SDK calls (Java, Kotlin, Go, TypeScript) often pass the key as a constant or variable. */
const TYPED: readonly KeyForm[] = ['string', 'identifier'];
const CONST: readonly KeyForm[] = ['string', 'constant'];

const at = (arg: number, forms: readonly KeyForm[]): KeySpec => ({ arg, forms });

function calls(sdk: string, names: readonly string[], keys: readonly KeySpec[], minArgs?: number): FlagCallRecord[] {
  return names.map((name) => ({ name, sdk, form: 'call' as const, keys, ...(minArgs ? { minArgs } : {}) }));
}

/** The SDKs and conventions recognised out of the box (SPEC section 1, risky). */
export const KNOWN_FLAG_CALLS: readonly FlagCallRecord[] = [
  // LaunchDarkly: server SDKs take (key, context, default); Go capitalises; `variation` alone is common
  // English, so it needs its default argument too.
  ...calls('LaunchDarkly', ['variation', 'variationDetail', 'variation_detail'], [at(0, S)], 2),
  ...calls(
    'LaunchDarkly',
    [
      'boolVariation', 'boolVariationDetail', 'stringVariation', 'stringVariationDetail', 'numberVariation',
      'numberVariationDetail', 'jsonVariation', 'jsonVariationDetail', 'intVariation', 'intVariationDetail',
      'doubleVariation', 'doubleVariationDetail', 'jsonValueVariation', 'BoolVariation', 'BoolVariationDetail',
      'StringVariation', 'StringVariationDetail', 'IntVariation', 'Float64Variation', 'JSONVariation',
      'BoolVariationCtx', 'StringVariationCtx',
    ],
    [at(0, TYPED)],
  ),
  { name: 'useFlags', sdk: 'LaunchDarkly', form: 'flags-object', keys: [] },
  // Unleash (Node, browser, React, Python, Go, Java, Ruby).
  ...calls('Unleash', ['isEnabled', 'IsEnabled', 'is_enabled', 'is_enabled?'], [at(0, CONST), at(1, ['constant'])]),
  ...calls('Unleash', ['getVariant', 'GetVariant', 'get_variant', 'useFlag', 'useVariant'], [at(0, S)]),
  // OpenFeature: JS/Java/Kotlin/Python take the key first, Go takes (ctx, key, default, evalCtx).
  ...calls(
    'OpenFeature',
    [
      'getBooleanValue', 'getBooleanDetails', 'getStringValue', 'getStringDetails', 'getNumberValue',
      'getNumberDetails', 'getObjectValue', 'getObjectDetails', 'getIntegerValue', 'getDoubleValue',
      'useBooleanFlagValue', 'useBooleanFlagDetails', 'useStringFlagValue', 'useNumberFlagValue', 'useObjectFlagValue',
      'get_boolean_value', 'get_boolean_details', 'get_string_value', 'get_integer_value', 'get_float_value',
      'get_object_value', 'fetch_boolean_value', 'fetch_string_value', 'fetch_number_value',
    ],
    [at(0, TYPED)],
  ),
  ...calls(
    'OpenFeature',
    ['BooleanValue', 'BooleanValueDetails', 'StringValue', 'StringValueDetails', 'IntValue', 'FloatValue', 'ObjectValue'],
    [at(1, TYPED)],
    3,
  ),
  // Flagsmith.
  ...calls('Flagsmith', ['hasFeature', 'isFeatureEnabled', 'IsFeatureEnabled', 'is_feature_enabled', 'getFeatureValue', 'get_feature_value'], [at(0, S)]),
  // GrowthBook.
  ...calls('GrowthBook', ['isOn', 'isOff', 'is_on', 'is_off', 'useFeatureIsOn', 'useFeatureValue', 'useFeature', 'IsOn'], [at(0, S)]),
  // Split: browser SDKs take (splitName), server SDKs (key, splitName).
  ...calls('Split', ['getTreatment', 'getTreatmentWithConfig', 'get_treatment', 'GetTreatment', 'Treatment'], [at(0, S), at(1, S)]),
  // ConfigCat: always (key, default[, user]); Java (Class, key, default).
  ...calls('ConfigCat', ['getValue', 'getValueAsync', 'getValueDetails', 'getValueDetailsAsync', 'get_value', 'GetValue', 'GetValueAsync', 'GetBoolValue', 'GetStringValue'], [at(0, S), at(1, S)], 2),
  ...calls('ConfigCat', ['useFeatureFlag'], [at(0, S)]),
  // Statsig: server SDKs take (user, gate), client SDKs (gate).
  ...calls('Statsig', ['checkGate', 'checkGateSync', 'check_gate', 'CheckGate', 'getFeatureGate', 'useGate', 'useGateValue', 'useFeatureGate'], [at(0, S), at(1, S)]),
  // PostHog.
  ...calls('PostHog', ['isFeatureEnabled', 'feature_enabled', 'is_feature_enabled', 'getFeatureFlag', 'get_feature_flag', 'useFeatureFlagEnabled', 'useFeatureFlagVariantKey'], [at(0, S)]),
  // Flipper (Ruby) and GitLab's Feature wrapper, which Rails teams copy.
  ...calls('Flipper', ['Flipper.enabled?'], [at(0, SY)]),
  { name: 'Flipper', sdk: 'Flipper', form: 'index', keys: [at(0, SY)] },
  ...calls('Feature (GitLab)', ['Feature.enabled?', 'Feature.disabled?'], [at(0, SY)]),
  // Waffle (Django): views, decorators, Jinja templates. Template tags are recognised separately.
  ...calls('Waffle', ['flag_is_active'], [at(1, S)]),
  ...calls('Waffle', ['switch_is_active', 'sample_is_active', 'waffle_flag', 'waffle_switch', 'waffle.flag', 'waffle.switch', 'waffle.sample'], [at(0, S)]),
  // Laravel Pennant.
  ...calls('Pennant', ['Feature::active', 'Feature::inactive', 'Feature::value', 'Feature::when', 'Feature::allAreActive', 'Feature::someAreActive'], [at(0, CONST)]),
];

export interface FlagCheck {
  /** The flag key as written (string contents, symbol name, constant or property name). */
  key: string;
  /** The call that checks it, as written (`Flipper.enabled?`, `useFlags`, a template tag). */
  call: string;
  sdk: string;
  /** Column of the call in the line. */
  index: number;
}

export interface FlagMatcherOptions {
  /** `risky.flag_calls`: team helpers; a call with a key (string, symbol or identifier) is a flag check. */
  flagCalls?: readonly string[];
  /** `risky.flag_patterns`: RE2 syntax, validated by the config schema. */
  flagPatterns?: readonly string[];
}

/** Lines longer than this are cut before matching (minified or generated code). */
export const MAX_LINE_LENGTH = 2000;

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Template forms: Django `{% flag "x" %}` / `{% switch "x" %}` / `{% sample "x" %}`, Blade `@feature('x')`,
 * Togglz `Features.NEW_CHECKOUT.isActive()`. Fixed, bounded regexes (no nested quantifiers).
 */
const TEMPLATE_TAG = /\{%-?\s*(flag|switch|sample|ifswitch|ifflag)\s+["']([^"']{1,200})["']/;
const BLADE_FEATURE = /@feature\s*\(\s*["']([^"']{1,200})["']/;
const FLAGS_OBJECT = /(?<![\w$])(?:flags|featureFlags|ldFlags)\.([A-Za-z_$][\w$]*)(?![\w$])/g;
const TOGGLZ = /\b([A-Z]\w*)\.([A-Z][A-Z0-9_]*)\.isActive\(\s*\)/;

/** A compiled matcher: build once per evaluation (names, combined alternation, user patterns). */
export class FlagMatcher {
  private readonly records = new Map<string, FlagCallRecord>();
  private readonly namesRe: RegExp;
  private readonly prefilterRe: RegExp;
  private readonly userPatterns: RE2JS[];
  private readonly userPatternSources: string[];

  constructor(options: FlagMatcherOptions = {}) {
    for (const record of KNOWN_FLAG_CALLS) this.records.set(record.name, record);
    for (const name of options.flagCalls ?? []) {
      this.records.set(name, {
        name,
        sdk: 'risky.flag_calls',
        form: 'call',
        keys: [at(0, ['string', 'symbol', 'identifier']), at(1, SY), at(2, SY)],
      });
    }
    // Longest names first so `boolVariationDetail` wins over `boolVariation`. Names start with an
    // identifier character, so a lookbehind keeps `xisEnabled` or `mybutton_isOn` from matching.
    const names = [...this.records.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
    this.namesRe = new RegExp(`(?<![\\w$])(${names.join('|')})(?![\\w$?!])`, 'g');
    // `\b` rather than a lookbehind: V8 runs this alternation several times faster, and the exact
    // boundaries are checked by namesRe on the few lines that pass.
    this.prefilterRe = new RegExp(`\\b(?:${names.join('|')})|\\{%|@feature|\\.isActive\\(|lags\\.`, 'g');
    this.userPatternSources = [...(options.flagPatterns ?? [])];
    this.userPatterns = this.userPatternSources.map((p) => RE2JS.compile(p, RE2JS.MULTILINE));
  }

  /**
   * The flag checks of many lines at once (a file's diff lines, in order). The lines are joined and searched
   * with one precompiled alternation of the call names, which is far cheaper than testing each line; only
   * lines with a candidate are read in full. User patterns run once over the joined text on RE2JS.
   * `sameSide(i, j)` says whether line j continues line i (calls whose key sits on a following line).
   */
  scan(lines: readonly string[], sameSide?: (from: number, to: number) => boolean): (FlagCheck[] | undefined)[] {
    const result: (FlagCheck[] | undefined)[] = new Array(lines.length);
    if (lines.length === 0) return result;
    const cut = lines.map((line) => (line.length > MAX_LINE_LENGTH ? line.slice(0, MAX_LINE_LENGTH) : line));
    const text = cut.join('\n');
    const candidates = new Set<number>();
    const starts: number[] = new Array(cut.length);
    for (let i = 0, offset = 0; i < cut.length; i++) {
      starts[i] = offset;
      offset += cut[i].length + 1;
    }
    const lineAt = (offset: number, from: number): number => {
      let i = from;
      while (i + 1 < starts.length && starts[i + 1] <= offset) i++;
      return i;
    };
    this.prefilterRe.lastIndex = 0;
    let match: RegExpExecArray | null;
    let lineIndex = 0;
    while ((match = this.prefilterRe.exec(text)) !== null) {
      lineIndex = lineAt(match.index, lineIndex);
      candidates.add(lineIndex);
      // Continue from the next line: one candidate per line is enough.
      this.prefilterRe.lastIndex = lineIndex + 1 < starts.length ? starts[lineIndex + 1] : text.length;
    }
    for (const i of candidates) {
      const next = (offset: number): string | undefined => {
        let seen = 0;
        for (let j = i + 1; j < cut.length; j++) {
          if (sameSide && !sameSide(i, j)) continue;
          if (++seen === offset) return cut[j];
        }
        return undefined;
      };
      const found = this.findBuiltIn(cut[i], next);
      if (found.length > 0) result[i] = found;
    }
    for (let p = 0; p < this.userPatterns.length; p++) {
      const matcher = this.userPatterns[p].matcher(text);
      let from = 0;
      while (matcher.find()) {
        from = lineAt(matcher.start(), from);
        const key = matcher.groupCount() >= 1 ? matcher.group(1) : null;
        const check = { key: key ?? this.userPatternSources[p], call: `risky.flag_patterns[${p}]`, sdk: 'risky.flag_patterns', index: matcher.start() - starts[from] };
        (result[from] ??= []).push(check);
      }
    }
    return result;
  }

  /**
   * The flag checks on one line. `next` gives the following lines of the same text (for calls whose key
   * sits on the line after the parenthesis); it is consulted only when an argument list stays open.
   */
  find(rawLine: string, next?: (offset: number) => string | undefined): FlagCheck[] {
    const line = rawLine.length > MAX_LINE_LENGTH ? rawLine.slice(0, MAX_LINE_LENGTH) : rawLine;
    const found = this.findBuiltIn(line, next);
    for (let i = 0; i < this.userPatterns.length; i++) {
      const matcher = this.userPatterns[i].matcher(line);
      if (matcher.find()) {
        const key = matcher.groupCount() >= 1 ? matcher.group(1) : null;
        found.push({ key: key ?? this.userPatternSources[i], call: `risky.flag_patterns[${i}]`, sdk: 'risky.flag_patterns', index: matcher.start() });
      }
    }
    return found;
  }

  private findBuiltIn(line: string, next?: (offset: number) => string | undefined): FlagCheck[] {
    const found: FlagCheck[] = [];
    if (this.mightContainNames(line)) {
      this.namesRe.lastIndex = 0;
      let match: RegExpExecArray | null;
      while ((match = this.namesRe.exec(line)) !== null) {
        const name = match[1];
        const record = this.records.get(name)!;
        const nameStart = match.index;
        const after = match.index + name.length;
        const check = this.readCall(record, line, after, nameStart, next);
        if (check) found.push(check);
      }
    }
    if (line.includes('lags.')) {
      // The flags object of LaunchDarkly's React SDK (`const flags = useFlags()`, `this.props.flags`) and the
      // usual names teams give it: a property read is a flag read, whether or not the patch shows where the
      // object came from. Method calls on it (`flags.map(`) are not.
      FLAGS_OBJECT.lastIndex = 0;
      let read: RegExpExecArray | null;
      while ((read = FLAGS_OBJECT.exec(line)) !== null) {
        if (line[read.index + read[0].length] !== '(') found.push({ key: read[1], call: 'flags object', sdk: 'LaunchDarkly', index: read.index });
      }
    }
    if (line.includes('{%')) {
      const tag = TEMPLATE_TAG.exec(line);
      if (tag) found.push({ key: tag[2], call: `{% ${tag[1]} %}`, sdk: 'Waffle', index: tag.index });
    }
    if (line.includes('@feature')) {
      const blade = BLADE_FEATURE.exec(line);
      if (blade) found.push({ key: blade[1], call: '@feature', sdk: 'Pennant', index: blade.index });
    }
    if (line.includes('.isActive(')) {
      const togglz = TOGGLZ.exec(line);
      if (togglz) found.push({ key: `${togglz[1]}.${togglz[2]}`, call: 'isActive', sdk: 'Togglz', index: togglz.index });
    }
    return found;
  }

  private mightContainNames(line: string): boolean {
    this.namesRe.lastIndex = 0;
    return this.namesRe.test(line);
  }

  private readCall(
    record: FlagCallRecord,
    line: string,
    after: number,
    nameStart: number,
    next?: (offset: number) => string | undefined,
  ): FlagCheck | undefined {
    const base = { call: record.name, sdk: record.sdk, index: nameStart };
    if (record.form === 'flags-object') {
      // `useFlags()` itself reads every flag; the names it yields are picked up as aliases.
      return /^\s*\(/.test(line.slice(after, after + 20)) ? { ...base, key: '*' } : undefined;
    }
    if (record.form === 'index') {
      const rest = line.slice(after);
      const index = /^\[\s*(:[A-Za-z_]\w*[?!]?|"[^"]*"|'[^']*')\s*\]/.exec(rest);
      return index ? { ...base, key: keyText(index[1]) } : undefined;
    }
    const args = readArguments(line, after, next);
    if (args === undefined) return undefined;
    if (record.minArgs !== undefined && !args.open && args.list.length < record.minArgs) return undefined;
    for (const spec of record.keys) {
      const arg = args.list[spec.arg];
      if (arg === undefined) continue;
      const key = keyOf(arg, spec.forms);
      if (key !== undefined) return { ...base, key };
    }
    return undefined;
  }
}

/**
 * The arguments of a call starting at `from` (just after the name): `(a, b)` or Ruby's `name :a, b`.
 * Splits at top-level commas, skipping strings; reads up to two following lines when the list stays open.
 */
function readArguments(
  line: string,
  from: number,
  next?: (offset: number) => string | undefined,
): { list: string[]; open: boolean } | undefined {
  let i = from;
  // Skip generic type arguments (`getValue<bool>(`) and whitespace.
  while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++;
  if (line[i] === '<') {
    const close = line.indexOf('>', i);
    if (close < 0 || close - i > 60) return undefined;
    i = close + 1;
  }
  let text = line;
  let parenthesised = true;
  if (line[i] !== '(') {
    // Ruby without parentheses: `Flipper.enabled? :x` / `feature? "x"`; needs a space then a literal.
    if (i === from || !/^[:"']/.test(line.slice(i, i + 1))) return undefined;
    parenthesised = false;
    i -= 1;
  }
  const list: string[] = [];
  let depth = 0;
  let current = '';
  let extra = 0;
  for (let pos = i + 1; ; pos++) {
    if (pos >= text.length) {
      if (!parenthesised) break;
      const more = next?.(++extra);
      if (more === undefined || extra > 3) return { list: current.trim() ? [...list, current.trim()] : list, open: true };
      text = `${text.slice(0, pos)} ${more.length > MAX_LINE_LENGTH ? more.slice(0, MAX_LINE_LENGTH) : more}`;
    }
    const ch = text[pos];
    if (ch === '"' || ch === "'" || ch === '`') {
      const end = text.indexOf(ch, pos + 1);
      const stop = end < 0 ? text.length - 1 : end;
      current += text.slice(pos, stop + 1);
      pos = stop;
      continue;
    }
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') {
      if (depth === 0) {
        if (current.trim() || list.length > 0) list.push(current.trim());
        return { list, open: false };
      }
      depth--;
    } else if (ch === ',' && depth === 0) {
      list.push(current.trim());
      current = '';
      continue;
    } else if (!parenthesised && depth === 0 && (ch === ')' || ch === ';')) break;
    current += ch;
  }
  if (current.trim()) list.push(current.trim());
  return { list, open: false };
}

const STRING_KEY = /^(?:"([^"\\]*)"|'([^'\\]*)'|`([^`$\\]*)`)$/;
const SYMBOL_KEY = /^:([A-Za-z_]\w*[?!]?)$|^:"([^"]*)"$/;
const IDENTIFIER_KEY = /^[A-Za-z_$][\w$]*(?:(?:\.|::|->)[A-Za-z_$][\w$]*)*$/;

/** The key an argument holds, when it has one of the allowed forms. Keyword arguments (`flag_key: "x"`,
 * `key="x"`, Kotlin `flagKey = "x"`) are read by their value. */
function keyOf(rawArg: string, forms: readonly KeyForm[]): string | undefined {
  let arg = rawArg;
  const keyword = /^[A-Za-z_]\w*\s*(?::(?!:)|=(?!=))\s*(.+)$/.exec(arg);
  if (keyword && !arg.startsWith(':')) arg = keyword[1].trim();
  if (forms.includes('string')) {
    const string = STRING_KEY.exec(arg);
    if (string) return string[1] ?? string[2] ?? string[3];
  }
  if (forms.includes('symbol')) {
    const symbol = SYMBOL_KEY.exec(arg);
    if (symbol) return symbol[1] ?? symbol[2];
  }
  const identifier = IDENTIFIER_KEY.test(arg);
  if (identifier && forms.includes('identifier') && !/^(?:true|false|nil|null|None|undefined)$/.test(arg)) return arg;
  if (identifier && forms.includes('constant')) {
    const last = arg.split(/\.|::|->/).pop()!;
    if (/^[A-Z]/.test(last) || arg.includes('.') || arg.includes('::')) return arg;
  }
  return undefined;
}

function keyText(literal: string): string {
  if (literal.startsWith(':')) return literal.slice(1);
  return literal.slice(1, -1);
}

const ASSIGN_KEYWORDS = new Set([
  'const', 'let', 'var', 'val', 'final', 'private', 'public', 'protected', 'static', 'readonly', 'boolean', 'Boolean',
  'bool', 'String', 'string', 'int', 'auto', 'await', 'def', 'this', 'self',
]);

/**
 * The names a flag check is assigned to on its line, so later lines can use them as guards:
 * `const on = client.boolVariation(…)`, `enabled = Flipper.enabled?(:x)`, `on, _ := client.BooleanValue(…)`,
 * `const { newCheckout } = useFlags()`, `final boolean useV2 = unleash.isEnabled("x")`.
 */
export function aliasesAssigned(line: string, check: FlagCheck): string[] {
  const prefix = line.slice(0, check.index);
  let eq = -1;
  for (let i = prefix.length - 1; i >= 0; i--) {
    if (prefix[i] !== '=') continue;
    const before = prefix[i - 1];
    const afterCh = prefix[i + 1];
    if (afterCh === '=' || afterCh === '>' || before === '=' || before === '!' || before === '<' || before === '>') continue;
    eq = i;
    break;
  }
  if (eq < 0) return [];
  // Only a plain assignment: the part between `=` and the call must be a receiver chain or `await`.
  const between = prefix.slice(eq + 1).trim();
  if (between !== '' && !/^(?:await\s+|new\s+)?(?:[\w$@]+(?:\(\))?(?:\.|::|->|&\.))*$/.test(between) && !/^!+$/.test(between)) return [];
  let left = prefix.slice(0, eq).replace(/[:|&+\-*/]$/, '').trim();
  const destructure = /\{([^}]*)\}\s*$/.exec(left);
  if (destructure) {
    return destructure[1]
      .split(',')
      .map((part) => part.split('=')[0].trim())
      .map((part) => (part.includes(':') ? part.split(':')[1].trim() : part))
      .filter((name) => /^[\w$]+$/.test(name));
  }
  left = left.replace(/:\s*[\w$<>[\]|. ]+$/, ''); // a TypeScript/Kotlin type annotation
  const tokens = (left.match(/[A-Za-z_$@][\w$@.]*/g) ?? []).filter((t) => !ASSIGN_KEYWORDS.has(t));
  if (tokens.length === 0) return [];
  if (left.includes(',')) return tokens.filter((t) => t !== '_' && t !== 'err');
  return [tokens[tokens.length - 1]];
}
