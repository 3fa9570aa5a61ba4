/**
 * The migration files a change touches, with the whole text each is judged on. A file the change adds is
 * whole in its patch; a file it edits is read at the head commit (a fact the adapter fetches, only for
 * those files), and only its changed lines are judged: the rest already ran.
 */
import type { Change, ChangedFile } from '../../change.js';
import type { MonoenvConfig } from '../../../config/schema.js';
import type { Framework } from './hazards.js';
import { frameworkOf, migrationPathKind } from './paths.js';

export interface MigrationFile {
  path: string;
  framework: Framework;
  text: string;
  /** Lines the change added or changed; undefined when every line is new. */
  changedLines: ReadonlySet<number> | undefined;
  /** The text was pieced together from the patch's hunks (the head text could not be had). */
  fromHunks: boolean;
}

/** A file whose whole text is its patch: added, with nothing left out. */
export function wholeInPatch(file: ChangedFile): boolean {
  return file.status === 'added' && !file.patchMissing && !file.binary;
}

/** The changed files that are migrations by path (framework not yet known: that needs the text). */
export function migrationCandidates(change: Change, config: MonoenvConfig): ChangedFile[] {
  return change.files.filter((f) => f.status !== 'removed' && !f.binary && migrationPathKind(f.path, config) !== undefined);
}

function patchText(file: ChangedFile): string {
  return file.hunks.flatMap((h) => h.lines.filter((l) => l.type !== 'del').map((l) => l.content)).join('\n');
}

function addedLines(file: ChangedFile): Set<number> {
  const lines = new Set<number>();
  for (const hunk of file.hunks)
    for (const line of hunk.lines) if (line.type === 'add' && line.newLine !== undefined) lines.add(line.newLine);
  return lines;
}

/**
 * Without the head text, an edited file is read from its hunks: each hunk's new side is placed at its own
 * lines, with blank lines between, so positions stay right and no statement spans two hunks.
 */
function hunkText(file: ChangedFile): string {
  const lines: string[] = [];
  for (const hunk of file.hunks) {
    let at = hunk.newStart;
    for (const line of hunk.lines) {
      if (line.type === 'del') continue;
      while (lines.length < at - 1) lines.push('');
      lines[at - 1] = line.content;
      at++;
    }
  }
  return lines.join('\n');
}

export function migrationFiles(change: Change, config: MonoenvConfig, texts: ReadonlyMap<string, string> | undefined): MigrationFile[] {
  const files: MigrationFile[] = [];
  for (const file of migrationCandidates(change, config)) {
    const kind = migrationPathKind(file.path, config)!;
    const whole = wholeInPatch(file);
    const fetched = texts?.get(file.path);
    const text = whole ? patchText(file) : (fetched ?? hunkText(file));
    const framework = frameworkOf(kind, text);
    if (framework === undefined) continue;
    files.push({
      path: file.path,
      framework,
      text,
      changedLines: whole ? undefined : addedLines(file),
      fromHunks: !whole && fetched === undefined,
    });
  }
  return files;
}
