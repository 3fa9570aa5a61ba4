/**
 * One repository of the organisation, judged from the API alone: each merged pull request through the
 * engine's `evaluate` (files and counts from GraphQL; patches from REST only where the risky rule must look
 * inside), its reviews through the review rule's approval state, and the default branch's commits that belong
 * to no pull request as direct pushes. Pure: the collector hands it what GitHub answered.
 */
import { makeChange, type ChangedFile, type Commit, type FileStatus } from '../../../engine/change.js';
import { evaluate } from '../../../engine/evaluate.js';
import { approvalState } from '../../../engine/rules/review/index.js';
import { pathMatcher } from '../../../engine/glob.js';
import { DEFAULT_CONFIG, type MonoenvConfig } from '../../../config/schema.js';
import { formatConfigError, parseConfigObject, parseConfigText } from '../../../config/load.js';
import type { ResolvedConfig } from './extends.js';
import type { SizeClass } from '../../../engine/report.js';
import type { HistoryNode, PullNode } from './query.js';

import { CONFIG_PATH } from '../../../config/path.js';

export type ConfigOrigin = 'own' | 'org default' | 'none';

export interface ConfigInForce {
  origin: ConfigOrigin;
  valid: boolean;
  errors: string[];
  /** Names the file it extends (as written in `_extends`). */
  extends?: string;
  /** The files the chain read, nearest first (`owner/repo:path`): the configuration is their merge. */
  chain?: string[];
}

/** A merged pull request, reduced to what the organisation page counts. */
export interface OrgChange {
  number: number;
  createdAt: string;
  mergedAt: string;
  author: string;
  lines: number;
  sizeClass: SizeClass;
  needsTests: boolean;
  hasTests: boolean;
  riskyTouched: boolean;
  riskyUnflagged: boolean;
  reviewed: boolean;
  exempt: boolean;
}

export interface DirectPush {
  sha: string;
  at: string;
  author: string;
}

/**
 * The configuration in force: the repository's own file, else the organisation's `.github` default; when it
 * extends another file, the merged chain (`resolved`, followed by the collector as the App follows it).
 */
export function configInForce(
  own: string | undefined,
  orgDefault: string | undefined,
  resolved?: ResolvedConfig,
): { config: MonoenvConfig; facts: ConfigInForce } {
  const text = own ?? orgDefault;
  const origin: ConfigOrigin = own !== undefined ? 'own' : orgDefault !== undefined ? 'org default' : 'none';
  if (text === undefined) return { config: DEFAULT_CONFIG, facts: { origin, valid: true, errors: [] } };
  const file = origin === 'own' ? CONFIG_PATH : `.github/${CONFIG_PATH}`;
  // The file itself first: its own mistakes are reported with their lines.
  const parsed = parseConfigText(text, file);
  if (!parsed.ok)
    return { config: DEFAULT_CONFIG, facts: { origin, valid: false, errors: parsed.errors.map((e) => formatConfigError(e, file)) } };
  const named = parsed.config._extends;
  if (named === undefined || resolved === undefined)
    return { config: parsed.config, facts: { origin, valid: true, errors: [], ...(named ? { extends: named } : {}) } };
  const chain = { extends: named, chain: resolved.chain };
  if (resolved.errors.length > 0 || resolved.merged === undefined)
    return { config: DEFAULT_CONFIG, facts: { origin, valid: false, errors: resolved.errors, ...chain } };
  const merged = parseConfigObject(resolved.merged);
  if (!merged.ok) {
    const where = `${file} (with the configuration it extends)`;
    return {
      config: DEFAULT_CONFIG,
      facts: { origin, valid: false, errors: merged.errors.map((e) => formatConfigError(e, where)), ...chain },
    };
  }
  return { config: merged.config, facts: { origin, valid: true, errors: [], ...chain } };
}

