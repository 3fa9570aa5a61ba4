/**
 * Starting a server process on a free port: a port taken between the pick and the bind is retried, and a
 * listener that is not the process is never taken for it. The server here is a stand-in that binds and
 * logs as Probot's does.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { pickPort, startListening } from './listening.js';

/** Binds PORT and says so as Probot does, or exits 1 saying it is in use. */
const PROBOT_LIKE = `
  const server = require('node:http').createServer((req, res) => res.end('PONG'));
  server.on('error', (error) => {
    console.log(JSON.stringify({ level: 50, msg: 'Port ' + process.env.PORT + ' is already in use. You can define the PORT environment variable to use a different port.' }));
    process.exit(1);
  });
  server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(JSON.stringify({ level: 30, msg: 'Listening on http://127.0.0.1:' + server.address().port })));`;

const children: ChildProcess[] = [];
const servers: Server[] = [];
const spawnOn = (port: number): ChildProcess => {
  const child = spawn(process.execPath, ['-e', PROBOT_LIKE], { env: { PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return child;
};

/** A listener of this process's own on a free port: not the server being started. */
async function occupied(): Promise<number> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

describe('startListening', () => {
  it('starts the process again on another port when the one picked was taken meanwhile', async () => {
    const taken = await occupied();
    const free = await pickPort();
    const offered = [taken, free];
    const started = await startListening(spawnOn, { ports: async () => offered.shift()! });
    expect(started.port).toBe(free);
    expect(children).toHaveLength(2);
    expect(children[0].exitCode).toBe(1);
    expect(await (await fetch(`http://127.0.0.1:${started.port}/`)).text()).toBe('PONG');
  });

  it('gives up after its attempts, naming why', async () => {
    const taken = await occupied();
    await expect(startListening(spawnOn, { attempts: 2, ports: async () => taken })).rejects.toThrow(
      `port ${taken} was taken 2 times in a row`,
    );
  });

  it('reports a process that exits for another reason, with its output', async () => {
    const crashing = (): ChildProcess => {
      const child = spawn(process.execPath, ['-e', 'console.error("Certificate is missing"); process.exit(1)'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      return child;
    };
    await expect(startListening(crashing)).rejects.toThrow(/exited \(1\):\nCertificate is missing/);
    expect(children).toHaveLength(1);
  });

  it('hands over every line after the one saying it listens', async () => {
    const chatty = (port: number): ChildProcess => {
      const child = spawn(
        process.execPath,
        ['-e', `console.log('Listening on http://127.0.0.1:${port}\\nnext line\\nand another'); setInterval(() => {}, 1000)`],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      children.push(child);
      return child;
    };
    const started = await startListening(chatty);
    const later: string[] = [];
    started.onLine((line) => later.push(line));
    expect([...started.startup, ...later]).toEqual([`Listening on http://127.0.0.1:${started.port}`, 'next line', 'and another']);
  });
});
