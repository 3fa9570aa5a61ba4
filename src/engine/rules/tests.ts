/**
 * tests: source changed without tests. A changed source file needs a changed test that maps to it by the
 * conventions of its ecosystem (`require: per-file`), or any changed test at all (`require: any`).
 */
import { isActive, type Rule, type RuleContext, type RuleOutcome } from './rule.js';
import type { ChangedFile } from '../change.js';
import type { Finding, RuleStatus } from '../report.js';
import type { MonoenvConfig } from '../../config/schema.js';
import { pathMatcher, type PathMatcher } from '../glob.js';
import { formatCount, plural } from '../conclusion.js';

type Family = 'js' | 'python' | 'go' | 'ruby' | 'jvm' | 'rust' | 'csharp' | 'php' | 'elixir' | 'swift' | 'other';

const FAMILY_BY_EXTENSION: Record<string, Family> = {
  js: 'js', jsx: 'js', mjs: 'js', cjs: 'js', ts: 'js', tsx: 'js', mts: 'js', cts: 'js', vue: 'js', svelte: 'js',
  py: 'python', pyi: 'python',
  go: 'go',
  rb: 'ruby',
  java: 'jvm', kt: 'jvm', kts: 'jvm', scala: 'jvm', groovy: 'jvm',
  rs: 'rust',
  cs: 'csharp',
  php: 'php',
  ex: 'elixir', exs: 'elixir',
  swift: 'swift',
};

// Matchers are compiled once per glob list (a config object lives for many evaluations).
const matcherCache = new WeakMap<readonly string[], PathMatcher>();
function matcherFor(globs: readonly string[]): PathMatcher {
  let matcher = matcherCache.get(globs);
  if (matcher === undefined) {
    matcher = pathMatcher(globs);
    matcherCache.set(globs, matcher);
  }
  return matcher;
}

/** A path is a test when it matches `tests.test`. Shared with the risky rule (test files are not guards). */
export function isTestPath(path: string, config: MonoenvConfig): boolean {
  return matcherFor(config.tests.test)(path);
}

/** Source: matches `tests.source`, not `tests.exempt`, and is not a test. */
export function isSourcePath(path: string, config: MonoenvConfig): boolean {
  return matcherFor(config.tests.source)(path) && !isTestPath(path, config) && !matcherFor(config.tests.exempt)(path);
}

interface PathParts {
  dir: string;
  name: string;
  stem: string;
  extension: string;
  family: Family;
}

function partsOf(path: string): PathParts {
  const slash = path.lastIndexOf('/');
  const dir = slash === -1 ? '' : path.slice(0, slash);
  const name = path.slice(slash + 1);
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const extension = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  return { dir, name, stem, extension, family: FAMILY_BY_EXTENSION[extension] ?? 'other' };
}

const JS_TEST_MARKERS = new Set(['test', 'spec', 'e2e-spec', 'e2e', 'cy', 'unit', 'int', 'integration', 'it', 'test-d']);

function stripSuffix(value: string, suffixes: readonly string[]): string | undefined {
  for (const suffix of suffixes) {
    if (value.length > suffix.length && value.endsWith(suffix)) return value.slice(0, -suffix.length);
  }
  return undefined;
}

/** The names a test file may be testing, lower-cased: `invoice.test.ts` → invoice, `InvoiceTests.cs` → invoice. */
function testedNames(parts: PathParts): string[] {
  const { stem, family } = parts;
  const names = new Set<string>([stem]);
  switch (family) {
    case 'js': {
      const segments = stem.split('.');
      while (segments.length > 1 && JS_TEST_MARKERS.has(segments[segments.length - 1].toLowerCase())) segments.pop();
      names.add(segments.join('.'));
      names.add(segments[0]);
      break;
    }
    case 'python':
    case 'ruby':
    case 'rust':
    case 'elixir':
    case 'go': {
      const bare = stem.startsWith('test_') ? stem.slice(5) : stem;
      names.add(bare);
      names.add(stripSuffix(bare, ['_tests', '_test', '_spec']) ?? bare);
      break;
    }
    case 'jvm':
    case 'csharp':
    case 'php':
    case 'swift':
    case 'other': {
      const bare = /^Test[A-Z]/.test(stem) ? stem.slice(4) : stem;
      names.add(bare);
      names.add(stripSuffix(bare, ['IntegrationTests', 'IntegrationTest', 'UnitTests', 'UnitTest', 'TestCase', 'ITCase', 'Tests', 'Test', 'Specs', 'Spec', 'IT']) ?? bare);
      names.add(stripSuffix(bare, ['_test', '_spec', '.test', '.spec']) ?? bare);
      break;
    }
  }
  return [...names].map((n) => n.toLowerCase());
}

