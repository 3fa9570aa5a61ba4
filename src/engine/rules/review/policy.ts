/**
 * Who may skip review: the one policy the review rule and both audits apply. An exemption rests only on
 * identities GitHub authenticated — the push's sender, the pull request's merger and opener, and a commit's
 * GitHub author when that is a bot account (`[bot]` logins belong to GitHub Apps alone) — never on a name a
 * commit carries.
 */
import type { Change, Commit, Person } from '../../change.js';
import type { MonoenvConfig } from '../../../config/schema.js';
import type { Level } from '../../report.js';
import { plural } from '../../conclusion.js';

const sameLogin = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
export const mention = (login: string): string => `@${login}`;
export const shortSha = (sha: string): string => sha.slice(0, 7);
export const subjectOf = (commit: Commit): string => commit.message.split('\n', 1)[0].trim();

export function isBot(person: Person): boolean {
  return person.bot || /\[bot\]$/i.test(person.login);
}

export function listedExempt(login: string | undefined, config: MonoenvConfig): boolean {
  return login !== undefined && config.review.exempt_authors.some((exempt) => sameLogin(exempt, login));
}

/** A commit whose GitHub author (the account GitHub linked it to, not its git name) is an exempt bot. */
export function byExemptBot(commit: Commit, config: MonoenvConfig): boolean {
  return commit.author !== undefined && isBot(commit.author) && listedExempt(commit.author.login, config);
}

/** Which authenticated identity exempted a merge or a push from review. */
export type Exemption =
  | { by: 'merger'; login: string }
  | { by: 'pusher'; login: string }
  /** The pull request's opener is exempt and every one of its commits was authored by an exempt bot. */
  | { by: 'author'; login: string; commits: number };

export function describeExemption(exemption: Exemption): string {
  switch (exemption.by) {
    case 'merger':
      return `merged by ${mention(exemption.login)}, who is in review.exempt_authors`;
    case 'pusher':
      return `pushed by ${mention(exemption.login)}, who is in review.exempt_authors`;
    case 'author':
      return `opened by ${mention(exemption.login)} and its ${exemption.commits === 1 ? 'commit' : `${exemption.commits} commits`} authored by exempt bots (review.exempt_authors)`;
  }
}

/** Whether a pull request needs review: `off`, exempt (and by whom), or required (with why an exemption was refused). */
export type Requirement =
  | { required: false; off: true }
  | { required: false; off: false; exemption: Exemption }
  /** `level`: the level an unreviewed change fires at. */
  | { required: true; level: Level; refused?: string };

export function changeRequirement(change: Change, config: MonoenvConfig): Requirement {
  const level = config.review.level;
  if (level === 'off') return { required: false, off: true };
  const merger = change.merged?.by;
  if (merger !== undefined && listedExempt(merger.login, config))
    return { required: false, off: false, exemption: { by: 'merger', login: merger.login } };
  if (!listedExempt(change.author.login, config)) return { required: true, level };
  // The opener is exempt, but anyone with write access may push to its branch: every commit must be the bots'.
  const commits = change.commits;
  if (commits === undefined)
    return { required: true, level, refused: `${mention(change.author.login)} is exempt, but its commits were not read` };
  const foreign = commits.filter((c) => !byExemptBot(c, config));
  if (foreign.length === 0)
    return { required: false, off: false, exemption: { by: 'author', login: change.author.login, commits: commits.length } };
  const first = foreign[0];
  const by = first.author === undefined ? 'an author GitHub linked to no account' : mention(first.author.login);
  const more = foreign.length > 1 ? ', …' : '';
  return {
    required: true,
    level,
    refused: `${mention(change.author.login)} opened it, but ${plural(foreign.length, 'commit')} ${foreign.length === 1 ? 'is' : 'are'} not by an exempt bot (${shortSha(first.sha)} by ${by}${more})`,
  };
}

/** Whether the pull request's commits must be read to decide an exemption (its opener is in the list). */
export function exemptionNeedsCommits(config: MonoenvConfig, author: string, mergedBy?: string): boolean {
  return config.review.level !== 'off' && !listedExempt(mergedBy, config) && listedExempt(author, config);
}
