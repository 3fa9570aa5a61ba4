/**
 * `npm start`: Probot's server (`probot run`, reading APP_ID, PRIVATE_KEY(_PATH), WEBHOOK_SECRET, PORT …)
 * with the app's Octokit, whose retry and rate-limit handling `probot run <file>` cannot set.
 */
import { run } from 'probot';
import app from './index.js';
import { MonoenvOctokit } from './octokit.js';

await run(app, { Octokit: MonoenvOctokit });
