import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import {
  approvalState,
  mergesToCheck,
  auditMerge as mergeAudit,
  auditPush as pushAudit,
  judgeReview,
} from '../../src/engine/rules/review/index.js';
import { unreviewedMergeComment, UNREVIEWED_MERGE_MARKER } from '../../src/present/comments.js';
import { evaluate } from '../../src/engine/evaluate.js';
import { makeChange, type Change, type Commit, type Person, type Push, type Review, type ReviewState } from '../../src/engine/change.js';
import { configSchema, DEFAULT_CONFIG, type MonoenvConfig, type MonoenvConfigInput } from '../../src/config/schema.js';
import { changedFileFromGitHub } from '../../src/facts/github-files.js';
import type { RuleContext } from '../../src/engine/rules/rule.js';

const sha = (name: string): string => createHash('sha1').update(name).digest('hex');
const human = (login: string): Person => ({ login, bot: false });
const bot = (login: string): Person => ({ login, bot: true });
const config = (input: MonoenvConfigInput = {}) => configSchema.parse(input);
/** The reports the audits publish (their verdicts are checked apart). */
const auditMerge = (change: Change, cfg: MonoenvConfig) => mergeAudit(change, cfg).report;
const auditPush = (push: Push, cfg: MonoenvConfig) => pushAudit(push, cfg).report;

const alice = human('alice');
const bob = human('bob');
const carol = human('carol');

const mainTip = sha('main-tip');
const c1: Commit = { sha: sha('c1'), parents: [mainTip], message: 'feat(checkout): add coupon field\n\nBody text.', author: alice };
const c2: Commit = { sha: sha('c2'), parents: [c1.sha], message: 'fix coupon rounding', author: alice };
/** Merging main into the branch: the second parent is a commit of the base branch. */
const mergeMain: Commit = {
  sha: sha('merge-main'),
  parents: [c1.sha, sha('main-newer')],
  message: "Merge branch 'main' into coupon",
  author: alice,
};

function review(reviewer: Person, state: ReviewState, commit: string | null, minute = 0): Review {
  return { reviewer, state, commitId: commit, submittedAt: `2024-05-02T10:${String(minute).padStart(2, '0')}:00Z` };
}

function pr(reviews: Review[] | undefined, commits: Commit[] | undefined = [c1], extra: Partial<Change> = {}): Change {
  const head = commits?.at(-1)?.sha ?? c1.sha;
  return makeChange({
    files: [],
    number: 42,
    title: 'feat(checkout): coupon field',
    author: alice,
    head: { ref: 'coupon', sha: head },
    base: { ref: 'main', sha: mainTip },
    reviews,
    commits,
    ...extra,
  });
}

const merged = (change: Change, by: Person = carol): Change => ({ ...change, merged: { by, sha: sha(`merge-of-${change.number}`) } });

const ctx = (change: Change, cfg = DEFAULT_CONFIG): RuleContext => ({
  change,
  config: cfg,
  kind: { kind: 'feature', source: 'default', signals: [] },
});

