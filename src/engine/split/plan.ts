/**
 * The split plan: a change too big to review at once, cut into parts that each build on the ones before,
 * in the order they can land. Files are grouped by package or folder (the nearest changed manifest, a
 * monorepo package folder, else the top-level folder); schema and migrations form a part of their own;
 * tests travel with the code they test; files not counted for size (lockfiles, generated files) travel with
 * the part nearest to them. A part that imports what another part changes goes after it; parts that import
 * each other cannot land apart and become one. Among parts free to go, schema goes first, then the ones
 * most others need, then the largest.
 */
import type { Change, ChangedFile } from '../change.js';
import type { MonoenvConfig } from '../../config/schema.js';
import type { ExcludedFile, SizePart } from '../report.js';
import { isTestPath } from '../rules/tests.js';
import { migrationPathKind } from '../rules/migrations/paths.js';
import { foldersRelate, partsOf, sourceNames, subjectFolders, testedNames, SOURCE_ROOTS, TEST_ROOTS } from '../rules/test-mapping.js';
import { ChangedPathIndex, importedPaths, indexWorkspaces } from './imports.js';

/** Manifests that make a folder a package of its own. */
const MANIFEST_NAMES = new Set([
  'package.json',
  'deno.json',
  'go.mod',
  'Cargo.toml',
  'pyproject.toml',
  'setup.py',
  'setup.cfg',
  'Gemfile',
  'pom.xml',
  'build.gradle',
  'build.gradle.kts',
  'composer.json',
  'mix.exs',
  'pubspec.yaml',
  'Package.swift',
  'project.clj',
  'build.sbt',
  'CMakeLists.txt',
  'BUILD',
  'BUILD.bazel',
]);
const MANIFEST_SUFFIXES = ['.csproj', '.fsproj', '.gemspec', '.cabal'];
/** Top-level folders whose children are packages in a monorepo. */
const MONOREPO_CONTAINERS = new Set([
  'packages',
  'apps',
  'services',
  'libs',
  'modules',
  'crates',
  'plugins',
  'projects',
  'cmd',
  'internal',
]);
/** Top-level source folders of a single-package repository: their sub-folders are reviewed apart (`src/billing`, `src/checkout`). */
const SOURCE_FOLDERS = new Set(['src', 'lib', 'app', 'pkg', 'source']);
/** Files that define a database schema outside the migrations folders. */
const SCHEMA_FILES = new Set(['schema.rb', 'structure.sql', 'schema.sql', 'schema.prisma']);

export const ROOT_PART = '(root)';
export const SCHEMA_PART = 'schema';

const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);
const dirName = (path: string): string => path.slice(0, Math.max(0, path.lastIndexOf('/')));
const linesOf = (file: ChangedFile): number => file.additions + file.deletions;

export function isManifest(path: string): boolean {
  const name = baseName(path);
  return MANIFEST_NAMES.has(name) || MANIFEST_SUFFIXES.some((suffix) => name.endsWith(suffix));
}

function isSchemaFile(path: string, config: MonoenvConfig): boolean {
  return migrationPathKind(path, config) !== undefined || SCHEMA_FILES.has(baseName(path)) || path.endsWith('.prisma');
}

/** The folders (other than the root) that hold a changed package manifest. */
function manifestFolders(paths: readonly string[]): Set<string> {
  const folders = new Set<string>();
  for (const path of paths) if (path.includes('/') && isManifest(path)) folders.add(dirName(path));
  return folders;
}

/**
 * The package or folder a file belongs to: the nearest changed manifest's folder, else a monorepo package folder
 * or a source folder's sub-folder (`packages/x`, `src/x`), else the top-level folder.
 */
export function partOf(path: string, packageDirs: ReadonlySet<string>): string {
  if (packageDirs.size > 0) {
    for (let slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1)) {
      const dir = path.slice(0, slash);
      if (packageDirs.has(dir)) return dir;
    }
  }
  const first = path.indexOf('/');
  if (first === -1) return ROOT_PART;
  const top = path.slice(0, first);
  if (MONOREPO_CONTAINERS.has(top) || SOURCE_FOLDERS.has(top)) {
    const second = path.indexOf('/', first + 1);
    if (second !== -1) return path.slice(0, second);
  }
  return top;
}

/** The changed source files, by the names a test may call them (`cart.test.ts` tests `cart.ts`). */
class SubjectIndex {
  private readonly byName = new Map<string, string[]>();

  constructor(paths: readonly string[]) {
    for (const path of paths) {
      for (const name of sourceNames(partsOf(path))) {
        const known = this.byName.get(name);
        if (known === undefined) this.byName.set(name, [path]);
        else known.push(path);
      }
    }
  }

