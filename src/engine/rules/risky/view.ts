/** The patch of one risky file as the rule reads it, line by line: flag checks, line kinds, aliases, guarded blocks. */
import type { ChangedFile, DiffLine } from '../../change.js';
import { FlagMatcher, aliasesAssigned, type FlagCheck } from '../../flags/index.js';
import { classifyLine, guardedLines, languageOf, newClassifierState, type Language, type LineKind } from '../../symbols.js';

/** The diff's own line objects, read in place (a big change has hundreds of thousands). */
type Row = DiffLine;

/** What the rule has read of one file, computed lazily: most files of a big change are never looked into. */
export class FileView {
  readonly lang: Language;
  readonly rows: Row[];
  /** Index of each hunk's first row, plus the end. */
  readonly hunkStarts: number[] = [];
  private checksCache?: (FlagCheck[] | undefined)[];
  private kindsCache?: LineKind[];
  private aliasRefsCache?: boolean[];
  private aliasNamesCache?: { added: Set<string>; referencedOld: (string[] | undefined)[] };
  private guardedCache?: boolean[];
  private hunkEvidenceCache?: boolean[];

  constructor(
    readonly file: ChangedFile,
    private readonly matcher: FlagMatcher,
  ) {
    this.lang = languageOf(file.path);
    const hunks = file.hunks;
    let count = 0;
    for (let h = 0; h < hunks.length; h++) count += hunks[h].lines.length;
    // One hunk (most files): its own line array serves as the rows, no copy.
    this.rows = hunks.length === 1 ? hunks[0].lines : new Array<Row>(count);
    let at = 0;
    for (let h = 0; h < hunks.length; h++) {
      this.hunkStarts.push(at);
      const lines = hunks[h].lines;
      if (hunks.length === 1) {
        at = lines.length;
        break;
      }
      for (let k = 0; k < lines.length; k++, at++) this.rows[at] = lines[k];
    }
    this.hunkStarts.push(at);
  }

  /**
   * The hunk a row belongs to, found in the hunk starts (a file has few hunks; a per-row array of them
   * would be one more array as long as the file for the garbage collector to copy).
   */
  hunkOf(row: number): number {
    const starts = this.hunkStarts;
    let lo = 0;
    let hi = starts.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= row) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  get checks(): (FlagCheck[] | undefined)[] {
    if (!this.checksCache) {
      const rows = this.rows;
      // A call's key may sit on the next line of the same side (and the same hunk).
      const sameSide = (from: number, to: number): boolean =>
        this.hunkOf(from) === this.hunkOf(to) &&
        (rows[to].type === 'context' || rows[to].type === rows[from].type || rows[from].type === 'context');
      this.checksCache = this.matcher.scan(rows, sameSide);
    }
    return this.checksCache;
  }