/** Names a source file answers to: its stem, and for index-like files the folder it stands for. */
function sourceNames(parts: PathParts): string[] {
  const stem = parts.stem.toLowerCase();
  const names = [stem];
  if (stem === 'index' || stem === 'mod' || stem === '__init__' || stem === 'main' || stem === 'lib') {
    const folder = parts.dir.slice(parts.dir.lastIndexOf('/') + 1).toLowerCase();
    if (folder.length > 0) names.push(folder);
  }
  return names;
}

/** Folder names that say where code or tests live, not what they are about. */
const SOURCE_ROOTS = new Set(['src', 'lib', 'app', 'main', 'java', 'kotlin', 'scala', 'groovy', 'source', 'sources']);
const TEST_ROOTS = new Set([
  'test', 'tests', '__tests__', 'spec', 'specs', 'src', 'lib', 'java', 'kotlin', 'scala', 'groovy', 'unit', 'integration',
  'functional', 'feature', 'e2e', 'androidtest', 'integrationtest',
]);

/** The folders that locate a file's subject, e.g. src/main/java/com/acme/B.java → com/acme. */
function subjectFolders(dir: string, roots: ReadonlySet<string>): string[] {
  if (dir.length === 0) return [];
  const folders: string[] = [];
  for (const raw of dir.split('/')) {
    let folder = raw.toLowerCase();
    if (roots.has(folder)) continue;
    // C# and Swift test projects: MyApp.Tests, MyApp.UnitTests, MyAppTests → myapp.
    const project = stripSuffix(folder, ['.integrationtests', '.unittests', '.tests', '.test', '.specs', 'tests']);
    if (project !== undefined) folder = project;
    folders.push(folder);
  }
  return folders;
}

/** Test and source locations relate when one folder path is a prefix or a suffix of the other. */
function foldersRelate(source: readonly string[], test: readonly string[]): boolean {
  const [shorter, longer] = source.length <= test.length ? [source, test] : [test, source];
  let prefix = true;
  let suffix = true;
  const offset = longer.length - shorter.length;
  for (let i = 0; i < shorter.length && (prefix || suffix); i++) {
    if (shorter[i] !== longer[i]) prefix = false;
    if (shorter[i] !== longer[offset + i]) suffix = false;
  }
  return prefix || suffix;
}

interface TestEntry {
  family: Family;
  folders: string[];
}

/** The changed tests, indexed by the names they may test. */
class TestIndex {
  private readonly byName = new Map<string, TestEntry[]>();
  /** Go: any changed _test.go tests its whole package folder. */
  private readonly goTestDirs = new Set<string>();
  size = 0;

  add(path: string): void {
    const parts = partsOf(path);
    this.size++;
    if (parts.family === 'go' && parts.stem.endsWith('_test')) this.goTestDirs.add(parts.dir);
    const entry: TestEntry = { family: parts.family, folders: subjectFolders(parts.dir, TEST_ROOTS) };
    for (const name of testedNames(parts)) {
      const list = this.byName.get(name);
      if (list === undefined) this.byName.set(name, [entry]);
      else list.push(entry);
    }
  }

  covers(parts: PathParts): boolean {
    if (parts.family === 'go') return this.goTestDirs.has(parts.dir);
    const folders = subjectFolders(parts.dir, SOURCE_ROOTS);
    for (const name of sourceNames(parts)) {
      for (const test of this.byName.get(name) ?? []) {
        if ((test.family === parts.family || test.family === 'other' || parts.family === 'other') && foldersRelate(folders, test.folders)) return true;
      }
    }
    return false;
  }
}

/** Rust unit tests live in the source file itself. */
const RUST_TEST_ATTRIBUTE = /#\[\s*(?:cfg\s*\(\s*test\s*\)|(?:[\w:]+::)?test|rstest|test_case[^\]]*)\s*\]/;

function addsInlineTests(file: ChangedFile, parts: PathParts): boolean {
  if (parts.family !== 'rust') return false;
  for (const hunk of file.hunks) {
    for (const line of hunk.lines) {
      if (line.type === 'add' && line.content.includes('#[') && RUST_TEST_ATTRIBUTE.test(line.content)) return true;
    }
  }
  return false;
}

