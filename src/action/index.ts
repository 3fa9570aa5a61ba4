/**
 * The Action's entry, bundled into dist/action/index.js by scripts/bundle-action.mjs: the App's handlers (the
 * GitHub API as fact source) paired with the Action's recording publisher.
 */
import { monoenvApp } from '../github/index.js';
import { MonoenvOctokit } from '../github/octokit.js';
import { checkoutFlagAgeSource } from './flag-ages.js';
import { runAction } from './run.js';

// Flag ages come from the workflow's checkout when it holds the history, else from GitHub.
const flagAgeSource = checkoutFlagAgeSource(process.env.GITHUB_WORKSPACE);
const result = await runAction((publisher) => monoenvApp({ publisher, ...(flagAgeSource ? { flagAgeSource } : {}) }), process.env, {
  Octokit: MonoenvOctokit,
});
process.exitCode = result.failed ? 1 : 0;
