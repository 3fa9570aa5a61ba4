import { afterAll, describe, expect, it, jest } from '@jest/globals';
import {
  withoutNetwork,
  BASE_SHA,
  CONFIG_URL_PATH,
  HEAD_SHA,
  OWNER,
  RAW,
  REPO,
  REPO_PATH,
  captureBody,
  deliver,
  fixture,
  github,
  loadApp,
  mockToken,
  FILES_PATH,
  GITATTRIBUTES_PATH,
  LOOKUP_PATH,
} from './harness.js';
import { main } from '../../src/cli/main.js';
import type { Report } from '../../src/engine/report.js';
import { TempRepo, captureIO, removeTemporaryFolders } from '../cli/repo.js';

jest.setTimeout(30_000);
afterAll(removeTemporaryFolders);

const CONFIG = 'risky:\n  paths: ["src/billing/**"]\n';
const CHARGE = 'src/billing/charge.ts';

/** A charge whose new path runs only with the flag on: the flag's early return sits far above the line changed. */
const chargeText = (discount: string, subtotal = 'order.items.reduce((sum, item) => sum + item.price, 0)'): string =>
  [
    "import { isEnabled } from '../flags';",
    '',
    'export function charge(order: Order): number {',
    "  if (!isEnabled('new-billing')) {",
    '    return legacyCharge(order);',
    '  }',
    `  const subtotal = ${subtotal};`,
    '  const tax = subtotal * order.taxRate;',
    '  const shipping = order.shipping;',
    '  const handling = order.handling;',
    '  const insurance = order.insurance;',
    '  const packaging = order.packaging;',
    '  const gift = order.giftWrap;',
    '  const express = order.express;',
    '  const customs = order.customs;',
    `  const discount = ${discount};`,
    '  return subtotal + tax + shipping + handling + insurance + packaging + gift + express + customs - discount;',
    '}',
    '',
  ].join('\n');
const BASE_CHARGE = chargeText('0');
const HEAD_CHARGE = chargeText('order.coupon ? order.coupon.amount : 0');

/** GitHub's patch of the change: three lines of context, so the flag check (line 4) is outside the hunk. */
const FAR_HUNK = [
  '@@ -13,6 +13,6 @@ export function charge(order: Order): number {',
  '   const gift = order.giftWrap;',
  '   const express = order.express;',
  '   const customs = order.customs;',
  '-  const discount = 0;',
  '+  const discount = order.coupon ? order.coupon.amount : 0;',
  '   return subtotal + tax + shipping + handling + insurance + packaging + gift + express + customs - discount;',
  ' }',
].join('\n');
const chargeFile = (patch: string, additions = 1, deletions = 1) => ({
  sha: 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391',
  filename: CHARGE,
  status: 'modified',
  additions,
  deletions,
  changes: additions + deletions,
  patch,
});

const BLOB = '... on Blob { text isTruncated byteSize }';
const blob = (text: string, isTruncated = false) => ({ text, isTruncated, byteSize: Buffer.byteLength(text) });

interface CheckRunBody {
  conclusion?: string;
  output: {
    title: string;
    summary: string;
    annotations: { path: string; start_line: number; end_line: number; annotation_level: string; title?: string; message: string }[];
  };
}
type Query = { query: string; variables: Record<string, string> };

/** The fixture's `opened` event, its totals those of `files`. */
function opened(files: { additions: number; deletions: number }[]): object {
  const payload = fixture<{ pull_request: Record<string, unknown> }>('pull_request.opened');
  payload.pull_request.changed_files = files.length;
  payload.pull_request.additions = files.reduce((n, f) => n + f.additions, 0);
  payload.pull_request.deletions = files.reduce((n, f) => n + f.deletions, 0);
  return payload;
}

const risky = (run: CheckRunBody) => run.output.annotations.filter((a) => a.title?.startsWith('risky'));

