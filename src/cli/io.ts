import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

/** What the CLI touches of its process, passed in so tests can run it in-process against any folder. */
export interface CliIO {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown };
  /** Reads standard input to its end (for `--body -`). */
  readStdin(): Promise<string>;
}

export function processIO(): CliIO {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    async readStdin() {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
      return Buffer.concat(chunks).toString('utf8');
    },
  };
}

/** A failure the user can act on: printed as one line (or the given lines), exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** Lines printed instead of the message (configuration errors, one per line). */
    readonly lines: string[] = [message],
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Colours when stdout is a terminal, unless NO_COLOR is set (https://no-color.org); FORCE_COLOR set to
 * anything but 0/false turns them on anywhere (CI logs).
 */
export function useColour(io: CliIO): boolean {
  const { NO_COLOR, FORCE_COLOR, TERM } = io.env;
  if (NO_COLOR !== undefined && NO_COLOR !== '') return false;
  if (FORCE_COLOR !== undefined) return FORCE_COLOR !== '0' && FORCE_COLOR.toLowerCase() !== 'false';
  return io.stdout.isTTY === true && TERM !== 'dumb';
}

/** A file the user named (`-` reads standard input), or a UsageError saying why it cannot be read. */
export async function readUserFile(io: CliIO, file: string, option: string): Promise<string> {
  if (file === '-') return io.readStdin();
  try {
    return await readFile(resolve(io.cwd, file), 'utf8');
  } catch (error) {
    const { code } = error as NodeJS.ErrnoException;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : (error as Error).message;
    throw new UsageError(`cannot read ${file} (${option}): ${reason}`);
  }
}
