/**
 * Chains: a flag looked up, then asked for its state. The key is an argument of one call of the chain, the
 * boolean comes from its last call or property: `featureFlagProvider.provide(Feature.X).isEnabled()`,
 * `flags.get("x").isEnabled`, Pennant's `Feature::for($user)->active('x')`, a configured
 * `rollout.provide(key).isEnabled`. Read by hand on one line, in linear time.
 */
import type { FlagCallRecord } from './catalogue.js';
import type { FlagCheck } from './matcher.js';
import { closingParen, keyOf, readArguments } from './arguments.js';
import { isIdentifierCode, separatorAfter, separatorBefore } from './text.js';

/** A configured chain: `flags.get(key).isEnabled`, `flags.get(key).isEnabled()`, `Feature::for().active(key)`. */
export const CONFIGURED_CHAIN = /^(.+?)(\(key\)|\(\))(?:\.|::|->)([A-Za-z_$][\w$]*[?!]?)(?:\(\)|\(key\))?$/;

/** Where a chain's next link starts after a call closing at `from`: past `.`, `?.`, `!!.`, `::` or `->`; -1 if none. */
function linkAfter(line: string, from: number): number {
  let i = from;
  while (line[i] === ' ' || line[i] === '\t') i++;
  if (line.startsWith('!!', i)) i += 2;
  if (line.startsWith('?.', i)) return i + 2;
  const sep = separatorAfter(line, i);
  return sep === 0 ? -1 : i + sep;
}

/** A chain's check at a call of its first name (`after` just past the name): its key, and where it ends. */
export function readChain(record: FlagCallRecord, line: string, after: number, nameStart: number): FlagCheck | undefined {
  const { tails, keyIn } = record.chain!;
  let open = after;
  while (line[open] === ' ') open++;
  if (line[open] !== '(') return undefined;
  const close = closingParen(line, open);
  if (close < 0) return undefined;
  const tailStart = linkAfter(line, close);
  if (tailStart < 0) return undefined;
  let tailEnd = tailStart;
  while (tailEnd < line.length && isIdentifierCode(line.charCodeAt(tailEnd))) tailEnd++;
  if (line[tailEnd] === '?' || line[tailEnd] === '!') tailEnd++;
  if (!tails.includes(line.slice(tailStart, tailEnd)) || isIdentifierCode(line.charCodeAt(tailEnd))) return undefined;
  const args = readArguments(line, keyIn === 'head' ? after : tailEnd);
  if (args === undefined) return undefined;
  let end = tailEnd;
  if (keyIn === 'tail' || line[tailEnd] === '(') {
    let paren = tailEnd;
    while (line[paren] === ' ') paren++;
    end = line[paren] === '(' ? closingParen(line, paren) : tailEnd;
    if (end < 0) end = line.length;
  }
  for (const spec of record.keys) {
    const arg = args.list[spec.arg];
    const key = arg === undefined ? undefined : keyOf(arg, spec.forms);
    if (key !== undefined)
      return { key, call: `${record.name}(…).${line.slice(tailStart, tailEnd)}`, sdk: record.sdk, index: nameStart, end };
  }
  return undefined;
}

/** What a looked-up flag is asked: `.isEnabled()`, `.isActive()`, `.enabled`, Kotlin's `.isEnabled` property. */
const FLAG_STATE = /^(?:isEnabled|isDisabled|isActive|isInactive|isOn|isOff|isEnable|enabled|disabled|active|getEnabled)(?![\w$])/;
/** A lookup whose receiver or name says it returns a flag: `featureFlagProvider.provide`, `flags.get`, `getFeatureFlag`. */
const FLAG_LOOKUP = /flag|feature|toggle/i;

/**
 * A flag looked up on a flag-named receiver, then asked for its state, with no fixed name:
 * `featureFlagProvider.provide(Feature.X).isEnabled()`, `flags.get("x").isEnabled()`,
 * `toggles.of(Toggle.X)?.isActive`. The receiver's last name, or the lookup's own, must name flags, features or
 * toggles, so `users.get(id).isActive()` is no check.
 */
export function flagLookupChains(line: string): FlagCheck[] {
  const found: FlagCheck[] = [];
  for (let close = line.indexOf(')'); close !== -1; close = line.indexOf(')', close + 1)) {
    const tail = linkAfter(line, close + 1);
    if (tail < 0) continue;
    const state = FLAG_STATE.exec(line.slice(tail, tail + 12));
    if (!state) continue;
    // Back to the parenthesis that opens the lookup's arguments (at most 200 characters back).
    let depth = 0;
    let open = -1;
    for (let i = close; i >= 0 && close - i < 200; i--) {
      const ch = line[i];
      if (ch === ')') depth++;
      else if (ch === '(' && --depth === 0) {
        open = i;
        break;
      }
    }
    if (open <= 0) continue;
    let nameStart = open;
    while (nameStart > 0 && isIdentifierCode(line.charCodeAt(nameStart - 1))) nameStart--;
    if (nameStart === open) continue;
    const sep = separatorBefore(line, nameStart);
    if (sep === 0) continue;
    let receiverStart = nameStart - sep;
    while (receiverStart > 0 && isIdentifierCode(line.charCodeAt(receiverStart - 1))) receiverStart--;
    const receiver = line.slice(receiverStart, nameStart - sep);
    const method = line.slice(nameStart, open);
    if (receiver === '' || !(FLAG_LOOKUP.test(receiver) || FLAG_LOOKUP.test(method))) continue;
    const args = readArguments(line, open);
    const key = args?.list[0] === undefined ? undefined : keyOf(args.list[0], ['string', 'symbol', 'identifier']);
    if (key === undefined) continue;
    let end = tail + state[0].length;
    if (line[end] === '(') end = Math.max(end, closingParen(line, end));
    let start = receiverStart;
    for (let s = separatorBefore(line, start); s > 0; s = separatorBefore(line, start)) {
      let before = start - s;
      while (before > 0 && isIdentifierCode(line.charCodeAt(before - 1))) before--;
      if (before === start - s) break;
      start = before;
    }
    found.push({ key, call: `${receiver}.${method}(…).${state[0]}`, sdk: 'flag lookup', index: start, end });
  }
  return found;
}
