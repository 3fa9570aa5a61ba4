/**
 * The app as `npm start` runs it, with Octokit's throttling off. Throttling spaces each installation's
 * writes a second apart (GitHub's advice against secondary rate limits); 10,000 events from 16 senders over
 * 40 installations would mostly measure that spacing instead of the app's memory. Everything else is
 * src/github/main.ts (and the node flags of `npm start`, see processes.ts).
 */
import { run } from 'probot';
import app from '../../src/github/index.js';
import { MonoenvOctokit } from '../../src/github/octokit.js';

const WithoutThrottling = MonoenvOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  throttle: { ...(options.throttle as object), enabled: false },
}));

await run(app, { Octokit: WithoutThrottling });
