/**
 * `monoenv report --org` against the local GitHub API emulator with N generated repositories (30 merged pull
 * requests and 8 direct pushes each in the window). The emulator runs in this process; the report runs in a
 * child process so its memory is measured alone. Prints time, GraphQL requests and points, REST requests and
 * the report's peak RSS.   Run: npx tsx bench/report-org.ts [N...]   (default 10 50 200)
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmulator } from '../tools/emulator/index.js';
import { seedOrganisation } from '../tools/org-seed.js';

/** What the child prints on its last line. */
interface ChildFigures {
  seconds: number;
  cost: { graphqlRequests: number; graphqlPoints: number; restRequests: number };
  repositories: number;
  changes: number;
  maxRssMiB: number;
}

if (process.argv[2] === '--child') {
  const { buildOrgReport } = await import('../src/cli/history/org/command.js');
  const t = performance.now();
  const data = await buildOrgReport({
    org: 'acme',
    since: new Date('2024-01-01T00:00:00Z'),
    until: new Date('2024-03-31T00:00:00Z'),
    env: process.env,
    noCache: true,
  });
  const seconds = (performance.now() - t) / 1000;
  console.log(
    JSON.stringify({
      seconds,
      cost: data.cost,
      repositories: data.repositories.length,
      changes: data.totals.changes,
      maxRssMiB: process.resourceUsage().maxRSS / 1024,
    }),
  );
} else {
  for (const n of (process.argv.slice(2).length ? process.argv.slice(2) : ['10', '50', '200']).map(Number)) {
    const gh = await startEmulator({ recordRequests: false, now: () => new Date('2024-03-31T00:00:00Z') });
    const names = Array.from({ length: n }, (_, i) => `service-${String(i).padStart(3, '0')}`);
    const installation = seedOrganisation(gh, {
      org: 'acme',
      repositories: names,
      pullsPerRepository: 30,
      start: Date.parse('2024-01-05T00:00:00Z'),
    });
    for (const name of names.filter((_, i) => i % 2 === 0))
      gh.store.setFile('acme', name, '.github/monoenv.yml', 'risky:\n  paths: ["src/billing/**"]\n');
    const token = gh.store.issueToken(installation, 1).token;
    const dir = mkdtempSync(path.join(tmpdir(), 'monoenv-bench-org-'));
    // The emulator answers from this process, so the child runs asynchronously while it serves.
    const { spawn } = await import('node:child_process');
    const child = await new Promise<string>((resolve) => {
      const proc = spawn(process.execPath, ['--import', 'tsx', 'bench/report-org.ts', '--child'], {
        env: { ...process.env, GITHUB_TOKEN: token, GITHUB_API_URL: gh.url },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      proc.stdout.on('data', (c: Buffer) => (out += c.toString()));
      proc.on('close', () => resolve(out));
    });
    const r = JSON.parse(child.trim().split('\n').at(-1)!) as ChildFigures;
    console.log(
      `${n} repositories: ${r.changes} changes in ${r.seconds.toFixed(1)} s · GraphQL ${r.cost.graphqlRequests} requests / ${r.cost.graphqlPoints} points (emulator: ${gh.counters.graphql} / ${gh.counters.graphqlPoints}) · REST ${r.cost.restRequests} · peak RSS ${r.maxRssMiB.toFixed(0)} MiB`,
    );
    await gh.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
