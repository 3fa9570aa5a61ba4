/**
 * CODEOWNERS as GitHub reads it: the first of `.github/CODEOWNERS`, `CODEOWNERS`, `docs/CODEOWNERS` found at
 * the base commit (a pull request cannot name its own owners), gitignore-style patterns, the last matching
 * line wins, and a matching line without owners leaves the path unowned. The parsing and matching are
 * codeowners-utils' (its entries come back last line first, so its first match is GitHub's last).
 */
import { matchFile, parse, type CodeOwnersEntry } from 'codeowners-utils';

/** GitHub's order: the first file found is the only one read. */
export const CODEOWNERS_PATHS = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'] as const;

/** The CODEOWNERS file in force for a change, as read at its base. */
export interface CodeownersFile {
  path: string;
  text: string;
}

/** An owner as CODEOWNERS writes it: `@login`, `@org/team`, or an e-mail address. */
export type Owner = { kind: 'user'; login: string } | { kind: 'team'; org: string; slug: string } | { kind: 'email'; address: string };

export function ownerOf(written: string): Owner {
  const name = written.replace(/^@/, '');
  const slash = name.indexOf('/');
  if (written.startsWith('@') && slash > 0) return { kind: 'team', org: name.slice(0, slash), slug: name.slice(slash + 1) };
  if (!written.startsWith('@') && written.includes('@')) return { kind: 'email', address: written };
  return { kind: 'user', login: name };
}

/** `org/slug`, lower case: how teams are keyed in memberships. */
export const teamKey = (owner: { org: string; slug: string }): string => `${owner.org}/${owner.slug}`.toLowerCase();

export class Codeowners {
  readonly #entries: CodeOwnersEntry[];
  readonly #cache = new Map<string, readonly string[]>();

  constructor(readonly file: CodeownersFile) {
    this.#entries = parse(file.text.replace(/\r\n?/g, '\n')).filter((entry) => isUsablePattern(entry.pattern));
  }

  /** The owners the last matching line names (as written), [] when no line matches or it names none. */
  ownersOf(path: string): readonly string[] {
    let owners = this.#cache.get(path);
    if (owners === undefined) {
      owners = matchFile(path, this.#entries)?.owners ?? [];
      this.#cache.set(path, owners);
    }
    return owners;
  }
}

/** Patterns the matcher cannot take (GitHub ignores lines it cannot read too, and so does the check). */
function isUsablePattern(pattern: string): boolean {
  return pattern.length > 0 && !pattern.startsWith('!') && !pattern.startsWith('[');
}
