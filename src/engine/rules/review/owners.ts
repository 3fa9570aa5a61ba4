/**
 * review.codeowners: with `risky`, every changed file under `risky.paths` that CODEOWNERS assigns needs a valid
 * approval from one of its owners (the user, or a member of the owning team); with `all`, every owned file.
 * An approval made stale by a later change still speaks for the files whose patch did not change since it
 * (review freshness, by patch id), so only the owners of changed files lose theirs.
 */
import type { Change } from '../../change.js';
import type { MonoenvConfig } from '../../../config/schema.js';
import { Codeowners, ownerOf, teamKey } from '../../codeowners.js';
import { pathMatcher } from '../../glob.js';

/** A reviewer whose approval may speak for owned files: valid, or stale only for the files in `changedFiles`. */
export interface OwnerApprover {
  login: string;
  /** Files whose patch changed since the approval; undefined when the approval is valid for every file. */
  changedFiles?: readonly string[];
}

export interface OwnedFile {
  path: string;
  /** Its owners as CODEOWNERS writes them. */
  owners: readonly string[];
  /** The approving owner (a login), when one approved. */
  approvedBy?: string;
  /** Owners whose membership could not be read (teams) or cannot be (e-mail addresses), while unapproved. */
  unresolved: readonly string[];
}

export interface OwnersState {
  mode: 'risky' | 'all';
  /** The CODEOWNERS file read at the base; undefined when there is none. */
  file?: string;
  /** Owned files the mode covers, in the change's order. */
  files: OwnedFile[];
  /** Owned files without an owner's approval, every owner's membership known. */
  missing: OwnedFile[];
  /** Owned files without a known owner's approval where an owning team could not be read. */
  undecided: OwnedFile[];
}

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** The owners of the changed files the mode covers (empty when CODEOWNERS is off, missing or not read). */
function ownedFiles(change: Change, config: MonoenvConfig): { path: string; owners: readonly string[] }[] {
  if (config.review.codeowners === 'off' || !change.codeowners) return [];
  const codeowners = new Codeowners(change.codeowners);
  const covered = config.review.codeowners === 'all' ? () => true : pathMatcher(config.risky.paths);
  return change.files
    .filter((file) => covered(file.path) || (file.previousPath !== undefined && covered(file.previousPath)))
    .map((file) => ({ path: file.path, owners: codeowners.ownersOf(file.path) }))
    .filter((file) => file.owners.length > 0);
}

const speaksFor = (approver: OwnerApprover, path: string): boolean =>
  approver.changedFiles === undefined || !approver.changedFiles.includes(path);

/** The approver among the file's user owners, else undefined. */
function userOwnerApproval(owners: readonly string[], approvers: readonly OwnerApprover[], path: string): string | undefined {
  for (const written of owners) {
    const owner = ownerOf(written);
    if (owner.kind !== 'user') continue;
    const approver = approvers.find((a) => same(a.login, owner.login) && speaksFor(a, path));
    if (approver !== undefined) return approver.login;
  }
  return undefined;
}

/**
 * Teams whose members decide whether a file is approved: the owning teams of covered files that no approving
 * user owner settles, when anyone approved at all (with no approver, no membership can change the answer).
 */
export function teamsToResolve(change: Change, config: MonoenvConfig, approvers: readonly OwnerApprover[]): string[] {
  if (approvers.length === 0) return [];
  const teams = new Set<string>();
  for (const file of ownedFiles(change, config)) {
    if (userOwnerApproval(file.owners, approvers, file.path) !== undefined) continue;
    for (const written of file.owners) {
      const owner = ownerOf(written);
      if (owner.kind === 'team') teams.add(teamKey(owner));
    }
  }
  return [...teams].sort();
}

/** Which covered files an owner approved, and which still miss one. Undefined when the setting is off. */
export function ownersState(change: Change, config: MonoenvConfig, approvers: readonly OwnerApprover[]): OwnersState | undefined {
  const mode = config.review.codeowners;
  if (mode === 'off') return undefined;
  const files: OwnedFile[] = [];
  for (const { path, owners } of ownedFiles(change, config)) {
    let approvedBy = userOwnerApproval(owners, approvers, path);
    const unresolved: string[] = [];
    for (const written of owners) {
      if (approvedBy !== undefined) break;
      const owner = ownerOf(written);
      if (owner.kind === 'email') unresolved.push(written);
      if (owner.kind !== 'team') continue;
      const members = change.teamMembers?.[teamKey(owner)];
      if (members === undefined || members === null) {
        if (approvers.some((a) => speaksFor(a, path))) unresolved.push(written);
        continue;
      }
      approvedBy = approvers.find((a) => speaksFor(a, path) && members.some((m) => same(m, a.login)))?.login;
    }
    files.push({
      path,
      owners,
      ...(approvedBy === undefined ? {} : { approvedBy }),
      unresolved: approvedBy === undefined ? unresolved : [],
    });
  }
  const unapproved = files.filter((f) => f.approvedBy === undefined);
  return {
    mode,
    ...(change.codeowners ? { file: change.codeowners.path } : {}),
    files,
    missing: unapproved.filter((f) => f.unresolved.length === 0),
    undecided: unapproved.filter((f) => f.unresolved.length > 0),
  };
}

const MAX_LISTED = 10;

function listFiles(files: readonly OwnedFile[], describe: (file: OwnedFile) => string): string {
  const shown = files.slice(0, MAX_LISTED).map(describe);
  if (files.length > MAX_LISTED) shown.push(`and ${files.length - MAX_LISTED} more`);
  return shown.join('; ');
}

/** One sentence (or none) about code owners, for the review row and the merge audit. */
export function describeOwners(state: OwnersState | undefined, change: Change): string | undefined {
  if (state === undefined) return undefined;
  if (change.codeowners === undefined) return 'CODEOWNERS was not read for this check.';
  if (state.file === undefined) return 'No CODEOWNERS file at the base (.github/CODEOWNERS, CODEOWNERS, docs/CODEOWNERS).';
  const scope = state.mode === 'risky' ? 'owned files under risky.paths' : 'owned files';
  if (state.files.length === 0) return `No ${scope} changed (${state.file}).`;
  const approved = state.files.length - state.missing.length - state.undecided.length;
  const parts = [`Code owners: ${approved} of ${state.files.length} ${scope} approved by an owner`];
  if (state.missing.length > 0)
    parts.push(`missing an owner's approval: ${listFiles(state.missing, (f) => `${f.path} (${f.owners.join(', ')})`)}`);
  if (state.undecided.length > 0) {
    parts.push(
      `not decided, team membership could not be read (the app needs the organisation permission Members: read): ${listFiles(state.undecided, (f) => `${f.path} (${f.unresolved.join(', ')})`)}`,
    );
  }
  return `${parts.join('; ')}.`;
}
