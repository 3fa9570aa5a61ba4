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
      'boolVariation',
      'boolVariationDetail',
      'stringVariation',
      'stringVariationDetail',
      'numberVariation',
      'numberVariationDetail',
      'jsonVariation',
      'jsonVariationDetail',
      'intVariation',
      'intVariationDetail',
      'doubleVariation',
      'doubleVariationDetail',
      'jsonValueVariation',
      'BoolVariation',
      'BoolVariationDetail',
      'StringVariation',
      'StringVariationDetail',
      'IntVariation',
      'Float64Variation',
      'JSONVariation',
      'BoolVariationCtx',
      'StringVariationCtx',
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
      'getBooleanValue',
      'getBooleanDetails',
      'getStringValue',
      'getStringDetails',
      'getNumberValue',
      'getNumberDetails',
      'getObjectValue',
      'getObjectDetails',
      'getIntegerValue',
      'getDoubleValue',
      'useBooleanFlagValue',
      'useBooleanFlagDetails',
      'useStringFlagValue',
      'useNumberFlagValue',
      'useObjectFlagValue',
      'get_boolean_value',
      'get_boolean_details',
      'get_string_value',
      'get_integer_value',
      'get_float_value',
      'get_object_value',
      'fetch_boolean_value',
      'fetch_string_value',
      'fetch_number_value',
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
  ...calls(
    'Flagsmith',
    ['hasFeature', 'isFeatureEnabled', 'IsFeatureEnabled', 'is_feature_enabled', 'getFeatureValue', 'get_feature_value'],
    [at(0, S)],
  ),
  // GrowthBook.
  ...calls('GrowthBook', ['isOn', 'isOff', 'is_on', 'is_off', 'useFeatureIsOn', 'useFeatureValue', 'useFeature', 'IsOn'], [at(0, S)]),
  // Split: browser SDKs take (splitName), server SDKs (key, splitName).
  ...calls('Split', ['getTreatment', 'getTreatmentWithConfig', 'get_treatment', 'GetTreatment', 'Treatment'], [at(0, S), at(1, S)]),
  // ConfigCat: always (key, default[, user]); Java (Class, key, default).
  ...calls(
    'ConfigCat',
    [
      'getValue',
      'getValueAsync',
      'getValueDetails',
      'getValueDetailsAsync',
      'get_value',
      'GetValue',
      'GetValueAsync',
      'GetBoolValue',
      'GetStringValue',
    ],
    [at(0, S), at(1, S)],
    2,
  ),
  ...calls('ConfigCat', ['useFeatureFlag'], [at(0, S)]),
  // Statsig: server SDKs take (user, gate), client SDKs (gate).
  ...calls(
    'Statsig',
    ['checkGate', 'checkGateSync', 'check_gate', 'CheckGate', 'getFeatureGate', 'useGate', 'useGateValue', 'useFeatureGate'],
    [at(0, S), at(1, S)],
  ),
  // PostHog.
  ...calls(
    'PostHog',
    [
      'isFeatureEnabled',
      'feature_enabled',
      'is_feature_enabled',
      'getFeatureFlag',
      'get_feature_flag',
      'useFeatureFlagEnabled',
      'useFeatureFlagVariantKey',
    ],
    [at(0, S)],
  ),
  // Flipper (Ruby) and GitLab's Feature wrapper, which Rails teams copy.
  ...calls('Flipper', ['Flipper.enabled?'], [at(0, SY)]),
  { name: 'Flipper', sdk: 'Flipper', form: 'index', keys: [at(0, SY)] },
  ...calls('Feature (GitLab)', ['Feature.enabled?', 'Feature.disabled?'], [at(0, SY)]),
  // Waffle (Django): views, decorators, Jinja templates. Template tags are recognised separately.
  ...calls('Waffle', ['flag_is_active'], [at(1, S)]),
  ...calls(
    'Waffle',
    ['switch_is_active', 'sample_is_active', 'waffle_flag', 'waffle_switch', 'waffle.flag', 'waffle.switch', 'waffle.sample'],
    [at(0, S)],
  ),
  // Laravel Pennant.
  ...calls(
    'Pennant',
    ['Feature::active', 'Feature::inactive', 'Feature::value', 'Feature::when', 'Feature::allAreActive', 'Feature::someAreActive'],
    [at(0, CONST)],
  ),
];