  get kinds(): LineKind[] {
    if (!this.kindsCache) {
      const kinds = new Array<LineKind>(this.rows.length);
      let hunk = -1;
      let oldState = newClassifierState();
      let newState = newClassifierState();
      for (let i = 0; i < this.rows.length; i++) {
        const row = this.rows[i];
        if (i === this.hunkStarts[hunk + 1] || hunk < 0) {
          hunk = this.hunkOf(i);
          oldState = newClassifierState();
          newState = newClassifierState();
          const section = this.file.hunks[hunk].section;
          if (/^\s*(?:export\s+)?(?:interface|type)\s+\w+.*\{\s*$/.test(section)) newState.typeDepth = oldState.typeDepth = 1;
          if (/^\s*import\s*\($/.test(section)) newState.goImportBlock = oldState.goImportBlock = true;
        }
        if (row.type === 'add') kinds[i] = classifyLine(this.lang, row.content, newState);
        else if (row.type === 'del') kinds[i] = classifyLine(this.lang, row.content, oldState);
        else {
          kinds[i] = classifyLine(this.lang, row.content, newState);
          classifyLine(this.lang, row.content, oldState);
        }
      }
      this.kindsCache = kinds;
    }
    return this.kindsCache;
  }

  private computeAliases(): void {
    const checks = this.checks;
    const kinds = this.kinds;
    // Allocated only for files that use aliases at all.
    let refs: boolean[] | undefined;
    let referencedOld: (string[] | undefined)[] | undefined;
    const added = new Set<string>();
    // New side (added and context rows) and old side (deleted and context rows), each with the aliases
    // assigned so far and one regular expression of them, rebuilt only when a new alias appears.
    const newSide = { names: new Set<string>(), re: undefined as RegExp | undefined };
    const oldSide = { names: new Set<string>(), re: undefined as RegExp | undefined };
    const assign = (side: typeof newSide, names: string[]): void => {
      let grew = false;
      for (const name of names)
        if (!side.names.has(name)) {
          side.names.add(name);
          grew = true;
        }
      if (grew) side.re = aliasRegExp(side.names);
    };
    const namesIn = (side: typeof newSide, text: string): string[] | undefined => {
      // A substring test first: most lines name no alias, and `includes` allocates nothing.
      let any = false;
      for (const name of side.names) if (text.includes(name)) any = true;
      if (!any) return undefined;
      const re = side.re!;
      let names: string[] | undefined;
      re.lastIndex = 0;
      for (let m = re.exec(text); m !== null; m = re.exec(text)) (names ??= []).push(m[1]);
      return names;
    };
    for (let i = 0; i < this.rows.length; i++) {
      const row = this.rows[i];
      if (kinds[i] === 'comment' || kinds[i] === 'import') continue;
      const found = checks[i];
      if (found) {
        const names: string[] = [];
        for (const check of found) names.push(...aliasesAssigned(row.content, check));
        if (names.length === 0) continue;
        if (row.type !== 'del') assign(newSide, names);
        if (row.type !== 'add') assign(oldSide, names);
        if (row.type === 'add') names.forEach((n) => added.add(n));
        continue;
      }
      if (row.type !== 'del' && newSide.re) {
        const names = namesIn(newSide, row.content);
        if (names) {
          (refs ??= new Array<boolean>(this.rows.length).fill(false))[i] = true;
          if (row.type === 'add') names.forEach((n) => added.add(n));
        }
      } else if (row.type === 'del' && oldSide.re) {
        const names = namesIn(oldSide, row.content);
        if (names) (referencedOld ??= new Array<string[] | undefined>(this.rows.length))[i] = [...new Set(names)];
      }
    }
    this.aliasRefsCache = refs ?? NO_ROWS;
    this.aliasNamesCache = { added, referencedOld: referencedOld ?? NO_ROWS };
  }

  /** New-side rows that use an alias of a flag check assigned earlier in the file (`if (on)`). */
  get aliasRefs(): boolean[] {
    if (!this.aliasRefsCache) this.computeAliases();
    return this.aliasRefsCache!;
  }

  /** Alias names used or assigned on added rows, and alias names each deleted row used. */
  get aliasNames(): { added: Set<string>; referencedOld: (string[] | undefined)[] } {
    if (!this.aliasNamesCache) this.computeAliases();
    return this.aliasNamesCache!;
  }

  /** The row checks a flag on the new side (a call, or an alias of one). */
  checksFlag(i: number): boolean {
    const row = this.rows[i];
    if (row.type === 'del' || this.kinds[i] === 'comment') return false;
    return this.checks[i] !== undefined || this.aliasRefs[i];
  }

  /** Per hunk: a flag check (or alias use) among its added and context lines. */
  get hunkEvidence(): boolean[] {
    if (!this.hunkEvidenceCache) {
      this.hunkEvidenceCache = this.file.hunks.map((_, h) => {
        for (let i = this.hunkStarts[h]; i < this.hunkStarts[h + 1]; i++) if (this.checksFlag(i)) return true;
        return false;
      });
    }
    return this.hunkEvidenceCache;
  }

  /** The first new-side flag check of the file, for messages and file-level evidence. */
  firstCheck(): { row: number; check: FlagCheck | undefined } | undefined {
    if (this.firstCheckCache === undefined) {
      this.firstCheckCache = null;
      for (let i = 0; i < this.rows.length; i++) {
        if (this.checksFlag(i)) {
          this.firstCheckCache = { row: i, check: this.checks[i]?.[0] };
          break;
        }
      }
    }
    return this.firstCheckCache ?? undefined;
  }
  private firstCheckCache?: { row: number; check: FlagCheck | undefined } | null;

  /** New-side rows inside flag-guarded blocks (braces, indentation or template tags), per hunk. */
  get guarded(): boolean[] {
    if (!this.guardedCache) {
      const guarded = new Array<boolean>(this.rows.length).fill(false);
      for (let h = 0; h < this.file.hunks.length; h++) {
        if (!this.hunkEvidence[h]) continue;
        const indexes: number[] = [];
        for (let i = this.hunkStarts[h]; i < this.hunkStarts[h + 1]; i++) if (this.rows[i].type !== 'del') indexes.push(i);
        const result = guardedLines(
          this.lang,
          indexes.map((i) => ({ content: this.rows[i].content, checksFlag: this.checksFlag(i) })),
        );
        indexes.forEach((row, k) => (guarded[row] = result[k]));
      }
      this.guardedCache = guarded;
    }
    return this.guardedCache;
  }

  /**
   * Drops what was read line by line once the main pass is done with the file: on a big change these
   * arrays would otherwise survive into the old generation. Anything asked for later is read again.
   */
  release(keepKinds: boolean): void {
    this.firstCheck();
    this.checksCache = undefined;
    if (!keepKinds) this.kindsCache = undefined;
    this.aliasRefsCache = undefined;
    this.aliasNamesCache = undefined;
    this.guardedCache = undefined;
  }

  /** The new-file line nearest to a row (deleted rows have none of their own). */
  anchorLine(i: number): number {
    const row = this.rows[i];
    if (row.newLine !== undefined) return row.newLine;
    const h = this.hunkOf(i);
    for (let j = i + 1; j < this.hunkStarts[h + 1]; j++) if (this.rows[j].newLine !== undefined) return this.rows[j].newLine!;
    for (let j = i - 1; j >= this.hunkStarts[h]; j--) if (this.rows[j].newLine !== undefined) return this.rows[j].newLine!;
    return Math.max(1, this.file.hunks[h].newStart);
  }
}

/** Shared empty per-row array: reading any index gives undefined. */
export const NO_ROWS: never[] = [];

export const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Alias expressions by their names: files of one change (and changes of one repository) assign the same
 * few aliases, and compiling a RegExp per file and side would cost more than matching with it. Bounded.
 */
const aliasRegExps = new Map<string, RegExp>();

function aliasRegExp(names: Iterable<string>): RegExp {
  const alternation = [...names]
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp)
    .join('|');
  let re = aliasRegExps.get(alternation);
  if (re === undefined) {
    if (aliasRegExps.size >= 1000) aliasRegExps.clear();
    re = new RegExp(`(?<![\\w$@.])(${alternation})(?![\\w$])`, 'g');
    aliasRegExps.set(alternation, re);
  }
  return re;
}
