/**
 * Flag ages in the Action: a workflow that checked out the history (`actions/checkout` with `fetch-depth: 0`)
 * has it on disk, and blaming there costs no API call. A shallow checkout (the default depth of 1) or one
 * without the base commit has no history to blame: the App's GraphQL request dates the flags instead.
 */
import type { FlagAgeSource } from '../engine/rules/flags/index.js';
import { gitFlagAgeSource } from '../git/blame.js';
import { Checkout } from './checkout.js';

export function checkoutFlagAgeSource(
  workspace: string | Checkout | undefined,
): ((scope: unknown, github: FlagAgeSource) => FlagAgeSource) | undefined {
  if (!workspace) return undefined;
  const checkout = typeof workspace === 'string' ? new Checkout(workspace) : workspace;
  return (_scope, github) => ({
    async date(base, paths, linesOf) {
      const survey = await checkout.survey(base);
      if (!survey.base || survey.shallow) return github.date(base, paths, linesOf);
      return gitFlagAgeSource(checkout.git).date(base, paths, linesOf);
    },
  });
}