/** Test file names that would satisfy the rule for a source file, for the message. */
export function expectedTestNames(path: string): string[] {
  const { stem, extension, family, dir } = partsOf(path);
  switch (family) {
    case 'js': {
      const ext = extension === 'vue' || extension === 'svelte' ? 'ts' : extension;
      return [`${stem}.test.${ext}`, `${stem}.spec.${ext}`, `__tests__/${stem}.${ext}`];
    }
    case 'python':
      return [`test_${stem}.py`, `${stem}_test.py`];
    case 'go':
      return [`${stem}_test.go (or any _test.go in ${dir || 'the root folder'})`];
    case 'ruby':
      return [`${stem}_spec.rb`, `${stem}_test.rb`];
    case 'jvm':
      return [`${stem}Test.${extension}`, `${stem}Tests.${extension}`, `${stem}IT.${extension}`];
    case 'rust':
      return [`tests/${stem}.rs`, `a #[test] in ${stem}.rs`];
    case 'csharp':
      return [`${stem}Tests.cs (in a *.Tests project)`];
    case 'php':
      return [`${stem}Test.php`];
    case 'elixir':
      return [`${stem}_test.exs`];
    case 'swift':
      return [`${stem}Tests.swift`];
    default:
      return [`a test named after ${stem}`];
  }
}

function orList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

function firstAddedLine(file: ChangedFile): number | undefined {
  for (const hunk of file.hunks) {
    for (const line of hunk.lines) if (line.type === 'add') return line.newLine;
  }
  return undefined;
}

/** Files whose change needs a test: not deleted, not a pure rename, and adding lines (deleted code needs none). */
function needsTest(file: ChangedFile): boolean {
  return file.status !== 'removed' && !file.binary && file.additions > 0;
}

const LISTED = 5;

export function judgeTests(ctx: RuleContext): RuleOutcome {
  const { change, config } = ctx;
  const settings = config.tests;
  if (settings.level === 'off') {
    return { findings: [], summary: { rule: 'tests', status: 'off', summary: 'The tests rule is off' } };
  }
  const level = settings.level;

  const isTest = matcherFor(settings.test);
  const isSource = matcherFor(settings.source);
  const isExempt = matcherFor(settings.exempt);
  const tests = new TestIndex();
  const sources: { file: ChangedFile; parts: PathParts }[] = [];
  for (const file of change.files) {
    if (isTest(file.path)) {
      if (file.status !== 'removed' && file.additions > 0) tests.add(file.path);
    } else if (needsTest(file) && isSource(file.path) && !isExempt(file.path)) {
      sources.push({ file, parts: partsOf(file.path) });
    }
  }

  if (sources.length === 0) {
    return { findings: [], summary: { rule: 'tests', status: 'pass', summary: 'No source files changed that need tests' } };
  }

  const untested =
    settings.require === 'any' && tests.size > 0
      ? []
      : sources.filter(({ file, parts }) => settings.require === 'any' || !(tests.covers(parts) || addsInlineTests(file, parts)));

  if (untested.length === 0) {
    const summary =
      settings.require === 'any'
        ? `${plural(sources.length, 'source file')} changed, with ${plural(tests.size, 'test file')} changed (require: any)`
        : `${plural(sources.length, 'source file')} changed, each with a changed test`;
    return { findings: [], summary: { rule: 'tests', status: 'pass', summary, judged: sources.length } };
  }

  const findings: Finding[] = untested.map(({ file }) => {
    const line = firstAddedLine(file) ?? 1;
    const expected = settings.require === 'any' ? 'any test' : orList(expectedTestNames(file.path));
    return {
      rule: 'tests',
      level,
      title: 'Source changed without tests',
      message: `${file.path} changed, but no changed test covers it. Add or update ${expected}.`,
      path: file.path,
      startLine: line,
      endLine: line,
    };
  });

  const names = untested.slice(0, LISTED).map((u) => u.file.path);
  const more = untested.length > LISTED ? ` and ${formatCount(untested.length - LISTED)} more` : '';
  const label = config.overrides.tests;
  const status: RuleStatus = level;
  return {
    findings,
    summary: {
      rule: 'tests',
      status,
      summary: `${formatRatio(untested.length, sources.length)} without a changed test: ${names.join(', ')}${more}`,
      advice:
        settings.require === 'any'
          ? `Add or update a test for this change${label ? `, or add the label "${label}" when it needs none` : ''}.`
          : `Add or update the test of each file named${label ? `, or add the label "${label}" when the change needs none` : ''}.`,
      headline: `${plural(untested.length, 'file')} without tests`,
      judged: sources.length,
    },
  };
}

function formatRatio(missing: number, total: number): string {
  return missing === total ? `${plural(total, 'changed source file')}` : `${missing} of ${plural(total, 'changed source file')}`;
}

export const testsRule: Rule = {
  name: 'tests',
  needs: (config, labels) => (isActive(config, 'tests', labels) ? { files: true } : {}),
  judge: judgeTests,
};
