/**
 * What the workflow's checkout holds, asked once per base commit and shared by the Action's sources: whether
 * the base and head commits are there, and whether the history is whole. `actions/checkout` fetches one
 * commit by default (a pull request's merge commit), which holds neither; `fetch-depth: 0` holds both.
 * The sources that find what they need read git, costing no API call; the others fall back to GitHub's
 * GraphQL reads together (they await the one survey, so their requests leave in the same batch).
 */
import { isShallow, resolveCommit } from '../git/queries.js';
import { gitIn, type GitRunner } from '../git/runner.js';

export interface CheckoutSurvey {
  base: boolean;
  /** Undefined when the survey was not asked for a head. */
  head?: boolean;
  shallow: boolean;
}

export class Checkout {
  readonly git: GitRunner;
  readonly #surveys = new Map<string, Promise<CheckoutSurvey>>();

  constructor(workspace: string) {
    this.git = gitIn(workspace);
  }

  /** The survey for `base` (and `head` where the first asker names one); every later asker of `base` gets the same answer. */
  survey(base: string, head?: string): Promise<CheckoutSurvey> {
    let survey = this.#surveys.get(base);
    if (survey === undefined) {
      survey = Promise.all([
        this.#has(base),
        head === undefined ? Promise.resolve(undefined) : this.#has(head),
        isShallow(this.git).catch(() => true),
      ]).then(([hasBase, hasHead, shallow]) => ({ base: hasBase, ...(hasHead === undefined ? {} : { head: hasHead }), shallow }));
      this.#surveys.set(base, survey);
    }
    return survey;
  }

  async #has(sha: string): Promise<boolean> {
    return (await resolveCommit(this.git, sha).catch(() => undefined)) !== undefined;
  }
}