describe('approvalState', () => {
  it('does not count the author approving their own pull request', () => {
    const state = approvalState(pr([review(alice, 'APPROVED', c1.sha)]), DEFAULT_CONFIG);
    expect(state.approvedBy).toEqual([]);
    expect(state.notCounted).toEqual([{ login: 'alice', reason: 'self-approval', detail: 'is the author (self-approval)' }]);
  });

  it('does not count a bot approval, whether flagged as bot or named [bot]', () => {
    const change = pr([review(bot('approve-bot'), 'APPROVED', c1.sha), review(human('mergify[bot]'), 'APPROVED', c1.sha)]);
    const state = approvalState(change, DEFAULT_CONFIG);
    expect(state.approvedBy).toEqual([]);
    expect(state.notCounted.map((v) => [v.login, v.reason])).toEqual([
      ['approve-bot', 'bot'],
      ['mergify[bot]', 'bot'],
    ]);
  });

  it('treats an approval followed by a new commit as stale', () => {
    const state = approvalState(pr([review(bob, 'APPROVED', c1.sha)], [c1, c2]), DEFAULT_CONFIG);
    expect(state.approvedBy).toEqual([]);
    expect(state.notCounted).toHaveLength(1);
    expect(state.notCounted[0].reason).toBe('stale');
    expect(state.notCounted[0].detail).toContain(
      `approved ${c1.sha.slice(0, 7)}, then 1 commit was pushed (${c2.sha.slice(0, 7)} "fix coupon rounding")`,
    );
  });

  it('keeps an approval fresh when only a merge of the base branch came after it', () => {
    const state = approvalState(pr([review(bob, 'APPROVED', c1.sha)], [c1, mergeMain]), DEFAULT_CONFIG);
    expect(state.approvedBy).toEqual(['bob']);
    expect(state.notCounted).toEqual([]);
  });

  it("treats a merge that brings in the branch's own commits as new work", () => {
    // c1 and a side commit s1 both belong to the PR; merging s1 into c1 brings unreviewed code.
    const s1: Commit = { sha: sha('s1'), parents: [mainTip], message: 'side work', author: alice };
    const mergeSide: Commit = { sha: sha('merge-side'), parents: [c1.sha, s1.sha], message: "Merge branch 'side'", author: alice };
    const state = approvalState(pr([review(bob, 'APPROVED', c1.sha)], [c1, s1, mergeSide]), DEFAULT_CONFIG);
    expect(state.approvedBy).toEqual([]);
    expect(state.notCounted[0].detail).toContain('then 2 commits were pushed');
  });

  it('counts a stale approval when review.fresh is false', () => {
    const state = approvalState(pr([review(bob, 'APPROVED', c1.sha)], [c1, c2]), config({ review: { fresh: false } }));
    expect(state.approvedBy).toEqual(['bob']);
  });

  it('without the commit list, judges freshness by the head only and says so', () => {
    const change = pr([review(bob, 'APPROVED', c1.sha), review(carol, 'APPROVED', c2.sha)], [c1], {
      head: { ref: 'coupon', sha: c2.sha },
      commits: undefined,
    });
    const state = approvalState(change, DEFAULT_CONFIG);
    expect(state.approvedBy).toEqual(['carol']);
    expect(state.commitsUnknown).toBe(true);
    expect(state.notCounted[0].detail).toContain('commit list was not available');
  });

  it('treats an approval of a commit that was force-pushed away as stale', () => {
    const state = approvalState(pr([review(bob, 'APPROVED', sha('rewritten')), review(carol, 'APPROVED', null)]), DEFAULT_CONFIG);
    expect(state.approvedBy).toEqual([]);
    expect(state.notCounted.map((v) => v.detail)).toEqual([
      `approved ${sha('rewritten').slice(0, 7)}, which is no longer in the pull request (stale)`,
      'approved a commit that is no longer in the pull request (stale)',
    ]);
  });

  it('counts an approval that follows a change request by the same reviewer', () => {
    const state = approvalState(pr([review(bob, 'CHANGES_REQUESTED', c1.sha, 1), review(bob, 'APPROVED', c1.sha, 5)]), DEFAULT_CONFIG);
    expect(state.approvedBy).toEqual(['bob']);
  });

  it('does not count an approval withdrawn by a later change request', () => {
    const state = approvalState(pr([review(bob, 'APPROVED', c1.sha, 1), review(bob, 'CHANGES_REQUESTED', c1.sha, 5)]), DEFAULT_CONFIG);
    expect(state.approvedBy).toEqual([]);
    expect(state.notCounted).toEqual([{ login: 'bob', reason: 'changes-requested', detail: 'requested changes' }]);
  });

  it('does not count a dismissed approval', () => {
    const state = approvalState(pr([review(bob, 'DISMISSED', c1.sha)]), DEFAULT_CONFIG);
    expect(state.notCounted.map((v) => v.reason)).toEqual(['dismissed']);
  });

  it('keeps an approval when the reviewer comments or starts a pending review afterwards', () => {
    const reviews = [review(bob, 'APPROVED', c1.sha, 1), review(bob, 'COMMENTED', c1.sha, 3), review(bob, 'PENDING', c1.sha, 4)];
    expect(approvalState(pr(reviews), DEFAULT_CONFIG).approvedBy).toEqual(['bob']);
  });

  it('does not turn a comment into an approval', () => {
    const state = approvalState(pr([review(bob, 'COMMENTED', c1.sha)]), DEFAULT_CONFIG);
    expect(state).toMatchObject({ approvedBy: [], notCounted: [] });
  });

  it('matches logins case-insensitively, as GitHub does', () => {
    const state = approvalState(
      pr([
        review(human('Alice'), 'APPROVED', c1.sha),
        review(human('BOB'), 'CHANGES_REQUESTED', c1.sha, 1),
        review(bob, 'APPROVED', c1.sha, 2),
      ]),
      DEFAULT_CONFIG,
    );
    expect(state.approvedBy).toEqual(['bob']);
    expect(state.notCounted.map((v) => v.reason)).toEqual(['self-approval']);
  });

  it('does not count an approval from an account without write access, and says why', () => {
    const outsider: Review = { ...review(bob, 'APPROVED', c1.sha), association: 'CONTRIBUTOR' };
    const member: Review = { ...review(carol, 'APPROVED', c1.sha), association: 'MEMBER' };
    const state = approvalState(pr([outsider, member]), DEFAULT_CONFIG);
    expect(state.approvedBy).toEqual(['carol']);
    expect(state.notCounted).toEqual([
      {
        login: 'bob',
        reason: 'no-write-access',
        detail: 'is not allowed to approve (author_association CONTRIBUTOR; review.approver_associations: OWNER, MEMBER, COLLABORATOR)',
      },
    ]);
  });

  it('counts the associations review.approver_associations lists', () => {
    const outsider: Review = { ...review(bob, 'APPROVED', c1.sha), association: 'CONTRIBUTOR' };
    const cfg = config({ review: { approver_associations: ['OWNER', 'MEMBER', 'COLLABORATOR', 'CONTRIBUTOR'] } });
    expect(approvalState(pr([outsider]), cfg).approvedBy).toEqual(['bob']);
  });

  it('counts two reviewers in the order they first reviewed', () => {
    const state = approvalState(
      pr([review(carol, 'COMMENTED', c1.sha, 1), review(bob, 'APPROVED', c1.sha, 2), review(carol, 'APPROVED', c1.sha, 3)]),
      DEFAULT_CONFIG,
    );
    expect(state.approvedBy).toEqual(['carol', 'bob']);
  });
});

