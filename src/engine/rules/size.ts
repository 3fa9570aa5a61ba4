/**
 * size: oversized diffs. Counts the lines and files people have to review — lockfiles, generated,
 * vendored and snapshot files and the user's exclusions are listed apart with their reason — classes the
 * change XS…XXL, and when it is too big proposes a split into independent parts by package or folder.
 */
import { isActive, type Rule, type RuleContext, type RuleOutcome } from './rule.js';
import type { Change, ChangedFile } from '../change.js';
import type { MonoenvConfig } from '../../config/schema.js';
import type { ExcludedFile, Finding, Level, RuleStatus, SizeClass, SizeFacts, SizePart } from '../report.js';
import { parseGitAttributes, type GitAttributes } from '../gitattributes.js';
import { firstMatchingGlob } from '../glob.js';
import { formatCount, plural } from '../conclusion.js';
import { planSplit } from '../split/plan.js';
import { stackOf } from '../split/stack.js';

/** Lockfiles by file name: written by package managers, reviewed by nobody line by line. */
export const LOCKFILE_NAMES: ReadonlySet<string> = new Set([
  // JavaScript
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'bun.lock',
  'bun.lockb',
  'deno.lock',
  // Ruby, Rust, PHP, Python
  'Gemfile.lock',
  'gems.locked',
  'Cargo.lock',
  'composer.lock',
  'poetry.lock',
  'Pipfile.lock',
  'pdm.lock',
  'uv.lock',
  'pixi.lock',
  'conda-lock.yml',
  'pylock.toml',
  // Go, Elixir, Erlang, Dart, Swift, Objective-C
  'go.sum',
  'go.work.sum',
  'mix.lock',
  'rebar.lock',
  'pubspec.lock',
  'Podfile.lock',
  'Package.resolved',
  'Cartfile.resolved',
  // .NET, JVM
  'packages.lock.json',
  'paket.lock',
  'gradle.lockfile',
  'buildscript-gradle.lockfile',
  // Nix, Terraform, Bazel, Haskell, Crystal, Julia, R, Deno, C/C++
  'flake.lock',
  '.terraform.lock.hcl',
  'MODULE.bazel.lock',
  'cabal.project.freeze',
  'stack.yaml.lock',
  'shard.lock',
  'Manifest.toml',
  'renv.lock',
  'vcpkg-lock.json',
  'conan.lock',
]);

/** Built-in generated files by name ending (minified bundles, source maps, protobuf and other codegen). */
const GENERATED_SUFFIXES = [
  '.min.js',
  '.min.mjs',
  '.min.css',
  '.map',
  '.pb.go',
  '.pb.gw.go',
  '_pb2.py',
  '_pb2.pyi',
  '_pb2_grpc.py',
  '.pb.cc',
  '.pb.h',
  '_pb.js',
  '_pb.d.ts',
  '_grpc_pb.js',
  '_grpc_pb.d.ts',
  '.pb.swift',
  '.pb.dart',
  '.pbenum.dart',
  '.pbjson.dart',
  '.g.dart',
  '.freezed.dart',
  '.designer.cs',
  '.g.cs',
  '.generated.ts',
  '.generated.js',
  '.generated.go',
  '.generated.cs',
  '.gen.go',
  '.pnp.cjs',
  '.pnp.loader.mjs',
];
const GENERATED_PREFIXES = ['zz_generated.'];
/** Folders whose content is build output or generated, at any depth (monorepos build per package). */
const GENERATED_DIRS = new Set(['__generated__', 'dist']);
/** Folders of third-party code kept in the tree, at any depth (as Linguist reads them). */
const VENDORED_DIRS = new Set(['vendor', 'third_party', 'third-party', 'node_modules', 'bower_components', 'Pods']);
const SNAPSHOT_DIRS = new Set(['__snapshots__']);

/** A single file "dominates" (and the finding points at it) when it holds this share of the counted lines. */
const DOMINANT_SHARE = 0.8;
const PARTS_IN_MESSAGE = 8;

const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

