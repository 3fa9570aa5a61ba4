/** The Lambda entry: `index.handler` in the bundle `npm run bundle:lambda` writes to dist/lambda/index.mjs. */
import app from '../github/index.js';
import { MonoenvOctokit } from '../github/octokit.js';
import { createLambdaHandler } from './handler.js';

export const handler = createLambdaHandler(app, { overrides: { Octokit: MonoenvOctokit } });
