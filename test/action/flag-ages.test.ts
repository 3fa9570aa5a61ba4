import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { checkoutFlagAgeSource } from '../../src/action/flag-ages.js';
import type { FlagAgeSource } from '../../src/engine/rules/flags/index.js';
import { TempRepo, removeTemporaryFolders, temporaryFolder } from '../cli/repo.js';

jest.setTimeout(30_000);
afterAll(() => removeTemporaryFolders());

const TEXT = 'class Order\n  def total\n    Flipper.enabled?(:new_checkout) ? 1 : 2\n  end\nend\n';
const linesOf = (): number[] => [3];

function fakeGitHub(): FlagAgeSource & { calls: number } {
  const source = {
    calls: 0,
    async date(_base: string, paths: readonly string[]) {
      source.calls++;
      return new Map([[paths[0], new Map([[3, { sha: 'f'.repeat(40), at: '2020-01-01T00:00:00.000Z' }]])]]);
    },
  };
  return source;
}

describe('flag ages in the Action', () => {
  it('blames the workflow checkout when it holds the base commit and its history: no API call', async () => {
    const repo = TempRepo.create({ 'app/models/order.rb': TEXT });
    const base = repo.git('rev-parse', 'HEAD').trim();
    const github = fakeGitHub();
    const source = checkoutFlagAgeSource(repo.dir)!({}, github);
    // The workflow's process environment, not the test's isolated one, is what the Action runs git in.
    const dated = await source.date(base, ['app/models/order.rb'], linesOf);
    expect(dated.get('app/models/order.rb')?.get(3)).toEqual({ sha: base, at: expect.stringMatching(/^\d{4}-/) });
    expect(github.calls).toBe(0);
  });

  it('asks GitHub when the checkout is shallow (the default depth of 1) or lacks the base commit', async () => {
    const repo = TempRepo.create({ 'app/models/order.rb': TEXT });
    repo.commit('Second', { 'README.md': '# shop\n' });
    // The tip is in the shallow clone, but none of its history: blame there would date every line to it.
    const base = repo.git('rev-parse', 'HEAD').trim();
    const shallow = path.join(temporaryFolder(), 'shallow');
    execFileSync('git', ['clone', '--quiet', '--depth', '1', `file://${repo.dir}`, shallow], { env: repo.env });
    const github = fakeGitHub();
    await checkoutFlagAgeSource(shallow)!({}, github).date(base, ['app/models/order.rb'], linesOf);
    expect(github.calls).toBe(1);
    await checkoutFlagAgeSource(temporaryFolder())!({}, github).date(base, ['app/models/order.rb'], linesOf);
    expect(github.calls).toBe(2);
    expect(checkoutFlagAgeSource(undefined)).toBeUndefined();
  });
});
