import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { main } from '../../../src/cli/main.js';
import type { Report } from '../../../src/engine/report.js';
import { TempRepo, captureIO, removeTemporaryFolders } from '../repo.js';

jest.setTimeout(30_000);
afterAll(() => removeTemporaryFolders());

const DAY = 86_400;
const when = (daysAgo: number): string => `${Math.floor(Date.now() / 1000) - daysAgo * DAY} +0000`;

const ORDER = (total: string) => `class Order
  def total
    if Flipper.enabled?(:new_checkout, user)
      ${total}
    end
  end
end
`;

/** A repository whose flag was checked 212 days ago, on a branch that edits the code it guards today. */
function repository(): TempRepo {
  const repo = TempRepo.create({ 'README.md': '# shop\n' });
  Object.assign(repo.env, { GIT_AUTHOR_DATE: when(212), GIT_COMMITTER_DATE: when(212) });
  repo.commit('Checkout behind a flag', { 'app/models/order.rb': ORDER('items.sum(&:price)'), 'app/models/cart.rb': 'class Cart\nend\n' });
  Object.assign(repo.env, { GIT_AUTHOR_DATE: when(1), GIT_COMMITTER_DATE: when(1) });
  repo.branch('discount');
  return repo;
}

async function check(repo: TempRepo): Promise<Report> {
  const captured = captureIO(repo.dir, repo.env);
  const code = await main(['check', '--base', 'main', '--format', 'json'], captured.io);
  expect(captured.stderr()).toBe('');
  expect(code).toBe(0);
  return JSON.parse(captured.stdout()) as Report;
}

describe('monoenv check on a change that touches a stale flag', () => {
  it('names the flag, dated by git blame of its check at the base, as a notice on the check', async () => {
    const repo = repository();
    repo.commit('Discount the total', { 'app/models/order.rb': ORDER('items.sum(&:price) - discount') });
    const report = await check(repo);
    const notice = report.findings.find((f) => f.rule === 'flags');
    expect(notice).toMatchObject({ level: 'notice', title: 'stale flag', path: 'app/models/order.rb', startLine: 3 });
    expect(notice!.message).toMatch(
      /^`new_checkout` has been in the code for at least 21[12] days: remove it\? Its check on line 3 of `app\/models\/order\.rb` dates from \d{4}-\d\d-\d\d \([0-9a-f]{7}\)/,
    );
    expect(report.rules.find((r) => r.rule === 'flags')).toMatchObject({ status: 'notice' });
    expect(report.conclusion).toBe('success');
  });

  it('says nothing about flags when the change touches no check', async () => {
    const repo = repository();
    repo.commit('Cart', { 'app/models/cart.rb': 'class Cart\n  def size = 0\nend\n' });
    const report = await check(repo);
    expect(report.findings.filter((f) => f.rule === 'flags')).toEqual([]);
    expect(report.rules.map((r) => r.rule)).not.toContain('flags');
  });

  it('keeps quiet about a flag younger than the limit', async () => {
    const repo = repository();
    repo.commit('Young flag', { '.github/monoenv.yml': 'flags:\n  stale_after_days: 365\n' });
    repo.checkout('main');
    repo.git('merge', '--quiet', '--ff-only', 'discount');
    repo.branch('discount-2');
    repo.commit('Discount the total', { 'app/models/order.rb': ORDER('items.sum(&:price) - discount') });
    expect((await check(repo)).rules.map((r) => r.rule)).not.toContain('flags');
  });
});
