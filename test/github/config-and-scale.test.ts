import { describe, expect, it } from '@jest/globals';
import {
  NO_RUNS,
  withoutNetwork,
  CONFIG_URL_PATH,
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
  mockNoConfig,
  mockToken,
  FILES_PATH,
  GITATTRIBUTES_PATH,
  LOOKUP_PATH,
} from './harness.js';
import { PR_FILES } from './pull-files.js';

interface CheckRunBody {
  conclusion?: string;
  output: {
    title: string;
    summary: string;
    annotations: { path: string; start_line: number; annotation_level: string; title?: string; message: string }[];
  };
}

describe('configuration', () => {
  const network = withoutNetwork();

  it('invalid configuration: a failing run titled "Invalid monoenv configuration", one line per error with key path and line', async () => {
    const probot = await loadApp();
    const created: CheckRunBody[] = [];
    const text = 'mode: enforce\nsize:\n  warn_lines: many\n  fail_line: 900\n';
    const scope = mockToken(github(network.log))
      .get(CONFIG_URL_PATH)
      .reply(200, text, { ...RAW, etag: '"config-bad"' })
      // Asked again for the positions: answered 304, free.
      .get(CONFIG_URL_PATH)
      .matchHeader('if-none-match', '"config-bad"')
      .reply(304, '')
      .get(FILES_PATH)
      .reply(200, PR_FILES)
      .get(LOOKUP_PATH)
      .reply(200, NO_RUNS)
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 1 });
    await deliver(probot, 'pull_request', fixture('pull_request.opened'));

    expect(scope.isDone()).toBe(true);
    const run = created[0];
    expect(run.conclusion).toBe('failure');
    expect(run.output.title).toBe('Invalid monoenv configuration');
    const errorLines = run.output.summary.split('\n').filter((l) => l.startsWith('- `'));
    expect(errorLines).toHaveLength(2);
    expect(errorLines[0]).toMatch(/^- `\.github\/monoenv\.yml:3:\d+: size\.warn_lines: /);
    expect(errorLines[1]).toMatch(/^- `\.github\/monoenv\.yml:4:\d+: size\.fail_line: .*fail_lines/);
    expect(run.output.annotations.map((a) => [a.path, a.start_line])).toEqual([
      ['.github/monoenv.yml', 3],
      ['.github/monoenv.yml', 4],
    ]);
    expect(network.log.limited).toHaveLength(4);
    expect(network.log.notModified).toHaveLength(1);
  });

  it('unparsable YAML is an invalid configuration too, not a crash', async () => {
    const probot = await loadApp();
    const created: CheckRunBody[] = [];
    const scope = mockToken(github(network.log))
      .get(CONFIG_URL_PATH)
      .reply(200, 'size: [unclosed\n', { ...RAW, etag: '"broken"' })
      .get(CONFIG_URL_PATH)
      .reply(304, '')
      .get(FILES_PATH)
      .reply(200, PR_FILES)
      .get(LOOKUP_PATH)
      .reply(200, NO_RUNS)
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 1 });
    await deliver(probot, 'pull_request', fixture('pull_request.opened'));
    expect(scope.isDone()).toBe(true);
    expect(created[0].output.title).toBe('Invalid monoenv configuration');
    expect(created[0].output.summary).toMatch(/- `\.github\/monoenv\.yml:\d+:\d+: YAML syntax error/);
  });

  it('uses the org `.github` repository when the repository has none', async () => {
    const probot = await loadApp();
    const created: CheckRunBody[] = [];
    const scope = mockToken(github(network.log))
      .get(CONFIG_URL_PATH)
      .reply(404, {})
      .get(ORG_CONFIG_PATH)
      .reply(200, 'tests:\n  level: "off"\nsize:\n  level: "off"\nmigrations:\n  level: "off"\nflags:\n  level: "off"\n', {
        ...RAW,
        etag: '"org"',
      })
      // Every rule that reads files is off: no file list, no .gitattributes.
      .get(LOOKUP_PATH)
      .reply(200, NO_RUNS)
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 1 });
    await deliver(probot, 'pull_request', fixture('pull_request.opened'));
    expect(scope.isDone()).toBe(true);
    expect(created[0].conclusion).toBe('success');
    expect(created[0].output.annotations).toEqual([]);
    expect(network.log.routes).not.toContain(`GET ${FILES_PATH}`);
    expect(network.log.limited).toHaveLength(4);
  });

  it('`_extends` inherits, and arrays in the repository file replace the inherited ones', async () => {
    const probot = await loadApp();
    const created: CheckRunBody[] = [];
    const own = '_extends: policies:base.yml\ntests:\n  exempt: ["src/checkout/**"]\n';
    const base = 'mode: advise\ntests:\n  level: error\n  exempt: ["docs/**", "src/**"]\n';
    const scope = mockToken(github(network.log))
      .get(CONFIG_URL_PATH)
      .reply(200, own, { ...RAW, etag: '"own"' })
      .get(`/repos/${OWNER}/policies/contents/base.yml`)
      .reply(200, base, { ...RAW, etag: '"base"' })
      .get(FILES_PATH)
      .reply(200, [...PR_FILES, { ...PR_FILES[0], filename: 'lib/pricing.ts' }])
      .get(GITATTRIBUTES_PATH)
      .reply(404, {})
      .get(LOOKUP_PATH)
      .reply(200, NO_RUNS)
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 1 });
    const payload = fixture<{ pull_request: Record<string, unknown> }>('pull_request.opened');
    payload.pull_request.changed_files = 3;
    payload.pull_request.additions = 7;
    await deliver(probot, 'pull_request', payload);
    expect(scope.isDone()).toBe(true);
    // Inherited: advise mode, tests at error. Replaced: only src/checkout/** is exempt, so lib/pricing.ts
    // (exempt under the inherited "src/**"? no — under neither) fires, and the checkout files do not.
    const testFindings = created[0].output.annotations.filter((a) => a.annotation_level === 'failure');
    expect(testFindings.map((a) => a.path)).toEqual(['lib/pricing.ts']);
    expect(created[0].conclusion).toBe('neutral');
  });

  it('a PR that edits the configuration: its version is validated and annotated, the default branch still judges', async () => {
    const probot = await loadApp();
    const created: CheckRunBody[] = [];
    const proposed = 'size:\n  warn_lines: 200\n  fail_lines: -5\n';
    const files = [
      ...PR_FILES,
      {
        sha: 'abc',
        filename: '.github/monoenv.yml',
        status: 'modified',
        additions: 2,
        deletions: 1,
        changes: 3,
        patch: '@@ -1,2 +1,3 @@\n size:\n-  warn_lines: 400\n+  warn_lines: 200\n+  fail_lines: -5',
      },
    ];
    const scope = mockNoConfig(mockToken(github(network.log)))
      .get(FILES_PATH)
      .reply(200, files)
      .get(GITATTRIBUTES_PATH)
      .reply(404, {})
      .get(`${REPO_PATH}/contents/.github%2Fmonoenv.yml?ref=${HEAD_SHA}`)
      .reply(200, proposed, RAW)
      .get(LOOKUP_PATH)
      .reply(200, NO_RUNS)
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 1 });
    const payload = fixture<{ pull_request: Record<string, unknown> }>('pull_request.opened');
    Object.assign(payload.pull_request, { changed_files: 3, additions: 6, deletions: 2 });
    await deliver(probot, 'pull_request', payload);
    expect(scope.isDone()).toBe(true);
    const run = created[0];
    expect(run.conclusion).toBe('failure');
    expect(run.output.title).toContain('invalid .github/monoenv.yml');
    const configAnnotations = run.output.annotations.filter((a) => a.path === '.github/monoenv.yml');
    expect(configAnnotations).toEqual([
      expect.objectContaining({ start_line: 3, annotation_level: 'failure', message: expect.stringContaining('size.fail_lines') }),
    ]);
    expect(network.log.limited).toHaveLength(7);
  });
});

describe('configuration size', () => {
  const network = withoutNetwork();
  /** 3 MB of `size: [0,0,…]`: parsing it once took the process past a 1 GB heap. */
  const HUGE = `size: [${'0,'.repeat(1_572_864)}0]\n`;

  it('a 3 MB configuration on the default branch is refused unparsed: "Invalid monoenv configuration: file too large"', async () => {
    const probot = await loadApp();
    const created: CheckRunBody[] = [];
    const scope = mockToken(github(network.log))
      .get(CONFIG_URL_PATH)
      .reply(200, HUGE, RAW)
      .get(FILES_PATH)
      .reply(200, PR_FILES)
      .get(LOOKUP_PATH)
      .reply(200, NO_RUNS)
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 1 });
    await deliver(probot, 'pull_request', fixture('pull_request.opened'));
    expect(scope.isDone()).toBe(true);
    const run = created[0];
    expect(run.conclusion).toBe('failure');
    expect(run.output.title).toBe('Invalid monoenv configuration: file too large');
    expect(run.output.summary).toContain(
      '- `.github/monoenv.yml: file too large: 3.0 MB, over the 64 KB monoenv reads; it was not parsed`',
    );
  });

  it("the org `.github` repository's configuration and a file it extends are bounded too", async () => {
    const probot = await loadApp();
    const created: CheckRunBody[] = [];
    const scope = mockToken(github(network.log))
      .get(CONFIG_URL_PATH)
      .reply(404, {})
      .get(ORG_CONFIG_PATH)
      .reply(200, '_extends: policies:base.yml\n', RAW)
      .get(`/repos/${OWNER}/policies/contents/base.yml`)
      .reply(200, `# ${'x'.repeat(70_000)}\nmode: advise\n`, RAW)
      .get(FILES_PATH)
      .reply(200, PR_FILES)
      .get(LOOKUP_PATH)
      .reply(200, NO_RUNS)
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 1 });
    await deliver(probot, 'pull_request', fixture('pull_request.opened'));
    expect(scope.isDone()).toBe(true);
    expect(created[0].output.title).toBe('Invalid monoenv configuration: file too large');
    expect(created[0].output.summary).toContain(`- \`${OWNER}/policies:base.yml: file too large: 68 KB`);
    expect(created[0].output.annotations).toEqual([]);
  });

  it.each([
    ['as text', () => [200, HUGE, RAW] as const],
    // GitHub's JSON answer for a file over 1 MB: its size, no content.
    [
      'as JSON without content',
      () => [200, { type: 'file', size: 3_145_730, encoding: 'none', content: '', path: '.github/monoenv.yml' }, {}] as const,
    ],
  ])("a pull request proposing a 3 MB configuration (%s): refused unparsed on the PR's check", async (_how, answer) => {
    const probot = await loadApp();
    const created: CheckRunBody[] = [];
    const files = [
      ...PR_FILES,
      { sha: 'abc', filename: '.github/monoenv.yml', status: 'modified', additions: 1, deletions: 0, changes: 1, patch: null },
    ];
    const [status, body, headers] = answer();
    const scope = mockNoConfig(mockToken(github(network.log)))
      .get(FILES_PATH)
      .reply(200, files)
      .get(GITATTRIBUTES_PATH)
      .reply(404, {})
      .get(`${REPO_PATH}/contents/.github%2Fmonoenv.yml?ref=${HEAD_SHA}`)
      .reply(status, body as never, headers)
      .get(LOOKUP_PATH)
      .reply(200, NO_RUNS)
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 1 });
    const payload = fixture<{ pull_request: Record<string, unknown> }>('pull_request.opened');
    Object.assign(payload.pull_request, { changed_files: 3, additions: 5, deletions: 1 });
    await deliver(probot, 'pull_request', payload);
    expect(scope.isDone()).toBe(true);
    const run = created[0];
    expect(run.conclusion).toBe('failure');
    expect(run.output.title).toContain('invalid .github/monoenv.yml');
    expect(run.output.annotations.filter((a) => a.path === '.github/monoenv.yml')).toEqual([
      expect.objectContaining({
        annotation_level: 'failure',
        title: 'config: Invalid monoenv configuration: file too large',
        message: '(whole file) file too large: 3.0 MB, over the 64 KB monoenv reads; it was not parsed',
      }),
    ]);
  });
});

