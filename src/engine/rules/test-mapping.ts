/**
 * Which changed test maps to which source file, by the conventions of each ecosystem: `invoice.test.ts`,
 * `test_invoice.py`, `invoice_spec.rb`, `InvoiceTest.java`, any `_test.go` of a Go package; and the test
 * names a finding suggests.
 */

export type Family = 'js' | 'python' | 'go' | 'ruby' | 'jvm' | 'rust' | 'csharp' | 'php' | 'elixir' | 'swift' | 'other';

const FAMILY_BY_EXTENSION: Record<string, Family> = {
  js: 'js',
  jsx: 'js',
  mjs: 'js',
  cjs: 'js',
  ts: 'js',
  tsx: 'js',
  mts: 'js',
  cts: 'js',
  vue: 'js',
  svelte: 'js',
  py: 'python',
  pyi: 'python',
  go: 'go',
  rb: 'ruby',
  java: 'jvm',
  kt: 'jvm',
  kts: 'jvm',
  scala: 'jvm',
  groovy: 'jvm',
  rs: 'rust',
  cs: 'csharp',
  php: 'php',
  ex: 'elixir',
  exs: 'elixir',
  swift: 'swift',
};

export interface PathParts {
  dir: string;
  name: string;
  stem: string;
  extension: string;
  family: Family;
}

export function partsOf(path: string): PathParts {
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
export function testedNames(parts: PathParts): string[] {
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
      names.add(
        stripSuffix(bare, [
          'IntegrationTests',
          'IntegrationTest',
          'UnitTests',
          'UnitTest',
          'TestCase',
          'ITCase',
          'Tests',
          'Test',
          'Specs',
          'Spec',
          'IT',
        ]) ?? bare,
      );
      names.add(stripSuffix(bare, ['_test', '_spec', '.test', '.spec']) ?? bare);
      break;
    }
  }
  return [...names].map((n) => n.toLowerCase());
}

/** Names a source file answers to: its stem, and for index-like files the folder it stands for. */
export function sourceNames(parts: PathParts): string[] {
  const stem = parts.stem.toLowerCase();
  const names = [stem];
  if (stem === 'index' || stem === 'mod' || stem === '__init__' || stem === 'main' || stem === 'lib') {
    const folder = parts.dir.slice(parts.dir.lastIndexOf('/') + 1).toLowerCase();
    if (folder.length > 0) names.push(folder);
  }
  return names;
}

/** Folder names that say where code or tests live, not what they are about. */
export const SOURCE_ROOTS = new Set(['src', 'lib', 'app', 'main', 'java', 'kotlin', 'scala', 'groovy', 'source', 'sources']);
export const TEST_ROOTS = new Set([
  'test',
  'tests',
  '__tests__',
  'spec',
  'specs',
  'src',
  'lib',
  'java',
  'kotlin',
  'scala',
  'groovy',
  'unit',
  'integration',
  'functional',
  'feature',
  'e2e',
  'androidtest',
  'integrationtest',
]);

/** A source set's folder: `commonMain`, `jvmTest`, `androidUnitTest`, `debug`, `testFixtures`. */
const SOURCE_SET = /^(?:[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)*(?:Main|Test)|test[A-Z][A-Za-z0-9]*|debug|release)$/;

/** The folders that locate a file's subject, e.g. src/main/java/com/acme/B.java → com/acme. */
export function subjectFolders(dir: string, roots: ReadonlySet<string>): string[] {
  if (dir.length === 0) return [];
  const folders: string[] = [];
  let previous = '';
  for (const raw of dir.split('/')) {
    let folder = raw.toLowerCase();
    const parent = previous;
    previous = folder;
    if (roots.has(folder)) continue;
    // Gradle, Android and Kotlin Multiplatform source sets under `src/`: commonMain ↔ commonTest, main ↔ androidUnitTest, testDebug.
    if (parent === 'src' && SOURCE_SET.test(raw)) continue;
    // C# and Swift test projects: MyApp.Tests, MyApp.UnitTests, MyAppTests → myapp.
    const project = stripSuffix(folder, [
      '.integrationtests',
      '.integrationtest',
      '.unittests',
      '.unittest',
      '.tests',
      '.test',
      '.specs',
      'tests',
    ]);
    if (project !== undefined) folder = project;
    folders.push(folder);
  }
  return folders;
}

