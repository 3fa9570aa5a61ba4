import { describe, expect, it } from '@jest/globals';
import { readPages } from '../../src/github/file-pages.js';

/** A list of `total` items, 100 a page, with GitHub's Link header; records which pages were asked in which round. */
function list(total: number) {
  const rounds: number[][] = [];
  let current: number[] = [];
  let pending = 0;
  const last = Math.max(1, Math.ceil(total / 100));
  const page = async (n: number) => {
    current.push(n);
    pending++;
    await Promise.resolve();
    if (--pending === 0) {
      rounds.push(current);
      current = [];
    }
    const link =
      n < last
        ? `<https://api.github.com/x?per_page=100&page=${n + 1}>; rel="next", <https://api.github.com/x?per_page=100&page=${last}>; rel="last"`
        : undefined;
    return {
      data: Array.from({ length: Math.max(0, Math.min(100, total - (n - 1) * 100)) }, (_, i) => (n - 1) * 100 + i),
      headers: { link },
    };
  };
  return { page, rounds };
}

describe('reading the pages of a file list', () => {
  it('asks for every page the count fills at once', async () => {
    const { page, rounds } = list(650);
    const pages = await readPages(page, 650);
    expect(rounds).toEqual([[1, 2, 3, 4, 5, 6, 7]]);
    expect(pages.flatMap((p) => p.data)).toHaveLength(650);
  });

  it('without a count: the first page, then the rest together up to the last its Link header names', async () => {
    const { page, rounds } = list(250);
    const pages = await readPages(page, undefined);
    expect(rounds).toEqual([[1], [2, 3]]);
    expect(pages.flatMap((p) => p.data)).toHaveLength(250);
  });

  it('a count below the list (a later push added files) reads on to the last page', async () => {
    const { page, rounds } = list(420);
    const pages = await readPages(page, 150);
    expect(rounds).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
    expect(pages.flatMap((p) => p.data)).toHaveLength(420);
  });
});
