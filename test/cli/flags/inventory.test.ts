import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfigText } from '../../../src/config/load.js';
import { DEFAULT_CONFIG, type MonoenvConfig } from '../../../src/config/schema.js';
import { gitIn } from '../../../src/git/runner.js';
import { ledgerCache } from '../../../src/cli/flags/cache.js';
import { buildInventory } from '../../../src/cli/flags/inventory.js';
import { generateRepository, type GeneratedCommit } from '../../../tools/generate-repository.js';

// Each test starts git processes and reads whole histories; a loaded machine takes its time.
jest.setTimeout(30_000);

const DAY = 86_400;
const START = Date.parse('2024-01-01T12:00:00Z') / 1000;
const at = (day: number): number => START + day * DAY;
const iso = (day: number): string => new Date(at(day) * 1000).toISOString();
const NOW = new Date((at(200) + 3600) * 1000);

const CHECKOUT_V1 = `class CheckoutController
  def create
    if Flipper.enabled?(:new_checkout, current_user)
      render :new
    end
    # Flipper.enabled?(:commented_out) is not a check
  end
end
`;
const CHECKOUT_V2 = CHECKOUT_V1.replace('render :new', 'render :new if Flipper.enabled?(:kill_switch)');
const HELPER = `module ApplicationHelper
  def feature?(name, user = nil)
    Flipper.enabled?(name, user)
  end
end
`;
const THEME = `export function theme(client: LDClient, ctx: Context): string {
  const dark = client.boolVariation('dark-mode', ctx, false);
  const note = "client.boolVariation('in-a-string', ctx, false)";
  return dark ? note : 'light';
}
`;
const MENU = `export function Menu() {
  const fresh = useUiFlag(
    'fresh_menu',
  );
  return fresh ? 'new' : 'old';
}
`;
const SPEC = `describe CheckoutController do
  it 'works behind the flag' do
    allow(Flipper).to receive(:enabled?).and_return(true)
    expect(Flipper.enabled?(:beta_only)).to be(true)
    expect(Flipper.enabled?(:new_checkout)).to be(true)
  end
end
`;

/** Oldest first; every flag's first check and removal is on a known day. */
const HISTORY: GeneratedCommit[] = [
  {
    message: 'Initial import',
    time: at(0),
    files: { 'README.md': '# shop\n', 'app/controllers/checkout_controller.rb': CHECKOUT_V1, 'app/helpers/application_helper.rb': HELPER },
  },
  { message: 'Dark mode (#2)', time: at(10), files: { 'src/theme.ts': THEME } },
  {
    message: 'Kill switch (#3)',
    time: at(20),
    files: { 'app/controllers/checkout_controller.rb': CHECKOUT_V2, 'docs/flags.md': 'Flipper.enabled?(:in_the_docs)\n' },
  },
  { message: 'Specs (#4)', time: at(100), files: { 'spec/controllers/checkout_controller_spec.rb': SPEC } },
  { message: 'Dark mode for everyone (#5)', time: at(150), files: { 'src/theme.ts': "export const theme = (): string => 'dark';\n" } },
  {
    message: 'Fresh menu (#6)',
    time: at(180),
    files: { 'src/menu.tsx': MENU, 'vendor/lib.js': "ldClient.boolVariation('vendored', ctx, false);\n" },
  },
  {
    message: 'Rename the controller (#7)',
    time: at(190),
    files: { 'app/controllers/checkout_controller.rb': null, 'app/controllers/orders_controller.rb': CHECKOUT_V2 },
  },
];

const CONFIG_TEXT = `risky:
  flag_calls: ["useUiFlag"]
flags:
  permanent: ["kill_switch"]
`;

