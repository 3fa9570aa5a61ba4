/**
 * Flag ages in the Action: a workflow that checked out the history (`actions/checkout` with `fetch-depth: 0`)
 * has it on disk, and blaming there costs no API call. A shallow checkout (the default depth of 1) or one
 * without the base commit has no history to blame: the App's GraphQL request dates the flags instead.
 */
import type { FlagAgeSource } from '../engine/rules/flags/index.js';
import { gitFlagAgeSource } from '../git/blame.js';
import { isShallow } from '../git/queries.js';
import { gitIn } from '../git/runner.js';

export function checkoutFlagAgeSource(
  workspace: string | undefined,
): ((scope: unknown, github: FlagAgeSource) => FlagAgeSource) | undefined {
  if (!workspace) return undefined;
  const git = gitIn(workspace);
  return (_scope, github) => ({
    async date(base, paths, linesOf) {
      const hasBase = (await git.maybe(['cat-file', '-e', `${base}^{commit}`]).catch(() => undefined)) !== undefined;
      if (!hasBase || (await isShallow(git).catch(() => true))) return github.date(base, paths, linesOf);
      return gitFlagAgeSource(git).date(base, paths, linesOf);
    },
  });
}
