/**
 * Latency at a real round trip: the emulator holds every answer for `roundTripMs` (half on the way there,
 * half on the way back), as between a cloud region and api.github.com, so the time from webhook to the
 * visible result is mostly the number of requests made one after another. For each scenario: the time from
 * the webhook's POST to the moment GitHub stores the event's last write (the completed check run, or the
 * audit's comment), the time until the app answers, the number of sequential round trips on the critical path
 * (the longest chain of requests each sent after the previous one's answer), and the calls made.
 */
import { checkRunEvent, pullRequestEvent, pushEvent, type Emulator, type RequestRecord } from '../../tools/emulator/index.js';
import { CONFIG, GITATTRIBUTES, changedFiles, patchOf } from './fixtures.js';
import { MONOENV_APP_ID, prepareWebhook, sendWebhook, startApp, type AppProcess, type Bench } from './harness.js';

export interface LatencyRow {
  scenario: string;
  samples: number;
  /** Medians over the samples. */
  toResultMs: number;
  toAnswerMs: number;
  sequentialRoundTrips: number;
  requests: number;
  rateLimited: number;
  /** The requests of the last sample, in the order they were sent: `METHOD route status`. */
  calls: string[];
}

export interface LatencyResults {
  roundTripMs: number;
  rows: LatencyRow[];
}

const WRITE = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

/** The longest chain of requests in which each was sent after the previous one's answer arrived. */
export function sequentialRoundTrips(requests: readonly Pick<RequestRecord, 'startedAt' | 'endedAt'>[]): number {
  const sorted = [...requests].sort((a, b) => a.endedAt - b.endedAt);
  const depth: number[] = [];
  let longest = 0;
  for (let i = 0; i < sorted.length; i++) {
    let before = 0;
    for (let j = 0; j < i; j++) if (sorted[j].endedAt <= sorted[i].startedAt) before = Math.max(before, depth[j]);
    depth.push(before + 1);
    longest = Math.max(longest, before + 1);
  }
  return longest;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
};

interface Sample {
  toResultMs: number;
  toAnswerMs: number;
  sequentialRoundTrips: number;
  requests: number;
  rateLimited: number;
  calls: string[];
}

async function sample(gh: Emulator, app: AppProcess, event: { name: string; payload: unknown }): Promise<Sample> {
  const webhook = prepareWebhook(event);
  gh.resetCounters();
  const started = performance.now();
  const status = await sendWebhook(app.url, webhook);
  const answered = performance.now();
  if (status >= 300) throw new Error(`the app answered ${status}`);
  const requests = [...gh.requests];
  if (gh.counters.violations > 0 || gh.counters.unmatched > 0)
    throw new Error(`the app broke GitHub's API contract: ${JSON.stringify({ violations: gh.violations, unmatched: gh.unmatched })}`);
  // GitHub stores a write when the request reaches it: half a round trip after it was sent.
  const writes = requests.filter((r) => WRITE.has(r.method) && r.status < 300 && !r.path.includes('/access_tokens'));
  const lastWrite = writes.length === 0 ? answered : Math.max(...writes.map((r) => r.startedAt + gh.roundTripMs / 2));
  return {
    toResultMs: lastWrite - started,
    toAnswerMs: answered - started,
    sequentialRoundTrips: sequentialRoundTrips(requests),
    requests: requests.length,
    rateLimited: gh.counters.rateLimited,
    calls: requests
      .sort((a, b) => a.startedAt - b.startedAt)
      .map((r) => {
        const page = /[?&]page=(\d+)/.exec(r.path)?.[1];
        return `${r.method} ${r.route ?? r.path.split('?')[0]} ${r.status}${page === undefined ? '' : ` (page ${page})`}`;
      }),
  };
}

function row(scenario: string, samples: Sample[]): LatencyRow {
  return {
    scenario,
    samples: samples.length,
    toResultMs: median(samples.map((s) => s.toResultMs)),
    toAnswerMs: median(samples.map((s) => s.toAnswerMs)),
    sequentialRoundTrips: median(samples.map((s) => s.sequentialRoundTrips)),
    requests: median(samples.map((s) => s.requests)),
    rateLimited: median(samples.map((s) => s.rateLimited)),
    calls: samples.at(-1)?.calls ?? [],
  };
}

let serial = 0;
const sha = (tag: string): string =>
  (++serial).toString(16).padStart(8, 'e') + Buffer.from(tag).toString('hex').padEnd(32, '0').slice(0, 32);

function seed(gh: Emulator, owner: string, repo: string, withConfig: boolean): void {
  gh.store.addRepo({ owner, repo, defaultBranch: 'main', ownerType: 'Organization' });
  if (withConfig) {
    gh.store.setFile(owner, repo, '.github/monoenv.yml', CONFIG);
    gh.store.setFile(owner, repo, '.gitattributes', GITATTRIBUTES);
  }
}

function open(gh: Emulator, owner: string, repo: string, number: number, files: number): void {
  gh.store.addPullRequest({
    owner,
    repo,
    number,
    user: 'alice',
    title: `feat: checkout step ${number}`,
    body: 'Moves checkout to the new ledger.',
    head: { sha: sha(`head${number}`) },
    files: changedFiles(files, 20, number),
  });
}