describe('merges after an approval (evil merges)', () => {
  const evil: Commit = { ...mergeMain, mergeContent: { clean: false, detail: 'changes src/checkout/cart.ts beyond its parents' } };

  it('does not count an approval followed by a merge that changes code of its own, and names the merge and file', () => {
    const state = approvalState(pr([review(bob, 'APPROVED', c1.sha)], [c1, evil]), DEFAULT_CONFIG);
    expect(state.approvedBy).toEqual([]);
    expect(state.notCounted[0]).toMatchObject({ login: 'bob', reason: 'stale', commitId: c1.sha });
    expect(state.notCounted[0].detail).toBe(
      `approved ${c1.sha.slice(0, 7)}, then merge ${evil.sha.slice(0, 7)} "Merge branch 'main' into coupon" changes src/checkout/cart.ts beyond its parents (stale)`,
    );
  });

  it('names the files whose patch changed as well, when the approved change was compared', () => {
    const file = changedFileFromGitHub({
      filename: 'src/checkout/cart.ts',
      status: 'modified',
      additions: 1,
      deletions: 0,
      patch: '@@ -1,0 +1,1 @@\n+x',
    });
    const change = pr([review(bob, 'APPROVED', c1.sha)], [c1, evil], {
      files: [file],
      filesComplete: true,
      approvedChanges: { [c1.sha]: [] },
    });
    const state = approvalState(change, DEFAULT_CONFIG);
    expect(state.notCounted[0].detail).toBe(
      `approved ${c1.sha.slice(0, 7)}, then merge ${evil.sha.slice(0, 7)} "Merge branch 'main' into coupon" changes src/checkout/cart.ts beyond its parents; changed since: src/checkout/cart.ts (stale)`,
    );
  });

  it('keeps the approval when the merge was not clean but the change is the same as approved (patch ids)', () => {
    const change = pr([review(bob, 'APPROVED', c1.sha)], [c1, evil], { files: [], filesComplete: true, approvedChanges: { [c1.sha]: [] } });
    expect(approvalState(change, DEFAULT_CONFIG).approvedBy).toEqual(['bob']);
  });

  it('asks for the merges that came after an approval that counts, and only those', () => {
    const second: Commit = { ...mergeMain, sha: sha('merge-main-2'), parents: [mergeMain.sha, sha('main-newest')] };
    expect(mergesToCheck(pr([review(bob, 'APPROVED', c1.sha)], [c1, mergeMain, second]), DEFAULT_CONFIG)).toEqual([
      mergeMain.sha,
      second.sha,
    ]);
    // A plain commit after the approval makes it stale anyway: nothing to check.
    expect(mergesToCheck(pr([review(bob, 'APPROVED', c1.sha)], [c1, c2, mergeMain]), DEFAULT_CONFIG)).toEqual([]);
    // Approvals on the head, by the author, or without review.fresh need nothing.
    expect(mergesToCheck(pr([review(bob, 'APPROVED', mergeMain.sha)], [c1, mergeMain]), DEFAULT_CONFIG)).toEqual([]);
    expect(mergesToCheck(pr([review(alice, 'APPROVED', c1.sha)], [c1, mergeMain]), DEFAULT_CONFIG)).toEqual([]);
    expect(mergesToCheck(pr([review(bob, 'APPROVED', c1.sha)], [c1, mergeMain]), config({ review: { fresh: false } }))).toEqual([]);
    // Already known merges are not asked for again.
    expect(
      mergesToCheck(pr([review(bob, 'APPROVED', c1.sha)], [c1, { ...mergeMain, mergeContent: { clean: true } }]), DEFAULT_CONFIG),
    ).toEqual([]);
  });
});

