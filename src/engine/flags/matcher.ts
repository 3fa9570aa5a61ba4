/**
 * Feature-flag checks, recognised as data: every known SDK call and template form is a record that says
 * which argument holds the key and what a key may look like. A line is first tested with one precompiled
 * alternation of the call names (a cheap prefilter that rejects almost every line), and only lines that
 * name a flag call get their arguments read, by hand, in linear time. User patterns (`risky.flag_patterns`)
 * run on RE2JS, never on native RegExp, so no pattern can backtrack catastrophically.
 */
import { RE2JS } from 're2js';
import { at, KNOWN_FLAG_CALLS, SY, type FlagCallRecord } from './catalogue.js';
import { anchorsFor, BLADE_FEATURE, TEMPLATE_TAG, TOGGLZ, trieAlternation } from './anchors.js';
import { keyOf, keyText, readArguments } from './arguments.js';
import { CONFIGURED_CHAIN, flagLookupChains, readChain } from './chains.js';
import { isIdentifierCode, MAX_LINE_LENGTH, separatorAfter, separatorBefore } from './text.js';

export interface FlagCheck {
  /** The flag key as written (string contents, symbol name, constant or property name). */
  key: string;
  /** The call that checks it, as written (`Flipper.enabled?`, `useFlags`, a template tag). */
  call: string;
  sdk: string;
  /** Column of the call in the line. */
  index: number;
  /** For a chain (`flags.get("x").isEnabled()`): the column just past its end, so the check is the whole chain. */
  end?: number;
  /**
   * What a `risky.flag_patterns` entry without a key group matched (its key is then the pattern itself):
   * the check as written, which tells two checks of one pattern apart.
   */
  text?: string;
}

export interface FlagMatcherOptions {
  /**
   * `risky.flag_calls`: team helpers; a call with a key (string, symbol or identifier) is a flag check. A chain
   * (`flags.get(key).isEnabled`, `Feature::for().active(key)`) marks the call that takes the key with `(key)`.
   */
  flagCalls?: readonly string[];
  /** `risky.flag_patterns`: RE2 syntax, validated by the config schema. */
  flagPatterns?: readonly string[];
}

/**
 * The compiled matcher for a configuration's flag settings. Compiling the alternation of every known call
 * name costs far more than scanning a change, and a history report judges many thousands of changes with
 * a handful of configurations: matchers are kept per distinct setting (the scans share no state across
 * calls). The few most recent settings are kept, so a long-running process holds a bounded number.
 */
const compiled = new Map<string, FlagMatcher>();
const COMPILED_KEPT = 16;

export function flagMatcherFor(flagCalls: readonly string[] = [], flagPatterns: readonly string[] = []): FlagMatcher {
  const key = JSON.stringify([flagCalls, flagPatterns]);
  let matcher = compiled.get(key);
  if (matcher !== undefined) {
    compiled.delete(key);
  } else {
    matcher = new FlagMatcher({ flagCalls, flagPatterns });
    if (compiled.size >= COMPILED_KEPT) compiled.delete(compiled.keys().next().value!);
  }
  compiled.set(key, matcher);
  return matcher;
}

/** A compiled matcher (names, combined alternation, user patterns); `flagMatcherFor` keeps them. */
export class FlagMatcher {
  private readonly records = new Map<string, FlagCallRecord>();
  /** Chains by the name of their first call; a name may also be a plain call (`records`). */
  private readonly chains = new Map<string, FlagCallRecord[]>();
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
    const addChain = (record: FlagCallRecord): void => {
      const list = this.chains.get(record.name) ?? [];
      list.push(record);
      this.chains.set(record.name, list);
      if (!this.records.has(record.name)) this.records.set(record.name, record);
    };
    for (const record of KNOWN_FLAG_CALLS) {
      if (record.form === 'chain') addChain(record);
      else this.records.set(record.name, record);
    }
    for (const name of options.flagCalls ?? []) {
      const chain = CONFIGURED_CHAIN.exec(name);
      if (chain) {
        addChain({
          name: chain[1],
          sdk: 'risky.flag_calls',
          form: 'chain',
          keys: [at(0, ['string', 'symbol', 'identifier'])],
          chain: { tails: [chain[3]], keyIn: chain[2] === '(key)' ? 'head' : 'tail' },
        });
        continue;
      }
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
    if (line.includes(')')) {
      for (const check of flagLookupChains(line)) {
        if (found?.some((f) => f.index >= check.index && f.index < check.end!)) continue;
        (found ??= []).push(check);
      }
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
    const chains = this.chains.get(record.name);
    if (chains !== undefined) {
      for (const chain of chains) {
        const check = readChain(chain, line, after, nameStart);
        if (check) return check;
      }
      if (record.form === 'chain') return undefined;
    }
    if (record.receiver !== undefined) {
      const sep = separatorBefore(line, nameStart);
      let start = nameStart - sep;
      while (start > 0 && isIdentifierCode(line.charCodeAt(start - 1))) start--;
      if (sep === 0 || !record.receiver.test(line.slice(start, nameStart - sep))) return undefined;
    }
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
