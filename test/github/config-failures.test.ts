/**
 * Configuration failures the App meets on a pull request: a pull request that repairs a broken default-branch
 * configuration, an `_extends` whose target cannot be read, and an organisation's file that is invalid. Each ends
 * in one completed run that says where the mistake is, and never judges the change under a broken configuration.
 */
import { describe, expect, it } from '@jest/globals';
import {
  NO_RUNS,
  withoutNetwork,
  CONFIG_URL_PATH,
  BASE_SHA,
  HEAD_SHA,
  ORG_CONFIG_PATH,
  OWNER,
  RAW,
  REPO_PATH,
  captureBody,
  deliver,
  fixture,
  github,
  loadApp,
  mockToken,
  FILES_PATH,
  LOOKUP_PATH,
} from './harness.js';
import { PR_FILES } from './pull-files.js';

const PROPOSED_PATH = `${REPO_PATH}/contents/.github%2Fmonoenv.yml?ref=${HEAD_SHA}`;
const BROKEN = 'size:\n  warn_lines: many\n';

interface CheckRunBody {
  conclusion?: string;
  output: {
    title: string;
    summary: string;
    annotations: { path: string; start_line: number; annotation_level: string; message: string }[];
  };
}

/** The pull request's files, with its edit of the configuration file. */
const editingConfig = [
  ...PR_FILES,
  {
    sha: 'abc',
    filename: '.github/monoenv.yml',
    status: 'modified',
    additions: 1,
    deletions: 1,
    changes: 2,
    patch: '@@ -1,2 +1,2 @@\n size:\n-  warn_lines: many\n+  warn_lines: 300',
  },
];

describe('a broken default-branch configuration', () => {
  const network = withoutNetwork();

  /** The default branch's file is invalid; it is asked again for its positions (304, free). */
  const brokenOnDefaultBranch = () =>
    mockToken(github(network.log))
      .get(CONFIG_URL_PATH)
      .reply(200, BROKEN, { ...RAW, etag: '"broken"' })
      .get(CONFIG_URL_PATH)
      .matchHeader('if-none-match', '"broken"')
      .reply(304, '');

  it("a pull request that repairs it: the run still fails, and says the pull request's version is valid", async () => {
    const probot = await loadApp();
    const created: CheckRunBody[] = [];
    const scope = brokenOnDefaultBranch()
      .get(FILES_PATH)
      .reply(200, editingConfig)
      .get(PROPOSED_PATH)
      .reply(200, 'size:\n  warn_lines: 300\n', RAW)
      .get(LOOKUP_PATH)
      .reply(200, NO_RUNS)
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 1 });
    await deliver(probot, 'pull_request', fixture('pull_request.opened'));
    expect(scope.isDone()).toBe(true);
    expect(created).toHaveLength(1);
    expect(created[0].conclusion).toBe('failure');
    expect(created[0].output.title).toBe('Invalid monoenv configuration');
    expect(created[0].output.summary).toContain('`.github/monoenv.yml:2:');
    expect(created[0].output.summary).toContain(
      "This pull request's version of `.github/monoenv.yml` is valid: merging it fixes the configuration.",
    );
    // The default branch's lines are not the pull request's: nothing is annotated.
    expect(created[0].output.annotations).toEqual([]);
  });

  it("a pull request whose version is broken too: its errors are listed and annotated on the pull request's lines", async () => {
    const probot = await loadApp();
    const created: CheckRunBody[] = [];
    const scope = brokenOnDefaultBranch()
      .get(FILES_PATH)
      .reply(200, editingConfig)
      .get(PROPOSED_PATH)
      .reply(200, 'size:\n  warn_lines: 300\n  fail_lines: -1\n', RAW)
      .get(LOOKUP_PATH)
      .reply(200, NO_RUNS)
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 1 });
    await deliver(probot, 'pull_request', fixture('pull_request.opened'));
    expect(scope.isDone()).toBe(true);
    expect(created[0].conclusion).toBe('failure');
    expect(created[0].output.summary).toMatch(/is not valid either:\n\n- `\.github\/monoenv\.yml:3:\d+: size\.fail_lines: /);
    expect(created[0].output.annotations).toEqual([
      expect.objectContaining({ path: '.github/monoenv.yml', start_line: 3, annotation_level: 'failure' }),
    ]);
  });

  it('a pull request that does not touch the file: the errors alone, annotated on the default branch file', async () => {
    const probot = await loadApp();
    const created: CheckRunBody[] = [];
    const scope = brokenOnDefaultBranch()
      .get(FILES_PATH)
      .reply(200, PR_FILES)
      .get(LOOKUP_PATH)
      .reply(200, NO_RUNS)
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 1 });
    await deliver(probot, 'pull_request', fixture('pull_request.opened'));
    expect(scope.isDone()).toBe(true);
    expect(created[0].output.summary).not.toContain("This pull request's version");
    expect(created[0].output.annotations.map((a) => [a.path, a.start_line])).toEqual([['.github/monoenv.yml', 2]]);
    expect(network.log.routes).not.toContain(`GET ${PROPOSED_PATH}`);
  });
});

describe('configuration it extends', () => {
  const network = withoutNetwork();

  it('an `_extends` target that is not YAML: the run names it, with nothing annotated in this repository', async () => {
    const probot = await loadApp();
    const created: CheckRunBody[] = [];
    const scope = mockToken(github(network.log))
      .get(CONFIG_URL_PATH)
      .reply(200, '_extends: policies:base.yml\nsize:\n  warn_lines: 300\n', { ...RAW, etag: '"own"' })
      .get(`/repos/${OWNER}/policies/contents/base.yml`)
      .reply(200, 'size: [unclosed\n', RAW)
      // The repository's own file is read again for positions (304) and found valid: the mistake is elsewhere.
      .get(CONFIG_URL_PATH)
      .matchHeader('if-none-match', '"own"')
      .reply(304, '')
      .get(FILES_PATH)
      .reply(200, PR_FILES)
      .get(LOOKUP_PATH)
      .reply(200, NO_RUNS)
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 1 });
    await deliver(probot, 'pull_request', fixture('pull_request.opened'));
    expect(scope.isDone()).toBe(true);
    expect(created[0].conclusion).toBe('failure');
    expect(created[0].output.title).toBe('Invalid monoenv configuration');
    expect(created[0].output.summary).toMatch(/Configuration could not be parsed from \S*policies\/contents\/base\.yml \(invalid YAML\)/);
    expect(created[0].output.summary).not.toContain('[@probot/octokit-plugin-config]');
    expect(created[0].output.annotations).toEqual([]);
  });

  it("an invalid file in the organisation's .github repository: the errors name it as extended, nothing is annotated", async () => {
    const probot = await loadApp();
    const created: CheckRunBody[] = [];
    const scope = mockToken(github(network.log))
      .get(CONFIG_URL_PATH)
      .reply(404, {})
      .get(ORG_CONFIG_PATH)
      .reply(200, BROKEN, { ...RAW, etag: '"org"' })
      // The repository has no file of its own to find positions in; its 404 is remembered, not asked again.
      .get(FILES_PATH)
      .reply(200, PR_FILES)
      .get(LOOKUP_PATH)
      .reply(200, NO_RUNS)
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 1 });
    await deliver(probot, 'pull_request', fixture('pull_request.opened'));
    expect(scope.isDone()).toBe(true);
    expect(created[0].conclusion).toBe('failure');
    expect(created[0].output.summary).toContain('- `.github/monoenv.yml (with the configuration it extends): size.warn_lines: ');
    expect(network.log.routes.filter((route) => route === `GET ${CONFIG_URL_PATH}`)).toHaveLength(1);
    expect(created[0].output.annotations).toEqual([]);
  });
});

