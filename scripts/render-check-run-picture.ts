/**
 * Renders docs/images/check-run.png, the README's picture of a check run, from the app's own output: the real
 * app handles a pull request against the local GitHub API emulator, and the check run it posts (title,
 * summary, annotations) is laid out like GitHub's check-run page and photographed with headless Chromium.
 *
 *   npx tsx scripts/render-check-run-picture.ts [--html-only]
 *
 * Needs Debian's `chromium` (apt-get install chromium). --html-only writes the page and prints its path.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { marked } from 'marked';
import { Probot } from 'probot';
import app from '../src/github/index.js';
import { MonoenvOctokit } from '../src/github/octokit.js';
import { generatePrivateKey, pullRequestEvent, startEmulator } from '../tools/emulator/index.js';
import type { StoredCheckRun } from '../tools/emulator/store.js';
import { HEAD_SHA, OWNER, PR_NUMBER, PR_TITLE, REPO, seedPullRequest } from '../tools/scenario.js';

const APP_ID = 424242;
const root = fileURLToPath(new URL('..', import.meta.url));
const imagesDir = join(root, 'docs/images');

/** The check run the app posts for the scenario's pull request. */
async function checkRunFromTheApp(): Promise<StoredCheckRun> {
  const privateKey = generatePrivateKey();
  const gh = await startEmulator({ apps: [{ id: APP_ID, slug: 'monoenv', privateKey }] });
  try {
    seedPullRequest(gh);
    const probot = new Probot({
      appId: APP_ID,
      privateKey,
      baseUrl: gh.url,
      Octokit: MonoenvOctokit,
      logLevel: 'warn',
    });
    await probot.load(app);
    const event = pullRequestEvent(gh, { owner: OWNER, repo: REPO, number: PR_NUMBER, action: 'opened' });
    await probot.receive({ id: 'readme-picture', ...event } as Parameters<Probot['receive']>[0]);
    const [run] = gh.checkRuns(OWNER, REPO, HEAD_SHA);
    if (!run) throw new Error('the app posted no check run');
    return run;
  } finally {
    await gh.close();
  }
}

const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const ICON = {
  failure:
    '<svg viewBox="0 0 16 16" width="16" height="16" class="icon failure"><path d="M2.343 13.657A8 8 0 1 1 13.658 2.343 8 8 0 0 1 2.343 13.657ZM6.03 4.97a.751.751 0 0 0-1.042.018.751.751 0 0 0-.018 1.042L6.94 8 4.97 9.97a.749.749 0 0 0 .326 1.275.749.749 0 0 0 .734-.215L8 9.06l1.97 1.97a.749.749 0 0 0 1.275-.326.749.749 0 0 0-.215-.734L9.06 8l1.97-1.97a.749.749 0 0 0-.326-1.275.749.749 0 0 0-.734.215L8 6.94Z"/></svg>',
  warning:
    '<svg viewBox="0 0 16 16" width="16" height="16" class="icon warning"><path d="M6.457 1.047c.659-1.234 2.427-1.234 3.086 0l6.082 11.378A1.75 1.75 0 0 1 14.082 15H1.918a1.75 1.75 0 0 1-1.543-2.575Zm1.763.707a.25.25 0 0 0-.44 0L1.698 13.132a.25.25 0 0 0 .22.368h12.164a.25.25 0 0 0 .22-.368Zm.53 3.996v2.5a.75.75 0 0 1-1.5 0v-2.5a.75.75 0 0 1 1.5 0ZM9 11a1 1 0 1 1-2 0 1 1 0 0 1 2 0Z"/></svg>',
  notice:
    '<svg viewBox="0 0 16 16" width="16" height="16" class="icon notice"><path d="M0 8a8 8 0 1 1 16 0A8 8 0 0 1 0 8Zm8-6.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13ZM6.5 7.75A.75.75 0 0 1 7.25 7h1a.75.75 0 0 1 .75.75v2.75h.25a.75.75 0 0 1 0 1.5h-2a.75.75 0 0 1 0-1.5h.25v-2h-.25a.75.75 0 0 1-.75-.75ZM8 6a1 1 0 1 1 0-2 1 1 0 0 1 0 2Z"/></svg>',
};

const LEVEL_WORD = { failure: 'Check failure', warning: 'Check warning', notice: 'Check notice' };

