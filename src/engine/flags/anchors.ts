/**
 * The matcher's prefilter: template forms and the rare substrings every recognised call contains, combined
 * into one alternation factored by common prefixes.
 */
import { escapeRegExp } from './text.js';

/**
 * Template forms: Django `{% flag "x" %}` / `{% switch "x" %}` / `{% sample "x" %}`, Blade `@feature('x')`,
 * Togglz `Features.NEW_CHECKOUT.isActive()`. Fixed, bounded regexes (no nested quantifiers).
 */
export const TEMPLATE_TAG = /\{%-?\s*(flag|switch|sample|ifswitch|ifflag)\s+["']([^"']{1,200})["']/;
export const BLADE_FEATURE = /@feature\s*\(\s*["']([^"']{1,200})["']/;
export const TOGGLZ = /\b([A-Z]\w*)\.([A-Z][A-Z0-9_]*)\.isActive\(\s*\)/;

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
  'isEnable',
  'isabled',
];

/** A regular expression source matching any of the words, factored by common prefixes. */
export function trieAlternation(words: readonly string[]): string {
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

export function anchorsFor(names: readonly string[]): string[] {
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
