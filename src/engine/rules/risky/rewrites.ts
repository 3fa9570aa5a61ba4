/**
 * Rewrites that keep behaviour, read from a file's patch: an expression the old lines repeated, now read once
 * into a local (`storeID := req.GetStoreId()`, then `storeID` where `req.GetStoreId()` stood). An added line
 * that reads as a deleted line once its new locals are replaced by their values does what that line did.
 */
import type { ChangedFile } from '../../change.js';
import { escapeRegExp } from './view.js';

/** A one-line binding of a new local: Go `x := …`, JS/TS `const x = …`, Python/Ruby `x = …`. */
const BINDING = /^\s*(?:(?:const|let|var)\s+)?([A-Za-z_$][\w$]*)(?:\s*:\s*[\w$.<>[\]| ]+)?\s*(?::=|=(?!=))\s*(.+?);?\s*$/;

const squeeze = (text: string): string => text.replace(/\s+/g, '');

export class ExtractedLocals {
  /** Squeezed deleted lines of the file. */
  private readonly deleted = new Set<string>();
  private readonly deletedText: string[] = [];
  /** New locals bound on added lines, to the squeezed text of their value. */
  private readonly locals = new Map<string, string>();
  private readonly re: RegExp | undefined;

  constructor(file: ChangedFile) {
    const bound = new Map<string, string>();
    for (const hunk of file.hunks) {
      for (const line of hunk.lines) {
        if (line.type === 'del') {
          const text = squeeze(line.content);
          if (text.length > 0) {
            this.deleted.add(text);
            this.deletedText.push(text);
          }
        } else if (line.type === 'add') {
          const m = BINDING.exec(line.content);
          if (m && !bound.has(m[1])) bound.set(m[1], squeeze(m[2]));
        }
      }
    }
    for (const [name, value] of bound) {
      // A value the old lines computed (a call, a field or an index, not a constant that could be anything).
      if (/[(.[]/.test(value) && this.deletedText.some((d) => d.includes(value))) this.locals.set(name, value);
    }
    this.re =
      this.locals.size > 0 ? new RegExp(`(?<![\\w$.])(${[...this.locals.keys()].map(escapeRegExp).join('|')})(?![\\w$])`, 'g') : undefined;
  }

  /**
   * The added line only binds such a local, or reads as a deleted line with its locals replaced by their
   * values: the old behaviour, rewritten.
   */
  keepsBehaviour(content: string): boolean {
    if (!this.re) return false;
    const binding = BINDING.exec(content);
    if (binding && this.locals.get(binding[1]) === squeeze(binding[2])) return true;
    this.re.lastIndex = 0;
    if (!this.re.test(content)) return false;
    this.re.lastIndex = 0;
    const replaced = squeeze(content.replace(this.re, (name: string) => this.locals.get(name) ?? name));
    return this.deleted.has(replaced);
  }
}