export interface FlagCheck {
  /** The flag key as written (string contents, symbol name, constant or property name). */
  key: string;
  /** The call that checks it, as written (`Flipper.enabled?`, `useFlags`, a template tag). */
  call: string;
  sdk: string;
  /** Column of the call in the line. */
  index: number;
  /**
   * What a `risky.flag_patterns` entry without a key group matched (its key is then the pattern itself):
   * the check as written, which tells two checks of one pattern apart.
   */
  text?: string;
}

export interface FlagMatcherOptions {
  /** `risky.flag_calls`: team helpers; a call with a key (string, symbol or identifier) is a flag check. */
  flagCalls?: readonly string[];
  /** `risky.flag_patterns`: RE2 syntax, validated by the config schema. */
  flagPatterns?: readonly string[];
}

/** Lines longer than this are cut before matching (minified or generated code). */
export const MAX_LINE_LENGTH = 2000;

/** [A-Za-z0-9_$] */
function isIdentifierCode(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95 || code === 36;
}

/** Length of a `.`, `::` or `->` separator ending at `at` (0 when none). */
function separatorBefore(line: string, at: number): number {
  if (line[at - 1] === '.') return 1;
  if ((line[at - 1] === ':' && line[at - 2] === ':') || (line[at - 1] === '>' && line[at - 2] === '-')) return 2;
  return 0;
}

