/**
 * Starting a Probot server process on a free port. Probot reads `PORT` as `Number(PORT) || 3000`, so it
 * cannot be asked for port 0; a port is picked free here instead, and the process is taken as ready only
 * once it says itself that it listens there ("Listening on http://HOST:PORT", logged at info when its
 * socket is bound). A port another process took between the pick and the bind makes the server exit with
 * "Port N is already in use": then it is started again on another port. Nothing answering on the port is
 * mistaken for the process: no probe of the port decides readiness.
 */
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface ListeningProcess {
  child: ChildProcess;
  port: number;
  /** Output lines (stdout and stderr) until the first `onLine`. */
  startup: string[];
  /** Calls `listener` with every later output line. */
  onLine(listener: (line: string) => void): void;
}

/** Pino levels by name, for filtering a process's log by level. */
export const LOG_LEVELS: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

/** The level a Probot server must log at for `startListening` to see it bind: the given one, or info. */
export const levelForListening = (level: string): string => ((LOG_LEVELS[level] ?? LOG_LEVELS.info) > LOG_LEVELS.info ? 'info' : level);

/** A port free at the time of asking. */
export async function pickPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Splits a process's output into lines, for listeners. */
function follow(child: ChildProcess): { onLine(listener: (line: string) => void): void } {
  const listeners: Array<(line: string) => void> = [];
  let pending = '';
  const collect = (chunk: Buffer): void => {
    pending += chunk.toString('utf8');
    const complete = pending.split('\n');
    pending = complete.pop() ?? '';
    for (const line of complete) if (line !== '') for (const listener of listeners) listener(line);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return { onLine: (listener) => void listeners.push(listener) };
}

/**
 * Starts `spawnOn(port)` on a free port and resolves once the process logged that it listens on it. The
 * process must log at info level or finer (see `levelForListening`), with stdout and stderr piped.
 */
export async function startListening(
  spawnOn: (port: number) => ChildProcess,
  { attempts = 5, timeoutMs = 60_000, ports = pickPort }: { attempts?: number; timeoutMs?: number; ports?: () => Promise<number> } = {},
): Promise<ListeningProcess> {
  for (let attempt = 1; ; attempt++) {
    const port = await ports();
    const child = spawnOn(port);
    const followed = follow(child);
    const startup: string[] = [];
    let listening = false;
    // Lines are kept in `startup` until the caller listens itself, so that none falls between the two.
    let handedOver = false;
    const said = new RegExp(`Listening on http://\\S+:${port}\\b`);
    const outcome = await new Promise<'listening' | 'in use' | Error>((resolve) => {
      const timer = setTimeout(() => resolve(new Error(`did not say it listens on port ${port} within ${timeoutMs} ms`)), timeoutMs);
      const settle = (value: 'listening' | 'in use' | Error): void => {
        clearTimeout(timer);
        resolve(value);
      };
      followed.onLine((line) => {
        if (handedOver) return;
        startup.push(line);
        if (!listening && said.test(line)) {
          listening = true;
          settle('listening');
        }
      });
      child.once('exit', (code, signal) => {
        // Output still in the pipes arrives before 'close'.
        child.once('close', () =>
          settle(startup.some((l) => l.includes(`Port ${port} is already in use`)) ? 'in use' : new Error(`exited (${code ?? signal})`)),
        );
      });
    });
    if (outcome === 'listening') {
      const onLine = (listener: (line: string) => void): void => {
        handedOver = true;
        followed.onLine(listener);
      };
      return { child, port, startup, onLine };
    }
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    if (outcome === 'in use' && attempt < attempts) continue;
    const reason = outcome === 'in use' ? `port ${port} was taken ${attempts} times in a row` : outcome.message;
    throw new Error(`server process ${reason}:\n${startup.join('\n')}`);
  }
}