/** GitHub's check-run page, reduced to what the picture shows: header, summary, annotations. */
function checkRunPage(run: StoredCheckRun): string {
  const summary = marked.parse(run.output.summary ?? '', { gfm: true, async: false });
  const counts = { failure: 0, warning: 0, notice: 0 };
  for (const a of run.annotations) counts[a.annotation_level]++;
  const countText = (['failure', 'warning', 'notice'] as const)
    .filter((level) => counts[level] > 0)
    .map((level) => `${counts[level]} ${level === 'failure' ? 'error' : level}${counts[level] === 1 ? '' : 's'}`)
    .join(' and ');
  const annotations = run.annotations
    .map(
      (a) => `
      <div class="annotation">
        <div class="annotation-head">${ICON[a.annotation_level]}<span class="where">${LEVEL_WORD[a.annotation_level]}: <a>${escapeHtml(a.path)}#L${a.start_line}</a></span></div>
        <div class="annotation-title">${escapeHtml(a.title ?? '')}</div>
        <pre>${escapeHtml(a.message)}</pre>
      </div>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>monoenv check run</title>
<style>
  :root { --fg: #1f2328; --muted: #59636e; --border: #d1d9e0; --canvas: #f6f8fa; --red: #d1242f; --yellow: #9a6700; --blue: #0969da; }
  * { box-sizing: border-box; }
  body { margin: 0; background: #fff; color: var(--fg); font: 14px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif, "Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji"; }
  header { padding: 16px 24px; border-bottom: 1px solid var(--border); background: var(--canvas); }
  header .repo { color: var(--muted); font-size: 14px; }
  header .repo b { color: var(--blue); font-weight: 600; }
  header h1 { margin: 4px 0 0; font-size: 20px; font-weight: 400; }
  header h1 .number { color: var(--muted); }
  .layout { display: flex; }
  nav { width: 230px; flex: none; border-right: 1px solid var(--border); padding: 16px 0; }
  nav .app { padding: 0 16px 8px; color: var(--muted); font-size: 12px; font-weight: 600; }
  nav .run { display: flex; gap: 8px; align-items: center; padding: 6px 16px; background: #e8eef7; border-left: 2px solid #fd8c73; font-weight: 600; }
  main { flex: 1; padding: 16px 24px 24px; min-width: 0; }
  .run-head { display: flex; gap: 10px; align-items: center; }
  .run-head h2 { margin: 0; font-size: 20px; font-weight: 600; }
  .run-title { margin: 6px 0 16px; font-size: 16px; font-weight: 600; }
  .icon { fill: currentColor; flex: none; }
  .icon.failure { color: var(--red); } .icon.warning { color: var(--yellow); } .icon.notice { color: var(--muted); }
  .run-head .icon { width: 20px; height: 20px; }
  .markdown table { border-collapse: collapse; margin: 0 0 16px; width: 100%; }
  .markdown th, .markdown td { border: 1px solid var(--border); padding: 6px 13px; vertical-align: top; text-align: left; }
  .markdown th { font-weight: 600; background: var(--canvas); }
  .markdown tr:nth-child(2n) td { background: #f6f8fa80; }
  .markdown p { margin: 0 0 12px; }
  .markdown ul { margin: 0 0 12px; padding-left: 2em; }
  .markdown code { font: 85% ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace; background: #818b981f; padding: .2em .4em; border-radius: 6px; }
  .markdown a { color: var(--blue); text-decoration: none; }
  .box { border: 1px solid var(--border); border-radius: 6px; margin-top: 8px; }
  .box-head { padding: 12px 16px; background: var(--canvas); border-bottom: 1px solid var(--border); border-radius: 6px 6px 0 0; }
  .box-head h3 { margin: 0; font-size: 14px; font-weight: 600; }
  .box-head span { color: var(--muted); }
  .annotation { padding: 12px 16px; border-top: 1px solid var(--border); }
  .annotation:first-of-type { border-top: 0; }
  .annotation-head { display: flex; gap: 8px; align-items: center; }
  .annotation-head a { color: var(--blue); }
  .annotation-title { font-weight: 600; margin: 4px 0 0 24px; }
  .annotation pre { margin: 4px 0 0 24px; white-space: pre-wrap; font: 12px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; color: var(--fg); }
</style></head>
<body>
  <header>
    <div class="repo">${escapeHtml(OWNER)} / <b>${escapeHtml(REPO)}</b></div>
    <h1>${escapeHtml(PR_TITLE)} <span class="number">#${PR_NUMBER}</span></h1>
  </header>
  <div class="layout">
    <nav><div class="app">monoenv</div><div class="run">${ICON.failure} ${escapeHtml(run.name)}</div></nav>
    <main>
      <div class="run-head">${ICON[run.conclusion === 'failure' ? 'failure' : 'notice']}<h2>${escapeHtml(run.name)}</h2></div>
      <div class="run-title">${escapeHtml(run.output.title ?? '')}</div>
      <div class="markdown">${summary}</div>
      <div class="box">
        <div class="box-head"><h3>Annotations</h3><span>${countText}</span></div>
        ${annotations}
      </div>
    </main>
  </div>
  <script>document.body.dataset.height = String(document.documentElement.scrollHeight);</script>
</body></html>
`;
}

function chromiumFlags(profile: string): string[] {
  return [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--hide-scrollbars',
    '--force-device-scale-factor=1',
    `--user-data-dir=${profile}`,
  ];
}

const run = await checkRunFromTheApp();
mkdirSync(imagesDir, { recursive: true });
const htmlFile = join(mkdtempSync(join(tmpdir(), 'monoenv-picture-')), 'check-run.html');
writeFileSync(htmlFile, checkRunPage(run));
if (process.argv.includes('--html-only')) {
  process.stdout.write(`${htmlFile}\n`);
} else {
  const width = 1280;
  // First pass: the page's height at this width (the page writes it on <body>), so the picture has no empty band.
  const dom = execFileSync(
    'chromium',
    [...chromiumFlags(mkdtempSync(join(tmpdir(), 'chromium-'))), `--window-size=${width},800`, '--dump-dom', `file://${htmlFile}`],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  const height = Number(/data-height="(\d+)"/.exec(dom)?.[1] ?? 1600);
  const png = join(imagesDir, 'check-run.png');
  execFileSync(
    'chromium',
    [
      ...chromiumFlags(mkdtempSync(join(tmpdir(), 'chromium-'))),
      `--window-size=${width},${height}`,
      `--screenshot=${png}`,
      `file://${htmlFile}`,
    ],
    {
      stdio: 'ignore',
    },
  );
  process.stdout.write(`${png}: ${width}×${height}, from check run "${run.output.title}" with ${run.annotations.length} annotations\n`);
}