/** Test and source locations relate when one folder path is a prefix or a suffix of the other. */
export function foldersRelate(source: readonly string[], test: readonly string[]): boolean {
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
  path: string;
  family: Family;
  folders: string[];
}

/** The changed tests, indexed by the names they may test. */
export class TestIndex {
  private readonly byName = new Map<string, TestEntry[]>();
  /** Go: any changed _test.go tests its whole package folder (the first one found names it). */
  private readonly goTestDirs = new Map<string, string>();
  /** Django: an app's `tests.py` tests the app's modules, in its folder and below. */
  private readonly appTestDirs = new Map<string, string>();
  size = 0;

  add(path: string): void {
    const parts = partsOf(path);
    this.size++;
    if (parts.family === 'go' && parts.stem.endsWith('_test') && !this.goTestDirs.has(parts.dir)) this.goTestDirs.set(parts.dir, path);
    if (parts.family === 'python' && parts.stem === 'tests' && parts.dir !== '' && !this.appTestDirs.has(parts.dir))
      this.appTestDirs.set(parts.dir, path);
    const entry: TestEntry = { path, family: parts.family, folders: subjectFolders(parts.dir, TEST_ROOTS) };
    for (const name of testedNames(parts)) {
      const list = this.byName.get(name);
      if (list === undefined) this.byName.set(name, [entry]);
      else list.push(entry);
    }
  }

  covers(parts: PathParts): boolean {
    return this.testOf(parts) !== undefined;
  }

  /** The changed test that maps to a source file, if any. */
  testOf(parts: PathParts): string | undefined {
    if (parts.family === 'go') return this.goTestDirs.get(parts.dir);
    if (parts.family === 'python') {
      for (const [dir, test] of this.appTestDirs) if (parts.dir === dir || parts.dir.startsWith(`${dir}/`)) return test;
    }
    const folders = subjectFolders(parts.dir, SOURCE_ROOTS);
    const found = this.named(sourceNames(parts), parts.family, folders);
    if (found !== undefined || parts.family !== 'ruby' || !parts.stem.endsWith('_controller')) return found;
    // Rails: a controller is tested by the request spec of its resource, `spec/requests/admin/orders_spec.rb`
    // for `app/controllers/admin/orders_controller.rb` (request specs replaced controller specs in RSpec 3.5).
    const resource = parts.stem.slice(0, -'_controller'.length).toLowerCase();
    const at = folders.indexOf('controllers');
    if (at === -1 || resource.length === 0) return undefined;
    return this.named([resource], 'ruby', [...folders.slice(0, at), 'requests', ...folders.slice(at + 1)]);
  }

  private named(names: readonly string[], family: Family, folders: readonly string[]): string | undefined {
    for (const name of names) {
      for (const test of this.byName.get(name) ?? []) {
        if ((test.family === family || test.family === 'other' || family === 'other') && foldersRelate(folders, test.folders))
          return test.path;
      }
    }
    return undefined;
  }
}

export function expectedTestNames(path: string): string[] {
  const { stem, extension, family, dir } = partsOf(path);
  switch (family) {
    case 'js': {
      const ext = extension === 'vue' || extension === 'svelte' ? 'ts' : extension;
      return [`${stem}.test.${ext}`, `${stem}.spec.${ext}`, `__tests__/${stem}.${ext}`];
    }
    case 'python':
      return [`test_${stem}.py`, `${stem}_test.py`, `the app's tests.py`];
    case 'go':
      return [`${stem}_test.go (or any _test.go in ${dir || 'the root folder'})`];
    case 'ruby':
      return stem.endsWith('_controller')
        ? [`${stem}_spec.rb`, `${stem}_test.rb`, `the request spec ${stem.slice(0, -'_controller'.length)}_spec.rb`]
        : [`${stem}_spec.rb`, `${stem}_test.rb`];
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
