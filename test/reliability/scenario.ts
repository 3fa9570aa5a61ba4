/**
 * Pull requests whose right answer is known, seeded into the emulator, and the check of what the app left
 * on their head commits.
 */
import { createHash } from 'node:crypto';
import type { Emulator, FileChangeInput, StoredCheckRun } from '../../tools/emulator/index.js';

export const CONFIG = [
  'tests:',
  '  level: error',
  'size:',
  '  warn_lines: 300',
  '  fail_lines: 2000',
  '  warn_files: 500',
  '  fail_files: 1000',
  '',
].join('\n');

export function sha(label: string): string {
  return createHash('sha1').update(label).digest('hex');
}

export interface PullSpec {
  owner: string;
  repo: string;
  number: number;
  installationId: number;
  /** Source files changed; each gets a test unless `tested` is false. */
  sources: number;
  tested: boolean;
  /** Distinguishes head commits of the same pull request. */
  revision?: number;
  labels?: string[];
  /** Documentation files changed besides (1 line each; no test needed): long file lists at little cost. */
  docs?: number;
}

/** The files of a pull request: `sources` modules with 3 added lines each, and their tests when `tested`. */
export function pullFiles(spec: Pick<PullSpec, 'sources' | 'tested' | 'revision' | 'docs'>): FileChangeInput[] {
  const files: FileChangeInput[] = [];
  for (let i = 0; i < (spec.docs ?? 0); i++) {
    files.push({
      filename: `docs/page${i}.md`,
      status: 'modified',
      patch: `@@ -1 +1,2 @@\n # Page ${i}\n+Revision ${spec.revision ?? 0}.`,
    });
  }
  for (let i = 0; i < spec.sources; i++) {
    const name = `module${i}`;
    files.push({
      filename: `src/${name}.ts`,
      status: 'modified',
      patch: `@@ -1,2 +1,5 @@\n import { base } from './base';\n+export function ${name}V${spec.revision ?? 0}(x: number): number {\n+  return base(x) + ${i};\n+}\n export const ready = true;`,
    });
    if (spec.tested) {
      files.push({
        filename: `src/${name}.test.ts`,
        status: 'added',
        patch: `@@ -0,0 +1,3 @@\n+import { ${name}V${spec.revision ?? 0} } from './${name}';\n+test('${name}', () => expect(${name}V${spec.revision ?? 0}(1)).toBeGreaterThan(0));\n+`,
      });
    }
  }
  return files;
}

export function headOf(spec: Pick<PullSpec, 'owner' | 'repo' | 'number' | 'revision'>): string {
  return sha(`${spec.owner}/${spec.repo}#${spec.number}@${spec.revision ?? 0}`);
}

/** Seeds the repository (with the configuration) once and the pull request at its revision. */
export function seedPull(gh: Emulator, spec: PullSpec): string {
  if (gh.store.getRepo(spec.owner, spec.repo) === undefined) {
    gh.store.addRepo({ owner: spec.owner, repo: spec.repo, installationId: spec.installationId, defaultBranch: 'main' });
    gh.store.setFile(spec.owner, spec.repo, '.github/monoenv.yml', CONFIG);
  }
  const head = headOf(spec);
  gh.store.addPullRequest({
    owner: spec.owner,
    repo: spec.repo,
    number: spec.number,
    title: `feat: change ${spec.number}`,
    user: 'alice',
    head: { sha: head, ref: `feature-${spec.number}` },
    base: { ref: 'main', sha: sha(`${spec.owner}/${spec.repo}:base`) },
    files: pullFiles(spec),
    labels: spec.labels ?? [],
  });
  return head;
}

/** The conclusion a pull request deserves under CONFIG: any untested source file fails (tests at error). */
export function expectedConclusion(spec: Pick<PullSpec, 'sources' | 'tested'>): 'success' | 'failure' {
  return spec.sources > 0 && !spec.tested ? 'failure' : 'success';
}

export interface ShaVerdict {
  runs: number;
  completed: boolean;
  inProgress: number;
  conclusion: string | null;
  title: string | null;
}

/** The app's `monoenv` runs on a commit (runs retired as duplicates are renamed and not counted). */
export function verdict(gh: Emulator, owner: string, repo: string, head: string, appId: number): ShaVerdict {
  const runs: StoredCheckRun[] = gh.checkRuns(owner, repo, head).filter((r) => r.name === 'monoenv' && r.appId === appId);
  const last = runs[runs.length - 1];
  return {
    runs: runs.length,
    completed: runs.length > 0 && runs.every((r) => r.status === 'completed'),
    inProgress: gh.checkRuns(owner, repo, head).filter((r) => r.status !== 'completed').length,
    conclusion: last?.conclusion ?? null,
    title: last?.output.title ?? null,
  };
}
