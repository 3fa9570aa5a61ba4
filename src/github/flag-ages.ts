/**
 * Flag ages in the App, which has no clone: at the base commit, the text and the blame of every file whose flag
 * checks the change touches (at most `MAX_DATED_FILES`), read through the evaluation's GraphQL reads, so they
 * share one request with the whole files the risky rule asks for. A pull request that touches no flag check
 * reads nothing for it (the rule asks for none); one that does costs one request, of one rate-limit point, or
 * none more when the risky rule's texts are read anyway. REST has no blame.
 */
import type { FlagAgeSource, Stamp } from '../engine/rules/flags/index.js';
import type { GitHubClient, RepoRef } from './facts.js';
import { GraphQLReads } from './graphql-reads.js';

export function githubFlagAgeSource(
  octokit: GitHubClient,
  repository: RepoRef,
  reads = new GraphQLReads(octokit, repository),
): FlagAgeSource {
  return {
    async date(base, paths, linesOf) {
      const dated = new Map<string, Map<number, Stamp>>();
      if (paths.length === 0) return dated;
      // Asked together, sent together (texts and blames of every file in the one request).
      const answers = await Promise.all(paths.map((path) => Promise.all([reads.blob(base, path), reads.blame(base, path)])));
      paths.forEach((path, i) => {
        const [blob, ranges] = answers[i];
        // A text GitHub cut (over 512 KB) still dates the checks it holds.
        const text = blob?.text;
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
