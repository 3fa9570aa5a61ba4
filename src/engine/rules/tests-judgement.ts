/**
 * Why a source file without its own changed test may still need no new test, as a reviewer reads it.
 * Each reason softens that file's finding to a notice that says it; none silences it. Reasons rest on what
 * the change shows, never on names of places:
 * - the change as a whole: a dependency upgrade (its tests are the existing suite on the new version), a
 *   declared refactor, a revert, a docs- or tests-only change, a flag clean-up (the kept path already ran
 *   with the flag on);
 *   (an edit among them that regroups an expression is a fix, and keeps the level);
 * - the file: its edit holds no behaviour (comments, imports, types, layout), only takes code away while its
 *   own test loses the cases of it, is code moved from elsewhere in the change, a changed test sits in its
 *   own package or exercises it under another name (imports it, uses its class, calls what the edit
 *   changes), or its few new lines only use what the change introduces and its changed tests exercise;
 * - the one small file a well-tested change leaves without a test (`remainderOfTestedChange`).
 * A fix, a feature or performance work with none of these keeps the rule's level: that is where a
 * reviewer wants a regression test.
 */
import type { ChangedFile, Change, DiffLine } from '../change.js';
import type { KindReading } from '../kind.js';
import { onlyLayout } from '../kind.js';
import { classifyLine, languageOf, newClassifierState, type LineKind } from '../symbols.js';
import { flagMatcherFor } from '../flags/index.js';
import type { MonoenvConfig } from '../../config/schema.js';
import {
  SOURCE_ROOTS,
  TEST_ROOTS,
  foldersRelate,
  partsOf,
  subjectFolders,
  testedNames,
  type PathParts,
  type TestIndex,
} from './test-mapping.js';
import { onlyTakesAway, regroups } from './tests-edits.js';
import { exercisingTest } from './tests-exercised.js';

const ROOTS = { source: SOURCE_ROOTS, test: TEST_ROOTS };

/** A changed source file's added code lines, read once. */
interface SourceEdit {
  file: ChangedFile;
  /** Added lines that change behaviour (not blank, comment, import, type or a lone closer). */
  code: string[];
}

/** The kinds whose changes are tested by what already exists. */
const CHANGE_KIND_REASONS: Partial<Record<KindReading['kind'], string>> = {
  deps: 'a dependency upgrade: the existing tests, run on the new versions, are its test',
  revert: 'a revert: it restores code that its tests covered before',
  docs: 'a documentation change',
  test: 'a change of tests',
};

/** Kinds read as keeping behaviour edit by edit, so one edit that regroups an expression stands out. */
const MECHANICAL_KINDS: ReadonlySet<KindReading['kind']> = new Set(['deps', 'refactor']);

/** Files whose share of added code found among the change's removed lines makes them a move. */
const MOVED_SHARE = 0.8;
/** A file this small that only uses what the change's tests exercise is wiring, not new behaviour. */
const WIRING_LINES = 10;
/** The one file left without a test in a change whose tests cover the rest: at most this much added code… */
const REMAINDER_LINES = 15;
/** …in a change where at least this many source files are tested by its changed tests… */
const REMAINDER_COVERED = 3;
/** …and they are at least this share of its source files. */
const REMAINDER_SHARE = 0.8;

/** A line without whitespace; lines past 2,000 characters (minified, generated) are compared as they are. */
export const squeeze = (line: string): string => (line.length > 2000 ? line : line.replace(/\s+/g, ''));

function addedCode(file: ChangedFile): string[] {
  const lang = languageOf(file.path);
  const state = newClassifierState();
  const code: string[] = [];
  for (const hunk of file.hunks) {
    for (const line of hunk.lines) {
      if (line.type === 'del') continue;
      const kind: LineKind = classifyLine(lang, line.content, state);
      if (line.type === 'add' && kind === 'code') code.push(line.content);
    }
  }
  return code;
}

