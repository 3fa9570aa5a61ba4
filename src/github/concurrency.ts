/** Requests that do not depend on each other, sent together within a bound. */

/**
 * Look-ups of one kind in flight at once (a push's commits, a merge group's pull requests): a typical event's
 * all together, a large one's without a burst that GitHub's secondary rate limit would answer with a wait.
 */
export const LOOKUP_CONCURRENCY = 10;

/**
 * `work` applied to every item, at most `limit` at once, results in the items' order. Once one fails no
 * further item is started, and the first failure is thrown when those running have settled.
 */
export async function mapBounded<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failed === undefined && next < items.length) {
      const index = next++;
      try {
        results[index] = await work(items[index]);
      } catch (error) {
        failed ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  if (failed !== undefined) throw failed.error;
  return results;
}