describe('judgeReview (before merge)', () => {
  it('says briefly that reviews were not read when the adapter did not fetch them', () => {
    const outcome = judgeReview(ctx(pr(undefined)));
    expect(outcome.findings).toEqual([]);
    expect(outcome.summary.status).toBe('notice');
    expect(outcome.summary.summary).toMatch(/^Reviews not read/);
  });

  it('shows the approval state as a notice row', () => {
    const outcome = judgeReview(
      ctx(pr([review(bob, 'APPROVED', c1.sha), review(carol, 'APPROVED', c1.sha)]), config({ review: { approvals: 2 } })),
    );
    expect(outcome.findings).toEqual([]);
    expect(outcome.summary).toMatchObject({ rule: 'review', status: 'notice', summary: '2 of 2 valid approvals (by @bob, @carol).' });
  });

  it('without before_merge, a missing approval is a notice and no finding', () => {
    const outcome = judgeReview(ctx(pr([review(alice, 'APPROVED', c1.sha)])));
    expect(outcome.findings).toEqual([]);
    expect(outcome.summary.status).toBe('notice');
    expect(outcome.summary.summary).toBe('0 of 1 valid approval; not counted: @alice is the author (self-approval).');
    expect(outcome.summary.headline).toBeUndefined();
  });

  it('with before_merge, a missing approval fires at the rule level', () => {
    const outcome = judgeReview(
      ctx(pr([review(bob, 'APPROVED', c1.sha)], [c1, c2]), config({ review: { before_merge: true, level: 'warning' } })),
    );
    expect(outcome.findings).toHaveLength(1);
    expect(outcome.findings[0]).toMatchObject({ rule: 'review', level: 'warning', title: 'needs 1 approval' });
    expect(outcome.findings[0].message).toContain('@bob approved');
    expect(outcome.summary).toMatchObject({ status: 'warning', headline: 'needs 1 approval' });
  });

  it('feeds the check title and conclusion through evaluate', () => {
    const report = evaluate(pr([]), config({ review: { before_merge: true, approvals: 2 } }));
    expect(report.title).toContain('needs 2 approvals');
    expect(report.conclusion).toBe('failure');
  });

  it("reports a draft's state without expecting approvals yet", () => {
    const outcome = judgeReview(ctx(pr([], [c1], { draft: true }), config({ review: { before_merge: true } })));
    expect(outcome.findings).toEqual([]);
    expect(outcome.summary.summary).toBe('Draft: approvals are not expected yet. 0 of 1 valid approval.');
  });

  it('is off with review.level off', () => {
    const outcome = judgeReview(ctx(pr([]), config({ review: { level: 'off', before_merge: true } })));
    expect(outcome).toEqual({ findings: [], summary: { rule: 'review', status: 'off', summary: 'Off (review.level: off).' } });
  });

  it('does not ask an exempt bot for approvals when every commit is its own', () => {
    const bump: Commit = { ...c1, author: bot('dependabot[bot]') };
    const outcome = judgeReview(ctx(pr([], [bump], { author: bot('dependabot[bot]') }), config({ review: { before_merge: true } })));
    expect(outcome.findings).toEqual([]);
    expect(outcome.summary.summary).toBe(
      'Not required: opened by @dependabot[bot] and its commit authored by exempt bots (review.exempt_authors).',
    );
  });

  it("asks for approvals when a person's commit joined an exempt bot's pull request, and says why", () => {
    const bump: Commit = { ...c1, author: bot('dependabot[bot]') };
    const outcome = judgeReview(ctx(pr([], [bump, c2], { author: bot('dependabot[bot]') }), config({ review: { before_merge: true } })));
    expect(outcome.findings).toHaveLength(1);
    expect(outcome.summary.summary).toContain(
      `Not exempt: @dependabot[bot] opened it, but 1 commit is not by an exempt bot (${c2.sha.slice(0, 7)} by @alice).`,
    );
  });
});

