/**
 * The report's only door to git. Kept in one small module so it can move onto the CLI's git adapter
 * (src/cli/git.ts) without touching the rest of the report.
 */
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export class GitError extends Error {
  constructor(message: string, readonly exitCode?: number) {
    super(message);
    this.name = 'GitError';
  }
}

/** Runs git and returns its stdout; a failure becomes a GitError carrying git's own first line of stderr. */
export async function git(cwd: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync('git', ['-c', 'core.quotepath=false', ...args], {
      cwd,
      maxBuffer: 64 * 1024 * 1024,
      encoding: 'utf8',
    });
    return stdout;
  } catch (error) {
    const failure = error as { stderr?: string; code?: number | string; message: string };
    if (failure.code === 'ENOENT') throw new GitError(`cannot run git in ${cwd}: ${failure.message}`);
    const line = (failure.stderr ?? '').split('\n').find((l) => l.trim() !== '')?.trim() ?? failure.message;
    throw new GitError(line, typeof failure.code === 'number' ? failure.code : undefined);
  }
}

/** git, or undefined when it exits non-zero (a ref that does not exist, a file absent at a commit). */
export async function gitMaybe(cwd: string, args: readonly string[]): Promise<string | undefined> {
  try {
    return await git(cwd, args);
  } catch (error) {
    if (error instanceof GitError && error.exitCode !== undefined) return undefined;
    throw error;
  }
}

/** A long-running git process whose stdout is read as a stream. */
export function spawnGit(cwd: string, args: readonly string[]): ChildProcessWithoutNullStreams {
  return spawn('git', ['-c', 'core.quotepath=false', ...args], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
}

/**
 * Reads blobs through one `git cat-file --batch` process for the whole run, so reading every version of
 * a file costs no process per version.
 */
export class BlobReader {
  private child: ChildProcessWithoutNullStreams | undefined;
  private buffered: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (b: Buffer | undefined) => void; reject: (e: Error) => void }[] = [];
  private failure: Error | undefined;

  constructor(private readonly cwd: string) {}

  private start(): ChildProcessWithoutNullStreams {
    const child = spawnGit(this.cwd, ['cat-file', '--batch']);
    child.stdout.on('data', (chunk: Buffer) => {
      this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
      this.drain();
    });
    child.on('error', (error) => this.fail(error));
    child.on('close', () => this.fail(new GitError('git cat-file ended early')));
    child.stderr.resume();
    return child;
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const w of this.waiting.splice(0)) w.reject(this.failure);
  }

  private drain(): void {
    while (this.waiting.length > 0) {
      const eol = this.buffered.indexOf(10);
      if (eol < 0) return;
      const header = this.buffered.subarray(0, eol).toString('utf8');
      if (header.endsWith(' missing')) {
        this.buffered = this.buffered.subarray(eol + 1);
        this.waiting.shift()!.resolve(undefined);
        continue;
      }
      const size = Number(header.split(' ')[2]);
      if (this.buffered.length < eol + 1 + size + 1) return;
      const content = Buffer.from(this.buffered.subarray(eol + 1, eol + 1 + size));
      this.buffered = this.buffered.subarray(eol + 1 + size + 1);
      this.waiting.shift()!.resolve(content);
    }
  }

  /** The blob's content, or undefined when the object does not exist. */
  read(sha: string): Promise<Buffer | undefined> {
    if (this.failure) return Promise.reject(this.failure);
    this.child ??= this.start();
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.child!.stdin.write(`${sha}\n`);
    });
  }

  close(): void {
    if (this.child === undefined) return;
    this.child.removeAllListeners('close');
    this.child.stdin.end();
    this.child = undefined;
  }
}
