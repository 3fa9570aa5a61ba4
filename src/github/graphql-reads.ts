/**
 * The App's GraphQL reads of one evaluation, sent together: file texts (`object(expression: "SHA:path")` as a
 * `Blob`) and blames (`Commit.blame`). What the fact source asks for in the same turn of the event loop (the
 * risky rule's whole files and the flags rule's dates, asked side by side) goes out as ONE request, each object
 * under its own alias, so a missing one nulls its own alias and not the others'. Each object is asked at most
 * once per evaluation: a base text both rules want is one alias. A request costs one point of the GraphQL
 * quota (no connection is read), whatever the number of aliases.
 *
 * A blob or a blame at a commit never changes, so with a `ReadCache` (process-wide, bounded) the answers are
 * kept by repository, commit and path beyond the evaluation: the next push to a pull request whose base did
 * not move asks nothing for files already read at that base, and only for the others. An answer is kept only
 * when it is GitHub's own: a text or blame, or "no such file" said outright (a blob alias that came back null
 * without an error, a blame GitHub answered `NOT_FOUND`).
 */
import { LRUCache } from 'lru-cache';
import type { GitHubClient, RepoRef } from './facts.js';

/** A blob as GraphQL gives it. GitHub cuts `text` at 512,000 bytes and says so in `isTruncated`; binary blobs have no text. */
export interface BlobRead {
  text: string | null;
  isTruncated: boolean;
  byteSize: number;
}

export interface BlameRange {
  startingLine: number;
  endingLine: number;
  commit: { oid: string; committedDate: string };
}

/** GitHub's cut of `Blob.text`, in bytes (not in its schema's description; measured). */
export const GITHUB_BLOB_TEXT_LIMIT = 512_000;

const BLOB_FIELDS = '... on Blob { text isTruncated byteSize }';
const BLAME_FIELDS = 'ranges { startingLine endingLine commit { oid committedDate } }';

type Pending =
  | { kind: 'blob'; key: string; commit: string; expression: string; settle: Settle<BlobRead | null> }
  | { kind: 'blame'; key: string; commit: string; path: string; settle: Settle<BlameRange[] | null> };

interface Settle<T> {
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

/** Answers at a full commit SHA by `owner/repo key`; `absent`: GitHub said the commit has no such file. */
export type ReadCache = LRUCache<string, BlobRead | BlameRange[] | 'absent'>;

export function readCache(maxBytes = 32 * 1024 * 1024): ReadCache {
  return new LRUCache<string, BlobRead | BlameRange[] | 'absent'>({
    max: 20_000,
    maxSize: maxBytes,
    sizeCalculation: (value) =>
      value === 'absent' ? 64 : Array.isArray(value) ? 256 + 64 * value.length : 256 + (value.text?.length ?? 0),
  });
}

const FULL_SHA = /^[0-9a-f]{40}$/i;

/** The aliases an error answer says GitHub could not find (`NOT_FOUND`), and whether it named any error at all. */
function errorsOf(error: unknown): { notFound: Set<string>; named: Set<string> } {
  const notFound = new Set<string>();
  const named = new Set<string>();
  const errors = (error as { errors?: unknown }).errors;
  if (!Array.isArray(errors)) return { notFound, named };
  for (const entry of errors as { type?: unknown; path?: unknown }[]) {
    const alias = Array.isArray(entry.path) && typeof entry.path[1] === 'string' ? entry.path[1] : undefined;
    if (alias === undefined) continue;
    named.add(alias);
    if (entry.type === 'NOT_FOUND') notFound.add(alias);
  }
  return { notFound, named };
}

type Answer = { repository: Record<string, { blame?: { ranges: BlameRange[] } | null } | BlobRead | null> | null };

/**
 * The query for a batch, in the order asked: blob `oN` (variable `$eN`: `SHA:path`), blame `bN` (the commit
 * `$cK`, shared by the blames of one commit, and the path `$pN`).
 */
export function readsQuery(batch: readonly ({ kind: 'blob' } | { kind: 'blame'; commitIndex: number })[]): string {
  const variables = ['$owner: String!', '$name: String!'];
  const fields: string[] = [];
  const commits = new Set<number>();
  let blobs = 0;
  let blames = 0;
  for (const item of batch) {
    if (item.kind === 'blob') {
      const i = blobs++;
      variables.push(`$e${i}: String!`);
      fields.push(`o${i}: object(expression: $e${i}) { ${BLOB_FIELDS} }`);
    } else {
      const i = blames++;
      if (!commits.has(item.commitIndex)) {
        commits.add(item.commitIndex);
        variables.push(`$c${item.commitIndex}: String!`);
      }
      variables.push(`$p${i}: String!`);
      fields.push(`b${i}: object(expression: $c${item.commitIndex}) { ... on Commit { blame(path: $p${i}) { ${BLAME_FIELDS} } } }`);
    }
  }
  return `query Reads(${variables.join(', ')}) {
  repository(owner: $owner, name: $name) {
    ${fields.join('\n    ')}
  }
}`;
}

export class GraphQLReads {
  readonly #memo = new Map<string, Promise<unknown>>();
  #batch: Pending[] = [];

