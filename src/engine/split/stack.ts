/**
 * Stacks of branches: the names `monoenv split` gives a plan's parts (`<branch>-<n>-<part>`), and what a
 * pull request's branch names say about its place in a stack.
 */
import type { SizePart, StackFacts } from '../report.js';

/** A part's name as a branch-name segment: `packages/checkout` → `checkout`, `(root)` → `root`, `a + b` → `a-b`. */
export function partSlug(name: string): string {
  const slug = name
    .split(' + ')
    .map((member) => member.replace(/[()]/g, '').slice(member.lastIndexOf('/') + 1))
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .replace(/\.{2,}/g, '.')
    .slice(0, 40)
    .replace(/[-.]+$/, '');
  // A slug of digits alone would read as a part number.
  return slug === '' || /^\d+$/.test(slug) ? `part${slug}` : slug;
}

/** The stack's branch names, in landing order: `<branch>-1-<part>`, `<branch>-2-<part>`, … */
export function stackBranchNames(branch: string, parts: readonly Pick<SizePart, 'name'>[]): string[] {
  return parts.map((part, i) => `${branch}-${i + 1}-${partSlug(part.name)}`);
}

const STACK_BRANCH = /^(.+)-(\d+)-([a-z0-9][a-z0-9._-]*)$/;

/** The stem and part number a stack branch name carries, or undefined for another name. */
export function parseStackBranch(name: string): { stem: string; position: number } | undefined {
  const match = STACK_BRANCH.exec(name);
  if (match === null) return undefined;
  const position = Number(match[2]);
  return position >= 1 ? { stem: match[1], position } : undefined;
}

/**
 * What the branches say about a change's place in a stack: undefined on the default branch or when it is not
 * known; else its base, and its position when the names agree (part N on part N-1 of the same stem).
 */
export function stackOf(base: string, head: string, defaultBranch: string | undefined): StackFacts | undefined {
  if (defaultBranch === undefined || base === defaultBranch) return undefined;
  const facts: StackFacts = { base, defaultBranch };
  const own = parseStackBranch(head);
  const below = parseStackBranch(base);
  if (own !== undefined && below !== undefined && own.stem === below.stem && own.position === below.position + 1)
    facts.position = own.position;
  return facts;
}