describe('whole files in the App (GraphQL blobs at the head and base)', () => {
  const network = withoutNetwork();

  let files: { additions: number; deletions: number }[] = [];
  function mockPullRequest(listed: { additions: number; deletions: number }[]) {
    files = listed;
    return mockToken(github(network.log))
      .get(CONFIG_URL_PATH)
      .reply(200, CONFIG, { ...RAW, etag: '"risky"' })
      .get(FILES_PATH)
      .reply(200, listed)
      .get(GITATTRIBUTES_PATH)
      .reply(404, { message: 'Not Found' });
  }

  it('reads a risky file whole at head and base in one GraphQL request: a flag check outside the hunk guards it', async () => {
    const probot = await loadApp();
    const created: CheckRunBody[] = [];
    const queries: Query[] = [];
    const scope = mockPullRequest([chargeFile(FAR_HUNK)])
      .post('/graphql', captureBody(queries))
      .reply(200, { data: { repository: { o0: blob(HEAD_CHARGE), o1: blob(BASE_CHARGE) } } })
      .get(LOOKUP_PATH)
      .reply(200, { total_count: 0, check_runs: [] })
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 1001 });

    await deliver(probot, 'pull_request', opened(files));

    expect(scope.isDone()).toBe(true);
    expect(queries).toEqual([
      {
        query: [
          'query Reads($owner: String!, $name: String!, $e0: String!, $e1: String!) {',
          '  repository(owner: $owner, name: $name) {',
          `    o0: object(expression: $e0) { ${BLOB} }`,
          `    o1: object(expression: $e1) { ${BLOB} }`,
          '  }',
          '}',
        ].join('\n'),
        variables: { owner: OWNER, name: REPO, e0: `${HEAD_SHA}:${CHARGE}`, e1: `${BASE_SHA}:${CHARGE}` },
      },
    ]);
    // The patch alone fails it (the check is not in the hunk); the whole file passes it, as the CLI does.
    expect(risky(created[0])).toEqual([]);
    expect(created[0].output.annotations.filter((a) => a.annotation_level === 'failure')).toEqual([]);
    expect(created[0].conclusion).toBe('success');
  });

  it('folds the blobs into the request that dates a touched flag: one GraphQL request, the base text asked once', async () => {
    const probot = await loadApp();
    const created: CheckRunBody[] = [];
    const queries: Query[] = [];
    // A first hunk edits the line under the check (so the flag's age is asked), the second the far line.
    const nearHunk = [
      '@@ -4,7 +4,7 @@ export function charge(order: Order): number {',
      "   if (!isEnabled('new-billing')) {",
      '     return legacyCharge(order);',
      '   }',
      '-  const subtotal = order.items.reduce((sum, item) => sum + item.price, 0);',
      '+  const subtotal = order.items.reduce((sum, item) => sum + item.price * item.quantity, 0);',
      '   const tax = subtotal * order.taxRate;',
      '   const shipping = order.shipping;',
      '   const handling = order.handling;',
    ].join('\n');
    const head = chargeText(
      'order.coupon ? order.coupon.amount : 0',
      'order.items.reduce((sum, item) => sum + item.price * item.quantity, 0)',
    );
    const scope = mockPullRequest([chargeFile(`${nearHunk}\n${FAR_HUNK}`, 2, 2)])
      .post('/graphql', captureBody(queries))
      .reply(200, {
        data: {
          repository: {
            o0: blob(head),
            o1: blob(BASE_CHARGE),
            b0: {
              blame: {
                ranges: [{ startingLine: 1, endingLine: 18, commit: { oid: '1'.repeat(40), committedDate: '2026-11-01T00:00:00Z' } }],
              },
            },
          },
        },
      })
      .get(LOOKUP_PATH)
      .reply(200, { total_count: 0, check_runs: [] })
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 1001 });

    await deliver(probot, 'pull_request', opened(files));

    expect(scope.isDone()).toBe(true);
    expect(queries).toEqual([
      {
        query: [
          'query Reads($owner: String!, $name: String!, $e0: String!, $e1: String!, $c0: String!, $p0: String!) {',
          '  repository(owner: $owner, name: $name) {',
          `    o0: object(expression: $e0) { ${BLOB} }`,
          `    o1: object(expression: $e1) { ${BLOB} }`,
          '    b0: object(expression: $c0) { ... on Commit { blame(path: $p0) { ranges { startingLine endingLine commit { oid committedDate } } } } }',
          '  }',
          '}',
        ].join('\n'),
        variables: { owner: OWNER, name: REPO, e0: `${HEAD_SHA}:${CHARGE}`, e1: `${BASE_SHA}:${CHARGE}`, c0: BASE_SHA, p0: CHARGE },
      },
    ]);
    expect(network.log.routes.filter((r) => r === 'POST /graphql')).toHaveLength(1);
    expect(risky(created[0])).toEqual([]);
  });

  it('reads nothing through GraphQL when no risky file is touched, or when the patch settles it', async () => {
    const probot = await loadApp();
    const created: CheckRunBody[] = [];
    const settled =
      '@@ -3,4 +3,4 @@\n' +
      ' export function charge(order: Order): number {\n' +
      "   if (!isEnabled('new-billing')) {\n" +
      '-    return legacyCharge(order);\n' +
      '+    return legacyCharge(order, { rounding: "half-up" });\n' +
      '   }';
    const cart = {
      ...chargeFile(
        '@@ -1,2 +1,2 @@\n export const cartSize = (items: Item[]): number =>\n-  items.length;\n+  items.filter((i) => i.quantity > 0).length;',
      ),
      filename: 'src/cart/size.ts',
    };
    const scope = mockPullRequest([cart, chargeFile(settled)])
      .get(LOOKUP_PATH)
      .reply(200, { total_count: 0, check_runs: [] })
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 1001 });

    await deliver(probot, 'pull_request', opened(files));

    expect(scope.isDone()).toBe(true);
    expect(network.log.routes).not.toContain('POST /graphql');
    expect(risky(created[0])).toEqual([]);
  });

  it('judges a risky file on its patch, and says so, when GitHub cuts its text: never a pass', async () => {
    const probot = await loadApp();
    const created: CheckRunBody[] = [];
    const scope = mockPullRequest([chargeFile(FAR_HUNK)])
      .post('/graphql')
      .reply(200, { data: { repository: { o0: { ...blob(HEAD_CHARGE.slice(0, 40), true), byteSize: 600_000 }, o1: blob(BASE_CHARGE) } } })
      .get(LOOKUP_PATH)
      .reply(200, { total_count: 0, check_runs: [] })
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 1001 });

    await deliver(probot, 'pull_request', opened(files));

    expect(scope.isDone()).toBe(true);
    expect(created[0].conclusion).toBe('failure');
    const [finding] = risky(created[0]);
    expect(finding).toMatchObject({ path: CHARGE, start_line: 16, annotation_level: 'failure' });
    expect(finding.message).toContain(
      "Its whole text could not be read (GitHub gives at most 512 KB of a file's text), so only its patch was judged.",
    );
  });
});

