/**
 * GitHub's GraphQL endpoint for the one query `monoenv report` sends (merged pull requests with reviews and
 * commits), answered from an emulator's store. The emulator's route table is REST-only and closed, so this
 * listens beside it on 127.0.0.1; point GITHUB_API_URL at `url`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Emulator } from './server.js';

export interface GraphqlPulls {
  url: string;
  /** Every query received: its variables. */
  queries: Record<string, unknown>[];
  /** Answer the next `n` queries with this HTTP status (fault injection). */
  failNext(n: number, status?: number): void;
  close(): Promise<void>;
}

const actor = (login: string | null): { __typename: string; login: string } | null =>
  login === null ? null : login.endsWith('[bot]') ? { __typename: 'Bot', login: login.slice(0, -5) } : { __typename: 'User', login };

export async function startGraphqlPulls(emulator: Emulator): Promise<GraphqlPulls> {
  const queries: Record<string, unknown>[] = [];
  let failures = 0;
  let failStatus = 502;
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      const reply = (status: number, body: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
      };
      if (req.method !== 'POST' || req.url !== '/graphql') return reply(404, { message: 'Not Found' });
      if (!/^bearer \S+/i.test(req.headers.authorization ?? '')) {
        return reply(401, { message: 'This endpoint requires you to be authenticated.' });
      }
      if (failures > 0) {
        failures--;
        return reply(failStatus, { message: 'Server Error' });
      }
      const { query, variables } = JSON.parse(raw) as { query: string; variables: { owner: string; name: string; first: number; after: string | null } };
      queries.push(variables);
      if (!/query MonoenvMergedPulls\b/.test(query) || !/orderBy: \{field: UPDATED_AT, direction: DESC\}/.test(query)) {
        return reply(200, { errors: [{ message: 'only the MonoenvMergedPulls query is emulated' }] });
      }
      if (variables.first > 100) return reply(200, { errors: [{ message: 'Requesting 101+ records on the `pullRequests` connection exceeds the `first` limit of 100 records.' }] });
      const repo = emulator.store.getRepo(variables.owner, variables.name);
      if (!repo) return reply(200, { data: { repository: null }, errors: [{ type: 'NOT_FOUND', message: `Could not resolve to a Repository with the name '${variables.owner}/${variables.name}'.` }] });
      const updatedAt = (p: { updated_at: string; merged_at: string | null; reviews: { submitted_at: string }[] }): string =>
        [p.updated_at, p.merged_at ?? '', ...p.reviews.map((r) => r.submitted_at)].sort().at(-1)!;
      const merged = [...repo.pulls.values()].filter((p) => p.merged).sort((a, b) => updatedAt(b).localeCompare(updatedAt(a)) || b.number - a.number);
      const offset = variables.after === null ? 0 : Number(Buffer.from(variables.after, 'base64').toString('utf8').replace('cursor:', ''));
      const page = merged.slice(offset, offset + variables.first);
      const nodes = page.map((p) => ({
        number: p.number,
        title: p.title,
        createdAt: p.created_at,
        mergedAt: p.merged_at,
        updatedAt: updatedAt(p),
        headRefOid: p.head.sha,
        author: actor(p.user),
        mergeCommit: p.merge_commit_sha ? { oid: p.merge_commit_sha } : null,
        reviews: { nodes: p.reviews.slice(0, 100).map((r) => ({ state: r.state, submittedAt: r.submitted_at, author: actor(r.user), commit: { oid: r.commit_id } })) },
        commits: {
          nodes: p.commits.slice(-100).map((sha) => {
            const commit = repo.commits.get(sha);
            return { commit: { oid: sha, message: commit?.message ?? '', parents: { nodes: (commit?.parents ?? []).slice(0, 3).map((oid) => ({ oid })) } } };
          }),
        },
      }));
      const end = offset + page.length;
      reply(200, {
        data: {
          repository: {
            pullRequests: {
              pageInfo: { hasNextPage: end < merged.length, endCursor: page.length ? Buffer.from(`cursor:${end}`).toString('base64') : null },
              nodes,
            },
          },
        },
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    queries,
    failNext(n, status = 502) {
      failures = n;
      failStatus = status;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
