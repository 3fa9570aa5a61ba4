/**
 * Whole files in the App, which has no clone: the texts the rules ask for (`factsWanted(...).texts`: the risky
 * files a patch alone cannot settle, their base where the rule needs it, and the change's other code files for
 * the uses they hold) read at the head and base commits through the evaluation's GraphQL reads, so they go out
 * in the request that dates flags, or in one of their own. Nothing is read when no risky file is touched or the
 * patches settle it (the rule asks for nothing then).
 *
 * Bounded: the first `MAX_FETCHED_FILES` files asked (risky ones first), and `MAX_FETCHED_BYTES` of text in
 * all. A text GitHub cut (over 512 KB), a binary one, one past the bounds or one GitHub did not give is left
 * unread with the reason (`text.unreadable`): the rule then judges that file on its patch and says so.
 */
import type { Change } from '../engine/change.js';
import type { TextWanted } from '../engine/facts.js';
import { GITHUB_BLOB_TEXT_LIMIT, type BlobRead, type GraphQLReads } from './graphql-reads.js';

/** Files read whole per evaluation (each up to two blobs: head and base). */
export const MAX_FETCHED_FILES = 20;
/** Text accepted per evaluation, in the order asked. */
export const MAX_FETCHED_BYTES = 4_000_000;

/** Sets `ChangedFile.text` for the files wanted (as `FactSource.readTexts`). */
export type TextReader = (change: Change, wanted: readonly TextWanted[]) => Promise<void>;

export function githubTextReader(reads: GraphQLReads): TextReader {
  return async (change, wanted) => {
    const byPath = new Map(change.files.map((f) => [f.path, f]));
    const chosen = [];
    for (const want of wanted) {
      const file = byPath.get(want.path);
      if (file === undefined || !want.head) continue;
      if (chosen.length >= MAX_FETCHED_FILES) {
        file.text = { unreadable: `the App reads at most ${MAX_FETCHED_FILES} files of a change whole` };
        continue;
      }
      chosen.push({ file, want });
    }
    // Every blob is asked before any answer is awaited: they leave together.
    const answers = await Promise.allSettled(
      chosen.map(({ file, want }) =>
        Promise.all([
          reads.blob(change.head.sha, file.path),
          want.base ? reads.blob(change.base.sha, file.previousPath ?? file.path) : Promise.resolve(null),
        ]),
      ),
    );
    let budget = MAX_FETCHED_BYTES;
    chosen.forEach(({ file }, i) => {
      const answer = answers[i];
      if (answer.status === 'rejected') {
        file.text = { unreadable: `GitHub did not give its text (${describe(answer.reason)})` };
        return;
      }
      const [head, base] = answer.value;
      const why = unreadable(head, budget);
      if (why !== undefined) {
        file.text = { unreadable: why };
        return;
      }
      budget -= head!.byteSize;
      const text: { head: string; base?: string } = { head: head!.text! };
      if (base !== null && unreadable(base, budget) === undefined) {
        budget -= base.byteSize;
        text.base = base.text!;
      }
      file.text = text;
    });
  };
}

function unreadable(blob: BlobRead | null, budget: number): string | undefined {
  if (blob === null) return 'it is not in the head commit';
  if (blob.isTruncated || blob.byteSize > GITHUB_BLOB_TEXT_LIMIT)
    return `GitHub gives at most ${GITHUB_BLOB_TEXT_LIMIT / 1000} KB of a file's text`;
  if (blob.text === null) return 'it is binary';
  if (blob.byteSize > budget) return `the App reads at most ${MAX_FETCHED_BYTES / 1_000_000} MB of text per change`;
  return undefined;
}

function describe(error: unknown): string {
  const status = (error as { status?: number }).status;
  return status === undefined ? (error instanceof Error ? error.message : String(error)) : `HTTP ${status}`;
}
