/**
 * The app as `npm start` runs it, with Octokit's throttling off. Throttling spaces one app's writes a
 * second apart (GitHub's advice against secondary rate limits); a soak of 10,000 events would measure that
 * spacing for hours instead of the app's memory. Everything else is src/github/main.ts.
 */
import { run } from 'probot';
import app from '../../src/github/index.js';
import { MonoenvOctokit } from '../../src/github/octokit.js';

const WithoutThrottling = MonoenvOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  throttle: { ...(options.throttle as object), enabled: false },
}));

await run(app, { Octokit: WithoutThrottling as never });
