/**
 * The merge-queue audit: a merge group passes only when every pull request in it passes as its own
 * `monoenv` check judged it. A queue must not merge what a pull request's check would have failed, and a
 * required check that never answers stalls the queue, so every group gets a verdict.
 */

/** How a pull request's verdict was found. */
export type MemberSource = 'check-run' | 're-evaluated' | 'not-judged';

export interface MergeGroupMember {
  number: number;
  title: string;
  /** The pull request's head commit, the one its verdict is about. */
  headSha: string;
  /** The conclusion of its `monoenv` check on that head; undefined when it could not be judged. */
  conclusion?: string;
  /** The check's one-line title, or why there is no verdict. */
  verdict: string;
  source: MemberSource;
  /** The check run's page, when known. */
  url?: string;
}

export interface MergeGroupVerdict {
  conclusion: 'success' | 'neutral' | 'failure';
  title: string;
  members: MergeGroupMember[];
  failing: MergeGroupMember[];
  /** Set when the queue's entries could not be read and the group's pull requests were inferred. */
  note?: string;
}

/** Conclusions that let a merge queue go on (GitHub treats these three as passing). */
const PASSING = new Set(['success', 'neutral', 'skipped']);

export function passes(member: MergeGroupMember): boolean {
  return member.conclusion !== undefined && PASSING.has(member.conclusion);
}

const numbers = (members: readonly MergeGroupMember[]): string => members.map((m) => `#${m.number}`).join(', ');

export function judgeMergeGroup(members: readonly MergeGroupMember[], note?: string): MergeGroupVerdict {
  const failing = members.filter((m) => !passes(m));
  const count = members.length === 1 ? '1 pull request' : `${members.length} pull requests`;
  let conclusion: MergeGroupVerdict['conclusion'];
  let title: string;
  if (members.length === 0) {
    // Nothing to vouch for: the queue must not merge a group nobody could name.
    conclusion = 'failure';
    title = 'Merge group: no pull request found';
  } else if (failing.length > 0) {
    conclusion = 'failure';
    const unjudged = failing.filter((m) => m.conclusion === undefined);
    const failed = failing.filter((m) => m.conclusion !== undefined);
    const parts = [
      ...(failed.length > 0 ? [`${numbers(failed)} ${failed.length === 1 ? 'fails' : 'fail'}`] : []),
      ...(unjudged.length > 0 ? [`${numbers(unjudged)} not judged`] : []),
    ];
    title = `Merge group of ${count}: ${parts.join(', ')}`;
  } else {
    conclusion = members.every((m) => m.conclusion === 'success') ? 'success' : 'neutral';
    title = `Merge group of ${count}: every pull request passes`;
  }
  return { conclusion, title, members: [...members], failing, ...(note === undefined ? {} : { note }) };
}