describe('auditMerge', () => {
  it('fails a merge whose only approval went stale, naming the merger and the reason', () => {
    const report = auditMerge(merged(pr([review(bob, 'APPROVED', c1.sha)], [c1, c2])), DEFAULT_CONFIG);
    expect(report.conclusion).toBe('failure');
    expect(report.title).toBe('Merged without review');
    expect(report.audit).toBe('merge');
    expect(report.findings).toHaveLength(1);
    const [finding] = report.findings;
    expect(finding).toMatchObject({ rule: 'review', level: 'error', title: 'Merged without review' });
    expect(finding.message.split('\n')[0]).toBe('@carol merged #42 with 0 of 1 valid approval.');
    expect(finding.message).toContain('- @bob approved');
    expect(finding.message).toContain('(stale)');
  });

  it('names self-approval, bot approval and requested changes as reasons', () => {
    const reviews = [
      review(alice, 'APPROVED', c1.sha),
      review(bot('ci-bot'), 'APPROVED', c1.sha),
      review(bob, 'CHANGES_REQUESTED', c1.sha),
    ];
    const message = auditMerge(merged(pr(reviews), alice), DEFAULT_CONFIG).findings[0].message;
    expect(message.split('\n')).toEqual([
      '@alice merged #42 with 0 of 1 valid approval.',
      '- @alice is the author (self-approval)',
      '- @ci-bot is a bot',
      '- @bob requested changes',
    ]);
  });

  it('says no one approved when there were no reviews', () => {
    const message = auditMerge(merged(pr([])), DEFAULT_CONFIG).findings[0].message;
    expect(message).toBe('@carol merged #42 with 0 of 1 valid approval.\nNo one approved it.');
  });

  it('is neutral in advise mode', () => {
    const report = auditMerge(merged(pr([])), config({ mode: 'advise' }));
    expect(report.conclusion).toBe('neutral');
    expect(report.title).toBe('Merged without review');
  });

  it('succeeds for an exempt bot whose commits are all its own, and says which identity exempted it', () => {
    const bump: Commit = { ...c1, author: bot('renovate[bot]') };
    const audit = mergeAudit(merged(pr([], [bump], { author: bot('renovate[bot]') })), DEFAULT_CONFIG);
    expect(audit.verdict).toEqual({ verdict: 'exempt', exemption: { by: 'author', login: 'renovate[bot]', commits: 1 } });
    expect(audit.report.conclusion).toBe('success');
    expect(audit.report.findings).toEqual([]);
    expect(audit.report.title).toBe(
      'Review not required: opened by @renovate[bot] and its commit authored by exempt bots (review.exempt_authors)',
    );
  });

  it('succeeds for a merge by an exempt account, named as the merger', () => {
    const audit = mergeAudit(merged(pr([]), bot('github-actions[bot]')), DEFAULT_CONFIG);
    expect(audit.verdict).toEqual({ verdict: 'exempt', exemption: { by: 'merger', login: 'github-actions[bot]' } });
    expect(audit.report.title).toBe('Review not required: merged by @github-actions[bot], who is in review.exempt_authors');
  });

  it("fails a bot's pull request that a person pushed a commit to, merged without approval", () => {
    const bump: Commit = { ...c1, author: bot('dependabot[bot]') };
    const audit = mergeAudit(merged(pr([], [bump, c2], { author: bot('dependabot[bot]') })), DEFAULT_CONFIG);
    expect(audit.verdict.verdict).toBe('unreviewed');
    expect(audit.report.findings[0].message).toContain(
      `Not exempt: @dependabot[bot] opened it, but 1 commit is not by an exempt bot (${c2.sha.slice(0, 7)} by @alice).`,
    );
  });

  it("does not exempt a bot's pull request whose commits were not read", () => {
    const audit = mergeAudit(merged(pr([], undefined, { author: bot('dependabot[bot]') })), DEFAULT_CONFIG);
    expect(audit.verdict.verdict).toBe('unreviewed');
  });

  it('succeeds with level off', () => {
    const report = auditMerge(merged(pr([])), config({ review: { level: 'off' } }));
    expect(report.conclusion).toBe('success');
    expect(report.findings).toEqual([]);
    expect(report.rules[0].status).toBe('off');
  });

  it('names the approvers when the merge had its approvals', () => {
    const report = auditMerge(
      merged(pr([review(bob, 'APPROVED', c1.sha), review(carol, 'APPROVED', mergeMain.sha)], [c1, mergeMain])),
      config({ review: { approvals: 2 } }),
    );
    expect(report.conclusion).toBe('success');
    expect(report.title).toBe('Reviewed: approved by @bob, @carol');
    expect(report.size).toMatchObject({ class: 'XS', lines: 0, files: 0 });
  });

  it('fails one short of two required approvals', () => {
    const report = auditMerge(merged(pr([review(bob, 'APPROVED', c1.sha)])), config({ review: { approvals: 2 } }));
    expect(report.conclusion).toBe('failure');
    expect(report.findings[0].message.split('\n')[0]).toBe('@carol merged #42 with 1 of 2 valid approvals (by @bob).');
  });
});

