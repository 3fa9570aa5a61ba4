/**
 * Hostile inputs the engine must get through in linear time: flag patterns known to backtrack
 * catastrophically on a backtracking engine, and single lines of 100,000 characters built to defeat
 * scanners. Shared by the fuzz tests (which check that they are evaluated without failing) and the
 * benchmark (`npm run bench`, which times them against their targets).
 */
export const BACKTRACKING_PATTERNS = ['(a+)+$', '(a|a)*b', '(x+x+)+y', '^(([a-z])+.)+[A-Z]([a-z])+$', '(a|aa)+$', '(.*a){20}'];

/** The line each backtracking pattern is tried on: 2,000 characters that almost match. */
export const BACKTRACKING_LINE = `+${'a'.repeat(1_999)}!`;

/** Flag patterns a configuration may hold while the hostile lines are evaluated. */
export const HOSTILE_LINE_PATTERNS = ['isOn\\(\\s*"[^"]+"\\s*\\)', '(a+)+$'];

export const HOSTILE_LINES = [
  'a'.repeat(100_000),
  `${'('.repeat(50_000)}${')'.repeat(50_000)}`,
  `variation(${"'k',".repeat(25_000)})`,
  `${'/*'.repeat(50_000)}`,
  '\0'.repeat(100_000),
];

/**
 * A pull request body of 65,536 empty lines (GitHub's body limit in characters) and no declaration: a
 * whitespace run allowed to cross lines makes a line-anchored scan quadratic in its lines.
 */
export const HOSTILE_BODY = `${'\n'.repeat(65_536)}no declaration here`;

/** A 3 MB configuration (`size: [0,0,…]`): parsed, it once took the App past a 1 GB heap. */
export const HUGE_CONFIG = `size: [${'0,'.repeat(1_572_864)}0]\n`;

/** 64,000 bytes of nested flow brackets: under the size limit, 32,000 levels deep. */
export const DEEP_CONFIG = `${'['.repeat(32_000)}${']'.repeat(32_000)}`;

/** Speed targets, in ms of one evaluation (or of reading one configuration). */
export const TARGETS = { backtrackingPatternMs: 250, hostileLineMs: 10, hostileBodyMs: 50, hostileConfigMs: 50 };
