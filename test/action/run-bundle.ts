/** Runs the Action's bundled file the way a runner does: a node process with the workflow's environment. */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Emulator } from '../../tools/emulator/index.js';

const repoRoot = new URL('../../', import.meta.url).pathname;

/** GitHub Actions' own app: check runs made with a workflow's token belong to it. */
export const ACTIONS_APP = { id: 15368, slug: 'github-actions', name: 'GitHub Actions' };

/** Bundles the current sources with the project's bundling script, into a fresh file. */
export function bundleCurrentSources(): string {
  const out = join(mkdtempSync(join(tmpdir(), 'monoenv-action-')), 'index.js');
  execFileSync(process.execPath, ['scripts/bundle-action.mjs', '--out', out], { cwd: repoRoot, stdio: 'pipe' });
  return out;
}

export interface ActionRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  summary: string;
  outputs: Record<string, string>;
}

/** GITHUB_OUTPUT's `name<<delimiter … delimiter` records, as @actions/core writes them. */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^<=]+)<<(.+)$/.exec(lines[i]);
    if (!heredoc) continue;
    const end = lines.indexOf(heredoc[2], i + 1);
    outputs[heredoc[1]] = lines.slice(i + 1, end).join('\n');
    i = end;
  }
  return outputs;
}

export interface WorkflowEvent {
  name: string;
  payload: Record<string, unknown>;
  token: string;
  /** Extra environment (e.g. LOG_LEVEL). */
  env?: Record<string, string>;
}

/**
 * Writes the event where a runner would, then runs the bundle with the runner's variables. Asynchronous on
 * purpose: the emulator answers from this process while the Action runs.
 */
export function runActionBundle(bundle: string, gh: Emulator, event: WorkflowEvent): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'monoenv-runner-'));
  const eventPath = join(dir, 'event.json');
  const summaryPath = join(dir, 'step-summary.md');
  const outputPath = join(dir, 'output.txt');
  writeFileSync(eventPath, JSON.stringify(event.payload));
  writeFileSync(summaryPath, '');
  writeFileSync(outputPath, '');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: event.name,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_API_URL: gh.url,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: `${(event.payload.repository as { full_name?: string } | undefined)?.full_name ?? ''}`,
    GITHUB_RUN_ID: '7712345678',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_STEP_SUMMARY: summaryPath,
    GITHUB_OUTPUT: outputPath,
    'INPUT_GITHUB-TOKEN': event.token,
    ...event.env,
  };
  return new Promise((resolve) => {
    execFile(process.execPath, [bundle], { env, timeout: 60_000 }, (error, stdout, stderr) => {
      const exitCode = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({
        exitCode,
        stdout,
        stderr,
        summary: readFileSync(summaryPath, 'utf8'),
        outputs: parseOutputs(readFileSync(outputPath, 'utf8')),
      });
    });
  });
}
