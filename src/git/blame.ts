/**
 * Flag ages from the local history (the CLI, and the Action when the workflow checked out the base): the base
 * text of a file from its blob, then one `git blame --porcelain` for the asked lines only (`-L n,n` each), so a
 * long file with a long history costs the lines asked, not the whole file.
 */
import type { FlagAgeSource, Stamp } from '../engine/rules/flags/index.js';
import { readFileAt } from './queries.js';
import type { GitRunner } from './runner.js';

/** Each final line's commit, from blame's porcelain output (`<sha> <orig> <final> [<count>]` headers). */
export function parsePorcelainBlame(output: string): Map<number, Stamp> {
  const lines = new Map<number, Stamp>();
  const times = new Map<string, number>();
  const pending: { sha: string; line: number }[] = [];
  let current: string | undefined;
  for (const row of output.split('\n')) {
    const header = /^([0-9a-f]{40}) \d+ (\d+)(?: \d+)?$/.exec(row);
    if (header) {
      current = header[1]!;
      pending.push({ sha: current, line: Number(header[2]) });
      continue;
    }
    if (current !== undefined && row.startsWith('committer-time ')) times.set(current, Number(row.slice(15)));
  }
  for (const { sha, line } of pending) {
    const time = times.get(sha);
    if (time !== undefined) lines.set(line, { sha, at: new Date(time * 1000).toISOString() });
  }
  return lines;
}

export function gitFlagAgeSource(git: GitRunner): FlagAgeSource {
  return {
    async date(base, paths, linesOf) {
      const dated = new Map<string, Map<number, Stamp>>();
      for (const path of paths) {
        const text = await readFileAt(git, base, path);
        if (text === undefined) continue;
        const lines = linesOf(path, text);
        if (lines.length === 0) continue;
        const ranges = lines.flatMap((line) => ['-L', `${line},${line}`]);
        const output = await git.maybe(['blame', '--porcelain', ...ranges, base, '--', path]);
        if (output !== undefined) dated.set(path, parsePorcelainBlame(output));
      }
      return dated;
    },
  };
}