function builtInReason(path: string): 'lockfile' | 'generated' | 'vendored' | 'snapshot' | undefined {
  const name = baseName(path);
  if (LOCKFILE_NAMES.has(name)) return 'lockfile';
  if (name.endsWith('.snap')) return 'snapshot';
  for (const suffix of GENERATED_SUFFIXES) if (name.endsWith(suffix)) return 'generated';
  for (const prefix of GENERATED_PREFIXES) if (name.startsWith(prefix)) return 'generated';
  let start = 0;
  for (let slash = path.indexOf('/'); slash !== -1; slash = path.indexOf('/', start)) {
    const dir = path.slice(start, slash);
    if (VENDORED_DIRS.has(dir)) return 'vendored';
    if (SNAPSHOT_DIRS.has(dir)) return 'snapshot';
    if (GENERATED_DIRS.has(dir)) return 'generated';
    start = slash + 1;
  }
  if (path.startsWith('.yarn/releases/') || path.startsWith('.yarn/plugins/') || path.startsWith('.yarn/sdks/')) return 'vendored';
  return undefined;
}

/**
 * Why a file does not count, or undefined when it does. `.gitattributes` speaks first (the repository's own
 * word, read from the base commit): `-linguist-generated` / `-linguist-vendored` keep a file that the
 * built-in lists would drop. Lockfiles and the user's globs always apply.
 */
export function exclusionReason(path: string, attributes: GitAttributes, userExclude: readonly string[]): string | undefined {
  const builtIn = builtInReason(path);
  if (builtIn === 'lockfile') return builtIn;
  const generated = attributes.state(path, 'linguist-generated');
  if (generated === true) return '.gitattributes linguist-generated';
  const vendored = attributes.state(path, 'linguist-vendored');
  if (vendored === true) return '.gitattributes linguist-vendored';
  if (userExclude.length > 0) {
    const glob = firstMatchingGlob(userExclude, path);
    if (glob !== undefined) return `size.exclude: ${glob}`;
  }
  if (builtIn === undefined) return undefined;
  if (builtIn === 'vendored' && vendored === false) return undefined;
  if ((builtIn === 'generated' || builtIn === 'snapshot') && generated === false) return undefined;
  return builtIn;
}

export function sizeClass(lines: number): SizeClass {
  if (lines < 10) return 'XS';
  if (lines < 30) return 'S';
  if (lines < 100) return 'M';
  if (lines < 500) return 'L';
  if (lines < 1000) return 'XL';
  return 'XXL';
}

const LEVEL_RANK: Record<Level, number> = { notice: 1, warning: 2, error: 3 };

interface Breach {
  what: 'lines' | 'files';
  count: number;
  limit: number;
  key: string;
  level: Level;
  fail: boolean;
}

function firstChangedLine(file: ChangedFile): number {
  for (const hunk of file.hunks) {
    for (const line of hunk.lines) {
      if (line.type === 'add' && line.newLine !== undefined) return line.newLine;
    }
  }
  return file.hunks.length > 0 ? Math.max(1, file.hunks[0].newStart) : 1;
}

function describeParts(parts: readonly SizePart[]): string {
  const shown = parts.slice(0, PARTS_IN_MESSAGE).map((p, i) => {
    const needs = p.needs !== undefined && p.needs.length > 0 ? `; needs ${p.needs.join(', ')}` : '';
    return `${i + 1}. ${p.name} (${plural(p.lines, 'line')}, ${plural(p.files.length, 'file')}${needs})`;
  });
  const more = parts.length > PARTS_IN_MESSAGE ? ` and ${plural(parts.length - PARTS_IN_MESSAGE, 'more part')}` : '';
  return shown.join(', ') + more;
}

