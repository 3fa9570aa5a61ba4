import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { commitsBetween, personFromAuthor } from '../../src/git/range.js';
import { defaultBranch, readFileAt, resolveCommit } from '../../src/git/queries.js';
import { gitIn as runnerIn } from '../../src/git/runner.js';
import { TempRepo, removeTemporaryFolders } from '../cli/repo.js';

const gitIn = (cwd: string, env: NodeJS.ProcessEnv) => runnerIn(cwd, { env });

jest.setTimeout(30_000);
afterAll(removeTemporaryFolders);

describe('personFromAuthor', () => {
  it.each([
    ['Ada Lovelace', '1815+ada@users.noreply.github.com', { login: 'ada', bot: false }],
    ['Ada Lovelace', 'ada@users.noreply.github.com', { login: 'ada', bot: false }],
    ['dependabot[bot]', '49699333+dependabot[bot]@users.noreply.github.com', { login: 'dependabot[bot]', bot: true }],
    ['Grace Hopper', 'grace@navy.example', { login: 'Grace Hopper', bot: false }],
    ['', 'someone@example.com', { login: 'someone@example.com', bot: false }],
  ])('%s <%s>', (name, email, person) => {
    expect(personFromAuthor(name, email)).toEqual(person);
  });
});

describe('commitsBetween', () => {
  it('lists the range oldest first, with parents, full messages and authors, merges included', async () => {
    const repo = TempRepo.create();
    const base = repo.git('rev-parse', 'HEAD').trim();
    repo.branch('feature');
    const first = repo.commit('feat: add the cart\n\nWith a body line.\nAnd another.', { 'cart.ts': 'export {};\n' });
    repo.checkout('main');
    const onMain = repo.commit('docs: readme', { 'README.md': '# shop\n' });
    repo.checkout('feature');
    repo.git('merge', '--quiet', '--no-edit', 'main');
    const merge = repo.git('rev-parse', 'HEAD').trim();

    const commits = await commitsBetween(gitIn(repo.dir, repo.env), base, merge);
    expect(commits.map((c) => c.sha).sort()).toEqual([first, onMain, merge].sort());
    expect(commits.at(-1)).toMatchObject({ sha: merge, parents: [first, onMain], author: { login: 'ada', bot: false } });
    expect(commits.find((c) => c.sha === first)).toMatchObject({
      parents: [base],
      subject: 'feat: add the cart',
      message: 'feat: add the cart\n\nWith a body line.\nAnd another.',
      authorName: 'Ada Lovelace',
    });
    expect(await commitsBetween(gitIn(repo.dir, repo.env), merge, merge)).toEqual([]);
  });
});

describe('readFileAt and refs', () => {
  it('reads a file at a commit, and nothing for a missing file or a folder of that name', async () => {
    const repo = TempRepo.create({ 'a/b.txt': 'hello\n', '.gitattributes': '*.gen.ts linguist-generated\n' });
    const git = gitIn(repo.dir, repo.env);
    const head = (await resolveCommit(git, 'HEAD'))!;
    expect(await readFileAt(git, head, '.gitattributes')).toBe('*.gen.ts linguist-generated\n');
    expect(await readFileAt(git, head, 'missing.yml')).toBeUndefined();
    expect(await readFileAt(git, head, 'a')).toBeUndefined();
    expect(await resolveCommit(git, 'no-such-branch')).toBeUndefined();
  });

  it('finds master when there is no main and no origin', async () => {
    const repo = TempRepo.create({ 'a.txt': 'a\n' }, 'master');
    expect(await defaultBranch(gitIn(repo.dir, repo.env))).toBe('master');
  });
});
