/**
 * The bundled Action on `merge_group`: a workflow with `merge_group` in its `on:` answers the group's check
 * with a real verdict, reading the queue with the workflow's token, as the App does.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { loadGraphqlSchema, mergeGroupEvent, startEmulator, type Emulator } from '../../tools/emulator/index.js';
import { ACTIONS_APP, bundleCurrentSources, runActionBundle } from './run-bundle.js';
import { BASE_SHA, HEAD_SHA, OWNER, PR_NUMBER, REPO, seedPullRequest } from '../../tools/scenario.js';

const GROUP_HEAD = 'ab'.repeat(20);

let bundle: string;
let gh: Emulator;
let token: string;

beforeAll(() => {
  loadGraphqlSchema();
  bundle = bundleCurrentSources();
}, 120_000);

beforeEach(async () => {
  gh = await startEmulator();
  gh.store.addApp(ACTIONS_APP);
  seedPullRequest(gh);
  gh.store.setMergeQueue(OWNER, REPO, 'main', [{ number: PR_NUMBER, headSha: GROUP_HEAD, baseSha: BASE_SHA }]);
  token = gh.store.issueToken(gh.store.repo(OWNER, REPO).installationId, ACTIONS_APP.id).token;
});

afterEach(async () => {
  await gh.close();
});

describe('the bundled Action on merge_group', () => {
  it("judges the group from its pull request, evaluated then, and fails the group's check and the job", async () => {
    const { payload } = mergeGroupEvent(gh, { owner: OWNER, repo: REPO, number: PR_NUMBER, headSha: GROUP_HEAD, baseSha: BASE_SHA });
    delete payload.installation;
    const run = await runActionBundle(bundle, gh, { name: 'merge_group', payload, token });

    // The pull request had no run: it is evaluated now, and its run published on its head.
    expect(gh.checkRuns(OWNER, REPO, HEAD_SHA).map((r) => r.conclusion)).toEqual(['failure']);
    const groupRuns = gh.checkRuns(OWNER, REPO, GROUP_HEAD);
    expect(groupRuns).toHaveLength(1);
    expect(groupRuns[0]).toMatchObject({ name: 'monoenv', status: 'completed', conclusion: 'failure', appId: ACTIONS_APP.id });
    expect(groupRuns[0].output.title).toBe(`Merge group of 1 pull request: #${PR_NUMBER} fails`);
    expect(run.exitCode).toBe(1);
    expect(gh.violations).toEqual([]);
  }, 60_000);
});
