/**
 * Runs the emulator on its own: `npx tsx tools/emulator/cli.ts --port 3999 [--seed FILE.json] [--quiet]`.
 * A seed file is JSON `{ repos: RepoInput[], pulls: PullRequestInput[], files: [{ owner, repo, path,
 * content, ref? }] }`. On SIGINT/SIGTERM it prints the counters (and any violations) and exits.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startEmulator } from './server.js';
import type { PullRequestInput, RepoInput } from './store.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    seed: { type: 'string' },
    'no-log': { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
  },
});

const gh = await startEmulator({ port: Number(values.port), recordRequests: !values['no-log'] });
if (values.seed) {
  const seed = JSON.parse(readFileSync(values.seed, 'utf8')) as {
    repos?: RepoInput[];
    pulls?: PullRequestInput[];
    files?: Array<{ owner: string; repo: string; path: string; content: string; ref?: string }>;
  };
  for (const repo of seed.repos ?? []) gh.store.addRepo(repo);
  for (const pull of seed.pulls ?? []) gh.store.addPullRequest(pull);
  for (const file of seed.files ?? []) gh.store.setFile(file.owner, file.repo, file.path, file.content, file.ref);
}
process.stdout.write(`GitHub API emulator listening on ${gh.url}\n`);

const stop = async (): Promise<void> => {
  if (!values.quiet) {
    const { byRoute, ...totals } = gh.counters;
    process.stdout.write(`${JSON.stringify({ counters: totals, byRoute, violations: gh.violations, unmatched: gh.unmatched }, null, 2)}\n`);
  }
  await gh.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
