/**
 * The Action's entry, bundled into dist/action/index.js by scripts/bundle-action.mjs: the App's handlers (the
 * GitHub API as fact source) paired with the Action's recording publisher.
 */
import { monoenvApp } from '../github/index.js';
import { MonoenvOctokit } from '../github/octokit.js';
import { Checkout } from './checkout.js';
import { checkoutFlagAgeSource } from './flag-ages.js';
import { checkoutTextReader } from './texts.js';
import { runAction } from './run.js';

// Flag ages and whole files come from the workflow's checkout when it holds the history and the commits, else from GitHub.
const checkout = process.env.GITHUB_WORKSPACE ? new Checkout(process.env.GITHUB_WORKSPACE) : undefined;
const flagAgeSource = checkoutFlagAgeSource(checkout);
const textReader = checkoutTextReader(checkout);
const result = await runAction(
  (publisher) => monoenvApp({ publisher, ...(flagAgeSource ? { flagAgeSource } : {}), ...(textReader ? { textReader } : {}) }),
  process.env,
  { Octokit: MonoenvOctokit },
);
process.exitCode = result.failed ? 1 : 0;
