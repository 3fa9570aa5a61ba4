/**
 * API calls per event and cost growth: one monoenv app process, events delivered one at a time, the
 * emulator's counters read after each (the app answers a webhook only after its handlers have run).
 */
import { checkRunEvent, pullRequestEvent, pullRequestReviewEvent, pushEvent, type Emulator } from '../../tools/emulator/index.js';
import { CONFIG, GITATTRIBUTES, OWNER, changedFiles, patchOf } from './fixtures.js';
import { MONOENV_APP_ID, prepareWebhook, sendWebhook, startApp, type AppProcess, type Bench } from './harness.js';

const REPO = 'shop';
const CHECK_WRITE_ROUTES = ['POST /repos/{owner}/{repo}/check-runs', 'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}'];
const FILE_PAGE_ROUTE = 'GET /repos/{owner}/{repo}/pulls/{pull_number}/files';

export interface EventCost {
  event: string;
  files: number | null;
  /** Requests GitHub counts against the installation's rate limit. */
  rateLimited: number;
  /** Conditional requests answered 304 (free). */
  notModified: number;
  tokens: number;
  /** Of the rate-limited calls: pages of the file list, and check-run writes (create/update). */
  filePages: number;
  checkRunWrites: number;
  /** Rate-limited calls per route, e.g. `GET …/check-runs: 1`. */
  routes: Record<string, number>;
  ms: number;
  status: number;
}

async function measure(
  gh: Emulator,
  app: AppProcess,
  label: string,
  files: number | null,
  event: { name: string; payload: unknown },
  deliveryId?: string,
): Promise<EventCost> {
  const webhook = { ...prepareWebhook(event), ...(deliveryId === undefined ? {} : { id: deliveryId }) };
  gh.resetCounters();
  const started = performance.now();
  const status = await sendWebhook(app.url, webhook);
  let ms = performance.now() - started;
  // A delivery still at work after about 9 s is answered 202 while its handler goes on: its requests are
  // counted until the emulator has seen none for a second, and its time runs to the last of them.
  if (status === 202) {
    let seen = gh.requests.length;
    let lastAt = performance.now();
    while (performance.now() - lastAt < 1_000 && performance.now() - started < 300_000) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      if (gh.requests.length !== seen) {
        seen = gh.requests.length;
        lastAt = performance.now();
      }
    }
    ms = lastAt - started;
  }
  const routes: Record<string, number> = {};
  for (const r of gh.requests) {
    if (!r.counted || r.route === null) continue;
    const key = `${r.method} ${r.route}`;
    routes[key] = (routes[key] ?? 0) + 1;
  }
  const count = (keys: string[]): number => keys.reduce((n, k) => n + (routes[k] ?? 0), 0);
  const c = gh.counters;
  if (c.violations > 0 || c.unmatched > 0)
    throw new Error(
      `${label}: the app broke GitHub's API contract: ${JSON.stringify({ violations: gh.violations, unmatched: gh.unmatched })}`,
    );
  return {
    event: label,
    files,
    rateLimited: c.rateLimited,
    notModified: c.notModified,
    tokens: c.tokens,
    filePages: count([FILE_PAGE_ROUTE]),
    checkRunWrites: count(CHECK_WRITE_ROUTES),
    routes,
    ms,
    status,
  };
}

let nextSha = 1;
const sha = (tag: string): string =>
  (nextSha++).toString(16).padStart(8, '0') + Buffer.from(tag).toString('hex').padEnd(32, '0').slice(0, 32);

function seedRepository(gh: Emulator, repo: string): void {
  gh.store.addRepo({ owner: OWNER, repo, defaultBranch: 'main', ownerType: 'Organization' });
  gh.store.setFile(OWNER, repo, '.github/monoenv.yml', CONFIG);
  gh.store.setFile(OWNER, repo, '.gitattributes', GITATTRIBUTES);
}

function openPull(gh: Emulator, repo: string, number: number, files: number, linesPerFile: number, reviewed = false): void {
  gh.store.addPullRequest({
    owner: OWNER,
    repo,
    number,
    user: 'alice',
    title: `feat: checkout step ${number}`,
    body: 'Moves checkout to the new ledger.',
    head: { sha: sha(`head${number}`) },
    files: changedFiles(files, linesPerFile, number),
    ...(reviewed ? { reviews: [{ user: 'bob', state: 'APPROVED' as const }] } : {}),
  });
}

