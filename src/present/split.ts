/**
 * The commands that turn a split plan into stacked pull requests, the same words in the check run and in
 * `monoenv split`: create the branches, push them, open one pull request per part, each based on the one
 * before it.
 */
import type { SizePart } from '../engine/report.js';
import { stackBranchNames } from '../engine/split/stack.js';

/** A word as the shell reads it: left bare when it holds nothing a shell would interpret, else single-quoted. */
export function shellWord(word: string): string {
  return /^[\w./@%+=:,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export interface StackPlan {
  /** The branch being split. */
  branch: string;
  /** The ref `monoenv split --base` is given. */
  base: string;
  /** The branch the first pull request goes into, as GitHub names it (no remote prefix). */
  prBase: string;
  parts: readonly SizePart[];
  /** The remote the branches are pushed to. */
  remote?: string;
}

export interface StackCommands {
  branches: string[];
  /** Prints the plan; with `--apply` creates the branches. */
  split: string;
  apply: string;
  push: string;
  /** One `gh pr create` per part, in landing order. */
  pullRequests: string[];
}

export function stackCommands(plan: StackPlan): StackCommands {
  const branches = stackBranchNames(plan.branch, plan.parts);
  const split = `npx monoenv split --base ${shellWord(plan.base)}`;
  return {
    branches,
    split,
    apply: `${split} --apply`,
    push: `git push --set-upstream ${shellWord(plan.remote ?? 'origin')} ${branches.map(shellWord).join(' ')}`,
    // `--fill`: each branch is one commit on its base, whose message says which part of the stack it is.
    pullRequests: branches.map(
      (branch, i) => `gh pr create --base ${shellWord(i === 0 ? plan.prBase : branches[i - 1])} --head ${shellWord(branch)} --fill`,
    ),
  };
}

/** The base of a pull request on GitHub for a local ref: `origin/main` → `main`. */
export function branchOnRemote(ref: string, remotes: readonly string[] = ['origin']): string {
  for (const remote of remotes) if (ref.startsWith(`${remote}/`)) return ref.slice(remote.length + 1);
  return ref.replace(/^refs\/(?:heads|remotes\/[^/]+)\//, '');
}
