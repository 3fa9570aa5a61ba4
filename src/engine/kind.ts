/**
 * What kind of change this is, read from everything a reviewer reads: the title (a conventional type or
 * its own words), the labels, the head branch, the body's "Fixes #12", and the diff's shape. Fixes,
 * refactors, chores, dependency bumps and reverts are not new behaviour; the risky rule softens its findings
 * for them (risky.applies_to) and the tests rule weighs them.
 *
 * The most explicit signals decide (a declared type or label, then the title's words, the branch, then the
 * body and the shape); among equally explicit ones a feature wins, so a feature cannot hide behind one
 * softer signal. Every signal read is kept, so the summary can say why.
 */
import type { Change, ChangedFile } from './change.js';
import type { ChangeKind } from './report.js';
import { classifyLine, languageOf, newClassifierState } from './symbols.js';
import { bodySignals, branchSignals, labelSignals, titleSignals, type KindSignal } from './kind-text.js';

export type { KindSignal } from './kind-text.js';

export interface KindReading {
  kind: ChangeKind;
  /** The deciding signal, for people: "the title `fix: …`", "the label `bug`", "the diff (…)". */
  source: string;
  /** Every signal read, the deciding one first. */
  signals: KindSignal[];
}

/** Kinds whose changes bring new behaviour: the risky rule judges them at its level. */
export const NEW_BEHAVIOUR: ReadonlySet<ChangeKind> = new Set<ChangeKind>(['feature', 'perf']);

/**
 * Whether a reading brings new behaviour. A feature does; so does performance work the author declares
 * (`perf:`, a `performance` label), shipped as a changed algorithm. Performance work read only from the
 * title's words (`Improve efficiency of …`, `Don't … twice`) or the branch tunes existing code, which
 * reviewers do not put behind a flag.
 */
export function bringsNewBehaviour(reading: KindReading): boolean {
  if (reading.kind === 'perf') return reading.signals.some((s) => s.kind === 'perf' && s.strength >= 3);
  return NEW_BEHAVIOUR.has(reading.kind);
}

/** Dependency manifests and lockfiles: a change of only these is a dependency bump. */
const DEPENDENCY_FILES = new Set([
  'package.json',
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'bun.lock',
  'bun.lockb',
  'deno.lock',
  'Gemfile',
  'Gemfile.lock',
  'Cargo.toml',
  'Cargo.lock',
  'composer.json',
  'composer.lock',
  'pyproject.toml',
  'poetry.lock',
  'Pipfile',
  'Pipfile.lock',
  'pdm.lock',
  'uv.lock',
  'go.mod',
  'go.sum',
  'mix.exs',
  'mix.lock',
  'pubspec.yaml',
  'pubspec.lock',
  'Podfile',
  'Podfile.lock',
  'Package.swift',
  'Package.resolved',
  'packages.lock.json',
  'gradle.lockfile',
  'flake.lock',
  '.terraform.lock.hcl',
  'build.gradle',
  'build.gradle.kts',
  'pom.xml',
  'requirements.txt',
  'constraints.txt',
  '.nvmrc',
  '.node-version',
  '.python-version',
  '.ruby-version',
  '.tool-versions',
]);

const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);
export const isDependencyFile = (path: string): boolean =>
  DEPENDENCY_FILES.has(baseName(path)) || /(?:^|\/)requirements[^/]*\.(?:txt|in)$/.test(path);

/** Test locations of every ecosystem, for the shape only (the tests rule reads the configured globs). */
const TEST_PATH =
  /(?:^|\/)(?:[Tt]ests?|spec|specs|__tests__|[\w-]+\.(?:Unit|Integration)?Tests?)\/|\/src\/(?:\w*Test|test(?:Debug|Release|Fixtures))\/|[._-](?:test|spec)\.[^/]+$|(?:^|\/)test_[^/]+\.py$|_test\.go$|(?:Test|Tests)\.(?:java|kt|cs|swift|php)$/;
const DOC_PATH = /\.(?:md|mdx|rst|txt|adoc)$|(?:^|\/)docs?\//i;

/** Reads what kind of change this is from its title, labels, branch, body and shape. */
export function readKind(change: Change): KindReading {
  const read = [
    ...titleSignals((change.title ?? '').slice(0, 500)),
    ...labelSignals(change.labels),
    ...branchSignals(change.head.ref),
    ...bodySignals(change.body ?? ''),
    ...shapeSignals(change),
  ];
  // "Update the README" over a diff that changes code is not a documentation change: the diff contradicts it.
  const code = codeFiles(change);
  const signals = read.filter((s) => !((s.kind === 'docs' || s.kind === 'test') && code.length > 0));
  if (signals.length === 0) return { kind: 'feature', source: 'the default, as the title and labels name no type', signals: [] };
  const top = Math.max(...signals.map((s) => s.strength));
  const leading = signals.filter((s) => s.strength === top);
  const decider = leading.find((s) => s.kind === 'feature') ?? leading[0];
  return { kind: decider.kind, source: decider.text, signals: [decider, ...signals.filter((s) => s !== decider)] };
}

const KIND_IN_WORDS: Record<ChangeKind, string> = {
  feature: 'a feature',
  fix: 'a fix',
  perf: 'tuning (perf)',
  refactor: 'a refactor',
  chore: 'a chore',
  deps: 'a dependency update',
  revert: 'a revert',
  docs: 'a documentation change',
  test: 'a change of tests',
};

/** "a dependency update": the kind as a sentence names it. */
export function kindInWords(kind: ChangeKind): string {
  return KIND_IN_WORDS[kind];
}

