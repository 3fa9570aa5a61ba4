import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { join } from 'node:path';
import { GitError, gitIn, streamGit } from '../../src/git/runner.js';
import { reportGit } from '../../src/cli/history/git.js';
import { TempRepo, linesOf, removeTemporaryFolders } from '../cli/repo.js';

jest.setTimeout(30_000);
afterAll(removeTemporaryFolders);

describe('gitIn', () => {
  it("returns stdout, and fails with git's own reason and exit code", async () => {
    const repo = TempRepo.create({ 'a.txt': 'a\n' });
    const git = gitIn(repo.dir, { env: repo.env });
    expect((await git.run(['rev-parse', '--abbrev-ref', 'HEAD'])).trim()).toBe('main');
    const failure = await git.run(['rev-parse', '--verify', 'no-such-ref']).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(GitError);
    expect(failure).toMatchObject({ message: 'Needed a single revision', exitCode: 128 });
    expect(await git.maybe(['rev-parse', '--verify', 'no-such-ref'])).toBeUndefined();
  });

  it("gives every command its settings, ahead of the repository's own configuration", async () => {
    const repo = TempRepo.create({ 'café.txt': 'c\n' });
    repo.git('config', 'core.quotepath', 'true');
    expect(await gitIn(repo.dir, { env: repo.env }).run(['ls-files'])).toBe('"caf\\303\\251.txt"\n');
    const pinned = gitIn(repo.dir, { env: repo.env, settings: ['core.quotepath=false'] });
    expect(await pinned.run(['ls-files'])).toBe('café.txt\n');
  });

  it('says when git cannot start, keeps the cause, and maybe() does not hide it', async () => {
    const missing = join(TempRepo.plainFolder().dir, 'gone');
    const git = gitIn(missing);
    const failure = await git.maybe(['status']).catch((error: unknown) => error);
    expect(failure).toMatchObject({ name: 'GitError', message: 'git is not installed or not on PATH', exitCode: undefined });
    expect(((failure as GitError).cause as NodeJS.ErrnoException).code).toBe('ENOENT');
    // The report names the folder instead, as its messages always have.
    await expect(reportGit(missing).maybe(['status'])).rejects.toThrow(`cannot run git in ${missing}: spawn git ENOENT`);
  });
});

describe('streamGit', () => {
  it('streams a large output whole', async () => {
    const repo = TempRepo.create({ 'big.txt': linesOf(20_000) });
    let text = '';
    for await (const chunk of streamGit(gitIn(repo.dir, { env: repo.env }), ['show', 'HEAD:big.txt'])) text += chunk;
    expect(text).toBe(linesOf(20_000));
  });

  it("fails with git's reason when git exits non-zero", async () => {
    const repo = TempRepo.create();
    const read = async () => {
      for await (const chunk of streamGit(gitIn(repo.dir, { env: repo.env }), ['log', 'no-such-ref', '--'])) void chunk;
    };
    await expect(read()).rejects.toMatchObject({
      name: 'GitError',
      exitCode: 128,
      message: expect.stringMatching(/^bad revision 'no-such-ref'/),
    });
  });

  it('ends the process when the reader stops early', async () => {
    const repo = TempRepo.create({ 'big.txt': linesOf(200_000) });
    const git = gitIn(repo.dir, { env: repo.env });
    const children: ReturnType<typeof git.spawn>[] = [];
    const watched = { ...git, spawn: (args: readonly string[]) => children[children.push(git.spawn(args)) - 1] };
    for await (const chunk of streamGit(watched, ['show', 'HEAD:big.txt'])) {
      expect(chunk.length).toBeGreaterThan(0);
      break;
    }
    const child = children[0];
    if (child.exitCode === null && child.signalCode === null) await new Promise((resolve) => child.once('close', resolve));
    expect(child.signalCode ?? child.exitCode).not.toBe(0);
  });
});