/** The change's size: counted and excluded lines and files (the report carries it whether the rule is on or not). */
export function measureSize(change: Change, config: MonoenvConfig): SizeFacts {
  const settings = config.size;
  const attributes = parseGitAttributes(change.gitattributes);

  const counted: ChangedFile[] = [];
  const excluded: ExcludedFile[] = [];
  let countedLines = 0;
  let excludedLines = 0;
  for (const file of change.files) {
    const lines = file.additions + file.deletions;
    const reason = exclusionReason(file.path, attributes, settings.exclude);
    if (reason === undefined) {
      counted.push(file);
      countedLines += lines;
    } else {
      excluded.push({ path: file.path, lines, reason });
      excludedLines += lines;
    }
  }

  // GitHub lists at most 3,000 files: judge from its totals, minus what is known to be excluded.
  const fromTotals = !change.filesComplete;
  const lines = fromTotals ? Math.max(0, change.totals.additions + change.totals.deletions - excludedLines) : countedLines;
  const files = fromTotals ? Math.max(0, change.totals.files - excluded.length) : counted.length;

  return {
    class: sizeClass(lines),
    lines,
    files,
    excludedLines,
    excludedFiles: excluded.length,
    excluded,
    parts: [],
    fromTotals,
    ...stackFacts(change),
  };
}

/** A change based on another branch than the default one is sized against that base alone: its own diff, not the stack's. */
function stackFacts(change: Change): { stack?: SizeFacts['stack'] } {
  const stack = stackOf(change.base.ref, change.head.ref, change.defaultBranch);
  return stack === undefined ? {} : { stack };
}

export function judgeSize(ctx: RuleContext): { outcome: RuleOutcome; facts: SizeFacts } {
  const { change, config } = ctx;
  const settings = config.size;
  const facts = ctx.size ?? measureSize(change, config);
  const { lines, files, excluded, excludedLines, fromTotals } = facts;

  const summary = summarise(facts, change.files.length, change.totals.files);
  if (settings.level === 'off') {
    return { facts, outcome: { findings: [], summary: { rule: 'size', status: 'off', summary } } };
  }

  const warnLevel: Level = LEVEL_RANK[settings.level] < LEVEL_RANK.warning ? settings.level : 'warning';
  const breaches: Breach[] = [];
  for (const [what, count, warn, fail] of [
    ['lines', lines, settings.warn_lines, settings.fail_lines],
    ['files', files, settings.warn_files, settings.fail_files],
  ] as const) {
    if (count > fail) breaches.push({ what, count, limit: fail, key: `fail_${what}`, level: settings.level, fail: true });
    else if (count > warn) breaches.push({ what, count, limit: warn, key: `warn_${what}`, level: warnLevel, fail: false });
  }
  if (breaches.length === 0) {
    return { facts, outcome: { findings: [], summary: { rule: 'size', status: 'pass', summary } } };
  }

  const level = breaches.reduce<Level>((top, b) => (LEVEL_RANK[b.level] > LEVEL_RANK[top] ? b.level : top), 'notice');
  const lead = breaches.find((b) => b.level === level)!;
  const excludedPaths = new Set(excluded.map((e) => e.path));
  const counted = change.files.filter((f) => !excludedPaths.has(f.path));
  facts.parts = planSplit(change, config, excluded);
  if (facts.parts.length > 1) facts.splitFrom = { branch: change.head.ref, base: change.base.ref };

  const over = breaches
    .map((b) => `${plural(b.count, b.what === 'lines' ? 'line' : 'file')} > ${b.key} ${formatCount(b.limit)}`)
    .join(', ');
  const sentences = [`${facts.class} change: ${plural(lines, 'counted line')} in ${plural(files, 'file')} (${over}).`];
  if (excluded.length > 0)
    sentences.push(`Not counted: ${plural(excludedLines, 'line')} in ${plural(excluded.length, 'file')} (${reasonsOf(excluded)}).`);
  if (fromTotals)
    sentences.push(
      `Judged from the totals: only ${formatCount(change.files.length)} of ${plural(change.totals.files, 'file')} were listed.`,
    );

  let splitAdvice: string;
  if (facts.parts.length > 1) {
    const ordered = facts.parts.some((p) => p.needs !== undefined && p.needs.length > 0);
    sentences.push(
      `It could be split into ${facts.parts.length} parts${ordered ? ', in the order they can land' : ' that do not import each other'}: ${describeParts(facts.parts)}.`,
    );
    splitAdvice = `Split it into a stack of ${facts.parts.length} pull requests, one per part in this order: ${facts.parts
      .map((p) => p.name)
      .join(' → ')} (\`monoenv split --base ${change.base.ref}\` prints the plan and its commands; \`--apply\` creates the branches)`;
  } else {
    sentences.push('All of it sits in one part; split it by step instead (refactoring first, then behaviour, each shippable on its own).');
    splitAdvice = 'Split it into smaller pull requests that each ship on their own (refactoring first, then behaviour)';
  }

  const finding: Finding = {
    rule: 'size',
    level,
    title: lead.fail ? 'Change too big' : 'Large change',
    message: sentences.join(' '),
    suggestion: facts.parts
      .map((p, i) => {
        const needs = p.needs !== undefined && p.needs.length > 0 ? ` (needs ${p.needs.join(', ')})` : '';
        return `${i + 1}. ${p.name}: ${plural(p.lines, 'line')} in ${plural(p.files.length, 'file')}${needs}`;
      })
      .join('\n'),
  };
  const dominant =
    counted.length > 0 ? counted.reduce((a, b) => (b.additions + b.deletions > a.additions + a.deletions ? b : a)) : undefined;
  if (dominant !== undefined && lines > 0 && dominant.additions + dominant.deletions >= DOMINANT_SHARE * lines && !fromTotals) {
    const line = firstChangedLine(dominant);
    finding.path = dominant.path;
    finding.startLine = line;
    finding.endLine = line;
    finding.message += ` Most of it is in this file (${plural(dominant.additions + dominant.deletions, 'line')}).`;
  }

  const label = config.overrides.size;
  const status: RuleStatus = level;
  return {
    facts,
    outcome: {
      findings: [finding],
      summary: {
        rule: 'size',
        status,
        summary,
        advice: `${splitAdvice}${label ? `, or add the label "${label}" if it cannot be split` : ''}.`,
        headline: headlineOf(lead),
      },
    },
  };
}

