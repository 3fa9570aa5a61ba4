/**
 * Hostile input, timed: evaluations with each backtracking flag pattern on its 2,000-character line, of
 * each hostile 100,000-character line, and of a risky change whose body is 65,536 empty lines, against
 * their targets. Each figure is the median CPU time of 5
 * evaluations after a warm-up (CPU time, unlike wall time, does not grow when other processes share the
 * cores); the worst input is reported. The fuzz tests (test/reliability/fuzz.test.ts) evaluate the same
 * inputs without timing them.
 *
 *   npm run bench:hostile          prints the figures; exit 1 when a target is missed; then the forged
 *                                  inputs of bench/hostile-trust.ts with what the check says of each
 */
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { parseConfigText } from '../src/config/load.js';
import { changedFileFromGitHub } from '../src/facts/github-files.js';
import { evaluate } from '../src/engine/evaluate.js';
import { makeChange } from '../src/engine/change.js';
import {
  BACKTRACKING_LINE,
  BACKTRACKING_PATTERNS,
  DEEP_CONFIG,
  HOSTILE_BODY,
  HOSTILE_LINES,
  HOSTILE_LINE_PATTERNS,
  HUGE_CONFIG,
  TARGETS,
} from './hostile-inputs.js';
import { measureTrust, trustLines } from './hostile-trust.js';

export interface HostileResult {
  /** Slowest input with one backtracking pattern (patterns the schema refuses are not timed). */
  backtrackingWorstMs: number;
  backtrackingPatternsTimed: number;
  /** Slowest of the hostile lines. */
  hostileLineWorstMs: number;
  /** A risky change whose PR body is 65,536 empty lines. */
  hostileBodyMs: number;
  /** Reading (and refusing) a 3 MB configuration, and one nested 32,000 levels deep in 64 KB. */
  hugeConfigMs: number;
  deepConfigMs: number;
  targets: typeof TARGETS;
  met: boolean;
}

function configWith(patterns: string[]) {
  const parsed = parseConfigText(stringify({ risky: { paths: ['**'], flag_patterns: patterns }, tests: { level: 'warning' } }));
  return parsed.ok ? parsed.config : undefined;
}

const changeOf = (line: string, body = '') =>
  makeChange({
    body,
    files: [
      changedFileFromGitHub({ filename: 'src/a.ts', status: 'modified', additions: 1, deletions: 0, patch: `@@ -1 +1,2 @@\n x\n${line}` }),
    ],
  });

const RUNS = 5;

/** Median CPU ms (user + system) of `work` over RUNS runs, after one warm-up run. */
function timed(work: () => unknown): number {
  work();
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const before = process.cpuUsage();
    work();
    const used = process.cpuUsage(before);
    times.push((used.user + used.system) / 1000);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)];
}

export function measureHostile(): HostileResult {
  let backtrackingWorstMs = 0;
  let backtrackingPatternsTimed = 0;
  for (const pattern of BACKTRACKING_PATTERNS) {
    const config = configWith([pattern]);
    if (config === undefined) continue;
    backtrackingPatternsTimed++;
    backtrackingWorstMs = Math.max(
      backtrackingWorstMs,
      timed(() => evaluate(changeOf(BACKTRACKING_LINE), config)),
    );
  }
  const config = configWith(HOSTILE_LINE_PATTERNS)!;
  let hostileLineWorstMs = 0;
  for (const line of HOSTILE_LINES) {
    const change = changeOf(`+${line}`);
    hostileLineWorstMs = Math.max(
      hostileLineWorstMs,
      timed(() => evaluate(change, config)),
    );
  }
  const bodyChange = changeOf('+applyDiscount(cart);', HOSTILE_BODY);
  const hostileBodyMs = timed(() => evaluate(bodyChange, config));
  const hugeConfigMs = timed(() => parseConfigText(HUGE_CONFIG));
  const deepConfigMs = timed(() => parseConfigText(DEEP_CONFIG));
  const met =
    backtrackingWorstMs < TARGETS.backtrackingPatternMs &&
    hostileLineWorstMs < TARGETS.hostileLineMs &&
    hostileBodyMs < TARGETS.hostileBodyMs &&
    Math.max(hugeConfigMs, deepConfigMs) < TARGETS.hostileConfigMs;
  return {
    backtrackingWorstMs,
    backtrackingPatternsTimed,
    hostileLineWorstMs,
    hostileBodyMs,
    hugeConfigMs,
    deepConfigMs,
    targets: TARGETS,
    met,
  };
}

export function hostileLines(result: HostileResult): string[] {
  const ms = (n: number): string => n.toFixed(2);
  return [
    `| input | worst CPU ms (median of ${RUNS}) | target ms |`,
    '| :-- | --: | --: |',
    `| one of ${result.backtrackingPatternsTimed} backtracking flag patterns on a 2,000-character line | ${ms(result.backtrackingWorstMs)} | ${result.targets.backtrackingPatternMs} |`,
    `| one hostile 100,000-character line (${HOSTILE_LINES.length} kinds) | ${ms(result.hostileLineWorstMs)} | ${result.targets.hostileLineMs} |`,
    `| a risky change whose PR body is 65,536 empty lines | ${ms(result.hostileBodyMs)} | ${result.targets.hostileBodyMs} |`,
    `| a 3 MB configuration, refused unparsed | ${ms(result.hugeConfigMs)} | ${result.targets.hostileConfigMs} |`,
    `| a 64 KB configuration nested 32,000 levels deep, refused before it is composed | ${ms(result.deepConfigMs)} | ${result.targets.hostileConfigMs} |`,
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = measureHostile();
  process.stdout.write(
    `${hostileLines(result).join('\n')}\n${result.met ? 'hostile input: targets met' : 'hostile input: TARGET MISSED'}\n`,
  );
  // Forged rather than large: what the check says, and how long it took.
  process.stdout.write(`\n${trustLines(await measureTrust()).join('\n')}\n`);
  process.exitCode = result.met ? 0 : 1;
}