/** Identifiers that say something: long enough or shaped like a name a team chose. */
function identifiers(line: string): string[] {
  // Names in string literals (an import path, a message) are not names the code uses.
  const code = line.slice(0, 2000).replace(/(["'`])(?:\\.|(?!\1)[^\\])*\1/g, '""');
  return (code.match(/[A-Za-z_$][\w$]*/g) ?? []).filter((id) => id.length >= 6 || /[A-Z_].*[a-z]|[a-z].*[A-Z_]/.test(id));
}

/** Folders that collect a package's tests (not JS's `__tests__`, which holds one test per file). */
const TEST_FOLDERS = new Set(['test', 'tests', 'spec', 'specs', 'testing']);

/**
 * The changed test in the file's own package's test folder (`groups/tests/test_models.py` for
 * `groups/managers.py`): such tests exercise the package's modules together. A test beside the file is
 * another file's test, and a mirrored tree (`spec/models/`) is too wide to say.
 */
function samePackageTest(path: string, tests: readonly string[]): string | undefined {
  const dir = path.slice(0, path.lastIndexOf('/') + 1);
  if (dir === '') return undefined;
  for (const test of tests) {
    if (!test.startsWith(dir)) continue;
    const rest = test.slice(dir.length).split('/');
    if (rest.length > 1 && TEST_FOLDERS.has(rest[0].toLowerCase())) return test;
  }
  return undefined;
}

/** A changed test named after the file's package folder, where tests of that folder live: `parser/` ← `tests/test_parser.py`. */
function packageNamedTest(path: string, tests: readonly string[]): string | undefined {
  const parts = partsOf(path);
  const folder = parts.dir.slice(parts.dir.lastIndexOf('/') + 1).toLowerCase();
  if (folder.length < 3 || SOURCE_ROOTS.has(folder) || TEST_ROOTS.has(folder)) return undefined;
  const folders = subjectFolders(parts.dir, SOURCE_ROOTS);
  for (const test of tests) {
    const testParts = partsOf(test);
    if (!testedNames(testParts).includes(folder)) continue;
    if (foldersRelate(folders, subjectFolders(testParts.dir, TEST_ROOTS))) return test;
  }
  return undefined;
}

export interface TestsJudgement {
  /** The reason a file's finding is a notice, or undefined when it keeps the rule's level. */
  reasonFor(file: ChangedFile, parts: PathParts): string | undefined;
  /** The file's reason is one of the change's tests (same package, named after it, or exercising its new names). */
  restsOnTest(file: ChangedFile): boolean;
}

const mapDefined = <T, U>(value: T | undefined, f: (value: T) => U): U | undefined => (value === undefined ? undefined : f(value));

/** Reads the change once; the tests rule asks per untested file. */
export function judgeAsReviewer(
  change: Change,
  kind: KindReading,
  config: MonoenvConfig,
  isTest: (path: string) => boolean,
  changedTests: readonly ChangedFile[],
  trimmedTests: TestIndex,
): TestsJudgement {
  let changeReason: string | undefined | null = null;
  // What the change removes and keeps, and what its tests name, read once each, and only when a file
  // needs it: the names only for a small edit that may be wiring (`usesTested`).
  let lines: Map<string, LineOrigin> | undefined;
  const readLines = () => {
    if (lines !== undefined) return lines;
    lines = new Map<string, LineOrigin>();
    for (const file of change.files) {
      for (const hunk of file.hunks) {
        for (const line of hunk.lines) {
          if (line.type === 'add' || line.content.trim().length === 0) continue;
          const key = squeeze(line.content);
          let origin = lines.get(key);
          if (origin === undefined) lines.set(key, (origin = {}));
          if (line.type === 'del') origin.removedFrom = file.path;
          else origin.keptIn = file.path;
        }
      }
    }
    return lines;
  };
  let names: { deletedIds: Set<string>; testedIds: Map<string, string> } | undefined;
  const readNames = () => {
    if (names !== undefined) return names;
    // Without a changed test no name is tested: the change's own names need not be read.
    if (changedTests.length === 0) return (names = { deletedIds: new Set(), testedIds: new Map() });
    const deletedIds = new Set<string>();
    for (const file of change.files) {
      for (const hunk of file.hunks) {
        for (const line of hunk.lines) if (line.type !== 'add') for (const id of identifiers(line.content)) deletedIds.add(id);
      }
    }
    const testedIds = new Map<string, string>();
    for (const test of changedTests) {
      for (const hunk of test.hunks) {
        for (const line of hunk.lines) {
          if (line.type !== 'add') continue;
          for (const id of identifiers(line.content)) if (!deletedIds.has(id) && !testedIds.has(id)) testedIds.set(id, test.path);
        }
      }
    }
    return (names = { deletedIds, testedIds });
  };
  const testPaths = changedTests.map((t) => t.path);
  const exercised = new Set<ChangedFile>();

  return {
    reasonFor(file, parts) {
      if (changeReason === null) changeReason = changeLevelReason(change, kind, config, isTest);
      // An upgrade's or a refactor's edits are read as keeping behaviour; one that regroups an expression
      // (`a ?? 0 + b` → `(a ?? 0) + b`) evaluates differently, which is a fix hidden in it.
      if (changeReason !== undefined) return MECHANICAL_KINDS.has(kind.kind) && regroups(file) ? undefined : changeReason;
      const edit: SourceEdit = { file, code: addedCode(file) };
      if (edit.code.length === 0) return 'its added lines hold no behaviour (comments, imports, types)';
      const trimmed = trimmedTests.testOf(parts);
      if (trimmed !== undefined && onlyTakesAway(file)) {
        return `its edit only takes code away, and its own test ${trimmed} drops the cases of what went`;
      }
      if (onlyLayout(file)) return 'its edit is layout only: the code reads the same without whitespace';
      const moved = movedFrom(edit, readLines());
      if (moved !== undefined) return moved;
      const sibling = samePackageTest(file.path, testPaths);
      const byTest =
        sibling !== undefined
          ? `the change's test ${sibling} sits in the same package`
          : (mapDefined(packageNamedTest(file.path, testPaths), (named) => `the change's test ${named} is named after its package`) ??
            mapDefined(exercisingTest(file, changedTests, ROOTS), ({ test, how }) => `the change's test ${test} ${how}`) ??
            usesTested(edit, readNames));
      if (byTest !== undefined) exercised.add(file);
      return byTest;
    },
    restsOnTest(file) {
      return exercised.has(file);
    },
  };
}

function changeLevelReason(
  change: Change,
  kind: KindReading,
  config: MonoenvConfig,
  isTest: (path: string) => boolean,
): string | undefined {
  const byKind = CHANGE_KIND_REASONS[kind.kind];
  if (byKind !== undefined) return `${byKind} (read from ${kind.source})`;
  // A refactor the author declares (`refactor:`, a label) says behaviour stays; the title's own words
  // ("Replace the scheduler with…") often describe a new implementation, which needs its tests.
  if (kind.kind === 'refactor' && kind.signals[0]?.strength === 3) {
    return `a declared refactor (read from ${kind.source}): behaviour is meant to stay, and the existing tests defend it`;
  }
  return flagCleanUp(change, config, isTest);
}

/**
 * A flag clean-up: production code loses flag checks and gains none, and shrinks. The path it keeps is
 * the one that ran, and was tested, with the flag on; a reviewer asks for no new test.
 */
function flagCleanUp(change: Change, config: MonoenvConfig, isTest: (path: string) => boolean): string | undefined {
  const removedKeys = new Set<string>();
  const addsByHunk: DiffLine[][] = [];
  let added = 0;
  let deleted = 0;
  const production = change.files.filter((file) => !isTest(file.path) && !file.patchMissing);
  for (const file of production) {
    for (const hunk of file.hunks) {
      for (const line of hunk.lines) {
        if (line.type === 'add') added++;
        else if (line.type === 'del') deleted++;
      }
    }
  }
  // A clean-up shrinks the code: a change that grows it is not read for removed checks.
  if (added > deleted) return undefined;
  const matcher = flagMatcherFor(config.risky.flag_calls, config.risky.flag_patterns);
  for (const file of production) {
    for (const hunk of file.hunks) {
      const dels = hunk.lines.filter((l) => l.type === 'del');
      addsByHunk.push(hunk.lines.filter((l) => l.type === 'add'));
      if (dels.length > 0) matcher.scan(dels).forEach((checks) => checks?.forEach((c) => removedKeys.add(c.key)));
    }
  }
  // Only a change that removes checks is read further: the added lines must bring none back.
  if (removedKeys.size === 0 || added > deleted) return undefined;
  for (const adds of addsByHunk) {
    if (adds.length > 0 && matcher.scan(adds).some((checks) => checks !== undefined && checks.length > 0)) return undefined;
  }
  const keys = [...removedKeys]
    .slice(0, 3)
    .map((k) => `\`${k}\``)
    .join(', ');
  return `a flag clean-up: the change removes the checks of ${keys} and adds none; the code it keeps ran, and was tested, with the flag on`;
}

/**
 * Code moved from another file (or place) of the change: most added code lines were removed elsewhere in
 * it, the rest (a class header, a constructor) stand beside it unchanged in the file it came from.
 */
/** Where a line (compared without whitespace) stands in the change's removed and context lines: the last file of each. */
interface LineOrigin {
  removedFrom?: string;
  keptIn?: string;
}

function movedFrom(edit: SourceEdit, known: ReadonlyMap<string, LineOrigin>): string | undefined {
  const origins = new Map<string, number>();
  let counted = 0;
  let fromRemoved = 0;
  let fromKept = 0;
  for (let i = 0; i < edit.code.length; i++) {
    // Half the counted lines must come from removed code: once that is out of reach even if every line
    // left counts and was removed, the rest need not be read.
    if (2 * fromRemoved + (edit.code.length - i) < counted) return undefined;
    const line = squeeze(edit.code[i]);
    if (line.length <= 3) continue;
    counted++;
    const origin = known.get(line);
    if (origin?.removedFrom !== undefined) {
      fromRemoved++;
      origins.set(origin.removedFrom, (origins.get(origin.removedFrom) ?? 0) + 1);
    } else if (origin?.keptIn !== undefined && origin.keptIn !== edit.file.path) fromKept++;
  }
  if (counted === 0 || fromRemoved < counted / 2 || fromRemoved + fromKept < counted * MOVED_SHARE) return undefined;
  const from = [...origins].sort((a, b) => b[1] - a[1])[0][0];
  return `moved code: ${fromRemoved} of its ${counted} added code lines were removed from ${from === edit.file.path ? 'elsewhere in it' : from}`;
}

/**
 * A small edit whose every line uses something the change introduces and its changed tests exercise, and
 * nothing else new: a call switched to a tested helper, a field the tested code indexes. A line that also
 * brings an untested name (`applyDiscount(total, this.discount)` with `discount` untested) is new behaviour.
 */
function usesTested(
  edit: SourceEdit,
  readNames: () => { testedIds: ReadonlyMap<string, string>; deletedIds: ReadonlySet<string> },
): string | undefined {
  // The change's names are read only for an edit small enough to be wiring.
  if (edit.code.length > WIRING_LINES) return undefined;
  const { testedIds, deletedIds: knownIds } = readNames();
  if (testedIds.size === 0) return undefined;
  const used = new Map<string, string>();
  for (const line of edit.code) {
    if (/^[\s})\];,]*$/.test(line)) continue;
    // `pkg.TestedName`: the qualifier only says where the tested name lives.
    const qualifiers = new Set(
      [...line.matchAll(/([A-Za-z_$][\w$]*)\.([A-Za-z_$][\w$]*)/g)].filter((m) => testedIds.has(m[2])).map((m) => m[1]),
    );
    let tested: string | undefined;
    for (const id of identifiers(line)) {
      if (testedIds.has(id)) tested ??= id;
      else if (!knownIds.has(id) && !qualifiers.has(id)) return undefined;
    }
    if (tested === undefined) return undefined;
    used.set(tested, testedIds.get(tested)!);
  }
  if (used.size === 0) return undefined;
  const [[name, test]] = [...used];
  return `its new lines use \`${name}\`${used.size > 1 ? ` and ${used.size - 1} more` : ''}, new in this change and exercised by its test ${test}`;
}

/**
 * The one file a well-tested change leaves without a test of its own: a small edit (a registration, an
 * option passed on, an error's status) beside files that each come with theirs. A reviewer judges a
 * change's tests as a whole and does not ask a test of every wiring edit; two or more such files, or a
 * larger edit, keep the rule's level.
 */
export function remainderOfTestedChange(file: ChangedFile, tested: number, sources: number): string | undefined {
  if (tested < REMAINDER_COVERED || tested < sources * REMAINDER_SHARE) return undefined;
  const code = addedCode(file).length;
  if (code > REMAINDER_LINES) return undefined;
  return `the one small edit (${code} added code line${code === 1 ? '' : 's'}) left without a test in a change whose tests cover ${tested} of its ${sources} source files`;
}