/** "fix (from the title `…`; also the branch `fix/x`)": the kind and the signals behind it, for summaries. */
export function describeKind(reading: KindReading): string {
  const others = reading.signals.slice(1).map((s) => (s.kind === reading.kind ? s.text : `${s.text}, read as ${s.kind}`));
  return `${reading.kind} (from ${reading.source}${others.length > 0 ? `; also ${others.join('; ')}` : ''})`;
}

/** Changed files that are neither dependency manifests, tests nor documentation. */
function codeFiles(change: Change): ChangedFile[] {
  return change.files.filter(
    (f) => !isDependencyFile(f.path) && !TEST_PATH.test(f.path) && !DOC_PATH.test(f.path) && !f.binary && f.status !== 'removed',
  );
}

/** The diff's shape: renames only, dependency manifests, type declarations, formatting, a regression test. */
function shapeSignals(change: Change): KindSignal[] {
  const files = change.files;
  if (files.length === 0 || !change.filesComplete) return [];
  const shape = (kind: ChangeKind, why: string): KindSignal[] => [{ kind, from: 'diff', text: `the diff (${why})`, strength: 1 }];
  if (files.every((f) => (f.status === 'renamed' || f.status === 'copied') && f.additions === 0 && f.deletions === 0)) {
    return shape('refactor', 'only renames and moves');
  }
  if (files.every((f) => isDependencyFile(f.path))) return shape('deps', 'only dependency manifests and lockfiles');

  const code = codeFiles(change);
  const lines = (list: readonly ChangedFile[]) => list.reduce((n, f) => n + f.additions + f.deletions, 0);
  const dependencyLines = lines(files.filter((f) => isDependencyFile(f.path)));
  if (dependencyLines > 0 && lines(code) <= Math.min(10, dependencyLines)) {
    return shape('deps', `mostly dependency manifests and lockfiles: ${lines(code)} other changed lines`);
  }
  if (code.length > 0 && code.every((f) => /\.d\.[mc]?ts$/.test(f.path) || onlyTypeLines(f)))
    return shape('refactor', 'only type declarations');
  if (code.length > 0 && code.every((f) => f.hunks.length > 0 && onlyLayout(f)))
    return shape('chore', 'only formatting: the code reads the same without whitespace');
  const tests = files.filter((f) => TEST_PATH.test(f.path) && f.status !== 'removed' && f.additions > 0);
  const edited = code.filter((f) => f.status === 'modified');
  if (tests.length > 0 && edited.length > 0 && edited.length === code.length && edited.length <= 2 && lines(edited) <= 20) {
    return shape('fix', `a small change to existing code, ${lines(edited)} lines, with a test`);
  }
  return [];
}

const TYPE_LINE =
  /^\s*(?:(?:export\s+)?(?:declare\s+)?(?:type\s+[\w$]+|interface\s+[\w$]+)|import\s+type\b|[\w$]+\??\s*:\s*[^=]+;?$|[|&]\s|[}\]);,]*$)/;

/** A TypeScript file whose changed lines all read as type declarations (or blank lines). */
function onlyTypeLines(file: ChangedFile): boolean {
  if (!/\.(?:ts|tsx|mts|cts)$/.test(file.path) || file.hunks.length === 0) return false;
  let changed = 0;
  for (const hunk of file.hunks) {
    for (const line of hunk.lines) {
      if (line.type === 'context') continue;
      changed++;
      if (line.content.trim() !== '' && !TYPE_LINE.test(line.content)) return false;
    }
  }
  return (
    changed > 0 &&
    file.hunks.every(
      (h) => /\b(?:interface|type)\b/.test(h.section) || h.lines.some((l) => /^\s*(?:export\s+)?(?:interface|type)\s/.test(l.content)),
    )
  );
}

/**
 * A file whose every hunk holds the same code before and after once whitespace, blank lines and comments
 * are set aside: a formatter's re-indent, re-wrap or blank-line edit.
 */
export function onlyLayout(file: ChangedFile): boolean {
  if (file.patchMissing || file.binary) return false;
  const lang = languageOf(file.path);
  const oldState = newClassifierState();
  const newState = newClassifierState();
  const code = (content: string, kind: ReturnType<typeof classifyLine>): string =>
    kind === 'comment' || kind === 'blank' ? '' : content.length > 2000 ? content : content.replace(/\s+/g, '');
  let changed = false;
  for (const hunk of file.hunks) {
    if (hunk.lines.some((line) => line.type !== 'context')) changed = true;
    // Each side's lines in order (each through its own classifier), read side by side: what both have in
    // common is dropped as it arrives, so the first line of code the other side lacks ends the reading
    // (most hunks are not layout edits) without classifying the rest.
    const oldLines = hunk.lines.filter((line) => line.type !== 'add');
    const newLines = hunk.lines.filter((line) => line.type !== 'del');
    let before = '';
    let after = '';
    let i = 0;
    let j = 0;
    while (i < oldLines.length || j < newLines.length) {
      if (j >= newLines.length || (i < oldLines.length && before.length <= after.length)) {
        const content = oldLines[i++].content;
        before += code(content, classifyLine(lang, content, oldState));
      } else {
        const content = newLines[j++].content;
        after += code(content, classifyLine(lang, content, newState));
      }
      const common = Math.min(before.length, after.length);
      if (common > 0) {
        if (!before.startsWith(after.slice(0, common))) return false;
        before = before.slice(common);
        after = after.slice(common);
      }
    }
    if (before !== after) return false;
  }
  return changed;
}
