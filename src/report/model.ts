/**
 * The report's data model: one record per change that reached the default branch, the pull-request
 * facts GitHub adds, and the aggregated figures every renderer shows. Plain data, JSON-serialisable.
 */
import type { ChangeKind, SizeClass } from '../engine/report.js';

export const SIZE_CLASSES: readonly SizeClass[] = ['XS', 'S', 'M', 'L', 'XL', 'XXL'];

/** How a change reached the default branch, as read from its commit. */
export type Arrival = 'merge' | 'squash' | 'direct';

/** Where the configuration that judged a change came from. */
export type ConfigSource = 'file' | 'default' | 'invalid';

/** What the engine concluded about one first-parent commit (its diff is not kept). */
export interface ChangeRecord {
  sha: string;
  /** Committer date (when the change landed on the default branch), ISO 8601. */
  committedAt: string;
  subject: string;
  author: string;
  arrival: Arrival;
  /** Pull request number recovered from the commit message. */
  pr?: number;
  kind: ChangeKind;
  sizeClass: SizeClass;
  /** Counted changed lines (the size rule's figure). */
  lines: number;
  files: number;
  excludedLines: number;
  /** Source files changed (per tests.source / tests.exempt), so the tests rule had something to judge. */
  needsTests: boolean;
  /** Source changed and the tests rule found nothing missing. */
  hasTests: boolean;
  /** A file under risky.paths changed. */
  riskyTouched: boolean;
  /** The risky rule fired at its configured level: a risky change without a feature flag. */
  riskyUnflagged: boolean;
  config: ConfigSource;
}

/** What GitHub knows about one merged pull request. */
export interface PullFacts {
  number: number;
  title: string;
  author: string;
  createdAt: string;
  mergedAt: string;
  mergeCommitSha: string | null;
  /** Valid approvals per the review rule (latest decisive review, not the author, not a bot, fresh). */
  approvedBy: string[];
  /** Everyone who left a review of any kind (reviewer load). */
  reviewers: string[];
  /** The author is in review.exempt_authors. */
  exempt: boolean;
  /** approvedBy.length ≥ review.approvals (per the config in force). */
  reviewed: boolean;
}

export interface WeekFigures {
  /** Monday of the week (UTC), YYYY-MM-DD. */
  week: string;
  changes: number;
  viaPullRequest: number;
  direct: number;
  sizeClasses: Record<SizeClass, number>;
  /** Median counted lines, null in a week without changes. */
  medianLines: number | null;
  needsTests: number;
  withTests: number;
  riskyTouched: number;
  riskyUnflagged: number;
  /** GitHub figures; absent without --github. */
  review?: WeekReview;
}

export interface WeekReview {
  /** Pull requests matched to this week's changes. */
  pullRequests: number;
  reviewed: number;
  unreviewed: number;
  exempt: number;
  medianHoursToMerge: number | null;
}

export interface Totals extends Omit<WeekFigures, 'week' | 'review'> {
  /** changes / weeks in the window. */
  changesPerWeek: number;
  /** withTests / needsTests, null when no change needed tests. */
  testsShare: number | null;
  /** riskyUnflagged / riskyTouched, null when no change touched a risky path. */
  riskyUnflaggedShare: number | null;
}

export interface ReviewerLoad {
  login: string;
  /** Pull requests they reviewed (any review). */
  reviewed: number;
  /** Pull requests where their approval counted. */
  approved: number;
}

export interface ReviewTotals {
  pullRequests: number;
  reviewed: number;
  unreviewed: number;
  exempt: number;
  /** Changes with a valid approval (or exempt) / all changes: direct pushes count as unreviewed. */
  coverage: number | null;
  /** Pull requests merged without their approvals / pull requests judged. */
  unreviewedMergeRate: number | null;
  medianHoursToMerge: number | null;
  p90HoursToMerge: number | null;
  reviewers: ReviewerLoad[];
  /** Changes that named a pull request GitHub did not return. */
  unmatched: number;
}

export interface HistoryFacts {
  branch: string;
  head: string;
  shallow: boolean;
  /** Committer date of the oldest commit git had, when the history ends inside the window. */
  availableSince?: string;
  /** First-parent commits in the window that were judged. */
  judged: number;
  /** Commits not judged: a root or a shallow boundary commit has no parent to diff against. */
  skipped: { sha: string; reason: 'root' | 'shallow boundary' | 'unreadable diff' }[];
}

export interface ConfigFacts {
  fromFile: number;
  defaults: number;
  /** Changes judged with the defaults because the configuration in force could not be read. */
  invalid: number;
  /** Each unreadable version once: its blob, the errors, and how many changes it would have judged. */
  invalidVersions: { blob: string; errors: string[]; changes: number }[];
}

export interface ReportData {
  repository: string;
  github?: string;
  generatedAt: string;
  window: { since: string; until: string; weeks: number };
  history: HistoryFacts;
  config: ConfigFacts;
  totals: Totals;
  weeks: WeekFigures[];
  review?: ReviewTotals;
  /** What the report could not include and why (API errors, shallow history …). */
  missing: string[];
}
