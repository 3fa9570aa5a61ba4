/**
 * flags: flag debt on a pull request. A change that touches a check of a stale flag (one in the code for longer
 * than `flags.stale_after_days`) gets a notice naming it, on the line of the check: the moment someone works
 * next to a flag is the cheapest moment to remove it. Never more than a notice.
 *
 * The flag's age comes from the adapter (`gatherFlagAges`): the commit that last changed each line of the base
 * that checks it (`git blame` locally, GitHub's blame in the App), the oldest of them. A line is younger than
 * its flag when it was edited since, never older, so the age is a lower bound: the notice never calls a young
 * flag stale.
 */
import type { Change, ChangedFile } from '../../change.js';
import type { Finding } from '../../report.js';
import type { MonoenvConfig } from '../../../config/schema.js';
import { flagMatcherFor, type FlagMatcher } from '../../flags/index.js';
import { pathMatcher } from '../../glob.js';
import { languageOf } from '../../symbols.js';
import { plural } from '../../conclusion.js';
import { isTestPath } from '../tests.js';
import { isActive, type Rule, type RuleContext, type RuleOutcome } from '../rule.js';
import { checksInText, keyOfCheck } from './checks.js';

export { checksInText, keyOfCheck, inCode, type FlagUse } from './checks.js';

/** A commit, as flag ages are dated: its sha and committer date (when it reached the branch). */
export interface Stamp {
  sha: string;
  at: string;
}

/** Base files are dated one request or process each: a change touching more flag files dates the first ones. */
export const MAX_DATED_FILES = 10;
const DAY_MS = 86_400_000;

/** What to date: the base commit, and per file (its path at the base) the flag keys the change touches there. */
export interface FlagAgeRequest {
  base: string;
  files: { path: string; keys: string[] }[];
}

export interface FlagAge {
  key: string;
  /** The commit that last changed the oldest line of the base checking the key. */
  since: Stamp;
  path: string;
  line: number;
}

/**
 * The adapter's side: the base text of each path, then the commit that last changed each asked line. Lines
 * are asked once the text is known (`linesOf`), so a source that reads both at once (GitHub's GraphQL) may.
 */
export interface FlagAgeSource {
  date(base: string, paths: readonly string[], linesOf: (path: string, text: string) => number[]): Promise<Map<string, Map<number, Stamp>>>;
}

/** A check of a key the change shows on its head side (an added line, or a context line of a changed hunk). */
interface TouchedCheck {
  key: string;
  file: ChangedFile;
  line: number;
}

const touchedCache = new WeakMap<Change, WeakMap<MonoenvConfig, TouchedCheck[]>>();

function matcherOf(config: MonoenvConfig): FlagMatcher {
  return flagMatcherFor(config.risky.flag_calls, config.risky.flag_patterns);
}

/** The first check of each key the change touches, in code files the inventory reads (tests are setup). */
export function touchedChecks(change: Change, config: MonoenvConfig): TouchedCheck[] {
  let byConfig = touchedCache.get(change);
  const known = byConfig?.get(config);
  if (known) return known;
  const included = pathMatcher(config.flags.paths);
  const excluded = pathMatcher(config.flags.exclude);
  const permanent = new Set(config.flags.permanent);
  const matcher = matcherOf(config);
  const patterns = config.risky.flag_patterns;
  const touched = new Map<string, TouchedCheck>();
  for (const file of change.files) {
    if (file.status === 'removed' || file.binary || file.patchMissing) continue;
    if (!included(file.path) || excluded(file.path) || isTestPath(file.path, config)) continue;
    const lang = languageOf(file.path);
    for (const hunk of file.hunks) {
      const rows = hunk.lines.filter((l) => l.type !== 'del');
      const found = matcher.scan(rows);
      for (let i = 0; i < rows.length; i++) {
        const checks = found[i];
        if (checks === undefined) continue;
        const text = rows
          .slice(i, i + 3)
          .map((r) => r.content)
          .join('\n');
        for (const check of checks) {
          const key = keyOfCheck(check, patterns, { text, before: rows[i].content.slice(0, check.index), lang })?.key;
          if (key === undefined || permanent.has(key) || touched.has(key)) continue;
          touched.set(key, { key, file, line: rows[i].newLine ?? hunk.newStart });
        }
      }
    }
  }
  const result = [...touched.values()];
  if (!byConfig) touchedCache.set(change, (byConfig = new WeakMap()));
  byConfig.set(config, result);
  return result;
}

