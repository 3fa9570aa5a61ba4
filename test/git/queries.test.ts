import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { BlobReader } from '../../src/git/blobs.js';
import {
  blobsAt,
  defaultBranchAmong as defaultBranch,
  gitDirectory,
  readFileAt,
  resolveCommit,
  shallowBoundary,
} from '../../src/git/queries.js';
import { gitIn } from '../../src/git/runner.js';
import { TempRepo, removeTemporaryFolders, temporaryFolder } from '../cli/repo.js';

jest.setTimeout(30_000);
afterAll(removeTemporaryFolders);

describe('defaultBranch', () => {
  it('prefers origin/HEAD, then takes the first candidate that exists, full refs exactly', async () => {
    const origin = TempRepo.create({ 'a.txt': 'a\n' }, 'trunk');
    const clone = temporaryFolder();
    execFileSync('git', ['clone', '--quiet', origin.dir, clone], { env: origin.env });
    const git = gitIn(clone, { env: origin.env });
    expect(await defaultBranch(git, ['main'])).toBe('origin/trunk');

    execFileSync('git', ['remote', 'set-head', 'origin', '--delete'], { cwd: clone, env: origin.env });
    execFileSync('git', ['tag', 'main'], { cwd: clone, env: origin.env });
    // A short name is whatever git resolves it to (here a tag); a full ref must be that very ref.
    expect(await defaultBranch(git, ['main', 'trunk'])).toBe('main');
    expect(await defaultBranch(git, ['refs/heads/main', 'refs/remotes/origin/main', 'refs/remotes/origin/trunk', 'refs/heads/trunk'])).toBe(
      'origin/trunk',
    );
    expect(await defaultBranch(git, ['refs/heads/main'])).toBeUndefined();
  });
});

describe('files at a commit', () => {
  it('finds blobs of files only, reads their text, and nothing for a folder or a missing path', async () => {
    const repo = TempRepo.create({ 'a/b.txt': 'hello\n', '.gitattributes': '*.gen.ts linguist-generated\n', 'tab\there.txt': 'tab\n' });
    const git = gitIn(repo.dir, { env: repo.env });
    const head = (await resolveCommit(git, 'HEAD'))!;
    const blobs = await blobsAt(git, head, ['.gitattributes', 'a', 'a/b.txt', 'missing.yml', 'tab\there.txt']);
    expect([...blobs.keys()].sort()).toEqual(['.gitattributes', 'a/b.txt', 'tab\there.txt']);
    expect(blobs.get('a/b.txt')).toBe(repo.git('rev-parse', 'HEAD:a/b.txt').trim());
    expect(await readFileAt(git, head, 'tab\there.txt')).toBe('tab\n');
    expect(await readFileAt(git, head, 'a')).toBeUndefined();
    expect(await readFileAt(git, head, 'missing.yml')).toBeUndefined();
  });

  it('reads many blobs through one cat-file process, in order, missing ones as undefined', async () => {
    const repo = TempRepo.create({ 'one.txt': 'one\n', 'two.bin': '\u0000\u0001two' });
    const git = gitIn(repo.dir, { env: repo.env });
    const blobs = await blobsAt(git, 'HEAD', ['one.txt', 'two.bin']);
    const reader = new BlobReader(git);
    try {
      const read = await Promise.all([blobs.get('two.bin')!, 'f'.repeat(40), blobs.get('one.txt')!].map((sha) => reader.read(sha)));
      expect(read.map((b) => b?.toString('utf8'))).toEqual(['\u0000\u0001two', undefined, 'one\n']);
    } finally {
      reader.close();
    }
  });
});

describe('repository facts', () => {
  it('knows the git directory, and the commits a shallow clone was cut at', async () => {
    const origin = TempRepo.create({ 'a.txt': 'a\n' });
    origin.commit('second', { 'a.txt': 'b\n' });
    const tip = origin.git('rev-parse', 'HEAD').trim();
    const clone = temporaryFolder();
    execFileSync('git', ['clone', '--quiet', '--depth=1', `file://${origin.dir}`, clone], { env: origin.env });

    const gitDir = (await gitDirectory(gitIn(clone, { env: origin.env })))!;
    expect(gitDir).toBe(join(clone, '.git'));
    expect([...(await shallowBoundary(gitDir))]).toEqual([tip]);
    expect((await shallowBoundary(join(origin.dir, '.git'))).size).toBe(0);
    expect(await gitDirectory(gitIn(TempRepo.plainFolder().dir, { env: origin.env }))).toBeUndefined();
  });
});