describe("the organisation's repository when GitHub cannot answer", () => {
  const network = withoutNetwork();

  it("a 500 on every attempt: the run says the evaluation failed with GitHub's answer, not that the file is invalid; a redelivery evaluates again", async () => {
    const probot = await loadApp();
    const created: CheckRunBody[] = [];
    const updated: CheckRunBody[] = [];
    const scope = mockToken(github(network.log))
      .get(CONFIG_URL_PATH)
      .reply(404, {})
      // The first attempt and plugin-retry's three retries.
      .get(ORG_CONFIG_PATH)
      .times(4)
      .reply(500, { message: 'Server Error' })
      // Sent with the configuration, before it is known that it cannot be had: the file list and .gitattributes.
      .get(FILES_PATH)
      .reply(200, PR_FILES)
      .get(`${REPO_PATH}/contents/.gitattributes?ref=${BASE_SHA}`)
      .reply(404, { message: 'Not Found' })
      .get(LOOKUP_PATH)
      .reply(200, NO_RUNS)
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 31 });
    await deliver(probot, 'pull_request', fixture('pull_request.opened'));
    expect(scope.isDone()).toBe(true);
    expect(created).toHaveLength(1);
    expect(created[0].conclusion).toBe('failure');
    expect(created[0].output.title).toBe('monoenv could not evaluate this change');
    expect(created[0].output.summary).toContain('GitHub API 500: Server Error');
    expect(created[0].output.summary).not.toContain('on the default branch');
    // Nothing is read once the configuration cannot be had (no proposed version); what went out beside it
    // (the file list, .gitattributes, the look-up) is all.
    expect([...network.log.routes].sort()).toEqual(
      [
        `GET ${CONFIG_URL_PATH}`,
        ...Array<string>(4).fill(`GET ${ORG_CONFIG_PATH}`),
        `GET ${FILES_PATH}`,
        `GET ${REPO_PATH}/contents/.gitattributes?ref=${BASE_SHA}`,
        `GET ${LOOKUP_PATH}`,
        `POST ${REPO_PATH}/check-runs`,
      ].sort(),
    );
    expect(network.log.routes.at(-1)).toBe(`POST ${REPO_PATH}/check-runs`);

    // The delivery was not done: GitHub's redelivery evaluates again, and the verdict replaces that run.
    const again = github(network.log)
      .get(ORG_CONFIG_PATH)
      .reply(404, {})
      .get(FILES_PATH)
      .reply(200, PR_FILES)
      // .gitattributes at the base commit: its 404 is remembered from the first delivery.
      .patch(`${REPO_PATH}/check-runs/31`, captureBody(updated))
      .reply(200, { id: 31 });
    await deliver(probot, 'pull_request', fixture('pull_request.opened'));
    expect(again.isDone()).toBe(true);
    expect(updated).toHaveLength(1);
    expect(updated[0].output.title).not.toBe('monoenv could not evaluate this change');
  });
});