describe('unreviewedMergeComment', () => {
  it('names the merger, gives the reasons, what to do and the docs', () => {
    const change = merged(pr([review(alice, 'APPROVED', c1.sha)]), human('dave'));
    const body = unreviewedMergeComment(mergeAudit(change, DEFAULT_CONFIG).verdict, change);
    expect(body.startsWith(UNREVIEWED_MERGE_MARKER)).toBe(true);
    expect(body).toContain(
      '### Merged without review\n\n@dave merged #42 with 0 of 1 valid approval.\n- @alice is the author (self-approval)\n',
    );
    expect(body).toContain('- @alice is the author (self-approval)');
    expect(body).toContain('follow-up review');
    expect(body).toContain('https://github.com/monoenv/monoenv/blob/main/docs/rules.md#review');
  });
});

describe('unreviewedMergeComment with hostile commit subjects', () => {
  it('renders no link, image or mention from a subject; the merger and the reviewer stay mentioned', () => {
    const hostile: Commit = {
      sha: sha('hostile'),
      parents: [c1.sha],
      message:
        'tweak [x](https://evil.example) ![](https://track.example/p.png) @org/team @mallory www.evil.example <img src=x> fixes #9 acme/shop#3 GH-12',
      author: alice,
    };
    const change = merged(pr([review(bob, 'APPROVED', c1.sha)], [c1, hostile]), human('dave'));
    const comment = unreviewedMergeComment(mergeAudit(change, DEFAULT_CONFIG).verdict, change);
    // What the audit found, without monoenv's own link to its docs at the end.
    const body = comment.slice(0, comment.indexOf('**What to do:**'));
    expect(body).toContain('@dave merged #42 with 0 of 1 valid approval.');
    expect(body).toContain('- @bob approved ');
    expect(body).not.toMatch(/(?<!\\)\]\(/); // no link or image: every `](` is escaped
    expect(body).not.toContain('https://');
    expect(body).not.toMatch(/www\.evil/);
    expect(body).not.toMatch(/@org|@mallory/);
    expect(body).not.toContain('<img');
    expect(body).toContain('\\[x\\](https&#8203;://evil.example)');
    expect(body).toContain('@&#8203;org/team @&#8203;mallory');
    // Other issues are not cross-referenced (GitHub would notify them); the comment's own pull request stays a link.
    expect(body).toContain('fixes #&#8203;9 acme/shop#&#8203;3 GH&#8203;-12');
  });
});

