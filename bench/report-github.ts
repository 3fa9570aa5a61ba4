/**
 * What `monoenv report --github` costs on a busy repository: 90 days with 1,000 merged pull requests, 600
 * production deployments (and 300 to staging, filtered out by GitHub) and 60 releases, served by the local
 * GitHub API emulator, which prices every GraphQL query with GitHub's cost formula. Prints requests and
 * points for a first run and for a re-run from the disk cache.   Run: npx tsx bench/report-github.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmulator } from '../tools/emulator/index.js';
import { fetchMergedPulls } from '../src/cli/history/github.js';
import { readDeployments } from '../src/cli/history/deployments.js';
import { reportGit } from '../src/cli/history/git.js';
import { DEFAULT_CONFIG } from '../src/config/schema.js';

const PULLS = Number(process.argv[2] ?? 1000);
const DEPLOYMENTS = Number(process.argv[3] ?? 600);
const now = Date.now();
const since = new Date(now - 90 * 86_400_000);
const at = (i: number, n: number) => new Date(since.getTime() + ((i + 0.5) / n) * 89 * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
const sha = (prefix: string, i: number) => `${prefix}${i.toString(16)}`.padEnd(40, '0');

const gh = await startEmulator({ recordRequests: false });
const dir = mkdtempSync(path.join(tmpdir(), 'monoenv-bench-gh-'));
try {
  const repo = gh.store.addRepo({ owner: 'acme', repo: 'busy' });
  for (let i = 0; i < PULLS; i++) {
    const commits = Array.from({ length: 1 + (i % 6) }, (_, c) => ({ sha: sha(`c${c}`, i), message: `work ${c}`, date: at(i, PULLS) }));
    gh.store.addPullRequest({
      owner: 'acme',
      repo: 'busy',
      number: i + 1,
      user: `dev${i % 17}`,
      merged: true,
      created_at: at(i, PULLS),
      merged_at: at(i, PULLS),
      commits,
      reviews: [{ user: `dev${(i + 1) % 17}`, state: 'APPROVED', commit_id: commits.at(-1)!.sha, submitted_at: at(i, PULLS) }],
    });
  }
  for (let i = 0; i < DEPLOYMENTS; i++) {
    gh.store.addDeployment('acme', 'busy', {
      sha: sha('d', i),
      created_at: at(i, DEPLOYMENTS),
      statuses: [{ state: i % 25 === 0 ? 'FAILURE' : 'SUCCESS' }],
    });
    if (i % 2 === 0)
      gh.store.addDeployment('acme', 'busy', {
        sha: sha('d', i),
        environment: 'staging',
        created_at: at(i, DEPLOYMENTS),
        statuses: [{ state: 'SUCCESS' }],
      });
    if (i % 10 === 0) gh.store.addRelease('acme', 'busy', { tag: `v1.${i}`, sha: sha('d', i), created_at: at(i, DEPLOYMENTS) });
  }
  const token = gh.store.issueToken(repo.installationId, 1).token;
  const endpoint = { token, apiUrl: gh.url };
  const git = reportGit(dir);
  for (const run of ['first run', 're-run (cache)']) {
    const before = { ...gh.counters };
    const t = performance.now();
    const pulls = await fetchMergedPulls({
      ...endpoint,
      repository: 'acme/busy',
      since,
      cacheFile: path.join(dir, 'pulls.json'),
      config: DEFAULT_CONFIG,
    });
    const afterPulls = { ...gh.counters };
    const shipped = await readDeployments({
      ...endpoint,
      repository: 'acme/busy',
      environments: ['production'],
      since,
      until: new Date(now),
      cacheFile: path.join(dir, 'deployments.json'),
      git,
    });
    const seconds = (performance.now() - t) / 1000;
    console.log(
      `${run}: pull requests ${afterPulls.graphql - before.graphql} requests / ${afterPulls.graphqlPoints - before.graphqlPoints} points (${pulls.pulls?.length} merged); ` +
        `deployments+releases ${gh.counters.graphql - afterPulls.graphql} requests / ${gh.counters.graphqlPoints - afterPulls.graphqlPoints} points (${shipped.events?.length} ${shipped.source}); ` +
        `REST 0; ${seconds.toFixed(1)} s`,
    );
  }
} finally {
  await gh.close();
  rmSync(dir, { recursive: true, force: true });
}
