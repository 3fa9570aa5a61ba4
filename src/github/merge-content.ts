/**
 * Whether a merge after an approval holds work of its own (an "evil merge"), for approval freshness. A merge
 * commit is compared with each of its parents (`{parent}...{merge}`, which is the plain diff parent → merge):
 * a file that differs from every parent was written in the merge itself, as new code, a conflict resolution,
 * or the combination of both sides' edits of one file. Such a merge is not clean and the approval before it is
 * stale, unless the approved change and the head's have the same per-file patch ids (compared next, as after a
 * rebase), which tells a clean combination of both sides' edits from new code.
 *
 * Only the merges that decide an approval are read (`mergesToCheck`), at most `MAX_MERGES_CHECKED` per
 * evaluation; a merge beyond that, or whose comparison reaches GitHub's 300-file cap, counts as not clean, with
 * the reason. Verdicts are remembered per merge commit (the commit names its parents: the answer never changes).
 */
import type { Change, MergeContent } from '../engine/change.js';
import type { MonoenvConfig } from '../config/schema.js';
import { mergesToCheck } from '../engine/rules/review/index.js';
import { namedFiles } from '../engine/rules/review/freshness.js';
import { GITHUB_COMPARE_FILE_CAP, type GitHubData } from './facts.js';

export const MAX_MERGES_CHECKED = 5;

const short = (sha: string): string => sha.slice(0, 7);

/** Fills `mergeContent` of the merges in `change.commits` that decide an approval's freshness. */
export async function checkMerges(data: GitHubData, change: Change, config: MonoenvConfig): Promise<void> {
  const commits = new Map((change.commits ?? []).map((c) => [c.sha, c]));
  let checked = 0;
  for (;;) {
    // Again after each verdict: a merge found not clean makes the approvals before it stale, and their later merges moot.
    const wanted = mergesToCheck(change, config);
    if (wanted.length === 0) return;
    if (checked === MAX_MERGES_CHECKED) {
      for (const sha of wanted) {
        commits.get(sha)!.mergeContent = {
          clean: false,
          detail: `was not checked (more than ${MAX_MERGES_CHECKED} merges after the approval)`,
        };
      }
      return;
    }
    const merge = commits.get(wanted[0])!;
    merge.mergeContent = await mergeContent(data, merge.sha, merge.parents);
    checked++;
  }
}

async function mergeContent(data: GitHubData, sha: string, parents: readonly string[]): Promise<MergeContent> {
  const key = `${data.repository.owner}/${data.repository.repo}@${sha}`.toLowerCase();
  const known = data.review.cache.merges.get(key);
  if (known !== undefined) return known;
  let common: Set<string> | undefined;
  for (const parent of parents) {
    let names: string[];
    try {
      const files = await data.compareFiles(parent, sha);
      if (files.length >= GITHUB_COMPARE_FILE_CAP) {
        const capped = {
          clean: false,
          detail: `was not checked (its comparison with ${short(parent)} lists ${files.length} files, GitHub's cap)`,
        };
        data.review.cache.merges.set(key, capped);
        return capped;
      }
      names = files.flatMap((f) => [f.filename, ...(f.previous_filename ? [f.previous_filename] : [])]);
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status !== 404 && status !== 422) throw error;
      // Not remembered: GitHub may have the commits later.
      return { clean: false, detail: `could not be compared with its parent ${short(parent)} (GitHub answered ${status})` };
    }
    common = common === undefined ? new Set(names) : new Set(names.filter((n) => common!.has(n)));
    // Identical to one parent in every file that another parent changes: nothing left to compare.
    if (common.size === 0) break;
  }
  const own = [...(common ?? [])].sort();
  const verdict: MergeContent =
    own.length === 0 ? { clean: true } : { clean: false, detail: `changes ${namedFiles(own)} beyond its parents` };
  data.review.cache.merges.set(key, verdict);
  return verdict;
}
