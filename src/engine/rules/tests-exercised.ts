/**
 * A changed test that exercises the file although it is named otherwise: its added lines import the file's
 * module, or use the name the file stands for (`DeltaCache` for `delta-cache.ts`, `OrderStockCheck` for
 * `order_stock_check.rb`) or a function or class whose body the edit changes (read from the hunks' headers
 * and the file's added definitions). Names a reviewer would not take as proof (short or generic ones like
 * `index`, `utils`, `create`) do not count.
 */
import type { ChangedFile } from '../change.js';
import { partsOf } from './test-mapping.js';

/** Names too common to say which file a test exercises. */
const GENERIC = new Set([
  'index',
  'main',
  'utils',
  'util',
  'helpers',
  'helper',
  'models',
  'model',
  'views',
  'view',
  'types',
  'constants',
  'config',
  'settings',
  'common',
  'base',
  'application',
  'service',
  'services',
  'controller',
  'handler',
  'handlers',
  'client',
  'server',
  'create',
  'update',
  'delete',
  'execute',
  'render',
  'handle',
  'initialize',
  'constructor',
  'default',
  'module',
  'package',
  'schema',
  'options',
  'params',
  'validate',
  'process',
  'manager',
  'managers',
]);

/** `delta-cache` → `deltacache`, `OrderStockCheck` → `orderstockcheck`: names compared without case or separators. */
const fold = (name: string): string => name.replace(/[-_.]/g, '').toLowerCase();

/** A name long and specific enough to say which code a test calls. */
const telling = (name: string, min: number): boolean => fold(name).length >= min && !GENERIC.has(fold(name));

/** Functions and methods a line defines: `def self.earliest_closing_times`, `func (q *Query) evaluate(`, `function total(`. */
const DEFINITION = /\b(?:def|function|func|fn)\s+(?:self\.|\([^)]*\)\s*)?([A-Za-z_$][\w$]*[?!]?)/g;

/** Functions whose body the edit changes or which it adds: the hunks' headers and the added definitions. */
function changedFunctions(file: ChangedFile): Set<string> {
  const names = new Set<string>();
  const add = (text: string) => {
    for (const m of text.slice(0, 2000).matchAll(DEFINITION)) if (telling(m[1], 6)) names.add(m[1]);
  };
  for (const hunk of file.hunks) {
    add(hunk.section);
    for (const line of hunk.lines) if (line.type === 'add') add(line.content);
  }
  return names;
}