function push(gh: Emulator, owner: string, repo: string, number: number): string {
  const pull = gh.store.getPullRequest(owner, repo, number);
  const before = pull.head.sha;
  const head = sha(`sync${number}`);
  gh.store.addCommit(owner, repo, { sha: head, parents: [before], author: pull.user });
  pull.commits.push(head);
  pull.head.sha = head;
  pull.files[0] = gh.store.toFileChange({ filename: pull.files[0].filename, status: 'modified', patch: patchOf(30, number + 7) });
  return before;
}

export async function measureLatency(
  bench: Bench,
  { roundTripMs = 100, samples = 5, nodeFlags }: { roundTripMs?: number; samples?: number; nodeFlags?: string[] } = {},
  log: (line: string) => void = () => undefined,
): Promise<LatencyResults> {
  const { gh } = bench;
  const owner = 'latency';
  const repo = 'shop';
  seed(gh, owner, repo, true);
  const app = await startApp(bench, 'monoenv', nodeFlags === undefined ? {} : { nodeFlags });
  const rows: LatencyRow[] = [];
  const previous = gh.roundTripMs;
  gh.roundTripMs = roundTripMs;
  try {
    let number = 0;
    // Warm-up, not measured: the installation's token and the configuration are then known to the app.
    open(gh, owner, repo, ++number, 20);
    await sample(gh, app, pullRequestEvent(gh, { owner, repo, number, action: 'opened' }));

    log(`  latency: typical event (round trip ${roundTripMs} ms) …`);
    const typical: Sample[] = [];
    for (let i = 0; i < samples; i++) {
      open(gh, owner, repo, ++number, 20);
      await sample(gh, app, pullRequestEvent(gh, { owner, repo, number, action: 'opened' }));
      const before = push(gh, owner, repo, number);
      typical.push(await sample(gh, app, pullRequestEvent(gh, { owner, repo, number, action: 'synchronize', before })));
    }
    rows.push(row('typical: pull_request.synchronize, 20 files, configuration seen', typical));

    log('  latency: first event …');
    const first: Sample[] = [];
    for (let i = 0; i < samples; i++) {
      // A new installation: no token yet, and a repository without configuration or .gitattributes.
      const newOwner = `first${i}`;
      seed(gh, newOwner, repo, false);
      open(gh, newOwner, repo, 1, 20);
      first.push(await sample(gh, app, pullRequestEvent(gh, { owner: newOwner, repo, number: 1, action: 'opened' })));
    }
    rows.push(row('first event: new installation, no configuration, opened, 20 files', first));

    log('  latency: 650 files …');
    const large: Sample[] = [];
    for (let i = 0; i < samples; i++) {
      open(gh, owner, repo, ++number, 650);
      large.push(await sample(gh, app, pullRequestEvent(gh, { owner, repo, number, action: 'opened' })));
    }
    rows.push(row('pull_request.opened, 650 files', large));

    log('  latency: merge audit …');
    const audits: Sample[] = [];
    for (let i = 0; i < samples; i++) {
      open(gh, owner, repo, ++number, 20);
      await sample(gh, app, pullRequestEvent(gh, { owner, repo, number, action: 'opened' }));
      gh.store.mergePullRequest(owner, repo, number, { merged_by: 'alice', merge_commit_sha: sha(`merge${number}`) });
      audits.push(await sample(gh, app, pullRequestEvent(gh, { owner, repo, number, action: 'closed' })));
    }
    rows.push(row('merge audit, unreviewed', audits));

    log('  latency: push audit …');
    const pushes: Sample[] = [];
    for (let i = 0; i < samples; i++) {
      // Three commits pushed straight to the default branch, none from a pull request.
      const before = gh.store.repo(owner, repo).branches.get('main')!;
      const commits: string[] = [];
      for (let c = 0; c < 3; c++) {
        const direct = sha(`direct${i}.${c}`);
        gh.store.addCommit(owner, repo, { sha: direct, parents: [commits.at(-1) ?? before], author: 'carol', message: `hotfix ${c}` });
        commits.push(direct);
      }
      gh.store.setBranch(owner, repo, 'main', commits.at(-1)!);
      pushes.push(await sample(gh, app, pushEvent(gh, { owner, repo, before, commits, pusher: 'carol' })));
    }
    rows.push(row('push audit: 3 commits without a pull request', pushes));

    log('  latency: re-run …');
    const reruns: Sample[] = [];
    for (let i = 0; i < samples; i++) {
      open(gh, owner, repo, ++number, 20);
      await sample(gh, app, pullRequestEvent(gh, { owner, repo, number, action: 'opened' }));
      const head = gh.store.getPullRequest(owner, repo, number).head.sha;
      const run = gh
        .checkRuns(owner, repo, head)
        .filter((r) => r.appId === MONOENV_APP_ID)
        .at(-1);
      if (run === undefined) throw new Error('no monoenv check run to re-run');
      // A re-run is asked for when something changed: here a label the run does not know yet.
      gh.store.addIssueLabel(gh.store.repo(owner, repo), gh.store.issue(gh.store.repo(owner, repo), number), 'large-change-ok');
      reruns.push(await sample(gh, app, checkRunEvent(gh, { owner, repo, checkRunId: run.id })));
    }
    rows.push(row('check_run.rerequested, 20 files', reruns));
  } finally {
    gh.roundTripMs = previous;
    await app.stop();
  }
  return { roundTripMs, rows };
}
