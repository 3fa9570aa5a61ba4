/**
 * The runtime stage without a Docker engine: the build context copied as .dockerignore lets it through, the
 * build stage's command run on it, the runtime stage's files assembled as its COPY lines say, and its
 * command started with its environment.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildContext, envOf, execForm, repoRoot, stages } from './dockerfile.js';
import { levelForListening, startListening } from '../reliability/listening.js';

export interface BuiltImage {
  /** The runtime stage's WORKDIR (/app) as a local folder. */
  appDir: string;
  /** Every file of /app except node_modules, relative to it. */
  files: string[];
}

/** The build stage's `RUN` lines that build (not install): `npm run build`. */
function buildCommands(): string[] {
  const build = stages().find((s) => s.name === 'build')!;
  return build.instructions.filter((i) => i.keyword === 'RUN' && !i.args.join(' ').startsWith('npm ci')).map((i) => i.args.join(' '));
}

export function buildImageLocally(): BuiltImage {
  const work = mkdtempSync(join(tmpdir(), 'monoenv-image-'));
  const buildDir = join(work, 'build');
  for (const file of buildContext()) {
    mkdirSync(dirname(join(buildDir, file)), { recursive: true });
    cpSync(join(repoRoot, file), join(buildDir, file));
  }
  // `npm ci` cannot run here (no registry for a whole install in a test); the checkout's modules stand in.
  symlinkSync(join(repoRoot, 'node_modules'), join(buildDir, 'node_modules'));
  for (const command of buildCommands()) execFileSync('sh', ['-c', command], { cwd: buildDir, stdio: 'pipe' });

  const appDir = join(work, 'app');
  mkdirSync(appDir);
  const runtime = stages().at(-1)!;
  for (const copy of runtime.instructions.filter((i) => i.keyword === 'COPY')) {
    const [from, source, target] = copy.args;
    if (from === '--from=deps') {
      symlinkSync(join(repoRoot, 'node_modules'), join(appDir, target));
      continue;
    }
    cpSync(join(buildDir, source.replace(/^\/app\//, '')), join(appDir, target), { recursive: true });
  }
  const files = execFileSync('find', ['.', '-path', './node_modules', '-prune', '-o', '-type', 'f', '-print'], {
    cwd: appDir,
    encoding: 'utf8',
  })
    .split('\n')
    .filter(Boolean)
    .map((f) => f.replace(/^\.\//, ''))
    .sort();
  return { appDir, files };
}

/** The runtime stage's CMD and ENV. */
export function runtimeCommand(): { argv: string[]; env: Record<string, string>; healthcheck: string[] } {
  const runtime = stages().at(-1)!;
  const cmd = runtime.instructions.find((i) => i.keyword === 'CMD')!;
  const healthcheck = runtime.instructions.find((i) => i.keyword === 'HEALTHCHECK')!;
  return { argv: execForm(cmd.line, 'CMD'), env: envOf(runtime), healthcheck: execForm(healthcheck.line, 'CMD') };
}

export interface RunningServer {
  url: string;
  port: number;
  process: ChildProcess;
  output: () => string;
  stop: () => Promise<number | null>;
}

/**
 * Starts the image's command in `appDir` with the image's environment plus `env`, and waits until it says it
 * listens (test/reliability/listening.ts: on a free port, never mistaking another listener for it).
 * HOST is 127.0.0.1 here (the image says 0.0.0.0): tests listen on the loopback only. The server logs at
 * info at least, so that it says when it listens.
 */
export async function startServer(appDir: string, env: Record<string, string>): Promise<RunningServer> {
  const { argv, env: imageEnv } = runtimeCommand();
  const merged: Record<string, string> = { PATH: process.env.PATH ?? '', ...imageEnv, HOST: '127.0.0.1', ...env };
  let output: string;
  const started = await startListening(
    (port) =>
      spawn(argv[0] === 'node' ? process.execPath : argv[0], argv.slice(1), {
        cwd: appDir,
        env: { ...merged, PORT: String(port), LOG_LEVEL: levelForListening(merged.LOG_LEVEL ?? 'info') } as NodeJS.ProcessEnv,
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    { attempts: 5, timeoutMs: 30_000 },
  ).catch((error: Error) => {
    throw new Error(`server did not start: ${error.message}`);
  });
  const child = started.child;
  output = started.startup.join('\n');
  started.onLine((line) => (output += `\n${line}`));
  const exited = new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
  return {
    url: `http://127.0.0.1:${started.port}`,
    port: started.port,
    process: child,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/**
 * GitHub Enterprise Server serves its API under /api/v3, which is where Probot points when GHE_HOST is set;
 * this forwards such requests to the emulator without the prefix, so the servers under test are configured
 * exactly as on an Enterprise instance.
 */
export async function enterpriseFront(emulatorUrl: string): Promise<{ host: string; close: () => Promise<void>; forwarded: () => number }> {
  const target = new URL(emulatorUrl);
  let forwarded = 0;
  const server: Server = createServer((req, res) => {
    const path = req.url!.startsWith('/api/v3/') ? req.url!.slice('/api/v3'.length) : req.url!;
    forwarded++;
    const upstream = httpRequest(
      { hostname: target.hostname, port: target.port, method: req.method, path, headers: { ...req.headers, host: target.host } },
      (answer) => {
        res.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    forwarded: () => forwarded,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
