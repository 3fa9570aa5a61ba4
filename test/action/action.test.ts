import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { pullRequestEvent, startEmulator, type Emulator } from '../../tools/emulator/index.js';
import { ACTIONS_APP, bundleCurrentSources, runActionBundle } from './run-bundle.js';
import { CONFIG_YAML, HEAD_SHA, OWNER, PR_NUMBER, REPO, seedPullRequest } from '../../tools/scenario.js';

let bundle: string;
let gh: Emulator;
let token: string;

beforeAll(() => {
  bundle = bundleCurrentSources();
}, 120_000);

beforeEach(async () => {
  gh = await startEmulator();
  gh.store.addApp(ACTIONS_APP);
  seedPullRequest(gh);
  token = gh.store.issueToken(gh.store.repo(OWNER, REPO).installationId, ACTIONS_APP.id).token;
});

afterEach(async () => {
  await gh.close();
});

/** The workflow's event: the webhook payload without `installation`, as runners write GITHUB_EVENT_PATH. */
function workflowEvent(action: string): Record<string, unknown> {
  const { payload } = pullRequestEvent(gh, { owner: OWNER, repo: REPO, number: PR_NUMBER, action });
  delete payload.installation;
  return payload;
}

const workflowCommands = (stdout: string, command: string): string[] =>
  stdout.split('\n').filter((line) => line.startsWith(`::${command} `) || line.startsWith(`::${command}::`));

describe('the bundled Action', () => {
  it("posts one monoenv check run with annotations on the pull request's head, writes the job summary, and fails the job", async () => {
    const run = await runActionBundle(bundle, gh, { name: 'pull_request', payload: workflowEvent('opened'), token });

    const runs = gh.checkRuns(OWNER, REPO, HEAD_SHA);
    expect(runs).toHaveLength(1);
    const [checkRun] = runs;
    expect(checkRun).toMatchObject({
      name: 'monoenv',
      status: 'completed',
      conclusion: 'failure',
      appId: ACTIONS_APP.id,
      external_id: String(PR_NUMBER),
    });
    expect(checkRun.annotations.some((a) => a.path === 'src/billing/reorder.ts' && a.annotation_level === 'failure')).toBe(true);
    expect(checkRun.annotations.some((a) => a.path === 'src/billing/charge.ts' && a.annotation_level === 'failure')).toBe(false);

    expect(run.exitCode).toBe(1);
    expect(workflowCommands(run.stdout, 'error')).toContain(`::error::monoenv: ${checkRun.output.title}`);
    // The annotations are on the check run already; the job does not repeat them.
    expect(workflowCommands(run.stdout, 'error').some((line) => line.includes('file='))).toBe(false);
    expect(run.summary).toContain(`monoenv: ${checkRun.output.title}`);
    expect(run.summary).toContain(checkRun.output.summary!.split('\n')[0]);
    expect(run.outputs).toMatchObject({ conclusion: 'failure', title: checkRun.output.title!, published: 'true' });
    expect(run.outputs['check-run-url']).toMatch(new RegExp(`/${OWNER}/${REPO}/runs/${checkRun.id}$`));
    expect(gh.violations).toEqual([]);
  }, 60_000);

  it('shows the result as workflow annotations and the job summary when the token may not write checks, and still fails', async () => {
    gh.faults.add({
      route: 'POST /repos/{owner}/{repo}/check-runs',
      status: 403,
      times: Infinity,
      body: {
        message: 'Resource not accessible by integration',
        documentation_url: 'https://docs.github.com/rest/checks/runs#create-a-check-run',
        status: '403',
      },
    });
    const run = await runActionBundle(bundle, gh, { name: 'pull_request', payload: workflowEvent('synchronize'), token });

    expect(gh.checkRuns(OWNER, REPO)).toEqual([]);
    expect(run.exitCode).toBe(1);
    expect(workflowCommands(run.stdout, 'warning').some((line) => line.includes('checks: write'))).toBe(true);
    const fileErrors = workflowCommands(run.stdout, 'error').filter((line) => line.includes('file='));
    expect(fileErrors.length).toBeGreaterThan(0);
    expect(fileErrors[0]).toMatch(/^::error title=[^,]+,file=src\/billing\/reorder\.ts,line=\d+,endLine=\d+::/);
    expect(workflowCommands(run.stdout, 'warning').some((line) => line.includes('file=src/orders/OrderHistory.tsx'))).toBe(true);
    expect(run.outputs).toMatchObject({ conclusion: 'failure', published: 'false', 'check-run-url': '' });
    expect(run.summary).toMatch(/^## ❌ monoenv: /m);
    expect(run.summary).toContain('| Rule | Status | Found | What to do |');
  }, 60_000);

  it('runs on pull_request_target as on pull_request', async () => {
    const run = await runActionBundle(bundle, gh, { name: 'pull_request_target', payload: workflowEvent('opened'), token });
    expect(run.exitCode).toBe(1);
    expect(gh.checkRuns(OWNER, REPO, HEAD_SHA).map((r) => r.conclusion)).toEqual(['failure']);
  }, 60_000);

  it('updates the same check run when the workflow runs again on the same commit', async () => {
    await runActionBundle(bundle, gh, { name: 'pull_request', payload: workflowEvent('opened'), token });
    await runActionBundle(bundle, gh, { name: 'pull_request', payload: workflowEvent('edited'), token });
    expect(gh.checkRuns(OWNER, REPO, HEAD_SHA)).toHaveLength(1);
  }, 60_000);

  it('passes the job when nothing fails', async () => {
    gh.store.setFile(OWNER, REPO, '.github/monoenv.yml', `mode: advise\n${CONFIG_YAML}`);
    const run = await runActionBundle(bundle, gh, { name: 'pull_request', payload: workflowEvent('opened'), token });
    expect(run.exitCode).toBe(0);
    expect(gh.checkRuns(OWNER, REPO, HEAD_SHA).map((r) => r.conclusion)).toEqual(['neutral']);
    expect(run.outputs.conclusion).toBe('neutral');
    expect(workflowCommands(run.stdout, 'error')).toEqual([]);
  }, 60_000);

  it('does nothing, successfully, on an event it does not judge', async () => {
    const run = await runActionBundle(bundle, gh, { name: 'pull_request', payload: workflowEvent('assigned'), token });
    expect(run.exitCode).toBe(0);
    expect(gh.checkRuns(OWNER, REPO)).toEqual([]);
    expect(run.stdout).toContain('monoenv: nothing to report for pull_request.assigned.');
    expect(run.outputs).toMatchObject({ conclusion: '', published: 'false' });
  }, 60_000);

  it('fails with a clear reason when it has no token or no event', async () => {
    const noToken = await runActionBundle(bundle, gh, { name: 'pull_request', payload: workflowEvent('opened'), token: '' });
    expect(noToken.exitCode).toBe(1);
    expect(noToken.stdout).toContain("::error::monoenv needs a token: pass `github-token` (it defaults to the workflow's GITHUB_TOKEN).");
    expect(gh.requests).toEqual([]);
  }, 60_000);
});