  constructor(
    private readonly octokit: GitHubClient,
    private readonly repository: RepoRef,
    private readonly cache?: ReadCache,
  ) {}

  /** A blob at `commit:path`; null when the commit has no such file (or it is not a blob). */
  blob(commit: string, path: string): Promise<BlobRead | null> {
    const expression = `${commit}:${path}`;
    return this.#ask(commit, `blob ${expression}`, (key, settle) => ({ kind: 'blob', key, commit, expression, settle }));
  }

  /** The blame of `path` at `commit`; null when GitHub could not blame it (the commit has no such file). */
  blame(commit: string, path: string): Promise<BlameRange[] | null> {
    return this.#ask(commit, `blame ${commit} ${path}`, (key, settle) => ({ kind: 'blame', key, commit, path, settle }));
  }

  /** The process-wide key of an answer at `commit`, when it can be kept (a full SHA, a cache). */
  #cacheKey(commit: string, key: string): string | undefined {
    return this.cache !== undefined && FULL_SHA.test(commit) ? `${this.repository.owner}/${this.repository.repo} ${key}` : undefined;
  }

  #ask<T>(commit: string, key: string, make: (key: string, settle: Settle<T>) => Pending): Promise<T> {
    const known = this.#memo.get(key) as Promise<T> | undefined;
    if (known !== undefined) return known;
    const cacheKey = this.#cacheKey(commit, key);
    const kept = cacheKey === undefined ? undefined : this.cache!.get(cacheKey);
    if (kept !== undefined) {
      const answer = Promise.resolve((kept === 'absent' ? null : kept) as T);
      this.#memo.set(key, answer);
      return answer;
    }
    const pending = new Promise<T>((resolve, reject) => {
      if (this.#batch.length === 0) setImmediate(() => void this.#flush());
      this.#batch.push(make(key, { resolve, reject }));
    });
    this.#memo.set(key, pending);
    return pending;
  }

  async #flush(): Promise<void> {
    const batch = this.#batch;
    this.#batch = [];
    const commitIndex = new Map<string, number>();
    const variables: Record<string, string> = { owner: this.repository.owner, name: this.repository.repo };
    const shape: ({ kind: 'blob' } | { kind: 'blame'; commitIndex: number })[] = [];
    const aliases: string[] = [];
    let blobs = 0;
    let blames = 0;
    for (const item of batch) {
      if (item.kind === 'blob') {
        variables[`e${blobs}`] = item.expression;
        aliases.push(`o${blobs++}`);
        shape.push({ kind: 'blob' });
      } else {
        let c = commitIndex.get(item.commit);
        if (c === undefined) {
          commitIndex.set(item.commit, (c = commitIndex.size));
          variables[`c${c}`] = item.commit;
        }
        variables[`p${blames}`] = item.path;
        aliases.push(`b${blames++}`);
        shape.push({ kind: 'blame', commitIndex: c });
      }
    }
    let answer: Answer;
    let errors: ReturnType<typeof errorsOf> = { notFound: new Set(), named: new Set() };
    try {
      answer = await this.octokit.graphql<Answer>(readsQuery(shape), variables);
    } catch (error) {
      errors = errorsOf(error);
      // A path a commit does not have fails its own blame; GitHub still answers the others.
      const partial = (error as { data?: Answer | null }).data;
      if (!partial?.repository) {
        for (const item of batch) item.settle.reject(error);
        return;
      }
      answer = partial;
    }
    batch.forEach((item, i) => {
      const value = answer.repository?.[aliases[i]] ?? null;
      const cacheKey = this.#cacheKey(item.commit, item.key);
      if (item.kind === 'blob') {
        const blob = value as Partial<BlobRead> | null;
        const read =
          blob === null || blob.byteSize === undefined
            ? null
            : { text: blob.text ?? null, isTruncated: blob.isTruncated === true, byteSize: blob.byteSize };
        if (cacheKey !== undefined && (read !== null || !errors.named.has(aliases[i]))) this.cache!.set(cacheKey, read ?? 'absent');
        item.settle.resolve(read);
      } else {
        const ranges = (value as { blame?: { ranges: BlameRange[] } | null } | null)?.blame?.ranges ?? null;
        if (cacheKey !== undefined && (ranges !== null || errors.notFound.has(aliases[i]))) this.cache!.set(cacheKey, ranges ?? 'absent');
        item.settle.resolve(ranges);
      }
    });
  }
}
