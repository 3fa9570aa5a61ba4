/**
 * Flag ages in the App, which has no clone: one GraphQL request reads, at the base commit, the text and the
 * blame of every file whose flag checks the change touches (aliases `b0…`, `t0…`, at most
 * `MAX_DATED_FILES`). A pull request that touches no flag check costs no request at all (the rule asks for
 * none); one that does costs exactly one, of one rate-limit point. REST has no blame.
 */
import type { FlagAgeSource, Stamp } from '../engine/rules/flags/index.js';
import type { GitHubClient, RepoRef } from './facts.js';

interface BlameRange {
  startingLine: number;
  endingLine: number;
  commit: { oid: string; committedDate: string };
}

type Answer = {
  repository: Record<string, { blame?: { ranges: BlameRange[] }; text?: string | null } | null>;
};

/**
 * The query for `count` files: each file's blame (`bN`) and text (`tN`) at the base commit. Each blame sits
 * under its own `object`, so a file the base does not have nulls its own alias, not the others'.
 */
export function flagAgeQuery(count: number): string {
  const variables = ['$owner: String!', '$name: String!', '$base: String!'];
  const fields: string[] = [];
  for (let i = 0; i < count; i++) {
    variables.push(`$p${i}: String!`, `$e${i}: String!`);
    fields.push(
      `b${i}: object(expression: $base) { ... on Commit { blame(path: $p${i}) { ranges { startingLine endingLine commit { oid committedDate } } } } }`,
      `t${i}: object(expression: $e${i}) { ... on Blob { text } }`,
    );
  }
  return `query FlagAges(${variables.join(', ')}) {
  repository(owner: $owner, name: $name) {
    ${fields.join('\n    ')}
  }
}`;
}

export function githubFlagAgeSource(octokit: GitHubClient, repository: RepoRef): FlagAgeSource {
  return {
    async date(base, paths, linesOf) {
      const dated = new Map<string, Map<number, Stamp>>();
      if (paths.length === 0) return dated;
      const variables: Record<string, string> = { owner: repository.owner, name: repository.repo, base };
      paths.forEach((path, i) => {
        variables[`p${i}`] = path;
        variables[`e${i}`] = `${base}:${path}`;
      });
      let answer: Answer;
      try {
        answer = await octokit.graphql<Answer>(flagAgeQuery(paths.length), variables);
      } catch (error) {
        // A file the base no longer has fails its own blame; GitHub still answers the others.
        const partial = (error as { data?: Answer | null }).data;
        if (!partial?.repository) throw error;
        answer = partial;
      }
      paths.forEach((path, i) => {
        const text = answer.repository[`t${i}`]?.text;
        const ranges = answer.repository[`b${i}`]?.blame?.ranges;
        if (typeof text !== 'string' || !ranges) return;
        const lines = new Map<number, Stamp>();
        for (const line of linesOf(path, text)) {
          const range = ranges.find((r) => r.startingLine <= line && line <= r.endingLine);
          if (range) lines.set(line, { sha: range.commit.oid, at: new Date(range.commit.committedDate).toISOString() });
        }
        dated.set(path, lines);
      });
      return dated;
    },
  };
}
