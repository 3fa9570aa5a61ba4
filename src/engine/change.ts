/**
 * The Change model: everything the rules may know about one change, whichever adapter gathered it
 * (a GitHub pull request, a local git range, a commit in history). The engine never fetches more.
 */
import type { CodeownersFile } from './codeowners.js';

/** GitHub's file statuses; the git adapter maps its letters (A, D, M, R, C, T) onto them. */
export type FileStatus = 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged';

export interface DiffLine {
  type: 'add' | 'del' | 'context';
  /** The line's text without the leading marker and without a trailing carriage return. */
  content: string;
  /** Line number in the old file (deleted and context lines). */
  oldLine?: number;
  /** Line number in the new file (added and context lines). */
  newLine?: number;
  /** The line is followed by "\ No newline at end of file". */
  noNewlineAtEnd?: boolean;
}

export interface Hunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** The text after the second `@@` (git's function context), possibly empty. */
  section: string;
  lines: DiffLine[];
}

export interface ChangedFile {
  path: string;
  /** The old path of a renamed or copied file. */
  previousPath?: string;
  status: FileStatus;
  additions: number;
  deletions: number;
  binary: boolean;
  /**
   * The source gave counts but no patch: GitHub omits the patch of large files, git says nothing
   * about some files. Line-level rules cannot look inside; counts still apply.
   */
  patchMissing: boolean;
  hunks: Hunk[];
  oldMode?: string;
  newMode?: string;
  /**
   * The file's whole text at the head (and at the base, for what the change removes), when the adapter could
   * read it. Rules that judge code read whole files when they have them, and the patch alone when not.
   */
  text?: FileText;
}

export interface FileText {
  head?: string;
  base?: string;
  /** Why a text that was asked for could not be read (too large, binary, not fetched). */
  unreadable?: string;
}

export interface Person {
  login: string;
  bot: boolean;
}

export type ReviewState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';

export interface Review {
  reviewer: Person;
  state: ReviewState;
  /** The head commit the review was given on. */
  commitId: string | null;
  submittedAt?: string;
  /** The reviewer's relation to the repository, GitHub's `author_association` (OWNER, MEMBER, COLLABORATOR, CONTRIBUTOR …). */
  association?: string;
}

/** Whether a merge commit's tree is the clean merge of its parents (nothing of its own), as the adapter could tell. */
export interface MergeContent {
  clean: boolean;
  /** What the merge holds beyond a clean merge, or why that could not be told (one short clause). */
  detail?: string;
}

export interface Commit {
  sha: string;
  parents: string[];
  message: string;
  /** The GitHub account the commit is linked to (never its git author name); undefined when GitHub linked none. */
  author?: Person;
  /** Numbers of merged pull requests this commit belongs to (push audit); undefined when unknown. */
  pullRequests?: number[];
  /** For a merge commit: whether it adds anything beyond the clean merge of its parents; undefined when not checked. */
  mergeContent?: MergeContent;
}

export interface Change {
  /** Pull request number, when the change is one. */
  number?: number;
  title: string;
  body: string;
  author: Person;
  labels: string[];
  draft: boolean;
  base: { ref: string; sha: string };
  head: { ref: string; sha: string };
  /**
   * The repository's default branch, when the adapter knows it: a change based on another branch is part of a
   * stack, sized against that base alone.
   */
  defaultBranch?: string;
  files: ChangedFile[];
  /**
   * Totals as the source reports them. When `filesComplete` is false (GitHub lists at most 3,000 files)
   * size is judged from these.
   */
  totals: { additions: number; deletions: number; files: number };
  filesComplete: boolean;
  /** The base commit's `.gitattributes` text (a PR cannot relabel its own code as generated). */
  gitattributes?: string;
  /** Reviews, oldest first; undefined when the adapter did not fetch them (the review rule then says so). */
  reviews?: Review[];
  /** The PR's commits, oldest first; used for review freshness. */
  commits?: Commit[];
  /** The base's CODEOWNERS (review.codeowners); null when the base has none, undefined when not read. */
  codeowners?: CodeownersFile | null;
  /** Members of the teams that own changed files, by `org/slug` in lower case; null for a team that could not be read. */
  teamMembers?: Record<string, readonly string[] | null>;
  /**
   * The files of the change as it was when approved (`base...approved commit`), by approved commit, for
   * approvals on an older head; a commit missing here could not be compared.
   */
  approvedChanges?: Record<string, ChangedFile[]>;
  /** Set when the change was merged: who merged it (GitHub's `merged_by`) and the merge commit. */
  merged?: { by: Person; sha: string };
}

/** A push to the default branch, for the pushed-without-review audit. */
export interface Push {
  ref: string;
  headSha: string;
  /** The account that pushed, as GitHub authenticated it (the event's `sender`). */
  pusher: Person;
  /** The push's own commits (the newest, when there were more), oldest first, each with the merged PRs it belongs to. */
  commits: Commit[];
  /** Older commits of the push that were not looked up (a history import, most likely). */
  omitted?: number;
}

/** Builds a Change with neutral defaults; adapters and tests fill in what they know. */
export function makeChange(partial: Partial<Change> & { files: ChangedFile[] }): Change {
  const additions = partial.files.reduce((n, f) => n + f.additions, 0);
  const deletions = partial.files.reduce((n, f) => n + f.deletions, 0);
  return {
    title: '',
    body: '',
    author: { login: 'author', bot: false },
    labels: [],
    draft: false,
    base: { ref: 'main', sha: '' },
    head: { ref: 'HEAD', sha: '' },
    totals: { additions, deletions, files: partial.files.length },
    filesComplete: true,
    ...partial,
  };
}