  /** The changed source file a test tests, by the conventions of its ecosystem; undefined when none. */
  subjectOf(test: string): string | undefined {
    const parts = partsOf(test);
    if (parts.family === 'go' && parts.stem.endsWith('_test')) {
      return [...this.byName.values()].flat().find((p) => p.endsWith('.go') && dirName(p) === parts.dir);
    }
    const testFolders = subjectFolders(parts.dir, TEST_ROOTS);
    for (const name of testedNames(parts)) {
      for (const path of this.byName.get(name) ?? []) {
        const source = partsOf(path);
        const sameFamily = source.family === parts.family || source.family === 'other' || parts.family === 'other';
        if (sameFamily && foldersRelate(subjectFolders(source.dir, SOURCE_ROOTS), testFolders)) return path;
      }
    }
    return undefined;
  }
}

interface Draft {
  name: string;
  files: ChangedFile[];
  schema: boolean;
}

/** The parts of a change in the order they can land (see the module comment); [] when nothing is counted. */
export function planSplit(change: Change, config: MonoenvConfig, excluded: readonly ExcludedFile[]): SizePart[] {
  const reasons = new Map(excluded.map((e) => [e.path, e.reason]));
  const counted = change.files.filter((f) => !reasons.has(f.path));
  if (counted.length === 0) return [];
  const allPaths = change.files.map((f) => f.path);
  const packageDirs = manifestFolders(allPaths);
  const index = new ChangedPathIndex(allPaths);
  indexWorkspaces(index, change.files);
  const imports = new Map(counted.map((f) => [f.path, importedPaths(f, index)]));

  const drafts = new Map<string, Draft>();
  const partByPath = new Map<string, string>();
  const put = (file: ChangedFile, name: string, schema = false): void => {
    let draft = drafts.get(name);
    if (draft === undefined) {
      draft = { name, files: [], schema };
      drafts.set(name, draft);
    }
    draft.files.push(file);
    partByPath.set(file.path, name);
  };

  const tests: ChangedFile[] = [];
  for (const file of counted) {
    if (isSchemaFile(file.path, config)) put(file, SCHEMA_PART, true);
    else if (isTestPath(file.path, config)) tests.push(file);
    else put(file, partOf(file.path, packageDirs));
  }
  const subjects = new SubjectIndex(
    counted.filter((f) => partByPath.has(f.path) && !drafts.get(partByPath.get(f.path)!)!.schema).map((f) => f.path),
  );
  for (const test of tests) {
    // A test goes where its subject goes: named after it, else the part it imports most from.
    const subject = subjects.subjectOf(test.path);
    const part = subject !== undefined ? partByPath.get(subject) : mostImportedPart(imports.get(test.path)!, partByPath);
    put(test, part ?? partOf(test.path, packageDirs));
  }

  const needs = dependencies(drafts, imports, partByPath);
  const merged = mergeCycles(drafts, needs);
  const ordered = landingOrder(merged.parts, merged.needs);
  const parts: SizePart[] = ordered.map((draft) => ({
    name: draft.name,
    lines: draft.files.reduce((n, f) => n + linesOf(f), 0),
    files: draft.files.map((f) => f.path),
    needs: ordered.filter((other) => merged.needs.get(draft.name)!.has(other.name)).map((other) => other.name),
  }));
  const carriers = new Carriers(parts);
  for (const file of change.files) {
    const reason = reasons.get(file.path);
    if (reason === undefined) continue;
    const part = carriers.of(file.path, reason);
    (part.carried ??= []).push(file.path);
  }
  return parts;
}

function mostImportedPart(imported: ReadonlySet<string>, partByPath: ReadonlyMap<string, string>): string | undefined {
  const counts = new Map<string, number>();
  for (const path of imported) {
    const part = partByPath.get(path);
    if (part !== undefined) counts.set(part, (counts.get(part) ?? 0) + 1);
  }
  let best: string | undefined;
  for (const [part, count] of counts) if (best === undefined || count > counts.get(best)!) best = part;
  return best;
}

/** Part → the parts it needs: the ones it imports from, and the one holding a changed manifest of a folder it sits in. */
function dependencies(
  drafts: ReadonlyMap<string, Draft>,
  imports: ReadonlyMap<string, ReadonlySet<string>>,
  partByPath: ReadonlyMap<string, string>,
): Map<string, Set<string>> {
  const needs = new Map([...drafts.keys()].map((name) => [name, new Set<string>()]));
  for (const [path, targets] of imports) {
    const own = partByPath.get(path)!;
    for (const target of targets) {
      const other = partByPath.get(target);
      if (other !== undefined && other !== own) needs.get(own)!.add(other);
    }
  }
  for (const holder of drafts.values()) {
    for (const manifest of holder.files.filter((f) => isManifest(f.path) && f.status !== 'removed')) {
      const dir = dirName(manifest.path);
      for (const draft of drafts.values()) {
        if (draft === holder) continue;
        if (draft.files.some((f) => dir === '' || f.path.startsWith(`${dir}/`))) needs.get(draft.name)!.add(holder.name);
      }
    }
  }
  return needs;
}

