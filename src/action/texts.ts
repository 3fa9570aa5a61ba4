/**
 * Whole files in the Action: where the workflow's checkout holds the change's base and head commits, the texts
 * the rules ask for are read from git objects, as the CLI reads them (no API call, no bound but the CLI's);
 * otherwise (the default checkout of one merge commit) through GitHub's GraphQL, as in the App.
 */
import { readTexts } from '../git/texts.js';
import type { TextReader } from '../github/whole-files.js';
import { Checkout } from './checkout.js';

export function checkoutTextReader(
  workspace: string | Checkout | undefined,
): ((scope: unknown, github: TextReader) => TextReader) | undefined {
  if (!workspace) return undefined;
  const checkout = typeof workspace === 'string' ? new Checkout(workspace) : workspace;
  return (_scope, github) => async (change, wanted) => {
    const survey = await checkout.survey(change.base.sha, change.head.sha);
    const head = survey.head ?? (await checkout.survey(change.head.sha)).base;
    if (!survey.base || !head) return github(change, wanted);
    return readTexts(checkout.git, change, wanted, change.base.sha, change.head.sha);
  };
}
