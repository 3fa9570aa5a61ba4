/** The pages of a pull request's file list: which to ask for together, and what a `Link` header says is left. */
export const FILES_PER_PAGE = 100;
/** GitHub lists at most 3,000 files of a pull request. */
export const MAX_FILE_PAGES = 3_000 / FILES_PER_PAGE;

/** Pages 1 to `last` (at least the first, at most GitHub's last). */
function pagesUpTo(last: number): number[] {
  const count = Math.min(Math.max(1, Number.isFinite(last) ? Math.floor(last) : 1), MAX_FILE_PAGES);
  return Array.from({ length: count }, (_, i) => i + 1);
}

/** The `next` and `last` page numbers of a `Link` header. */
function linkPages(link: unknown): { next?: number; last?: number } {
  const pages: { next?: number; last?: number } = {};
  if (typeof link !== 'string') return pages;
  for (const part of link.split(',')) {
    const match = /<([^>]*)>\s*;\s*rel="(next|last)"/.exec(part);
    const n = match === null ? undefined : Number(/[?&]page=(\d+)/.exec(match[1])?.[1]);
    if (match !== null && n !== undefined && Number.isSafeInteger(n)) pages[match[2] as 'next' | 'last'] = n;
  }
  return pages;
}

/**
 * Reads a list's pages: as many as `count` items fill, together (else the first), then, while the last page
 * read names a next one, the pages up to the `last` it names, together. `page(1)` should ask without `page`, as
 * pagination does, so that its URL keeps its conditional answer.
 */
export async function readPages<T extends { headers: { link?: string } }>(
  page: (n: number) => Promise<T>,
  count: number | undefined,
): Promise<T[]> {
  const pages = await Promise.all(pagesUpTo(count === undefined ? 1 : Math.ceil(count / FILES_PER_PAGE)).map(page));
  for (;;) {
    const link = linkPages(pages.at(-1)!.headers.link);
    if (link.next === undefined) break;
    const last = Math.min(Math.max(link.last ?? link.next, link.next), MAX_FILE_PAGES);
    if (last <= pages.length) break;
    pages.push(...(await Promise.all(pagesUpTo(last).slice(pages.length).map(page))));
  }
  return pages;
}
