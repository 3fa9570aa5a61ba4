/** Names a flag check's result is assigned to on its line. */
import type { FlagCheck } from './matcher.js';

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
