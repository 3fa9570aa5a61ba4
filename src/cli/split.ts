/**
 * `monoenv split`: the current branch's change against its base, cut into the size rule's split plan, and
 * printed with the commands that make it a stack of pull requests; with `--apply`, the stack's branches
 * (`<branch>-1-<part>`, `<branch>-2-<part>`, …), each one commit on the one before. The branch itself, the
 * working tree and the index are never touched.
 */
import type { Change } from '../engine/change.js';
import type { SizePart } from '../engine/report.js';
import { measureSize } from '../engine/rules/size.js';
import { planSplit } from '../engine/split/plan.js';
import { plural } from '../engine/conclusion.js';
import { currentBranch } from '../git/queries.js';
import type { GitRunner } from '../git/runner.js';
import { createBranches, differingPaths, writeStack, type StackLayer } from '../git/stack.js';
import { branchOnRemote, stackCommands, type StackCommands } from '../present/split.js';
import { UsageError, type CliIO } from './io.js';
import { loadConfig, openRepository, resolveRange } from './check.js';
import { GitRangeSource } from './source.js';

export interface SplitOptions {
  base?: string;
  apply: boolean;
}

/** Every changed file but removed and binary ones is read whole, for its imports. */
async function readChange(source: GitRangeSource): Promise<Change> {
  const change = await source.change();
  const wanted = change.files
    .filter((f) => f.status !== 'removed' && !f.binary)
    .map((f) => ({ path: f.path, head: true, base: false, risky: false }));
  await source.readTexts(change, wanted);
  return change;
}

async function remotesOf(git: GitRunner): Promise<string[]> {
  return (await git.run(['remote'])).split('\n').filter(Boolean);
}

export async function runSplit(io: CliIO, options: SplitOptions): Promise<number> {
  const { git } = await openRepository(io);
  const branch = await currentBranch(git);
  if (branch === undefined) throw new UsageError('HEAD is detached: check out the branch to split');
  const range = await resolveRange(git, { base: options.base });
  const { config } = await loadConfig(git, io, {}, range);
  const source = new GitRangeSource(git, io, { format: 'text', label: [], branch }, range);
  const change = await readChange(source);
  const size = measureSize(change, config);
  const parts = planSplit(change, config, size.excluded);

  if (parts.length < 2) {
    io.stdout.write(
      `${branch} against ${range.base.ref}: ${plural(size.lines, 'counted line')} in ${plural(size.files, 'file')}, ` +
        `all in ${parts.length === 0 ? 'no part' : `one part (${parts[0].name})`}: nothing to split by package or folder; ` +
        'split it by step instead (refactoring first, then behaviour).\n',
    );
    return 0;
  }

  const remotes = await remotesOf(git);
  const remote = remotes.includes('origin') ? 'origin' : (remotes[0] ?? 'origin');
  const prBase = branchOnRemote(range.base.ref, remotes);
  const commands = stackCommands({ branch, base: range.base.ref, prBase, parts, remote });
  io.stdout.write(renderPlan(branch, range.base.ref, parts, commands, size.lines));

  if (!options.apply) {
    io.stdout.write(`\nto create the branches (${branch} itself is left as it is):\n  ${commands.apply}\nthen:\n`);
    io.stdout.write(`  ${commands.push}\n${commands.pullRequests.map((c) => `  ${c}\n`).join('')}`);
    return 0;
  }

  await refuseDirtyTree(git);
  await refuseExistingBranches(git, commands.branches);
  const layers: StackLayer[] = parts.map((part, i) => ({
    branch: commands.branches[i],
    message: commitMessage(change, branch, parts, i, i === 0 ? prBase : commands.branches[i - 1]),
    paths: pathsOf(change, part),
  }));
  const written = await writeStack(git, io.env, range.forkPoint, range.head.sha, layers);
  // The stack must add up to the branch exactly, or no branch is created.
  const missing = await differingPaths(git, written[written.length - 1].commit, range.head.sha);
  if (missing.length > 0) {
    throw new UsageError(
      `the parts do not add up to ${branch} (${plural(missing.length, 'path')} differ: ${missing.slice(0, 5).join(', ')}); no branch was created`,
    );
  }
  await createBranches(git, written, `monoenv split ${branch}`);
  io.stdout.write(
    `\ncreated ${plural(written.length, 'branch', 'branches')}, each one commit on the one before (${branch} is unchanged):\n`,
  );
  for (const layer of written) io.stdout.write(`  ${layer.branch}  ${layer.commit.slice(0, 12)}\n`);
  io.stdout.write(`\nnext, push them and open one pull request per part:\n  ${commands.push}\n`);
  io.stdout.write(commands.pullRequests.map((c) => `  ${c}\n`).join(''));
  return 0;
}