function separatorAfter(line: string, at: number): number {
  if (line[at] === '.') return 1;
  if ((line[at] === ':' && line[at + 1] === ':') || (line[at] === '-' && line[at + 1] === '>')) return 2;
  return 0;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Template forms: Django `{% flag "x" %}` / `{% switch "x" %}` / `{% sample "x" %}`, Blade `@feature('x')`,
 * Togglz `Features.NEW_CHECKOUT.isActive()`. Fixed, bounded regexes (no nested quantifiers).
 */
const TEMPLATE_TAG = /\{%-?\s*(flag|switch|sample|ifswitch|ifflag)\s+["']([^"']{1,200})["']/;
const BLADE_FEATURE = /@feature\s*\(\s*["']([^"']{1,200})["']/;
const TOGGLZ = /\b([A-Z]\w*)\.([A-Z][A-Z0-9_]*)\.isActive\(\s*\)/;

/**
 * Substrings of which every recognised form contains at least one, chosen to be rare in ordinary code.
 * Names they do not cover (a team's own helpers) are searched for themselves.
 */
const BUILT_IN_ANCHORS = [
  'ariation',
  'nabled',
  'ariant',
  'Value',
  '_value',
  'Details',
  '_details',
  'eature',
  'isO',
  'IsO',
  'is_o',
  'reatment',
  'Gate',
  'check_gate',
  'lag',
  '_active',
  'waffle',
  'Flipper',
  '{%',
  'isActive',
];

/** A regular expression source matching any of the words, factored by common prefixes. */
function trieAlternation(words: readonly string[]): string {
  interface Node {
    end: boolean;
    next: Map<string, Node>;
  }
  const root: Node = { end: false, next: new Map() };
  for (const word of words) {
    let node = root;
    for (const ch of word) {
      let child = node.next.get(ch);
      if (!child) node.next.set(ch, (child = { end: false, next: new Map() }));
      node = child;
    }
    node.end = true;
  }
  const build = (node: Node): string => {
    const alternatives = [...node.next].map(([ch, child]) => escapeRegExp(ch) + build(child));
    if (alternatives.length === 0) return '';
    const body = alternatives.length === 1 ? alternatives[0] : `(?:${alternatives.join('|')})`;
    // A word that ends here makes the rest optional; the shortest match is enough for a prefilter.
    return node.end ? '' : body;
  };
  return build(root);
}

function anchorsFor(names: readonly string[]): string[] {
  const anchors = [...BUILT_IN_ANCHORS];
  for (const name of names) {
    if (anchors.some((anchor) => name.includes(anchor))) continue;
    anchors.push(
      name
        .split(/\.|::|->/)
        .pop()!
        .replace(/[?!]$/, '') || name,
    );
  }
  return anchors;
}

/** A compiled matcher: build once per evaluation (names, combined alternation, user patterns). */
export class FlagMatcher {
  private readonly records = new Map<string, FlagCallRecord>();
  private readonly anchors: string[];
  private readonly anchorsRe: RegExp;
  private readonly userPatterns: RE2JS[];
  private readonly userPatternSources: string[];
  private readonly segmentStarts = new Int32Array(5);
  private readonly segmentEnds = new Int32Array(5);
  /**
   * The known call names by first character and length, so that a window of a line is looked up without
   * slicing it (every anchor hit tries several windows).
   */
  private readonly byFirstAndLength = new Map<number, FlagCallRecord[]>();
  private longestName = 0;
  /** Reused by `scan` for one line's anchor hits at a time. */
  private readonly hitBuffer: number[] = [];

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
    for (const [name, record] of this.records) {
      const key = name.charCodeAt(0) * 1024 + name.length;
      const list = this.byFirstAndLength.get(key);
      if (list) list.push(record);
      else this.byFirstAndLength.set(key, [record]);
      this.longestName = Math.max(this.longestName, name.length);
    }
    this.anchors = anchorsFor([...this.records.keys()]);
    this.anchorsRe = new RegExp(trieAlternation(this.anchors), 'g');
    this.userPatternSources = [...(options.flagPatterns ?? [])];
    this.userPatterns = this.userPatternSources.map((p) => RE2JS.compile(p, RE2JS.MULTILINE));
  }

  /**
   * The flag checks of many lines at once (a file's diff lines, in order). The lines are joined and searched
   * with one precompiled alternation of the call names, which is far cheaper than testing each line; only
   * lines with a candidate are read in full. User patterns run once over the joined text on RE2JS.
   * `sameSide(i, j)` says whether line j continues line i (calls whose key sits on a following line).
   */
  scan(
    lines: readonly (string | { readonly content: string })[],
    sameSide?: (from: number, to: number) => boolean,
  ): (FlagCheck[] | undefined)[] {
    const result = new Array<FlagCheck[] | undefined>(lines.length);
    if (lines.length === 0) return result;
    const lineText = (i: number): string => {
      const item = lines[i];
      const raw = typeof item === 'string' ? item : item.content;
      return raw.length > MAX_LINE_LENGTH ? raw.slice(0, MAX_LINE_LENGTH) : raw;
    };
    // Offsets of the lines in the joined text.
    const starts = new Array<number>(lines.length + 1);
    const parts = new Array<string>(lines.length);
    for (let i = 0, offset = 0; i < lines.length; i++) {
      starts[i] = offset;
      parts[i] = lineText(i);
      offset += parts[i].length + 1;
      starts[i + 1] = offset;
    }
    const text = parts.join('\n');
    const lineAt = (offset: number): number => {
      let lo = 0;
      let hi = lines.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid] <= offset) lo = mid;
        else hi = mid - 1;
      }
      return lo;
    };
    let current = 0;
    const next = (offset: number): string | undefined => {
      let seen = 0;
      for (let j = current + 1; j < lines.length; j++) {
        if (sameSide && !sameSide(current, j)) continue;
        if (++seen === offset) return parts[j];
      }
      return undefined;
    };
    // One pass of a trie-shaped alternation of the anchors (V8 runs a factored alternation several times
    // faster than a flat one, and far faster than one literal search per anchor). Matches come in order,
    // so each line's hits are gathered in one reused array and read when the next line begins.
    const anchorsRe = this.anchorsRe;
    anchorsRe.lastIndex = 0;
    const hits = this.hitBuffer;
    hits.length = 0;
    let line = -1;
    let lineStart = 0;
    const flush = (): void => {
      if (line < 0 || hits.length === 0) return;
      current = line;
      const found = this.findBuiltIn(parts[line], next, hits);
      if (found !== undefined) result[line] = found;
      hits.length = 0;
    };
    // `test` rather than `exec`: no match array per hit. The hit is the match's last character, which lies
    // in the same identifier as its first (anchors are identifier text, or `{%`, read by its own check).
    while (anchorsRe.test(text)) {
      let at = anchorsRe.lastIndex - 1;
      if (text.charCodeAt(at) === 37 /* % */) at--; // `{%`: its first character, as before
      if (line < 0 || at >= starts[line + 1]) {
        flush();
        line = lineAt(at);
        lineStart = starts[line];
      }
      hits.push(at - lineStart);
    }
    flush();
    for (let p = 0; p < this.userPatterns.length; p++) {
      const matcher = this.userPatterns[p].matcher(text);
      while (matcher.find()) {
        const from = lineAt(matcher.start());
        const key = matcher.groupCount() >= 1 ? matcher.group(1) : null;
        const check: FlagCheck = {
          key: key ?? this.userPatternSources[p],
          call: `risky.flag_patterns[${p}]`,
          sdk: 'risky.flag_patterns',
          index: matcher.start() - starts[from],
          ...(key === null ? { text: matcher.group(0) ?? undefined } : {}),
        };
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
    const found = this.findBuiltIn(line, next) ?? [];
    for (let i = 0; i < this.userPatterns.length; i++) {
      const matcher = this.userPatterns[i].matcher(line);
      if (matcher.find()) {
        const key = matcher.groupCount() >= 1 ? matcher.group(1) : null;
        found.push({
          key: key ?? this.userPatternSources[i],
          call: `risky.flag_patterns[${i}]`,
          sdk: 'risky.flag_patterns',
          index: matcher.start(),
          ...(key === null ? { text: matcher.group(0) ?? undefined } : {}),
        });
      }
    }
    return found;
  }

  /** The built-in checks on one line, in column order; undefined when there are none (most lines). */
  private findBuiltIn(
    line: string,
    next?: (offset: number) => string | undefined,
    anchorHits?: readonly number[],
  ): FlagCheck[] | undefined {
    let found: FlagCheck[] | undefined;
    let hits = anchorHits;
    if (!hits) {
      const own: number[] = [];
      for (const anchor of this.anchors) for (let at = line.indexOf(anchor); at !== -1; at = line.indexOf(anchor, at + 1)) own.push(at);
      hits = own;
    }
    // Names already read on this line, by start (a line has a handful of hits at most).
    let seen: number[] | undefined;
    for (let h = 0; h < hits.length; h++) {
      const name = this.nameAround(line, hits[h]);
      if (!name || (seen !== undefined && seen.includes(name.start))) continue;
      (seen ??= []).push(name.start);
      const check = this.readCall(name.record, line, name.end, name.start, next);
      if (check) (found ??= []).push(check);
    }
    if (found !== undefined && found.length > 1) found.sort((a, b) => a.index - b.index);
    if (line.includes('{%')) {
      const tag = TEMPLATE_TAG.exec(line);
      if (tag) (found ??= []).push({ key: tag[2], call: `{% ${tag[1]} %}`, sdk: 'Waffle', index: tag.index });
    }
    if (line.includes('@feature')) {
      const blade = BLADE_FEATURE.exec(line);
      if (blade) (found ??= []).push({ key: blade[1], call: '@feature', sdk: 'Pennant', index: blade.index });
    }
    if (line.includes('.isActive(')) {
      const togglz = TOGGLZ.exec(line);
      if (togglz) (found ??= []).push({ key: `${togglz[1]}.${togglz[2]}`, call: 'isActive', sdk: 'Togglz', index: togglz.index });
    }
    return found;
  }

  /**
   * The known call name around column `at`: the chain of identifiers joined by `.`, `::` or `->` that holds
   * it (with a Ruby `?`/`!` suffix), trying windows of up to three segments; the longest known one wins.
   */
  /** The known call named exactly by line[start, end), as `records.get(line.slice(start, end))` would find it. */
  private recordAt(line: string, start: number, end: number): FlagCallRecord | undefined {
    const length = end - start;
    if (length <= 0 || length > this.longestName || length >= 1024) return undefined;
    const list = this.byFirstAndLength.get(line.charCodeAt(start) * 1024 + length);
    if (list === undefined) return undefined;
    for (const record of list) if (line.startsWith(record.name, start)) return record;
    return undefined;
  }

  private nameAround(line: string, at: number): { record: FlagCallRecord; start: number; end: number } | undefined {
    // Segment bounds in reused typed arrays: this runs for every anchor hit of every scanned line.
    const starts = this.segmentStarts;
    const ends = this.segmentEnds;
    let s = at;
    while (s > 0 && isIdentifierCode(line.charCodeAt(s - 1))) s--;
    let e = at;
    while (e < line.length && isIdentifierCode(line.charCodeAt(e))) e++;
    if (e === s) return undefined;
    // Up to two segments before the hit's, then up to two after: [first, count) in slots 0..4, hit at 2.
    let first = 2;
    starts[2] = s;
    ends[2] = e;
    for (let back = s; first > 0;) {
      const sep = separatorBefore(line, back);
      if (sep === 0) break;
      let start = back - sep;
      const end = start;
      while (start > 0 && isIdentifierCode(line.charCodeAt(start - 1))) start--;
      if (start === end) break;
      first--;
      starts[first] = start;
      ends[first] = end;
      back = start;
    }
    let count = 3;
    for (let forward = e; count < 5;) {
      const sep = separatorAfter(line, forward);
      if (sep === 0) break;
      const start = forward + sep;
      let end = start;
      while (end < line.length && isIdentifierCode(line.charCodeAt(end))) end++;
      if (end === start) break;
      starts[count] = start;
      ends[count] = end;
      count++;
      forward = end;
    }
    let bestRecord: FlagCallRecord | undefined;
    let bestStart = 0;
    let bestEnd = 0;
    for (let from = first; from <= 2; from++) {
      for (let last = 2; last < Math.min(count, from + 3); last++) {
        const start = starts[from];
        const end = ends[last];
        if (end - start > this.longestName) continue;
        const suffix = line.charCodeAt(end);
        if ((suffix === 63 /* ? */ || suffix === 33) /* ! */ && line.charCodeAt(end + 1) !== 61 /* = */) {
          const record = this.recordAt(line, start, end + 1);
          if (record && (!bestRecord || end + 1 - start > bestEnd - bestStart)) {
            bestRecord = record;
            bestStart = start;
            bestEnd = end + 1;
          }
        }
        if (start > 0 && isIdentifierCode(line.charCodeAt(start - 1))) continue;
        const record = this.recordAt(line, start, end);
        if (record && (!bestRecord || end - start > bestEnd - bestStart)) {
          bestRecord = record;
          bestStart = start;
          bestEnd = end;
        }
      }
    }
    if (!bestRecord || isIdentifierCode(line.charCodeAt(bestEnd))) return undefined;
    return { record: bestRecord, start: bestStart, end: bestEnd };
  }

  private readCall(
    record: FlagCallRecord,
    line: string,
    after: number,
    nameStart: number,
    next?: (offset: number) => string | undefined,
  ): FlagCheck | undefined {
    if (record.form === 'flags-object') {
      // `useFlags()` itself reads every flag; the names it yields are picked up as aliases.
      return /^\s*\(/.test(line.slice(after, after + 20)) ? checkOf(record, '*', nameStart) : undefined;
    }
    if (record.form === 'index') {
      const rest = line.slice(after);
      const index = /^\[\s*(:[A-Za-z_]\w*[?!]?|"[^"]*"|'[^']*')\s*\]/.exec(rest);
      return index ? checkOf(record, keyText(index[1]), nameStart) : undefined;
    }
    const args = readArguments(line, after, next);
    if (args === undefined) return undefined;
    if (record.minArgs !== undefined && !args.open && args.list.length < record.minArgs) return undefined;
    for (const spec of record.keys) {
      const arg = args.list[spec.arg];
      if (arg === undefined) continue;
      const key = keyOf(arg, spec.forms);
      if (key !== undefined) return checkOf(record, key, nameStart);
    }
    return undefined;
  }
}

function checkOf(record: FlagCallRecord, key: string, index: number): FlagCheck {
  return { key, call: record.name, sdk: record.sdk, index };
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
    const ch = line[i];
    if (i === from || (ch !== ':' && ch !== '"' && ch !== "'")) return undefined;
    parenthesised = false;
    i -= 1;
  }
  const list: string[] = [];
  let depth = 0;
  let argStart = i + 1;
  let extra = 0;
  for (let pos = i + 1; ; pos++) {
    if (pos >= text.length) {
      if (!parenthesised) break;
      const more = extra < 3 ? next?.(++extra) : undefined;
      if (more === undefined) {
        const last = text.slice(argStart).trim();
        return { list: last ? [...list, last] : list, open: true };
      }
      text = `${text} ${more.length > MAX_LINE_LENGTH ? more.slice(0, MAX_LINE_LENGTH) : more}`;
    }
    const ch = text.charCodeAt(pos);
    if (ch === 34 || ch === 39 || ch === 96) {
      const end = text.indexOf(text[pos], pos + 1);
      pos = end < 0 ? text.length - 1 : end;
    } else if (ch === 40 || ch === 91 || ch === 123) depth++;
    else if (ch === 41 || ch === 93 || ch === 125) {
      if (depth === 0) {
        const last = text.slice(argStart, pos).trim();
        if (last || list.length > 0) list.push(last);
        return { list, open: false };
      }
      depth--;
    } else if (ch === 44 && depth === 0) {
      list.push(text.slice(argStart, pos).trim());
      argStart = pos + 1;
    } else if (!parenthesised && depth === 0 && ch === 59) break;
  }
  const last = text.slice(argStart).trim();
  if (last) list.push(last);
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
  'const',
  'let',
  'var',
  'val',
  'final',
  'private',
  'public',
  'protected',
  'static',
  'readonly',
  'boolean',
  'Boolean',
  'bool',
  'String',
  'string',
  'int',
  'auto',
  'await',
  'def',
  'this',
  'self',
]);

/**
 * The names a flag check is assigned to on its line, so later lines can use them as guards:
 * `const on = client.boolVariation(…)`, `enabled = Flipper.enabled?(:x)`, `on, _ := client.BooleanValue(…)`,
 * `const { newCheckout } = useFlags()`, `final boolean useV2 = unleash.isEnabled("x")`.
 */
export function aliasesAssigned(line: string, check: FlagCheck): string[] {
  // Most checks sit in conditions, with no `=` before them: nothing to slice.
  const lastEq = line.lastIndexOf('=', check.index - 1);
  if (lastEq < 0 || check.index === 0) return [];
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
  let left = prefix
    .slice(0, eq)
    .replace(/[:|&+\-*/]$/, '')
    .trim();
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