function configOf(text: string): MonoenvConfig {
  const parsed = parseConfigText(text, '.github/monoenv.yml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.config;
}

let root: string;
let repo: string;
const head = (): string => execFileSync('git', ['-C', repo, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
const shaOf = (message: string): string =>
  execFileSync('git', ['-C', repo, 'log', '--format=%H', `--grep=${message}`, '--fixed-strings'], { encoding: 'utf8' })
    .trim()
    .split('\n')[0];

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'monoenv-flags-'));
  repo = path.join(root, 'repo');
  generateRepository(repo, HISTORY);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const inventory = (config: MonoenvConfig = configOf(CONFIG_TEXT), extra: Partial<Parameters<typeof buildInventory>[0]> = {}) =>
  buildInventory({ git: gitIn(repo), ref: 'main', commit: head(), config, now: NOW, ...extra });

describe('the flag inventory of a real repository', () => {
  it('lists every key the code checks, with where, how many files, since when and whether it is stale', async () => {
    const result = await inventory();
    expect(result.flags.map((f) => f.key)).toEqual(['new_checkout', 'kill_switch', 'fresh_menu']);
    const [checkout, kill, fresh] = result.flags;
    expect(checkout).toMatchObject({
      calls: ['Flipper.enabled?'],
      checks: [{ path: 'app/controllers/orders_controller.rb', line: 3, call: 'Flipper.enabled?' }],
      files: 1,
      literal: true,
      since: { sha: shaOf('Initial import'), at: iso(0) },
      ageDays: 200,
      stale: true,
      permanent: false,
      testChecks: 1,
    });
    // Older than the limit, but listed in flags.permanent.
    expect(kill).toMatchObject({ since: { at: iso(20) }, ageDays: 180, stale: false, permanent: true });
    // A team helper from risky.flag_calls, its key on the line after the call.
    expect(fresh).toMatchObject({
      calls: ['useUiFlag'],
      checks: [{ path: 'src/menu.tsx', line: 2 }],
      since: { at: iso(180) },
      ageDays: 20,
      stale: false,
    });
    expect(result.stale).toBe(1);
    expect(result.staleAfterDays).toBe(90);
  });

  it('leaves out comments, strings, docs, vendored code, definitions and a helper passing its argument on', async () => {
    const keys = (await inventory()).flags.map((f) => f.key);
    for (const absent of ['commented_out', 'in-a-string', 'in_the_docs', 'vendored', 'name']) expect(keys).not.toContain(absent);
  });

  it('lists apart the keys only tests check, and the flags whose last check left the code', async () => {
    const result = await inventory();
    expect(result.testOnly).toEqual([
      { key: 'beta_only', checks: [{ path: 'spec/controllers/checkout_controller_spec.rb', line: 4, call: 'Flipper.enabled?' }] },
    ]);
    expect(result.removed).toEqual([
      { key: 'dark-mode', from: { sha: shaOf('Dark mode (#2)'), at: iso(10) }, to: { sha: shaOf('Dark mode for everyone'), at: iso(150) } },
    ]);
    // A renamed file keeps its checks' age: the rename is no new appearance.
    expect(result.lives['new_checkout']).toEqual([{ from: { sha: shaOf('Initial import'), at: iso(0) } }]);
    expect(result.history).toMatchObject({ commits: 7, read: 7, shallow: false, first: { at: iso(0) } });
  });

  it('takes the limit from --stale-after over flags.stale_after_days', async () => {
    expect((await inventory(undefined, { staleAfterDays: 10 })).flags.map((f) => [f.key, f.stale])).toEqual([
      ['new_checkout', true],
      ['kill_switch', false],
      ['fresh_menu', true],
    ]);
    expect((await inventory(configOf(`${CONFIG_TEXT}  stale_after_days: 365\n`))).stale).toBe(0);
  });

  it('recognises flags as the configuration says: without risky.flag_calls, the team helper is no flag check', async () => {
    const keys = (await inventory(DEFAULT_CONFIG)).flags.map((f) => f.key);
    expect(keys).toEqual(['new_checkout', 'kill_switch']);
  });

  it('reads the same history in consecutive ranges side by side as in one process', async () => {
    const one = await inventory(undefined, { processes: 1 });
    const three = await inventory(undefined, { processes: 3, commitsPerProcess: 2 });
    expect(three.lives).toEqual(one.lives);
    expect(three.flags).toEqual(one.flags);
    expect(three.history.commits).toBe(7);
  });
});

describe('the ledger kept between runs', () => {
  it('resumes from the commit it was saved at, and gives what a whole walk gives', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'monoenv-flags-cache-'));
    const work = path.join(dir, 'repo');
    try {
      generateRepository(work, HISTORY.slice(0, 4));
      const config = configOf(CONFIG_TEXT);
      const cache = ledgerCache(path.join(dir, 'cache'), config);
      const tip = (): string => execFileSync('git', ['-C', work, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
      const run = (withCache: boolean) =>
        buildInventory({ git: gitIn(work), ref: 'main', commit: tip(), config, now: NOW, ...(withCache ? { cache } : {}) });
      expect((await run(true)).history).toMatchObject({ commits: 4, read: 4 });
      // Nothing new: nothing read.
      expect((await run(true)).history).toMatchObject({ commits: 4, read: 0 });
      // Three more commits on top: only they are read.
      generateRepository(work, HISTORY);
      const resumed = await run(true);
      expect(resumed.history).toMatchObject({ commits: 7, read: 3 });
      const whole = await run(false);
      expect(resumed.flags).toEqual(whole.flags);
      expect(resumed.removed).toEqual(whole.removed);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('starts afresh when the saved commit is not on the branch any more (history rewritten)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'monoenv-flags-cache-'));
    const work = path.join(dir, 'repo');
    try {
      generateRepository(work, HISTORY);
      const config = configOf(CONFIG_TEXT);
      const cache = ledgerCache(path.join(dir, 'cache'), config);
      const tip = (): string => execFileSync('git', ['-C', work, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
      await buildInventory({ git: gitIn(work), ref: 'main', commit: tip(), config, now: NOW, cache });
      // Another history of the same length: the saved tip is no ancestor of the new one.
      rmSync(work, { recursive: true, force: true });
      generateRepository(
        work,
        HISTORY.map((c) => ({ ...c, message: `${c.message} (rewritten)` })),
      );
      const again = await buildInventory({ git: gitIn(work), ref: 'main', commit: tip(), config, now: NOW, cache });
      expect(again.history).toMatchObject({ commits: 7, read: 7 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
