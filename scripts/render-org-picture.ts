/**
 * Renders docs/images/report-org.png, the picture of the organisation page in docs/report.md: the real
 * `monoenv report --org` reads twelve generated repositories from the local GitHub API emulator, and its
 * HTML page is photographed with headless Chromium (Debian's `chromium`).   npx tsx scripts/render-org-picture.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../tools/emulator/index.js';
import { seedOrganisation } from '../tools/org-seed.js';
import { buildOrgReport } from '../src/cli/history/org/command.js';
import { renderOrgHtml } from '../src/cli/history/org/render-html.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const gh = await startEmulator({ now: () => new Date('2024-03-31T00:00:00Z') });
try {
  const names = [
    'checkout',
    'payments',
    'search',
    'catalog',
    'accounts',
    'mobile-api',
    'notifications',
    'inventory',
    'admin',
    'reports',
    'web',
    'legacy-billing',
  ];
  const installation = seedOrganisation(gh, {
    org: 'acme',
    repositories: names,
    pullsPerRepository: 24,
    start: Date.parse('2024-01-03T00:00:00Z'),
  });
  gh.store.addRepo({ owner: 'acme', repo: '.github', installationId: installation });
  gh.store.setFile('acme', '.github', '.github/monoenv.yml', 'review:\n  approvals: 1\n');
  names.forEach((name, i) => {
    if (i % 3 === 0) gh.store.setFile('acme', name, '.github/monoenv.yml', 'risky:\n  paths: ["src/billing/**"]\n');
  });
  gh.store.setFile('acme', 'legacy-billing', '.github/monoenv.yml', 'size:\n  fail_line: 300\n');
  const token = gh.store.issueToken(installation, 1).token;
  const data = await buildOrgReport({
    org: 'acme',
    since: new Date('2024-01-01T00:00:00Z'),
    until: new Date('2024-03-31T00:00:00Z'),
    env: { GITHUB_TOKEN: token, GITHUB_API_URL: gh.url },
    noCache: true,
    now: new Date('2024-03-31T00:00:00Z'),
  });
  const dir = mkdtempSync(join(tmpdir(), 'monoenv-org-picture-'));
  const html = join(dir, 'org.html');
  writeFileSync(html, await renderOrgHtml(data));
  const flags = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--hide-scrollbars',
    `--user-data-dir=${mkdtempSync(join(tmpdir(), 'chromium-'))}`,
    '--window-size=1240,1500',
  ];
  execFileSync('chromium', [...flags, `--screenshot=${join(root, 'docs/images/report-org.png')}`, `file://${html}`], { stdio: 'ignore' });
  console.log('docs/images/report-org.png');
} finally {
  await gh.close();
}