/** `delta-cache` → `DeltaCache`, `order_stock_check` → `OrderStockCheck`. */
const pascal = (stem: string): string =>
  stem
    .split(/[-_.]/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');

/** The folders before the first source or test root: `engines/billing` for `engines/billing/app/models/x.rb`, '' for `app/…`. */
function projectOf(path: string, roots: ReadonlySet<string>): string {
  const folders = path.split('/').slice(0, -1);
  const at = folders.findIndex((f) => roots.has(f.toLowerCase()));
  return (at === -1 ? folders : folders.slice(0, at)).join('/');
}

const JS_IMPORT = /(?:\bfrom\s+|\brequire\(\s*|\bimport\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/g;
const PY_FROM = /^\s*from\s+([\w.]+)\s+import\s+\(?([\w\s,]+)/;
const PY_IMPORT = /^\s*import\s+([\w.]+)/;
const withoutExtension = (path: string): string => path.replace(/\.(?:[cm]?[jt]sx?|py|rb)$/, '').replace(/\/index$/, '');

function resolve(dir: string, relative: string): string {
  const parts = dir === '' ? [] : dir.split('/');
  for (const segment of relative.split('/')) {
    if (segment === '..') parts.pop();
    else if (segment !== '.') parts.push(segment);
  }
  return parts.join('/');
}

/** Module paths a test line imports, without extensions: `./delta-cache.js` → `…/delta/delta-cache`. */
function importedModules(testPath: string, line: string): string[] {
  const dir = testPath.slice(0, Math.max(0, testPath.lastIndexOf('/')));
  const found: string[] = [];
  for (const m of line.matchAll(JS_IMPORT)) found.push(withoutExtension(resolve(dir, m[1])));
  const from = PY_FROM.exec(line);
  if (from) {
    const base = from[1].replace(/\./g, '/');
    found.push(base);
    for (const name of from[2].split(',')) if (name.trim()) found.push(`${base}/${name.trim()}`);
  } else {
    const plain = PY_IMPORT.exec(line);
    if (plain) found.push(plain[1].replace(/\./g, '/'));
  }
  return found;
}

export interface ExercisingTest {
  test: string;
  how: string;
}

/** What a changed test's added lines name, each at the first line (counted over its added lines) naming it. */
interface TestReading {
  /** Modules imported, without extensions. */
  imports: Map<string, number>;
  /** Words a class stands in as a test's subject or built object: `describe X`, `new X`, `<X`, `X.new`. */
  subjects: Map<string, number>;
  /** Names called (`name(`) or reached through a dot (`.name`). */
  calls: Map<string, number>;
  /** Per line with calls, the names in the order they stand. */
  callsAt: Map<number, string[]>;
}

const SUBJECT_WORDS = [/\bdescribe\(?\s*(\w+)/g, /\bnew\s+(\w+)/g, /<(\w+)/g, /\b(\w+)(?:\.|::)new\b/g];
const CALLS = /(\.)?\b([A-Za-z_$][\w$]*[?!]?)(\s*\()?/g;

/** Each test is read once per change, however many files ask whether it exercises them. */
const readings = new WeakMap<ChangedFile, TestReading>();

function readTest(test: ChangedFile): TestReading {
  let reading = readings.get(test);
  if (reading !== undefined) return reading;
  reading = { imports: new Map(), subjects: new Map(), calls: new Map(), callsAt: new Map() };
  const first = (map: Map<string, number>, key: string, at: number) => {
    if (!map.has(key)) map.set(key, at);
  };
  let at = 0;
  for (const hunk of test.hunks) {
    for (const line of hunk.lines) {
      if (line.type !== 'add' || line.content.length > 2000) continue;
      for (const imported of importedModules(test.path, line.content)) first(reading.imports, imported, at);
      for (const words of SUBJECT_WORDS) for (const m of line.content.matchAll(words)) first(reading.subjects, m[1], at);
      const called: string[] = [];
      for (const m of line.content.matchAll(CALLS)) {
        if (m[1] === undefined && m[3] === undefined) continue;
        called.push(m[2]);
        first(reading.calls, m[2], at);
      }
      if (called.length > 0) reading.callsAt.set(at, called);
      at++;
    }
  }
  readings.set(test, reading);
  return reading;
}

/**
 * The changed test whose added lines import the file, use the class it stands for, or call a function its
 * edit changes: the first test that does, at its first line that does (an import before the class, the class
 * before a call, on one line). The class and the calls count only in a test of the file's own project.
 */
export function exercisingTest(
  file: ChangedFile,
  tests: readonly ChangedFile[],
  roots: { source: ReadonlySet<string>; test: ReadonlySet<string> },
): ExercisingTest | undefined {
  const module = withoutExtension(file.path);
  // The module itself, and its tails from a folder on that still name a folder (`delta/delta-cache`): an
  // import resolved from elsewhere names the file by such a tail.
  const names = [module];
  for (let slash = module.indexOf('/'); slash !== -1; slash = module.indexOf('/', slash + 1)) {
    const tail = module.slice(slash + 1);
    if (tail.includes('/')) names.push(tail);
  }
  const stem = partsOf(file.path).stem;
  // The class a file stands for, as the test's subject or built by it (`describe OrderStockCheck`,
  // `new DeltaCache(`, `DeltaCache.new`, `<DeltaCache`): a mere mention (`Adjustment.where`) or a variable of
  // the same words (`order_cycle`) is what tests of every neighbour hold.
  const subject = telling(stem, 8) ? pascal(stem) : undefined;
  let functions: Set<string> | undefined;
  const project = projectOf(file.path, roots.source);
  for (const test of tests) {
    const reading = readTest(test);
    let best: { at: number; found: ExercisingTest } | undefined;
    const consider = (at: number | undefined, found: () => ExercisingTest) => {
      if (at !== undefined && (best === undefined || at < best.at)) best = { at, found: found() };
    };
    for (const name of names) consider(reading.imports.get(name), () => ({ test: test.path, how: 'imports it' }));
    if (projectOf(test.path, roots.test) === project) {
      if (subject !== undefined) {
        consider(reading.subjects.get(subject), () => ({ test: test.path, how: `tests \`${subject}\`, the class it stands for` }));
      }
      functions ??= changedFunctions(file);
      let callAt: number | undefined;
      for (const fn of functions) {
        const at = reading.calls.get(fn);
        if (at !== undefined && (callAt === undefined || at < callAt)) callAt = at;
      }
      if (callAt !== undefined) {
        const name = reading.callsAt.get(callAt)!.find((n) => functions!.has(n))!;
        consider(callAt, () => ({ test: test.path, how: `calls \`${name}\`, which its edit changes` }));
      }
    }
    if (best !== undefined) return best.found;
  }
  return undefined;
}
