/**
 * The one way monoenv runs git: `git` started directly (no shell), so refs and paths that users give are
 * never interpreted by one. The CLI and the report are both built on it.
 */
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

/** Diffs of large changes are large; a whole diff is parsed in memory anyway. */
const MAX_OUTPUT_BYTES = 1024 * 1024 * 1024;

export class GitError extends Error {
  constructor(
    message: string,
    /** git's exit code; undefined when git could not be started at all. */
    readonly exitCode?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'GitError';
  }
}

export interface GitRunner {
  /** The folder git runs in. */
  readonly cwd: string;
  /** Runs git and returns stdout; fails with a GitError carrying git's first line of stderr. */
  run(args: readonly string[]): Promise<string>;
  /** The same, or undefined when git exits non-zero (a ref or a path that does not exist). */
  maybe(args: readonly string[]): Promise<string | undefined>;
  /** A long-running git process whose stdout is read as a stream. */
  spawn(args: readonly string[]): ChildProcessWithoutNullStreams;
}

export interface GitRunnerOptions {
  env?: NodeJS.ProcessEnv;
  /** `name=value` settings given to every command as `-c name=value`, ahead of the user's configuration. */
  settings?: readonly string[];
}

/** git's own reason for a failure: its first line of stderr, without the `fatal: ` or `error: ` it starts with. */
export function failureLine(stderr: string): string | undefined {
  return stderr
    .split('\n')
    .find((line) => line.trim() !== '')
    ?.trim()
    .replace(/^(fatal|error): /, '');
}

export function gitIn(cwd: string, { env = process.env, settings = [] }: GitRunnerOptions = {}): GitRunner {
  const prefix = settings.flatMap((setting) => ['-c', setting]);
  const run = (args: readonly string[]): Promise<string> =>
    new Promise((resolve, reject) => {
      execFile('git', [...prefix, ...args], { cwd, env, maxBuffer: MAX_OUTPUT_BYTES, encoding: 'utf8' }, (error, stdout, stderr) => {
        if (error === null) return resolve(stdout);
        const failure = error as NodeJS.ErrnoException & { code?: number | string };
        if (typeof failure.code === 'string') {
          const reason = failure.code === 'ENOENT' ? 'git is not installed or not on PATH' : failure.message;
          return reject(new GitError(reason, undefined, { cause: failure }));
        }
        const exitCode = typeof failure.code === 'number' ? failure.code : 1;
        reject(new GitError(failureLine(stderr) ?? failure.message, exitCode));
      });
    });
  return {
    cwd,
    run,
    async maybe(args) {
      try {
        return await run(args);
      } catch (error) {
        if (error instanceof GitError && error.exitCode !== undefined) return undefined;
        throw error;
      }
    },
    spawn: (args) => spawn('git', [...prefix, ...args], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] }),
  };
}

/**
 * The stdout of one git process as it arrives, in text chunks. Stopping early ends the process; a
 * non-zero exit fails with a GitError carrying git's reason.
 */
export async function* streamGit(git: GitRunner, args: readonly string[]): AsyncGenerator<string> {
  const child = git.spawn(args);
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    if (stderr.length < 4096) stderr += text;
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
  let finished = false;
  try {
    child.stdout.setEncoding('utf8');
    yield* child.stdout as AsyncIterable<string>;
    const code = await exited;
    finished = true;
    if (code !== 0) throw new GitError(failureLine(stderr) ?? `git ${args[0]} exited with ${code}`, code ?? undefined);
  } finally {
    if (!finished) child.kill();
  }
}

/** Runs git with `input` on its standard input and returns stdout; fails with a GitError carrying git's reason. */
export async function runGitWithInput(git: GitRunner, args: readonly string[], input: string): Promise<string> {
  const child = git.spawn(args);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (text: string) => (stdout += text));
  child.stderr.on('data', (text: string) => {
    if (stderr.length < 4096) stderr += text;
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
  child.stdin.end(input);
  const code = await exited;
  if (code !== 0) throw new GitError(failureLine(stderr) ?? `git ${args[0]} exited with ${code}`, code ?? undefined);
  return stdout;
}
