/** `monoenv validate` and `monoenv init`. */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { parseConfigText } from '../config/load.js';
import { CONFIG_PATH } from '../config/path.js';
import { learnedLines, starterConfig, type LearnedProposals } from '../config/starter.js';
import { repositoryRoot, resolveCommit } from '../git/queries.js';
import { gitIn } from '../git/runner.js';
import { learnRepository } from './learn.js';
import { readUserFile, UsageError, type CliIO } from './io.js';
import type { OutputFormat } from './publish.js';
import { ConfigInvalid } from './config-errors.js';

/** Files named by default live at the top of the repository, wherever in it the command runs. */
async function repositoryFile(io: CliIO, path: string): Promise<{ absolute: string; shown: string }> {
  const root = (await repositoryRoot(gitIn(io.cwd, { env: io.env })).catch(() => undefined)) ?? io.cwd;
  const absolute = resolve(root, path);
  const shown = relative(io.cwd, absolute) || path;
  return { absolute, shown };
}

export async function runValidate(io: CliIO, file: string | undefined, format: OutputFormat): Promise<number> {
  const { absolute, shown } =
    file === undefined ? await repositoryFile(io, CONFIG_PATH) : { absolute: file, shown: file === '-' ? '<stdin>' : file };
  const text = await readUserFile(io, absolute, 'validate').catch((error: unknown) => {
    if (file === undefined && error instanceof UsageError)
      throw new UsageError(`cannot read ${shown}: no such file (create one with \`monoenv init\`)`);
    throw error;
  });
  const result = parseConfigText(text, shown);
  if (!result.ok) return new ConfigInvalid(result.errors, shown, `${shown} is invalid`).print(io, format);
  if (format === 'json') io.stdout.write(JSON.stringify({ conclusion: 'success', errors: [] }, null, 2) + '\n');
  else if (format === 'github') io.stdout.write(`::notice title=monoenv::${shown} is valid\n`);
  else io.stdout.write(`${shown}: valid\n`);
  return 0;
}

export interface InitOptions {
  force: boolean;
  /** Read the repository for its flag helpers and flag-dense folders (default on; `--no-learn` skips it). */
  learn: boolean;
}

/** Learns the repository's flag idioms at HEAD; says why not when it cannot (no commits, not a repository). */
async function learnForInit(io: CliIO): Promise<{ learned?: LearnedProposals; note?: string }> {
  const root = await repositoryRoot(gitIn(io.cwd, { env: io.env })).catch(() => undefined);
  if (root === undefined) return { note: 'not a git repository: nothing learned from it' };
  const git = gitIn(root, { env: io.env });
  const head = await resolveCommit(git, 'HEAD');
  if (head === undefined) return { note: 'no commits yet: nothing learned from the repository' };
  const learned = await learnRepository(git, head);
  const unavailable = learned.unavailable.length > 0 ? `; grammars that could not load: ${learned.unavailable.join(', ')}` : '';
  io.stdout.write(
    `read ${learned.filesParsed} source files at ${head.slice(0, 7)} in ${(learned.milliseconds / 1000).toFixed(1)} s${unavailable}\n`,
  );
  return { learned: { commit: head.slice(0, 7), flagCalls: learned.flagCalls, paths: learned.paths } };
}

export async function runInit(io: CliIO, options: InitOptions): Promise<number> {
  const { absolute, shown } = await repositoryFile(io, CONFIG_PATH);
  if (!options.force && existsSync(absolute)) throw new UsageError(`${shown} already exists; pass --force to overwrite it`);
  const { learned, note } = options.learn ? await learnForInit(io) : {};
  await mkdir(dirname(absolute), { recursive: true });
  try {
    // `wx` creates or fails, so a file that appears meanwhile is not overwritten either.
    await writeFile(absolute, starterConfig(learned), { flag: options.force ? 'w' : 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new UsageError(`${shown} already exists; pass --force to overwrite it`);
    throw new UsageError(`cannot write ${shown}: ${(error as Error).message}`);
  }
  if (note !== undefined) io.stdout.write(`${note}\n`);
  const proposed = learned === undefined ? [] : learnedLines(learned);
  if (learned !== undefined && proposed.length === 0)
    io.stdout.write('no flag helpers or flag-dense folders found beyond the SDK calls monoenv knows\n');
  if (proposed.length > 0) {
    io.stdout.write(`proposed for risky (commented out in ${shown}):\n`);
    for (const call of learned!.flagCalls) io.stdout.write(`  flag_calls: ${call.name}  (${call.callSites} calls) ${call.evidence}\n`);
    for (const path of learned!.paths) io.stdout.write(`  paths: ${path.glob}  (${path.checks} flag checks in ${path.files} files)\n`);
  }
  io.stdout.write(
    `created ${shown}\n` +
      `next: set risky.paths${proposed.length > 0 ? ' (accept or edit the proposals)' : ''}, then commit it to the default branch; \`monoenv check\` judges your branch by it\n`,
  );
  return 0;
}
