/** Temporary git repositories for CLI tests, isolated from the machine's git configuration. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CliIO } from '../../src/cli/io.js';

/** No global or system git configuration, fixed identities: the same repository on every machine. */
export function isolatedGitEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('GIT_') || key === 'GITHUB_HEAD_REF') delete env[key];
  return {
    ...env,
    HOME: home,
    GIT_CONFIG_GLOBAL: join(home, '.gitconfig-none'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Ada Lovelace',
    GIT_AUTHOR_EMAIL: '1815+ada@users.noreply.github.com',
    GIT_COMMITTER_NAME: 'Ada Lovelace',
    GIT_COMMITTER_EMAIL: '1815+ada@users.noreply.github.com',
    NO_COLOR: '1',
  };
}

const made: string[] = [];

export function temporaryFolder(prefix = 'monoenv-cli-'): string {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  made.push(folder);
  return folder;
}

export function removeTemporaryFolders(): void {
  for (const folder of made.splice(0)) rmSync(folder, { recursive: true, force: true });
}

export class TempRepo {
  readonly env: NodeJS.ProcessEnv;

  private constructor(readonly dir: string) {
    this.env = isolatedGitEnv(dir);
  }

  /** A repository on `main` with a first commit holding `files`. */
  static create(files: Record<string, string> = { 'README.md': '# demo\n' }, branch = 'main'): TempRepo {
    const repo = new TempRepo(temporaryFolder());
    repo.git('init', '--quiet', `--initial-branch=${branch}`);
    repo.commit('Initial commit', files);
    return repo;
  }

  /** A fresh folder that is not a git repository. */
  static plainFolder(): TempRepo {
    return new TempRepo(temporaryFolder('monoenv-plain-'));
  }

  git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.dir, env: this.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** Writes (or with null deletes) files and commits them. */
  commit(message: string, files: Record<string, string | null>): string {
    for (const [path, content] of Object.entries(files)) {
      const absolute = join(this.dir, path);
      if (content === null) {
        this.git('rm', '--quiet', '--', path);
        continue;
      }
      mkdirSync(dirname(absolute), { recursive: true });
      writeFileSync(absolute, content);
      this.git('add', '--', path);
    }
    this.git('commit', '--quiet', '--allow-empty', '-m', message);
    return this.git('rev-parse', 'HEAD').trim();
  }

  branch(name: string): void {
    this.git('checkout', '--quiet', '-b', name);
  }

  checkout(name: string): void {
    this.git('checkout', '--quiet', name);
  }
}

export interface Captured {
  io: CliIO;
  stdout: () => string;
  stderr: () => string;
}

/** An in-process CLI environment for `main(argv, io)`. */
export function captureIO(cwd: string, env: NodeJS.ProcessEnv, options: { stdin?: string; isTTY?: boolean } = {}): Captured {
  let out = '';
  let err = '';
  return {
    io: {
      cwd,
      env,
      stdout: { write: (text: string) => (out += text), isTTY: options.isTTY ?? false },
      stderr: { write: (text: string) => (err += text) },
      readStdin: async () => options.stdin ?? '',
    },
    stdout: () => out,
    stderr: () => err,
  };
}

/** `count` numbered lines of code. */
export function linesOf(count: number, make = (i: number) => `export const value${i} = ${i};`): string {
  return Array.from({ length: count }, (_, i) => make(i + 1)).join('\n') + '\n';
}