const STATUS: Record<string, FileStatus> = {
  ADDED: 'added',
  DELETED: 'removed',
  MODIFIED: 'modified',
  RENAMED: 'renamed',
  COPIED: 'copied',
  CHANGED: 'changed',
};

/** Files as GraphQL lists them: paths and counts, no patch (line-level rules say they could not look inside). */
export function filesFromGraphql(node: PullNode): ChangedFile[] {
  return node.files.nodes.map((f) => ({
    path: f.path,
    status: STATUS[f.changeType] ?? 'modified',
    additions: f.additions,
    deletions: f.deletions,
    binary: false,
    patchMissing: f.additions + f.deletions > 0,
    hunks: [],
  }));
}

/** Whether the risky rule must see this pull request's patches (a file under risky.paths changed). */
export function needsPatches(node: PullNode, config: MonoenvConfig): boolean {
  if (config.risky.level === 'off' || config.risky.paths.length === 0) return false;
  const isRisky = pathMatcher(config.risky.paths);
  return node.files.nodes.some((f) => f.changeType !== 'DELETED' && isRisky(f.path));
}

const person = (actor: PullNode['author']) => {
  if (actor === null) return { login: 'ghost', bot: false };
  const bot = actor.__typename === 'Bot' || /\[bot\]$/i.test(actor.login);
  return { login: bot && !actor.login.endsWith('[bot]') ? `${actor.login}[bot]` : actor.login, bot };
};

export function judgePullRequest(
  node: PullNode,
  config: MonoenvConfig,
  gitattributes: string | undefined,
  patched?: ChangedFile[],
): OrgChange {
  const author = person(node.author);
  const commits: Commit[] = node.commits.nodes.map(({ commit }) => ({
    sha: commit.oid,
    parents: commit.parents.nodes.map((p) => p.oid),
    message: commit.message,
  }));
  const files = patched ?? filesFromGraphql(node);
  const change = makeChange({
    files,
    number: node.number,
    title: node.title,
    author,
    labels: node.labels.nodes.map((l) => l.name),
    head: { ref: node.headRefName, sha: node.headRefOid },
    filesComplete: node.files.totalCount <= node.files.nodes.length || patched !== undefined,
    ...(gitattributes === undefined ? {} : { gitattributes }),
    reviews: node.reviews.nodes.map((r) => ({
      reviewer: person(r.author),
      state: r.state as 'APPROVED',
      commitId: r.commit?.oid ?? null,
      ...(r.submittedAt ? { submittedAt: r.submittedAt } : {}),
    })),
    commits,
    merged: { by: author, sha: node.mergeCommit?.oid ?? '' },
  });
  const report = evaluate(change, config);
  // The shares' denominators: the changes each rule had something to judge in, as the rule says.
  const judged = (rule: 'tests' | 'risky'): boolean => (report.rules.find((r) => r.rule === rule)?.judged ?? 0) > 0;
  const needsTests = judged('tests');
  const riskyTouched = judged('risky');
  const approvals = approvalState(change, config);
  return {
    number: node.number,
    createdAt: node.createdAt,
    mergedAt: node.mergedAt,
    author: author.login,
    lines: report.size.lines,
    sizeClass: report.size.class,
    needsTests,
    hasTests: needsTests && !report.findings.some((f) => f.rule === 'tests'),
    riskyTouched,
    riskyUnflagged: riskyTouched && report.findings.some((f) => f.rule === 'risky' && f.level === config.risky.level),
    reviewed: approvals.approvedBy.length >= approvals.required,
    exempt: config.review.exempt_authors.some((login) => login.toLowerCase() === author.login.toLowerCase()),
  };
}

/** A default-branch commit GitHub associates with no pull request reached it by a direct push. */
export function directPush(node: HistoryNode): DirectPush | undefined {
  if (node.associatedPullRequests.totalCount > 0) return undefined;
  return { sha: node.oid, at: node.committedDate, author: node.author?.user?.login ?? node.author?.name ?? 'unknown' };
}
