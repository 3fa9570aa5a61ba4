import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { GitError, type GitRunner } from './runner.js';

/**
 * Reads blobs through one `git cat-file --batch` process for its whole life, so reading every version of
 * a file costs no process per version.
 */
export class BlobReader {
  private child: ChildProcessWithoutNullStreams | undefined;
  private buffered: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (b: Buffer | undefined) => void; reject: (e: Error) => void }[] = [];
  private failure: Error | undefined;

  constructor(private readonly git: GitRunner) {}

  private start(): ChildProcessWithoutNullStreams {
    const child = this.git.spawn(['cat-file', '--batch']);
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
