/**
 * What kind of change this is, read from the PR title's conventional-commit type, its labels and the
 * diff's shape. Fixes, refactors, chores, dependency bumps and reverts are not new behaviour; the risky
 * rule softens its findings for them (risky.applies_to). An explicit feature signal (a `feat:` title, a
 * `feature`/`enhancement` label) always wins, so a feature cannot hide behind one softer signal.
 */
import type { Change } from './change.js';
import type { ChangeKind } from './report.js';

const TITLE_TYPES: Record<string, ChangeKind> = {
  feat: 'feature',
  feature: 'feature',
  perf: 'feature', // performance work changes behaviour (timing, caching, queries) and deserves a flag
  fix: 'fix',
  bugfix: 'fix',
  hotfix: 'fix',
  refactor: 'refactor',
  chore: 'chore',
  ci: 'chore',
  build: 'chore',
  style: 'chore',
  deps: 'deps',
  revert: 'revert',
  docs: 'docs',
  doc: 'docs',
  test: 'test',
  tests: 'test',
};

const LABEL_KINDS: Record<string, ChangeKind> = {
  feature: 'feature',
  enhancement: 'feature',
  'type: feature': 'feature',
  'kind/feature': 'feature',
  bug: 'fix',
  bugfix: 'fix',
  fix: 'fix',
  hotfix: 'fix',
  'type: bug': 'fix',
  'kind/bug': 'fix',
  regression: 'fix',
  refactor: 'refactor',
  refactoring: 'refactor',
  'kind/cleanup': 'refactor',
  chore: 'chore',
  maintenance: 'chore',
  dependencies: 'deps',
  deps: 'deps',
  revert: 'revert',
  documentation: 'docs',
  docs: 'docs',
  test: 'test',
  tests: 'test',
};

const CONVENTIONAL = /^\s*(\w+)(?:\(([^)]*)\))?(!)?:\s*\S/;
const REVERT_TITLE = /^\s*Revert\s+"/;
const BOT_DEPS_TITLE = /^\s*(?:(?:\[[^\]]*\]\s*)?Bump\s+\S+\s+from\s+\S+\s+to\s+\S+|Update\s+(?:dependency|module|gem|package)\s+\S+|Update\s+\S+\s+to\s+v?\d|Lock file maintenance)/i;

/** Dependency manifests and lockfiles: a change of only these is a dependency bump. */
const DEPENDENCY_FILES = new Set([
  'package.json', 'package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lock', 'bun.lockb',
  'deno.lock', 'Gemfile', 'Gemfile.lock', 'Cargo.toml', 'Cargo.lock', 'composer.json', 'composer.lock', 'pyproject.toml',
  'poetry.lock', 'Pipfile', 'Pipfile.lock', 'pdm.lock', 'uv.lock', 'go.mod', 'go.sum', 'mix.exs', 'mix.lock',
  'pubspec.yaml', 'pubspec.lock', 'Podfile', 'Podfile.lock', 'Package.swift', 'Package.resolved', 'packages.lock.json',
  'gradle.lockfile', 'flake.lock', '.terraform.lock.hcl', 'build.gradle', 'build.gradle.kts', 'pom.xml',
  'requirements.txt', 'constraints.txt',
]);

const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);
const shortTitle = (title: string): string => (title.length > 60 ? `${title.slice(0, 57).trimEnd()}…` : title.trim());

/** Reads what kind of change this is from its title, labels and shape; `source` says where from. */
export function readKind(change: Change): { kind: ChangeKind; source: string } {
  const title = change.title ?? '';
  const labels = change.labels.map((label) => label.toLowerCase().trim());

  const featureLabel = labels.find((label) => LABEL_KINDS[label] === 'feature');
  const conventional = CONVENTIONAL.exec(title);
  let fromTitle: ChangeKind | undefined;
  if (conventional) {
    const type = conventional[1].toLowerCase();
    const scope = (conventional[2] ?? '').toLowerCase();
    fromTitle = TITLE_TYPES[type];
    // Breaking changes are new behaviour whatever their type; `build(deps):`, `chore(deps):`, `fix(deps):`
    // are Dependabot's and Renovate's dependency bumps.
    if (conventional[3] === '!') fromTitle = 'feature';
    else if (fromTitle !== undefined && fromTitle !== 'feature' && /^deps(?:-dev)?$/.test(scope)) fromTitle = 'deps';
  } else if (REVERT_TITLE.test(title)) fromTitle = 'revert';
  else if (BOT_DEPS_TITLE.test(title)) fromTitle = 'deps';

  const titleSource = `the title \`${shortTitle(title)}\``;
  if (fromTitle === 'feature') return { kind: 'feature', source: titleSource };
  if (featureLabel) return { kind: 'feature', source: `the label \`${featureLabel}\`` };
  if (fromTitle) return { kind: fromTitle, source: titleSource };
  const label = labels.find((l) => LABEL_KINDS[l] !== undefined);
  if (label) return { kind: LABEL_KINDS[label], source: `the label \`${label}\`` };

  const shape = kindFromShape(change);
  if (shape) return shape;
  return { kind: 'feature', source: 'the default, as the title and labels name no type' };
}

/** The diff's shape: only renames/moves, only dependency manifests and lockfiles, only type edits. */
function kindFromShape(change: Change): { kind: ChangeKind; source: string } | undefined {
  const files = change.files;
  if (files.length === 0 || !change.filesComplete) return undefined;
  if (files.every((f) => (f.status === 'renamed' || f.status === 'copied') && f.additions === 0 && f.deletions === 0)) {
    return { kind: 'refactor', source: 'the diff (only renames and moves)' };
  }
  if (files.every((f) => DEPENDENCY_FILES.has(baseName(f.path)))) {
    return { kind: 'deps', source: 'the diff (only dependency manifests and lockfiles)' };
  }
  if (files.every((f) => /\.d\.[mc]?ts$/.test(f.path) || onlyTypeLines(f))) {
    return { kind: 'refactor', source: 'the diff (only type declarations)' };
  }
  return undefined;
}

const TYPE_LINE = /^\s*(?:(?:export\s+)?(?:declare\s+)?(?:type\s+[\w$]+|interface\s+[\w$]+)|import\s+type\b|[\w$]+\??\s*:\s*[^=]+;?$|[|&]\s|[}\]);,]*$)/;

/** A TypeScript file whose changed lines all read as type declarations (or blank lines). */
function onlyTypeLines(file: Change['files'][number]): boolean {
  if (!/\.(?:ts|tsx|mts|cts)$/.test(file.path) || file.hunks.length === 0) return false;
  let changed = 0;
  for (const hunk of file.hunks) {
    for (const line of hunk.lines) {
      if (line.type === 'context') continue;
      changed++;
      if (line.content.trim() !== '' && !TYPE_LINE.test(line.content)) return false;
    }
  }
  return changed > 0 && file.hunks.every((h) => /\b(?:interface|type)\b/.test(h.section) || h.lines.some((l) => /^\s*(?:export\s+)?(?:interface|type)\s/.test(l.content)));
}