/** What to date for this change; undefined (nothing read, no call) when no check of a flag is touched. */
export function flagAgeRequest(change: Change, config: MonoenvConfig): FlagAgeRequest | undefined {
  if (config.flags.level === 'off' || !isActive(config, 'flags', change.labels)) return undefined;
  const byPath = new Map<string, string[]>();
  for (const { key, file } of touchedChecks(change, config)) {
    // A file the change adds has no base to date it from.
    if (file.status === 'added') continue;
    const path = file.previousPath ?? file.path;
    const keys = byPath.get(path);
    if (keys) keys.push(key);
    else if (byPath.size < MAX_DATED_FILES) byPath.set(path, [key]);
  }
  if (byPath.size === 0) return undefined;
  return { base: change.base.sha, files: [...byPath].map(([path, keys]) => ({ path, keys })) };
}

/**
 * The ages of the touched flags, from the source: each key's oldest dated check in the base version of the
 * files the change touches it in. A source that fails leaves the flags undated (no notice), never the
 * evaluation failed.
 */
export async function gatherFlagAges(
  request: FlagAgeRequest | undefined,
  source: FlagAgeSource,
  config: MonoenvConfig,
): Promise<Map<string, FlagAge>> {
  const ages = new Map<string, FlagAge>();
  if (request === undefined) return ages;
  const matcher = matcherOf(config);
  const keysOf = new Map(request.files.map((f) => [f.path, new Set(f.keys)]));
  const lineKeys = new Map<string, Map<number, string[]>>();
  const linesOf = (path: string, text: string): number[] => {
    const wanted = keysOf.get(path) ?? new Set<string>();
    const lines = new Map<number, string[]>();
    for (const use of checksInText(path, text, matcher, config.risky.flag_patterns)) {
      if (!wanted.has(use.key)) continue;
      lines.set(use.line, [...(lines.get(use.line) ?? []), use.key]);
    }
    lineKeys.set(path, lines);
    return [...lines.keys()];
  };
  let dated: Map<string, Map<number, Stamp>>;
  try {
    dated = await source.date(
      request.base,
      request.files.map((f) => f.path),
      linesOf,
    );
  } catch {
    return ages;
  }
  for (const [path, lines] of dated) {
    for (const [line, since] of lines) {
      for (const key of lineKeys.get(path)?.get(line) ?? []) {
        const known = ages.get(key);
        if (known === undefined || since.at < known.since.at) ages.set(key, { key, since, path, line });
      }
    }
  }
  return ages;
}

function judgeFlags(ctx: RuleContext): RuleOutcome | undefined {
  const { change, config } = ctx;
  if (config.flags.level === 'off') return undefined;
  const ages = ctx.facts?.flagAges;
  const now = ctx.facts?.now;
  if (ages === undefined || ages.size === 0 || now === undefined) return undefined;
  const limit = config.flags.stale_after_days;
  const findings: Finding[] = [];
  const named: string[] = [];
  for (const touched of touchedChecks(change, config)) {
    const age = ages.get(touched.key);
    if (age === undefined) continue;
    const days = Math.floor((Date.parse(now) - Date.parse(age.since.at)) / DAY_MS);
    if (!(days > limit)) continue;
    named.push(`\`${touched.key}\` (${plural(days, 'day')})`);
    findings.push({
      rule: 'flags',
      level: 'notice',
      title: 'stale flag',
      message:
        `\`${touched.key}\` has been in the code for at least ${plural(days, 'day')}: remove it? ` +
        `Its check on line ${age.line} of \`${age.path}\` dates from ${age.since.at.slice(0, 10)} (${age.since.sha.slice(0, 7)}), ` +
        `older than \`flags.stale_after_days\` (${limit}).`,
      path: touched.file.path,
      startLine: touched.line,
      endLine: touched.line,
      suggestion: `Once \`${touched.key}\` is on for everyone, delete its checks and the code path it no longer takes; if it is meant to stay (a kill switch, a permission), list it in \`flags.permanent\`.`,
    });
  }
  if (findings.length === 0) return undefined;
  return {
    findings,
    summary: {
      rule: 'flags',
      status: 'notice',
      summary: `${plural(findings.length, 'stale flag')} touched: ${named.join(', ')}`,
      advice:
        'Remove a flag that has rolled out (its checks and the branch no longer taken), or list it in `flags.permanent`; `monoenv flags` lists them all.',
      headline: plural(findings.length, 'stale flag'),
    },
  };
}

export const flagsRule: Rule = {
  name: 'flags',
  // The files are read for the other rules anyway; alone, this rule reads them too.
  needs: (config, labels) => (isActive(config, 'flags', labels) ? { files: true } : {}),
  wants: (change, config) => {
    const request = flagAgeRequest(change, config);
    return request === undefined ? {} : { flagAges: request };
  },
  judge: judgeFlags,
};