function headlineOf(b: Breach): string {
  const count = `${formatCount(b.count)} > ${formatCount(b.limit)}`;
  if (b.what === 'lines')
    return b.fail
      ? `too big: ${formatCount(b.count)} lines > ${formatCount(b.limit)}`
      : `big: ${formatCount(b.count)} lines > ${formatCount(b.limit)}`;
  return b.fail ? `too many files: ${count}` : `many files: ${count}`;
}

/** How a stacked change is sized, for people: "part 2 of a stack: sized against its base feature-1-schema, not main". */
export function stackSentence(stack: NonNullable<SizeFacts['stack']>): string {
  const place = stack.position === undefined ? 'stacked' : `part ${stack.position} of a stack`;
  return `${place}: sized against its base ${stack.base}, not ${stack.defaultBranch}`;
}

/** The distinct reasons, the ones excluding most lines first. */
function reasonsOf(excluded: readonly ExcludedFile[]): string {
  const lines = new Map<string, number>();
  for (const e of excluded) lines.set(e.reason, (lines.get(e.reason) ?? 0) + e.lines);
  return [...lines.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([reason]) => reason)
    .join(', ');
}

function summarise(facts: SizeFacts, listed: number, total: number): string {
  let text = `${facts.class} change: ${plural(facts.lines, 'line')} in ${plural(facts.files, 'file')} counted`;
  if (facts.excludedFiles > 0)
    text += `; ${plural(facts.excludedLines, 'line')} in ${plural(facts.excludedFiles, 'file')} excluded (${reasonsOf(facts.excluded)})`;
  if (facts.fromTotals) text += `; judged from the totals, as only ${formatCount(listed)} of ${plural(total, 'file')} were listed`;
  if (facts.stack !== undefined) text += `; ${stackSentence(facts.stack)}`;
  return text;
}

export const sizeRule: Rule = {
  name: 'size',
  // `.gitattributes` of the base says which files are generated (a change cannot relabel its own code).
  needs: (config, labels) => (isActive(config, 'size', labels) ? { files: true, gitattributes: true } : {}),
  judge: (ctx) => judgeSize(ctx).outcome,
};
