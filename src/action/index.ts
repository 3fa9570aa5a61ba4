/** The Action's entry, bundled into dist/action/index.js by scripts/bundle-action.mjs. */
import app from '../github/index.js';
import { MonoenvOctokit } from '../github/octokit.js';
import { runAction } from './run.js';

const result = await runAction(app, process.env, { Octokit: MonoenvOctokit as typeof import('probot').ProbotOctokit });
process.exitCode = result.failed ? 1 : 0;
