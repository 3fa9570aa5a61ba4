/**
 * "Did you mean …?" for misspelt configuration keys and values.
 *
 * Written here rather than taken from a package: the common ones (leven, fastest-levenshtein) compute plain
 * Levenshtein distance, where swapping two neighbouring letters (`warn_lnies`) costs two edits. Typos are
 * mostly such swaps, so this uses the optimal-string-alignment distance, which counts a swap as one edit.
 */

/** Edits (insert, delete, substitute, swap two neighbours) that turn `a` into `b`. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  // Three rolling rows: the swap needs the row before the previous one.
  let beforePrevious = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const substitution = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + substitution);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, beforePrevious[j - 2] + 1);
      }
      current[j] = best;
    }
    [beforePrevious, previous, current] = [previous, current, beforePrevious];
  }
  return previous[b.length];
}

/** Case, `-` versus `_` and surrounding spaces are not worth an edit: `Warn-Lines` is `warn_lines`. */
function normalise(word: string): string {
  return word.trim().toLowerCase().replaceAll('-', '_');
}

/**
 * The candidate nearest to `input`, when it is near enough to be a typo: at most one edit per three
 * characters (and always one), so `lable` → `label` but `size_limit` suggests nothing. A word of three or
 * more letters that begins a candidate is a shortening of it (`warn` → `warning`). Ties go to the earlier
 * candidate, so callers list candidates in their natural order.
 */
export function closestMatch(input: string, candidates: readonly string[]): string | undefined {
  const wanted = normalise(input);
  if (wanted.length >= 3) {
    const completed = candidates.filter((candidate) => normalise(candidate).startsWith(wanted));
    if (completed.length === 1) return completed[0];
  }
  const allowed = Math.max(1, Math.floor(wanted.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(wanted, normalise(candidate));
    if (distance <= allowed && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