/** A new head commit: one file's patch changes, as after a push to the branch. */
function pushToPull(gh: Emulator, repo: string, number: number): string {
  const pull = gh.store.getPullRequest(OWNER, repo, number);
  const head = sha(`sync${number}`);
  gh.store.addCommit(OWNER, repo, { sha: head, parents: [pull.head.sha], author: pull.user });
  pull.commits.push(head);
  pull.head.sha = head;
  pull.files[0] = gh.store.toFileChange({ filename: pull.files[0].filename, status: 'modified', patch: patchOf(30, number + 7) });
  return head;
}

export interface ApiCallResults {
  events: EventCost[];
  tokensFetched: number;
  growth: Array<{
    files: number;
    changedLines: number;
    rateLimited: number;
    filePages: number;
    checkRunWrites: number;
    annotationBatches: number;
    msMedian: number;
    eventsPerHour5000: number;
    eventsPerHour15000: number;
  }>;
}

export async function measureApiCalls(bench: Bench, options: { nodeFlags?: string[] } = {}): Promise<ApiCallResults> {
  const { gh } = bench;
  seedRepository(gh, REPO);
  const app = await startApp(bench, 'monoenv', options);
  const events: EventCost[] = [];
  let tokens = 0;
  const record = (cost: EventCost): void => {
    tokens += cost.tokens;
    events.push(cost);
  };
  try {
    // The installation's first event: token, configuration and .gitattributes fetched once.
    openPull(gh, REPO, 1, 20, 20);
    record(
      await measure(
        gh,
        app,
        'first event of the installation (opened, 20 files)',
        20,
        pullRequestEvent(gh, { owner: OWNER, repo: REPO, number: 1, action: 'opened' }),
      ),
    );

    for (const files of [20, 650, 3000]) {
      const number = files;
      openPull(gh, REPO, number, files, 20);
      record(
        await measure(
          gh,
          app,
          `pull_request.opened, ${files.toLocaleString('en-US')} files`,
          files,
          pullRequestEvent(gh, { owner: OWNER, repo: REPO, number, action: 'opened' }),
        ),
      );
      const before = gh.store.getPullRequest(OWNER, REPO, number).head.sha;
      pushToPull(gh, REPO, number);
      record(
        await measure(
          gh,
          app,
          `pull_request.synchronize, ${files.toLocaleString('en-US')} files`,
          files,
          pullRequestEvent(gh, { owner: OWNER, repo: REPO, number, action: 'synchronize', before }),
        ),
      );
      gh.store.addIssueLabel(gh.store.repo(OWNER, REPO), gh.store.issue(gh.store.repo(OWNER, REPO), number), 'large-change-ok');
      record(
        await measure(
          gh,
          app,
          `pull_request.labeled (override label), ${files.toLocaleString('en-US')} files`,
          files,
          pullRequestEvent(gh, { owner: OWNER, repo: REPO, number, action: 'labeled', label: 'large-change-ok' }),
        ),
      );
    }

    // GitHub (or anyone holding a captured delivery) sends the same delivery again.
    openPull(gh, REPO, 30, 20, 20);
    const replayed = pullRequestEvent(gh, { owner: OWNER, repo: REPO, number: 30, action: 'opened' });
    await measure(gh, app, 'pull_request.opened, 20 files', 20, replayed, 'bench-replayed-delivery');
    record(await measure(gh, app, 'the same delivery again (redelivery or replay), 20 files', 20, replayed, 'bench-replayed-delivery'));

    // A review on the 20-file PR, then a re-run of its check run.
    gh.store.addReview(OWNER, REPO, 20, { user: 'bob', state: 'APPROVED' });
    record(
      await measure(
        gh,
        app,
        'pull_request_review.submitted, 20 files',
        20,
        pullRequestReviewEvent(gh, { owner: OWNER, repo: REPO, number: 20 }),
      ),
    );
    const head20 = gh.store.getPullRequest(OWNER, REPO, 20).head.sha;
    const run = gh
      .checkRuns(OWNER, REPO, head20)
      .filter((r) => r.appId === MONOENV_APP_ID)
      .at(-1);
    if (run === undefined) throw new Error('no monoenv check run on the 20-file pull request');
    record(
      await measure(gh, app, 'check_run.rerequested, 20 files', 20, checkRunEvent(gh, { owner: OWNER, repo: REPO, checkRunId: run.id })),
    );

    // Merge audits: the reviewed 20-file PR, and an unreviewed one.
    const reviewedMerge = gh.store.mergePullRequest(OWNER, REPO, 20, { merged_by: 'alice', merge_commit_sha: sha('merge20') });
    gh.store.addCommit(OWNER, REPO, {
      sha: reviewedMerge.merge_commit_sha!,
      parents: [reviewedMerge.base.sha, reviewedMerge.head.sha],
      author: 'alice',
      message: 'Merge pull request #20',
    });
    record(
      await measure(gh, app, 'merge audit, reviewed', 20, pullRequestEvent(gh, { owner: OWNER, repo: REPO, number: 20, action: 'closed' })),
    );
    openPull(gh, REPO, 21, 20, 20);
    gh.store.mergePullRequest(OWNER, REPO, 21, { merged_by: 'alice', merge_commit_sha: sha('merge21') });
    record(
      await measure(
        gh,
        app,
        'merge audit, unreviewed',
        20,
        pullRequestEvent(gh, { owner: OWNER, repo: REPO, number: 21, action: 'closed' }),
      ),
    );

    // Pushes to the default branch: the reviewed merge, then a commit that belongs to no pull request.
    const main = gh.store.repo(OWNER, REPO).branches.get('main')!;
    gh.store.setBranch(OWNER, REPO, 'main', reviewedMerge.merge_commit_sha!);
    record(
      await measure(
        gh,
        app,
        'push to main (merge of a reviewed PR)',
        null,
        pushEvent(gh, { owner: OWNER, repo: REPO, before: main, commits: [reviewedMerge.merge_commit_sha!], pusher: 'alice' }),
      ),
    );
    const direct = sha('direct');
    gh.store.addCommit(OWNER, REPO, {
      sha: direct,
      parents: [reviewedMerge.merge_commit_sha!],
      author: 'carol',
      message: 'hotfix: retry payments',
      files: [{ filename: 'packages/billing/src/retry.ts', patch: patchOf(8, 3) }],
    });
    gh.store.setBranch(OWNER, REPO, 'main', direct);
    record(
      await measure(
        gh,
        app,
        'push to main (commit without PR)',
        null,
        pushEvent(gh, { owner: OWNER, repo: REPO, before: reviewedMerge.merge_commit_sha!, commits: [direct], pusher: 'carol' }),
      ),
    );

    // Cost growth: opened events on ever larger PRs of 100 changed lines a file, three PRs a size.
    const growth: ApiCallResults['growth'] = [];
    let number = 100;
    for (const files of [10, 100, 300, 1000, 3000]) {
      const costs: EventCost[] = [];
      for (let i = 0; i < 3; i++) {
        number++;
        openPull(gh, REPO, number, files, 100);
        const cost = await measure(
          gh,
          app,
          `opened, ${files} files × 100 lines`,
          files,
          pullRequestEvent(gh, { owner: OWNER, repo: REPO, number, action: 'opened' }),
        );
        tokens += cost.tokens;
        costs.push(cost);
        gh.store.repo(OWNER, REPO).pulls.delete(number);
      }
      const last = costs[costs.length - 1];
      const ms = costs.map((c) => c.ms).sort((a, b) => a - b)[1];
      growth.push({
        files,
        changedLines: files * 100,
        rateLimited: last.rateLimited,
        filePages: last.filePages,
        checkRunWrites: last.checkRunWrites,
        annotationBatches: Math.max(0, last.checkRunWrites - 1),
        msMedian: ms,
        eventsPerHour5000: Math.floor(5000 / last.rateLimited),
        eventsPerHour15000: Math.floor(15000 / last.rateLimited),
      });
    }
    return { events, tokensFetched: tokens, growth };
  } finally {
    await app.stop();
  }
}
