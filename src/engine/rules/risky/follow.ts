/** Guards follow the change: a definition the change adds is guarded when every added reference to it is. */
import type { ChangedFile } from '../../change.js';
import type { PathMatcher } from '../../glob.js';
import { definitionsIn, type Definition } from '../../symbols.js';
import { escapeRegExp, type FileView } from './view.js';
import type { DefinitionVerdict } from './messages.js';

/**
 * Guards follow the change. For each definition a risky file adds (and that holds unguarded lines), find
 * every reference to its name on the lines the change adds, in any production file. The definition is
 * guarded when it has references and each sits in flag-guarded code (or on a line the risky rule itself
 * counts as guarded, or inside another new definition that is guarded, found by iterating to a fixed point).
 * Returns, per view and row, null for rows guarded this way, or why a definition stays unguarded.
 */
export function followGuards(
  unguarded: ReadonlyMap<FileView, number[]>,
  riskyViews: readonly FileView[],
  productionFiles: readonly ChangedFile[],
  viewOf: (file: ChangedFile) => FileView,
  isRisky: PathMatcher,
  evidenceAt: (view: FileView, row: number) => boolean,
): Map<FileView, Map<number, DefinitionVerdict>> {
  const result = new Map<FileView, Map<number, DefinitionVerdict>>();
  const needed = new Set(unguarded.keys());
  interface Def extends Definition {
    view: FileView;
    rowStart: number;
    rowEnd: number;
    refs: { view: FileView; row: number }[];
    guarded: boolean;
  }
  const defs: Def[] = [];
  for (const view of riskyViews) {
    if (!needed.has(view)) continue;
    for (let h = 0; h < view.file.hunks.length; h++) {
      const indexes: number[] = [];
      for (let i = view.hunkStarts[h]; i < view.hunkStarts[h + 1]; i++) if (view.rows[i].type !== 'del') indexes.push(i);
      const lines = indexes.map((i) => view.rows[i].content);
      for (const def of definitionsIn(view.lang, lines, (k) => view.rows[indexes[k]].type === 'add' && view.kinds[indexes[k]] === 'code')) {
        // A definition rewritten in place (its old line deleted in the same hunk) is not new.
        const word = new RegExp(`(?<![\\w$])${escapeRegExp(def.name)}(?![\\w$])`);
        let rewritten = false;
        for (let i = view.hunkStarts[h]; i < view.hunkStarts[h + 1] && !rewritten; i++) {
          rewritten =
            view.rows[i].type === 'del' &&
            word.test(view.rows[i].content) &&
            /\b(?:def|func|fun|function|class|const|let|var|type)\b/.test(view.rows[i].content);
        }
        if (rewritten) continue;
        defs.push({ ...def, view, rowStart: indexes[def.start], rowEnd: indexes[def.end], refs: [], guarded: false });
      }
    }
  }
  if (defs.length === 0) return result;

  const byName = new Map<string, Def[]>();
  for (const def of defs) byName.set(def.name, [...(byName.get(def.name) ?? []), def]);
  const namesRe = new RegExp(
    `(?<![\\w$])(${[...byName.keys()]
      .sort((a, b) => b.length - a.length)
      .map(escapeRegExp)
      .join('|')})(?![\\w$?!])`,
    'g',
  );
  const prefilter = new RegExp(namesRe.source.replace('(?<![\\w$])', '\\b').replace('(?![\\w$?!])', ''));
  for (const file of productionFiles) {
    const view = viewOf(file);
    const text = view.rows.map((r) => (r.type === 'add' ? r.content : '')).join('\n');
    if (!prefilter.test(text)) continue;
    const kinds = view.kinds;
    view.rows.forEach((row, i) => {
      if (row.type !== 'add' || kinds[i] !== 'code') return;
      namesRe.lastIndex = 0;
      for (const match of row.content.matchAll(namesRe)) {
        for (const def of byName.get(match[1]) ?? []) {
          if (def.view === view && i >= def.rowStart && i <= def.rowEnd) continue;
          if (!def.refs.some((r) => r.view === view && r.row === i)) def.refs.push({ view, row: i });
        }
      }
    });
  }

  const siteGuarded = (ref: { view: FileView; row: number }): boolean =>
    ref.view.guarded[ref.row] || (isRisky(ref.view.file.path) && evidenceAt(ref.view, ref.row));
  const insideGuardedDef = (ref: { view: FileView; row: number }, self: Def): boolean =>
    defs.some((d) => d !== self && d.guarded && d.view === ref.view && ref.row >= d.rowStart && ref.row <= d.rowEnd);
  for (let changed = true; changed;) {
    changed = false;
    for (const def of defs) {
      if (def.guarded || def.refs.length === 0) continue;
      if (def.refs.every((ref) => siteGuarded(ref) || insideGuardedDef(ref, def))) {
        def.guarded = true;
        changed = true;
      }
    }
  }

  // Inner definitions (methods of a new class) take the outer one's verdict only when they have none.
  defs.sort((a, b) => b.rowEnd - b.rowStart - (a.rowEnd - a.rowStart));
  for (const def of defs) {
    let perView = result.get(def.view);
    if (!perView) result.set(def.view, (perView = new Map<number, DefinitionVerdict>()));
    let why: DefinitionVerdict;
    if (def.guarded) why = null;
    else if (def.refs.length === 0) {
      why = {
        name: def.name,
        kind: def.kind,
        why: `is not referenced from any line this change adds, and its own lines have no flag check (${missingEvidenceShort(def.view, evidenceAt, def.rowStart)}).`,
      };
    } else {
      const open = def.refs.find((ref) => !siteGuarded(ref) && !insideGuardedDef(ref, def))!;
      why = {
        name: def.name,
        kind: def.kind,
        why: `is ${def.kind === 'class' ? 'used' : def.kind === 'component' ? 'rendered' : 'called'} from \`${open.view.file.path}:${open.view.anchorLine(open.row)}\`, which is not behind a flag.`,
      };
    }
    for (let i = def.rowStart; i <= def.rowEnd; i++) {
      if (why === null || !perView.has(i) || perView.get(i) !== null) perView.set(i, why);
    }
  }
  return result;
}

function missingEvidenceShort(view: FileView, evidenceAt: (view: FileView, row: number) => boolean, row: number): string {
  return evidenceAt(view, row) ? 'found' : 'none found at the configured evidence level';
}
