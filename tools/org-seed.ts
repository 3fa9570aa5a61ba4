/**
 * Seeds the emulator with an organisation whose repositories have a known history in the window: merged pull
 * requests (every third without a valid approval, every fourth touching billing code, half of those behind
 * a flag), direct pushes, and a default branch whose commits GraphQL's `history` walks. Shared by the
 * organisation tests and the benchmark.
 */
import type { Emulator } from './emulator/index.js';

export interface OrgSeed {
  org: string;
  repositories: string[];
  pullsPerRepository: number;
  /** Unix ms of the first change; one change a day after it (pull requests, and a direct push every 4th day). */
  start: number;
}

const hex = (text: string): string => Buffer.from(text).toString('hex').padEnd(40, '0').slice(0, 40);
const lines = (n: number, prefix: string): string => Array.from({ length: n }, (_, i) => `+${prefix} ${i + 1}`).join('\n');

/** Returns the organisation's installation id. */
export function seedOrganisation(gh: Emulator, seed: OrgSeed): number {
  let installation = 0;
  for (const name of seed.repositories) {
    const repo = gh.store.addRepo({ owner: seed.org, repo: name, ...(installation ? { installationId: installation } : {}) });
    installation = repo.installationId;
    let parent = repo.branches.get('main')!;
    gh.store.addCommit(seed.org, name, {
      sha: parent,
      message: 'Initial import',
      date: new Date(seed.start - 30 * 86_400_000).toISOString(),
    });
    let day = 0;
    const land = (sha: string, message: string, author: string) => {
      gh.store.addCommit(seed.org, name, {
        sha,
        message,
        author,
        parents: [parent],
        date: new Date(seed.start + day * 86_400_000 + 3_600_000).toISOString(),
      });
      parent = sha;
    };
    for (let n = 1; n <= seed.pullsPerRepository; n++, day++) {
      const at = (h: number) => new Date(seed.start + day * 86_400_000 + h * 3_600_000).toISOString();
      const risky = n % 4 === 0;
      const flagged = risky && n % 8 === 0;
      const size = [12, 40, 150, 600][n % 4];
      const files = risky
        ? [
            {
              filename: 'src/billing/charge.ts',
              status: 'modified' as const,
              patch: `@@ -1,0 +1,${flagged ? 3 : 2} @@\n${flagged ? "+if (ldClient.variation('new-charge', user, false)) {\n+  chargeV2(order);\n+}" : '+chargeV2(order);\n+audit(order);'}`,
            },
          ]
        : [
            { filename: `src/module${n}.ts`, status: 'added' as const, patch: `@@ -0,0 +1,${size} @@\n${lines(size, 'code')}` },
            ...(n % 2 === 0
              ? [{ filename: `src/module${n}.test.ts`, status: 'added' as const, patch: `@@ -0,0 +1,5 @@\n${lines(5, 'test')}` }]
              : []),
          ];
      const head = hex(`${name}-head-${n}`);
      const merge = hex(`${name}-merge-${n}`);
      gh.store.addPullRequest({
        owner: seed.org,
        repo: name,
        number: n,
        user: 'ann',
        title: risky ? `Charge with v2 (${n})` : `Add module ${n}`,
        head: { sha: head },
        merged: true,
        created_at: at(-20),
        merged_at: at(1),
        merge_commit_sha: merge,
        files,
        reviews: n % 3 === 0 ? [] : [{ user: 'bob', state: 'APPROVED', commit_id: head, submitted_at: at(0) }],
      });
      land(merge, `Add module ${n} (#${n})`, 'ann');
      if (n % 4 === 1) {
        day++;
        land(hex(`${name}-direct-${n}`), `Quick fix ${n}`, 'carl');
      }
    }
    gh.store.setBranch(seed.org, name, 'main', parent);
  }
  return installation;
}