/** Parts that need each other (directly or round a cycle) cannot land apart: each such group becomes one part. */
function mergeCycles(
  drafts: ReadonlyMap<string, Draft>,
  needs: ReadonlyMap<string, ReadonlySet<string>>,
): { parts: Draft[]; needs: Map<string, Set<string>> } {
  const groups = stronglyConnected([...drafts.keys()].sort(), needs);
  const groupOf = new Map<string, string>();
  const parts: Draft[] = [];
  for (const group of groups) {
    const members = group.map((name) => drafts.get(name)!).sort((a, b) => sizeOf(b) - sizeOf(a) || (a.name < b.name ? -1 : 1));
    const name = members.map((m) => m.name).join(' + ');
    for (const member of members) groupOf.set(member.name, name);
    parts.push({ name, files: members.flatMap((m) => m.files), schema: members.some((m) => m.schema) });
  }
  const mergedNeeds = new Map(parts.map((p) => [p.name, new Set<string>()]));
  for (const [name, targets] of needs) {
    const own = groupOf.get(name)!;
    for (const target of targets) if (groupOf.get(target) !== own) mergedNeeds.get(own)!.add(groupOf.get(target)!);
  }
  return { parts, needs: mergedNeeds };
}

const sizeOf = (draft: Draft): number => draft.files.reduce((n, f) => n + linesOf(f), 0);

/** Tarjan's strongly connected components, iteratively (a change can have thousands of folders). */
function stronglyConnected(nodes: readonly string[], edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const groups: string[][] = [];
  let counter = 0;
  for (const root of nodes) {
    if (indexOf.has(root)) continue;
    const work: { node: string; next: string[] }[] = [];
    const enter = (node: string): void => {
      indexOf.set(node, counter);
      low.set(node, counter++);
      stack.push(node);
      onStack.add(node);
      work.push({ node, next: [...(edges.get(node) ?? [])].sort() });
    };
    enter(root);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const child = frame.next.shift();
      if (child !== undefined) {
        if (!indexOf.has(child)) enter(child);
        else if (onStack.has(child)) low.set(frame.node, Math.min(low.get(frame.node)!, indexOf.get(child)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.node)!));
      }
      if (low.get(frame.node) === indexOf.get(frame.node)) {
        const group: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          group.push(member);
        } while (member !== frame.node);
        groups.push(group);
      }
    }
  }
  return groups;
}

/** Every part after the parts it needs; among the parts free to go: schema, then the most needed, then the largest. */
function landingOrder(parts: readonly Draft[], needs: ReadonlyMap<string, ReadonlySet<string>>): Draft[] {
  const neededBy = new Map(parts.map((p) => [p.name, new Set<string>()]));
  const visit = (name: string, from: string, seen: Set<string>): void => {
    for (const target of needs.get(name) ?? []) {
      if (seen.has(target)) continue;
      seen.add(target);
      neededBy.get(target)!.add(from);
      visit(target, from, seen);
    }
  };
  for (const part of parts) visit(part.name, part.name, new Set());
  const rank = (a: Draft, b: Draft): number =>
    Number(b.schema) - Number(a.schema) ||
    neededBy.get(b.name)!.size - neededBy.get(a.name)!.size ||
    sizeOf(b) - sizeOf(a) ||
    b.files.length - a.files.length ||
    (a.name < b.name ? -1 : 1);
  const placed = new Set<string>();
  const order: Draft[] = [];
  const waiting = [...parts];
  while (waiting.length > 0) {
    const ready = waiting.filter((p) => [...needs.get(p.name)!].every((n) => placed.has(n))).sort(rank);
    // Cycles were merged, so something is always ready.
    const next = ready[0] ?? waiting.sort(rank)[0];
    order.push(next);
    placed.add(next.name);
    waiting.splice(waiting.indexOf(next), 1);
  }
  return order;
}

/**
 * The part a file that is not counted travels with: a lockfile with the part changing its manifest; else the
 * part sharing the most folders with it; else a lockfile goes first (what the others install) and generated
 * or vendored files last (built from everything before them).
 */
class Carriers {
  /** The first part changing a manifest in each folder. */
  private readonly manifestPart = new Map<string, SizePart>();
  /** Each part's folders, split, each folder once and first seen first (a later equal one can never share more). */
  private readonly folders: { part: SizePart; folders: string[] }[] = [];

  constructor(private readonly parts: readonly SizePart[]) {
    const seen = new Set<string>();
    for (const part of parts) {
      for (const file of part.files) {
        const dir = dirName(file);
        if (isManifest(file) && !this.manifestPart.has(dir)) this.manifestPart.set(dir, part);
        if (seen.has(dir)) continue;
        seen.add(dir);
        this.folders.push({ part, folders: dir.split('/') });
      }
    }
  }

  of(path: string, reason: string): SizePart {
    const dir = dirName(path);
    if (reason === 'lockfile') {
      const holder = this.manifestPart.get(dir);
      if (holder !== undefined) return holder;
    }
    const folders = dir === '' ? [] : dir.split('/');
    let best: SizePart | undefined;
    let bestShared = 0;
    for (const { part, folders: other } of this.folders) {
      let shared = 0;
      while (shared < folders.length && shared < other.length && folders[shared] === other[shared]) shared++;
      if (shared > bestShared) {
        best = part;
        bestShared = shared;
      }
    }
    if (best !== undefined) return best;
    return reason === 'lockfile' ? this.parts[0] : this.parts[this.parts.length - 1];
  }
}
