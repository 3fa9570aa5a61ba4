/**
 * Builds a Change the way GitHub shows a pull request: each file's diff from base to head with three lines
 * of context (jsdiff's structuredPatch), numbered like a GitHub patch.
 */
import { structuredPatch } from 'diff';
import type { Change, ChangedFile, DiffLine, Hunk } from '../../src/engine/change.js';
import { makeChange } from '../../src/engine/change.js';

export type FileSet = Record<string, string>;

export interface ChangeSpec {
  base: FileSet;
  head: FileSet;
  /** Renames as `{ newPath: oldPath }`: the head's file at newPath was the base's at oldPath. */
  renames?: Record<string, string>;
  title?: string;
  body?: string;
  labels?: string[];
  /** The head branch's name (`fix/…`, `dependabot/…`). */
  branch?: string;
}

export function hunksBetween(before: string, after: string, context = 3): Hunk[] {
  const patch = structuredPatch('a', 'b', before, after, '', '', { context });
  return patch.hunks.map((h) => {
    let oldLine = h.oldStart;
    let newLine = h.newStart;
    const lines: DiffLine[] = [];
    for (const raw of h.lines) {
      const marker = raw[0];
      const content = raw.slice(1).replace(/\r$/, '');
      if (marker === '\\') {
        if (lines.length > 0) lines[lines.length - 1].noNewlineAtEnd = true;
        continue;
      }
      if (marker === '+') lines.push({ type: 'add', content, newLine: newLine++ });
      else if (marker === '-') lines.push({ type: 'del', content, oldLine: oldLine++ });
      else lines.push({ type: 'context', content, oldLine: oldLine++, newLine: newLine++ });
    }
    return { oldStart: h.oldStart, oldLines: h.oldLines, newStart: h.newStart, newLines: h.newLines, section: '', lines };
  });
}

export function changedFiles(spec: Pick<ChangeSpec, 'base' | 'head' | 'renames'>): ChangedFile[] {
  const renames = spec.renames ?? {};
  const renamedFrom = new Set(Object.values(renames));
  const paths = [...new Set([...Object.keys(spec.base), ...Object.keys(spec.head)])].sort();
  const files: ChangedFile[] = [];
  for (const path of paths) {
    if (renamedFrom.has(path) && !(path in spec.head)) continue;
    const previousPath = renames[path];
    const before = previousPath !== undefined ? spec.base[previousPath] : spec.base[path];
    const after = spec.head[path];
    if (before === after) continue;
    const status: ChangedFile['status'] =
      after === undefined ? 'removed' : before === undefined ? 'added' : previousPath !== undefined ? 'renamed' : 'modified';
    const hunks = hunksBetween(before ?? '', after ?? '');
    const additions = hunks.reduce((n, h) => n + h.lines.filter((l) => l.type === 'add').length, 0);
    const deletions = hunks.reduce((n, h) => n + h.lines.filter((l) => l.type === 'del').length, 0);
    files.push({
      path,
      ...(previousPath ? { previousPath } : {}),
      status,
      additions,
      deletions,
      binary: false,
      patchMissing: false,
      hunks,
    });
  }
  // A pure rename (same content) still shows as a changed file with no hunks.
  for (const [path, previousPath] of Object.entries(renames)) {
    if (spec.base[previousPath] === spec.head[path]) {
      files.push({ path, previousPath, status: 'renamed', additions: 0, deletions: 0, binary: false, patchMissing: false, hunks: [] });
    }
  }
  return files;
}

export function changeFromFiles(spec: ChangeSpec): Change {
  return makeChange({
    files: changedFiles(spec),
    title: spec.title ?? '',
    body: spec.body ?? '',
    labels: spec.labels ?? [],
    ...(spec.branch === undefined ? {} : { head: { ref: spec.branch, sha: '' } }),
  });
}