describe('the same change judged by the CLI (git) and by the App (GitHub API)', () => {
  const network = withoutNetwork();

  /** main holds two billing files; the branch changes one under a flag checked outside the hunk, one unguarded. */
  function repository(): { repo: TempRepo; base: string; head: string } {
    const refundBefore = 'export function refund(order: Order): number {\n  const paid = order.paid;\n  return paid;\n}\n';
    const refundAfter = 'export function refund(order: Order): number {\n  const paid = order.paid;\n  return paid - order.fees;\n}\n';
    const repo = TempRepo.create({ '.github/monoenv.yml': CONFIG, [CHARGE]: BASE_CHARGE, 'src/billing/refund.ts': refundBefore });
    const base = repo.git('rev-parse', 'HEAD').trim();
    repo.branch('feature');
    const head = repo.commit('feat(billing): apply coupons, charge fees on refunds', {
      [CHARGE]: HEAD_CHARGE,
      'src/billing/refund.ts': refundAfter,
    });
    return { repo, base, head };
  }

  const shape = (f: { path?: string; startLine?: number; endLine?: number; level: string; title: string; message: string }) => ({
    path: f.path,
    startLine: f.startLine,
    endLine: f.endLine,
    level: f.level,
    title: f.title,
    // The one difference: the CLI also says what its search of the repository found (the App cannot search).
    message: f.message.replace(/, and nothing in the repository uses it \([^)]*\)/, ''),
  });

  it('gives the same risky findings', async () => {
    const { repo, base, head } = repository();
    const cli = captureIO(repo.dir, repo.env);
    await main(['check', '--base', 'main', '--format', 'json'], cli.io);
    const report = JSON.parse(cli.stdout()) as Report;
    const fromCli = report.findings.filter((f) => f.rule === 'risky').map(shape);
    expect(fromCli).toHaveLength(1);

    // GitHub's view of the same branch: its files (git's patches, three lines of context) and its blobs.
    const files = repo
      .git('diff', '--name-only', base, head)
      .trim()
      .split('\n')
      .map((path) => {
        const diff = repo.git('diff', '--no-color', base, head, '--', path);
        const patch = diff.slice(diff.indexOf('@@')).replace(/\n$/, '');
        const lines = patch.split('\n');
        const additions = lines.filter((l) => l.startsWith('+')).length;
        const deletions = lines.filter((l) => l.startsWith('-')).length;
        return { sha: '0'.repeat(40), filename: path, status: 'modified', additions, deletions, changes: additions + deletions, patch };
      });
    const payload = fixture<{ pull_request: { head: { sha: string }; base: { sha: string }; title: string } }>('pull_request.opened');
    payload.pull_request.head.sha = head;
    payload.pull_request.base.sha = base;
    payload.pull_request.title = 'feat(billing): apply coupons, charge fees on refunds';
    const created: CheckRunBody[] = [];
    const scope = mockToken(github(network.log))
      .get(CONFIG_URL_PATH)
      .reply(200, CONFIG, { ...RAW, etag: '"risky"' })
      .get(FILES_PATH)
      .reply(200, files)
      .get(`${REPO_PATH}/contents/.gitattributes?ref=${base}`)
      .reply(404, { message: 'Not Found' })
      .post('/graphql')
      .reply(200, (_uri, body) => {
        const { variables } = body as Query;
        const answer: Record<string, unknown> = {};
        for (const [name, expression] of Object.entries(variables)) {
          if (!/^e\d+$/.test(name)) continue;
          answer[`o${name.slice(1)}`] = blob(repo.git('show', expression));
        }
        return { data: { repository: answer } };
      })
      .get(`${REPO_PATH}/commits/${head}/check-runs?check_name=monoenv&filter=all`)
      .reply(200, { total_count: 0, check_runs: [] })
      .post(`${REPO_PATH}/check-runs`, captureBody(created))
      .reply(201, { id: 1001 });

    await deliver(await loadApp(), 'pull_request', payload);

    expect(scope.isDone()).toBe(true);
    const fromApp = risky(created[0]).map((a) =>
      shape({
        path: a.path,
        startLine: a.start_line,
        endLine: a.end_line,
        level: a.annotation_level === 'failure' ? 'error' : a.annotation_level,
        title: a.title!.replace(/^risky: /, ''),
        message: a.message,
      }),
    );
    expect(fromApp).toEqual(fromCli);
  });
});