describe('scale and failures', () => {
  const network = withoutNetwork();

  it('a 650-file PR: 7 pages of files, annotations in batches of 50', async () => {
    const probot = await loadApp();
    const files = Array.from({ length: 650 }, (_, i) => ({
      sha: `${i}`.padStart(40, '0'),
      filename: `services/svc${String(i).padStart(3, '0')}/handler.ts`,
      status: 'added',
      additions: 2,
      deletions: 0,
      changes: 2,
      patch: `@@ -0,0 +1,2 @@\n+export const handler${i} = (x: number): number =>\n+  x + ${i};`,
    }));
    const payload = fixture<{ pull_request: Record<string, unknown> }>('pull_request.opened');
    Object.assign(payload.pull_request, { changed_files: 650, additions: 1300, deletions: 0 });
    let scope = mockNoConfig(mockToken(github(network.log)));
    for (let page = 1; page <= 7; page++) {
      const query = page === 1 ? 'per_page=100' : `per_page=100&page=${page}`;
      const link: Record<string, string> =
        page < 7 ? { link: `<https://api.github.com${REPO_PATH}/pulls/7/files?per_page=100&page=${page + 1}>; rel="next"` } : {};
      scope = scope.get(`${REPO_PATH}/pulls/7/files?${query}`).reply(200, files.slice((page - 1) * 100, page * 100), link);
    }
    const created: CheckRunBody[] = [];
    const batches: CheckRunBody[] = [];
    scope = scope
      .get(GITATTRIBUTES_PATH)
      .reply(404, {})
      .get(LOOKUP_PATH)
      .reply(200, NO_RUNS)
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 77 })
      .patch(`${REPO_PATH}/check-runs/77`, captureBody(batches))
      .times(12)
      .reply(200, { id: 77 });
    await deliver(probot, 'pull_request', payload);

    expect(scope.isDone()).toBe(true);
    const run = created[0];
    expect(run.conclusion).toBe('failure');
    expect(run.output.title).toMatch(/^XXL change \(1,300 lines\)/);
    const all = [run, ...batches].flatMap((b) => b.output.annotations);
    expect(run.output.annotations).toHaveLength(50);
    expect(batches.every((b) => b.output.annotations.length <= 50 && b.output.title === run.output.title)).toBe(true);
    // 650 files without tests, each annotated once.
    expect(new Set(all.filter((a) => a.annotation_level === 'warning').map((a) => a.path)).size).toBe(650);
    expect(network.log.limited).toHaveLength(2 + 7 + 1 + 1 + 1 + batches.length);
  });

  it('a 502 is retried, then the evaluation goes on', async () => {
    const probot = await loadApp();
    const created: CheckRunBody[] = [];
    const scope = mockNoConfig(mockToken(github(network.log)))
      .get(FILES_PATH)
      .reply(502, 'Bad Gateway')
      .get(FILES_PATH)
      .reply(200, PR_FILES)
      .get(GITATTRIBUTES_PATH)
      .reply(404, {})
      .get(LOOKUP_PATH)
      .reply(200, NO_RUNS)
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 1 });
    await deliver(probot, 'pull_request', fixture('pull_request.opened'));
    expect(scope.isDone()).toBe(true);
    expect(created[0].output.title).toMatch(/^XS change/);
    expect(network.log.requests.filter((r) => r.status === 502)).toHaveLength(1);
  });

  it('when evaluation fails for good, a completed failure run says so', async () => {
    const probot = await loadApp();
    const created: CheckRunBody[] = [];
    const scope = mockNoConfig(mockToken(github(network.log)))
      .get(FILES_PATH)
      .times(4)
      .reply(500, { message: 'Server Error' })
      .get(GITATTRIBUTES_PATH)
      .reply(404, {})
      .get(LOOKUP_PATH)
      .reply(200, NO_RUNS)
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 1 });
    await deliver(probot, 'pull_request', fixture('pull_request.opened'));
    expect(scope.isDone()).toBe(true);
    expect(created[0]).toMatchObject({
      conclusion: 'failure',
      status: 'completed',
      output: { title: 'monoenv could not evaluate this change' },
    });
    expect(created[0].output.summary).toContain('GitHub API 500');
  });
});
