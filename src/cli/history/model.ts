/**
 * The report's data model: one record per change that reached the default branch, the pull-request
 * facts GitHub adds, and the aggregated figures every renderer shows. Plain data, JSON-serialisable.
 */
import type { ChangeKind, Level, SizeClass } from '../../engine/report.js';

export const SIZE_CLASSES: readonly SizeClass[] = ['XS', 'S', 'M', 'L', 'XL', 'XXL'];

/** How a change reached the default branch, as read from its commit. */
export type Arrival = 'merge' | 'squash' | 'direct';

/** The configuration that judged a change: the repository's file, the defaults (none), or the defaults because the file was invalid. */
export type ConfigState = 'file' | 'default' | 'invalid';

/** The rules a change's history can be judged by without GitHub (the review rule needs its reviews). */
export type JudgedRule = 'size' | 'tests' | 'risky' | 'migrations';

/** What enforcement would have said: the check's conclusion and each rule's highest finding level. */
export interface Verdict {
  conclusion: 'success' | 'neutral' | 'failure';
  rules: Partial<Record<JudgedRule, Level>>;
}

/** What the engine concluded about one first-parent commit (its diff is not kept). */
export interface ChangeRecord {
  sha: string;
  /** Committer date (when the change landed on the default branch), ISO 8601. */
  committedAt: string;
  /** Author date of the commit (for a squash, usually its first commit's; for a merge, the merge's own). */
  authoredAt: string;
  /** The commit this change reverts, as `git revert` names it in the message. */
  reverts?: string;
  /** Named a hotfix in its message or branch. */
  hotfix: boolean;
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
  config: ConfigState;
  /** The verdict under the configuration in force at the change's base. */
  verdict: Verdict;
  /** The verdict under a proposed configuration (`--config`). */
  proposed?: Verdict;
}

/** What GitHub knows about one merged pull request. */
export interface PullFacts {
  number: number;
  title: string;
  author: string;
  createdAt: string;
  mergedAt: string;
  mergeCommitSha: string | null;
  /** The earliest author date of its commits: where its lead time starts. */
  firstCommitAt?: string;
  /** Valid approvals per the review rule (latest decisive review, not the author, not a bot, fresh). */
  approvedBy: string[];
  /** Everyone who left a review of any kind (reviewer load). */
  reviewers: string[];
  /** The author is in review.exempt_authors. */
  exempt: boolean;
  /** approvedBy.length ≥ review.approvals (per the config in force). */
  reviewed: boolean;
  /** The same under a proposed configuration (`--config`). */
  proposedReviewed?: boolean;
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

/** Where deployments were read from, best first: the first that has any in the window is used. */
export type DeploymentSource = 'deployments' | 'releases' | 'tags' | 'merges';

/** A DORA performance band. */
export type Band = 'elite' | 'high' | 'medium' | 'low';

export interface DoraFailure {
  /** When the failed deployment happened. */
  at: string;
  sha: string | null;
  /** Its own status failed, or a revert or hotfix followed it within the window. */
  cause: 'status' | 'revert' | 'hotfix';
  /** The revert or hotfix change that marked it. */
  by?: string;
  /** When the next deployment that did not fail shipped. */
  restoredAt?: string;
}

export interface DoraWeek {
  week: string;
  deployments: number;
  /** Deployments that failed (by status, revert or hotfix) among `total`. */
  failed: number;
  total: number;
  medianLeadHours: number | null;
  medianRestoreHours: number | null;
}

export interface DoraFigures {
  source: DeploymentSource;
  sourceNote: string;
  failureWindowHours: number;
  /** Deployments that shipped (a failed status does not count). */
  deployments: number;
  deploymentsPerWeek: number;
  leadTime: { medianHours: number | null; p90Hours: number | null; changes: number; notDeployed: number };
  changeFailure: { failed: number; total: number; rate: number | null; byCause: { status: number; revert: number; hotfix: number } };
  restore: { medianHours: number | null; restored: number; open: number };
  band: {
    overall: Band | null;
    frequency: Band | null;
    leadTime: Band | null;
    changeFailure: Band | null;
    restore: Band | null;
    reference: string;
  };
  weeks: DoraWeek[];
  /** The last 20 failures. */
  failures: DoraFailure[];
}

/** The rules a what-if counts: the three judged from history, and review with --github. */
export type WhatIfRule = JudgedRule | 'review';

/** How one configuration would have judged the window's changes. */
export interface PolicyOutcome {
  /** Changes whose check would have failed (an error finding in mode enforce). */
  failed: number;
  /** Changes that would not have failed but had a warning (or an error in mode advise). */
  warned: number;
  failedShare: number | null;
  /** Per rule, changes whose highest finding had each level. */
  byRule: Record<WhatIfRule, Record<Level, number>>;
  /** Per rule, failed changes it had an error in (a change may fail by more than one rule). */
  failedBy: Record<WhatIfRule, number>;
  weeks: { week: string; changes: number; failed: number; warned: number }[];
}

export interface Offender {
  rule: WhatIfRule;
  level: Level;
  sha: string;
  pr?: number;
  subject: string;
  committedAt: string;
  lines: number;
  url?: string;
  /** The configuration in force said nothing about it under this rule. */
  newUnderProposal?: boolean;
}

export interface WhatIf {
  proposedFile: string;
  /** Changes judged under both configurations. */
  changes: number;
  /** Whether the review rule was judged (needs --github). */
  reviewJudged: boolean;
  current: PolicyOutcome;
  proposed: PolicyOutcome;
  /** Per rule, the ten worst offenders under the proposal: errors first, then the largest. */
  worst: Record<WhatIfRule, Offender[]>;
  /** One line for the admin: "with this policy, 14 % of the last 90 days' changes would have failed: …" */
  summary: string;
}

export interface FlagDebtWeek {
  week: string;
  /** Flags whose first check entered the code this week (a flag that comes back counts again). */
  added: number;
  /** Flags whose last check left the code this week. */
  removed: number;
  /** Flags in the code at the week's end (the window's end for the current week). */
  inCode: number;
  /** Of them, in the code for more than `staleAfterDays` then (`flags.permanent` never counts). */
  stale: number;
}

export interface StaleFlag {
  key: string;
  ageDays: number;
  files: number;
  since?: string;
  /** The clone is shallow and its boundary brought the flag: it may be older. */
  atLeast?: boolean;
  /** Its first check, path:line. */
  where: string;
}

/** Flag debt, from the flag inventory's ledger (`monoenv flags`). */
export interface FlagDebt {
  /** The commit the inventory read (the branch tip). */
  commit: string;
  staleAfterDays: number;
  /** Flags the code checks at the tip, and how many are stale. */
  flags: number;
  stale: number;
  /** Flags added and removed in the window. */
  added: number;
  removed: number;
  /** Median days in the code of the flags removed in the window. */
  medianDaysToRemoval: number | null;
  /** The oldest stale flags. */
  oldest: StaleFlag[];
  weeks: FlagDebtWeek[];
  history: {
    /** First-parent commits that touch the files read, over the whole history. */
    commits: number;
    /** Read by this run (the rest came from the ledger in .git/monoenv). */
    read: number;
    shallow: boolean;
    /** The oldest of them. */
    since?: string;
  };
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
  /** The four DORA keys (with --github). */
  dora?: DoraFigures;
  /** Judged with a proposed configuration beside the one in force (--config). */
  whatIf?: WhatIf;
  /** Flags added and removed per week, stale flags over time (absent with --no-flags). */
  flagDebt?: FlagDebt;
  /** What the report could not include and why (API errors, shallow history …). */
  missing: string[];
}
