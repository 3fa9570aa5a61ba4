/**
 * Expand and contract: a column or table may be dropped or renamed only once the code running in production
 * no longer uses it. When the same pull request removes the code's uses of a name and drops or renames it,
 * both ship in one deploy, and the old code, still running while the new one rolls out, breaks.
 *
 * "The code stops using a name" is read from the diff: in changed files that are code (not migrations, not
 * tests, not schema dumps), lines the change deletes name it more often than lines it adds. Deleted lines are
 * fragments of any language, which no parser reads, so names are taken from them as identifier-like words,
 * compared without case and underscores (`first_name` is `firstName` is `FirstName`).
 */
import type { Change, ChangedFile } from '../../change.js';
import type { MonoenvConfig } from '../../../config/schema.js';
import { isSourcePath } from '../tests.js';
import { migrationPathKind } from './paths.js';

export interface DroppedUse {
  path: string;
  /** A line of the base file that used the name and that the change deletes. */
  line: number;
}

const WORD = /[A-Za-z_][A-Za-z0-9_]*/g;

/** Names this short are too common in code to tie a deleted line to one column. */
const MIN_NAME_LENGTH = 3;

export const normalName = (name: string): string => name.toLowerCase().replaceAll('_', '');

/** Lines that tell the ORM to stop reading a column are the expand step done right, not a use. */
const IGNORE_DECLARATION = /\bignored_columns\b|\bdeprecate_field\b|\bSeparateDatabaseAndState\b/;

/** Changed files whose lines count as the application's code. */
function isCodeFile(file: ChangedFile, config: MonoenvConfig): boolean {
  if (migrationPathKind(file.path, config) !== undefined) return false;
  return isSourcePath(file.path, config) || file.path.endsWith('.prisma');
}

function countWords(text: string, wanted: string): number {
  let count = 0;
  for (const match of text.matchAll(WORD)) if (normalName(match[0]) === wanted) count++;
  return count;
}

/**
 * Where the change stops using `name` in its code: the deleted lines naming it, in each file where the
 * change deletes more uses than it adds. Empty when the code keeps using it as much as before.
 */
export function droppedUses(change: Change, config: MonoenvConfig, name: string): DroppedUse[] {
  const wanted = normalName(name);
  if (wanted.length < MIN_NAME_LENGTH) return [];
  const uses: DroppedUse[] = [];
  for (const file of change.files) {
    if (file.binary || !isCodeFile(file, config)) continue;
    let removed = 0;
    let added = 0;
    const lines: DroppedUse[] = [];
    for (const hunk of file.hunks) {
      for (const line of hunk.lines) {
        if (line.type === 'context' || IGNORE_DECLARATION.test(line.content)) continue;
        const n = countWords(line.content, wanted);
        if (n === 0) continue;
        if (line.type === 'del') {
          removed += n;
          if (line.oldLine !== undefined) lines.push({ path: file.path, line: line.oldLine });
        } else added += n;
      }
    }
    if (removed > added) uses.push(...lines);
  }
  return uses;
}