describe('unreviewedMergeComment without the audit finding', () => {
  it('still names the merger', () => {
    const change = merged(pr([]), human('dave'));
    const body = unreviewedMergeComment(mergeAudit(change, config({ review: { level: 'off' } })).verdict, change);
    expect(body).toContain('@dave merged this pull request without the approvals it needed.');
  });
});

describe('auditPush', () => {
  const pusher = human('erin');
  const push = (commits: Commit[], by: Person = pusher): Push => ({
    ref: 'refs/heads/main',
    headSha: commits.at(-1)!.sha,
    pusher: by,
    commits,
  });
  const direct: Commit = {
    sha: sha('direct'),
    parents: [mainTip],
    message: 'hotfix: raise timeout\n\nno time for a PR',
    author: pusher,
    pullRequests: [],
  };

  it('fails a commit that belongs to no merged pull request and lists it', () => {
    const report = auditPush(push([direct]), DEFAULT_CONFIG);
    expect(report.conclusion).toBe('failure');
    expect(report.title).toBe('Pushed without review');
    expect(report.audit).toBe('push');
    expect(report.kind).toEqual({ kind: 'feature', source: 'push', signals: [] });
    expect(report.findings).toEqual([
      expect.objectContaining({
        rule: 'review',
        level: 'error',
        message: `${direct.sha.slice(0, 7)} "hotfix: raise timeout" by @erin was pushed to main by @erin without a pull request.`,
      }),
    ]);
    expect(report.rules[0].summary).toContain(
      `1 commit pushed to main without a pull request: ${direct.sha.slice(0, 7)} "hotfix: raise timeout" by @erin`,
    );
  });

  it('skips commits by exempt bot authors', () => {
    const bump: Commit = {
      sha: sha('bump'),
      parents: [mainTip],
      message: 'chore(deps): bump yaml',
      author: bot('github-actions[bot]'),
      pullRequests: [],
    };
    const report = auditPush(push([bump]), DEFAULT_CONFIG);
    expect(report.conclusion).toBe('success');
    expect(report.rules[0].summary).toContain('1 commit authored by exempt bots skipped (@github-actions[bot], as GitHub linked them)');
  });

  it('exempts a push whose authenticated sender is exempt, and names it', () => {
    const audit = pushAudit(push([direct], bot('release-bot[bot]')), config({ review: { exempt_authors: ['release-bot[bot]'] } }));
    expect(audit.verdict).toEqual({ verdict: 'exempt', exemption: { by: 'pusher', login: 'release-bot[bot]' } });
  });

  it('does not exempt a commit whose git author name is a bot but that GitHub linked to no bot account', () => {
    // `git -c user.name='github-actions[bot]' commit`: the payload gives the name, not a linked account.
    const forged: Commit = { ...direct, sha: sha('forged'), author: undefined };
    const audit = pushAudit(push([forged]), DEFAULT_CONFIG);
    expect(audit.verdict.verdict).toBe('unreviewed');
    expect(audit.report.findings[0].message).toContain('by an author GitHub linked to no account');
  });

  it('does not exempt a person listed in exempt_authors by their commits: only as the pusher', () => {
    const listed = config({ review: { exempt_authors: ['erin'] } });
    const byErin: Commit = { ...direct, author: human('erin') };
    expect(pushAudit(push([byErin], human('frank')), listed).verdict.verdict).toBe('unreviewed');
    expect(pushAudit(push([byErin], human('erin')), listed).verdict.verdict).toBe('exempt');
  });

  it('does not flag commits whose pull requests are unknown', () => {
    const unknown: Commit = { ...direct, sha: sha('unknown'), pullRequests: undefined };
    const report = auditPush(push([unknown]), DEFAULT_CONFIG);
    expect(report.conclusion).toBe('success');
    expect(report.findings).toEqual([]);
    expect(report.rules[0].summary).toContain('1 commit not matched to pull requests (not judged)');
  });

  it('accepts a PR merge commit and the branch commits it brought in', () => {
    const branchTip: Commit = { sha: sha('branch-tip'), parents: [mainTip], message: 'feat: coupons', author: alice, pullRequests: [] };
    const mergeCommit: Commit = {
      sha: sha('pr-merge'),
      parents: [mainTip, branchTip.sha],
      message: 'Merge pull request #42 from acme/coupon',
      author: carol,
      pullRequests: [42],
    };
    const report = auditPush(push([branchTip, mergeCommit]), DEFAULT_CONFIG);
    expect(report.conclusion).toBe('success');
    expect(report.title).toBe('No unreviewed commits on main');
  });

  it('accepts a local merge of commits that came from merged pull requests', () => {
    const fromPr: Commit = { sha: sha('from-pr'), parents: [mainTip], message: 'feat: coupons (#42)', author: alice, pullRequests: [42] };
    const localMerge: Commit = {
      sha: sha('local-merge'),
      parents: [sha('other'), fromPr.sha],
      message: "Merge branch 'release'",
      author: pusher,
      pullRequests: [],
    };
    expect(auditPush(push([fromPr, localMerge]), DEFAULT_CONFIG).findings).toEqual([]);
  });

  it('is neutral in advise mode and off with level off', () => {
    expect(auditPush(push([direct]), config({ mode: 'advise' })).conclusion).toBe('neutral');
    const off = auditPush(push([direct]), config({ review: { level: 'off' } }));
    expect(off.conclusion).toBe('success');
    expect(off.findings).toEqual([]);
  });

  it('keeps the row short for a long list, with every commit still a finding', () => {
    const many = Array.from({ length: 8 }, (_, i) => ({ ...direct, sha: sha(`d${i}`), message: `change ${i}` }));
    const report = auditPush(push(many), DEFAULT_CONFIG);
    expect(report.findings).toHaveLength(8);
    expect(report.rules[0].summary).toContain('and 3 more');
  });
});
