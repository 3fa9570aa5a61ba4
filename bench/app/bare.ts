/**
 * The bare Probot app the end-to-end figures are compared with: it receives `pull_request`, evaluates
 * nothing and creates one completed check run on the head commit.
 */
import type { ApplicationFunction } from 'probot';

export const bareApp: ApplicationFunction = (app) => {
  app.on(['pull_request.opened', 'pull_request.synchronize', 'pull_request.reopened'], async (context) => {
    const pr = context.payload.pull_request;
    await context.octokit.rest.checks.create(
      context.repo({
        name: 'monoenv',
        head_sha: pr.head.sha,
        status: 'completed' as const,
        conclusion: 'success' as const,
        output: { title: 'Received', summary: `Pull request #${pr.number} received.` },
      }),
    );
  });
};
