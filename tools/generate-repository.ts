/**
 * Builds git repositories with a known history in one `git fast-import` process: every commit's date,
 * message, parents and file contents are given, so the report's figures are known in advance.
 */
import { spawnSync, execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface GeneratedCommit {
  message: string;
  /** Unix seconds. */
  time: number;
  author?: string;
  /** Files written (full content) or deleted (null) on top of the first parent's tree. */
  files: Record<string, string | null>;
  /** Make this a merge: a side commit carrying the same files is made first and merged with this message. */
  mergeOf?: { message: string };
}

const dataBlock = (text: string): string => `data ${Buffer.byteLength(text)}\n${text}\n`;

/** Lines "prefix 1" … "prefix n", newline-terminated: n added lines in a diff. */
export function linesOf(n: number, prefix = 'line'): string {
  let out = '';
  for (let i = 1; i <= n; i++) out += `${prefix} ${i}\n`;
  return out;
}

function* streamOf(commits: Iterable<GeneratedCommit>, branch: string): Generator<string> {
  let mark = 0;
  let previous: number | undefined;
  for (const commit of commits) {
    const who = `${commit.author ?? 'Dev'} <${(commit.author ?? 'dev').toLowerCase().replace(/\W+/g, '.')}@example.com> ${commit.time} +0000`;
    const ops = Object.entries(commit.files)
      .map(([path, content]) => (content === null ? `D ${path}\n` : `M 100644 inline ${path}\n${dataBlock(content)}`))
      .join('');
    let side: number | undefined;
    if (commit.mergeOf) {
      side = ++mark;
      yield `commit refs/heads/side\nmark :${side}\nauthor ${who}\ncommitter ${who}\n${dataBlock(commit.mergeOf.message)}${previous ? `from :${previous}\n` : ''}${ops}\n`;
    }
    const own = ++mark;
    yield `commit refs/heads/${branch}\nmark :${own}\nauthor ${who}\ncommitter ${who}\n${dataBlock(commit.message)}${previous ? `from :${previous}\n` : ''}${side ? `merge :${side}\n` : ''}${ops}\n`;
    previous = own;
  }
}

/**
 * Commits may come from a generator: the fast-import input is written to a temporary file in 1 MiB
 * pieces, so a history of any length is generated without holding its text in memory.
 */
export function generateRepository(dir: string, commits: Iterable<GeneratedCommit>, branch = 'main'): void {
  mkdirSync(dir, { recursive: true });
  execFileSync('git', ['init', '-q', '-b', branch, dir]);
  const scratch = mkdtempSync(path.join(tmpdir(), 'monoenv-fast-import-'));
  const inputPath = path.join(scratch, 'stream');
  try {
    const out = openSync(inputPath, 'w');
    let pending = '';
    for (const piece of streamOf(commits, branch)) {
      pending += piece;
      if (pending.length >= 1 << 20) {
        writeSync(out, pending);
        pending = '';
      }
    }
    writeSync(out, pending);
    closeSync(out);
    const input = openSync(inputPath, 'r');
    try {
      const result = spawnSync('git', ['fast-import', '--quiet', '--force'], { cwd: dir, stdio: [input, 'ignore', 'pipe'] });
      if (result.status !== 0) throw new Error(`git fast-import failed: ${result.stderr.toString()}`);
    } finally {
      closeSync(input);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  execFileSync('git', ['-C', dir, 'reset', '-q', '--hard', branch]);
}
