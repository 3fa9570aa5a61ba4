/**
 * Whole file texts for the engine (`factsWanted`), read from local git objects: the head commit's version
 * of each file and, where asked, the base's. One `git cat-file --batch` process reads them all.
 */
import type { Change } from '../engine/change.js';
import type { TextWanted } from '../engine/facts.js';
import { BlobReader } from './blobs.js';
import type { GitRunner } from './runner.js';

/** Larger files are not read: generated or vendored code, judged from the patch alone. */
export const MAX_TEXT_BYTES = 1_000_000;

/**
 * Files read whole per change, in the order the rules ask (risky files first). Every file read is parsed
 * and its tree held for the evaluation, about 20 ms and 1 MB for a 200-line module at head and base
 * (`npm run bench:engine`); past this bound the rest are judged on their patches and say so.
 */
export const MAX_READ_FILES = 300;

export async function readTexts(
  git: GitRunner,
  change: Change,
  wanted: readonly TextWanted[],
  base: string,
  head: string,
  bounds: { maxFiles?: number } = {},
): Promise<void> {
  if (wanted.length === 0) return;
  const maxFiles = bounds.maxFiles ?? MAX_READ_FILES;
  const reader = new BlobReader(git);
  try {
    const byPath = new Map(change.files.map((f) => [f.path, f]));
    let read = 0;
    for (const want of wanted) {
      const file = byPath.get(want.path);
      // Already known to be unreadable (too large to diff): reading it would hold it in memory for nothing.
      if (!file || file.text?.unreadable !== undefined) continue;
      if (read >= maxFiles) {
        file.text = { unreadable: `monoenv reads at most ${maxFiles} files of a change whole` };
        continue;
      }
      read++;
      const text: { head?: string; base?: string; unreadable?: string } = {};
      if (want.head) {
        const blob = await reader.read(`${head}:${file.path}`);
        if (blob === undefined) text.unreadable = 'it is not in the head commit';
        else if (blob.length > MAX_TEXT_BYTES) text.unreadable = `it is larger than ${MAX_TEXT_BYTES / 1_000_000} MB`;
        else if (blob.includes(0)) text.unreadable = 'it is binary';
        else text.head = blob.toString('utf8');
      }
      if (want.base && text.head !== undefined) {
        const blob = await reader.read(`${base}:${file.previousPath ?? file.path}`);
        if (blob !== undefined && blob.length <= MAX_TEXT_BYTES) text.base = blob.toString('utf8');
      }
      file.text = text;
    }
  } finally {
    reader.close();
  }
}