/** A part's paths in git: its files, carried files, and the old paths of the files it renames. */
function pathsOf(change: Change, part: SizePart): string[] {
  const inPart = new Set([...part.files, ...(part.carried ?? [])]);
  const paths = new Set(inPart);
  for (const file of change.files) if (inPart.has(file.path) && file.previousPath !== undefined) paths.add(file.previousPath);
  return [...paths];
}

function commitMessage(change: Change, branch: string, parts: readonly SizePart[], index: number, base: string): string {
  const part = parts[index];
  const needs = part.needs !== undefined && part.needs.length > 0 ? `It builds on ${part.needs.join(', ')}.\n` : '';
  return (
    `${change.title} (${index + 1}/${parts.length}: ${part.name})\n\n` +
    `Part ${index + 1} of ${parts.length} of ${branch}, split by monoenv split; it goes into ${base}.\n${needs}\n` +
    [...part.files, ...(part.carried ?? [])].map((f) => `- ${f}`).join('\n') +
    '\n'
  );
}

async function refuseDirtyTree(git: GitRunner): Promise<void> {
  const status = await git.run(['status', '--porcelain=v1', '-z', '--untracked-files=no']);
  const dirty = status
    .split('\0')
    .filter((entry) => /^[ MADRCTU?!]{2} /.test(entry))
    .map((entry) => entry.slice(3));
  if (dirty.length > 0) {
    throw new UsageError(
      `the working tree has uncommitted changes (${dirty.slice(0, 5).join(', ')}${dirty.length > 5 ? ', …' : ''}): ` +
        'commit or stash them first; the stack is made of committed changes only',
    );
  }
}

async function refuseExistingBranches(git: GitRunner, branches: readonly string[]): Promise<void> {
  for (const branch of branches) {
    if ((await git.maybe(['check-ref-format', '--branch', branch])) === undefined) throw new UsageError(`cannot name a branch "${branch}"`);
  }
  const existing: string[] = [];
  for (const branch of branches)
    if ((await git.maybe(['show-ref', '--verify', '--quiet', `refs/heads/${branch}`])) !== undefined) existing.push(branch);
  if (existing.length > 0) {
    throw new UsageError(
      `${plural(existing.length, 'branch', 'branches')} of the stack already ${existing.length === 1 ? 'exists' : 'exist'} (${existing.join(', ')}): ` +
        `delete ${existing.length === 1 ? 'it' : 'them'} (git branch -D …) to split again; nothing was created`,
    );
  }
}

function renderPlan(branch: string, base: string, parts: readonly SizePart[], commands: StackCommands, lines: number): string {
  const out = [
    `split plan for ${branch} against ${base}: ${plural(lines, 'counted line')} in ${plural(parts.length, 'part')}, in landing order`,
  ];
  const width = Math.max(...commands.branches.map((b) => b.length));
  parts.forEach((part, i) => {
    const needs = part.needs !== undefined && part.needs.length > 0 ? `  needs ${part.needs.join(', ')}` : '';
    out.push('', `${i + 1}. ${commands.branches[i].padEnd(width)}  ${part.name} · ${plural(part.lines, 'line')}${needs}`);
    for (const file of part.files) out.push(`     ${file}`);
    for (const file of part.carried ?? []) out.push(`     ${file} (not counted)`);
  });
  return `${out.join('\n')}\n`;
}
