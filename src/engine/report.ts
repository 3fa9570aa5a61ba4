/** The Report: what the engine concludes about a change, rendered by every adapter. */
import type { MonoenvConfig } from '../config/schema.js';

export type Level = 'notice' | 'warning' | 'error';
/** A rule's name: every rule has an override label in the configuration's schema. */
export type RuleName = keyof MonoenvConfig['overrides'];

export interface Finding {
  rule: RuleName | 'config';
  level: Level;
  title: string;
  message: string;
  path?: string;
  startLine?: number;
  endLine?: number;
  suggestion?: string;
}

export type SizeClass = 'XS' | 'S' | 'M' | 'L' | 'XL' | 'XXL';

export interface ExcludedFile {
  path: string;
  lines: number;
  /** Why it does not count: "lockfile", "generated", "vendored", "snapshot", "size.exclude: <glob>", ".gitattributes linguist-generated" … */
  reason: string;
}

export interface SizePart {
  /** The package or top-level folder the part is named after ("schema" for migrations; "a + b" for parts that import each other). */
  name: string;
  /** Counted lines of its files. */
  lines: number;
  /** Its counted files (tests travel with what they test). */
  files: string[];
  /** Earlier parts it builds on: it imports what they change, or sits in the package whose manifest one changes. */
  needs?: string[];
  /** Files not counted for size (lockfiles, generated, vendored) that travel with it, so the parts together are the whole change. */
  carried?: string[];
}

/** A pull request based on another branch than the default one: sized against that base alone. */
export interface StackFacts {
  /** The branch it is based on. */
  base: string;
  /** The repository's default branch. */
  defaultBranch: string;
  /** Its place in a stack, when the branch names tell it (`feature-2-api` on `feature-1-schema`). */
  position?: number;
}

export interface SizeFacts {
  class: SizeClass;
  /** Counted changed lines (additions + deletions of files that are not excluded). */
  lines: number;
  /** Counted changed files. */
  files: number;
  excludedLines: number;
  excludedFiles: number;
  excluded: ExcludedFile[];
  /** The split plan, in landing order: each part builds on the ones before it (filled when the size rule fires). */
  parts: SizePart[];
  /** Where the plan's stack of branches would start: the change's head branch and its base (set with the parts). */
  splitFrom?: { branch: string; base: string };
  /** Set when the change is based on another branch than the default one (a stacked pull request). */
  stack?: StackFacts;
  /** Size was judged from the source's totals because the file list was incomplete. */
  fromTotals: boolean;
}

export type RuleStatus = 'pass' | 'notice' | 'warning' | 'error' | 'off' | 'waived';

export interface RuleSummary {
  rule: RuleName;
  status: RuleStatus;
  /** What was found, one short sentence. */
  summary: string;
  /** What to do next, when something fired. */
  advice?: string;
  /** Short title fragment for the check-run title, e.g. "2 files without tests". */
  headline?: string;
  /** How many files the rule had to judge (tests: source files that need a test; risky: risky files changed). */
  judged?: number;
}

export interface Override {
  rule: RuleName;
  label: string;
}

/** What a change is, as read from its title, labels and shape (fixes are not new behaviour). */
export type ChangeKind = 'feature' | 'fix' | 'perf' | 'refactor' | 'chore' | 'deps' | 'revert' | 'docs' | 'test';

/** One reason the change was read as a kind (see engine/kind-text.ts). */
export interface KindSignalFacts {
  kind: ChangeKind;
  from: 'title' | 'label' | 'branch' | 'body' | 'diff';
  /** For people: completes "read from …". */
  text: string;
  /** 3 a declared type or label, 2 the title's words, 1.5 the branch, 1 the body and the diff's shape. */
  strength: number;
}

export interface Report {
  conclusion: 'success' | 'neutral' | 'failure';
  title: string;
  findings: Finding[];
  rules: RuleSummary[];
  size: SizeFacts;
  overrides: Override[];
  mode: 'enforce' | 'advise';
  draft: boolean;
  /** The kind of change as read: `source` is the deciding signal, `signals` every one read (deciding first). */
  kind: { kind: ChangeKind; source: string; signals: KindSignalFacts[] };
  /**
   * Set on the review audits of a merge or a push, whose reports carry no size or kind facts worth
   * showing (renderers leave those out).
   */
  audit?: 'merge' | 'push';
}
