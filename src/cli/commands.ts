/** `monoenv validate` and `monoenv init`. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { CONFIG_PATH, parseConfigText } from '../config/load.js';
import { STARTER_CONFIG } from '../config/starter.js';
import { gitIn, repositoryRoot } from './git.js';
import { readUserFile, UsageError, type CliIO } from './io.js';
import type { OutputFormat } from './publish.js';
import { ConfigInvalid } from './config-errors.js';

/** Files named by default live at the top of the repository, wherever in it the command runs. */
async function repositoryFile(io: CliIO, path: string): Promise<{ absolute: string; shown: string }> {
  const root = (await repositoryRoot(gitIn(io.cwd, io.env)).catch(() => undefined)) ?? io.cwd;
  const absolute = resolve(root, path);
  const shown = relative(io.cwd, absolute) || path;
  return { absolute, shown };
}

export async function runValidate(io: CliIO, file: string | undefined, format: OutputFormat): Promise<number> {
  const { absolute, shown } = file === undefined ? await repositoryFile(io, CONFIG_PATH) : { absolute: file, shown: file === '-' ? '<stdin>' : file };
  const text = await readUserFile(io, absolute, 'validate').catch((error: unknown) => {
    if (file === undefined && error instanceof UsageError) throw new UsageError(`cannot read ${shown}: no such file (create one with \`monoenv init\`)`);
    throw error;
  });
  const result = parseConfigText(text, shown);
  if (!result.ok) return new ConfigInvalid(result.errors, shown, `${shown} is invalid`).print(io, format);
  if (format === 'json') io.stdout.write(JSON.stringify({ conclusion: 'success', errors: [] }, null, 2) + '\n');
  else if (format === 'github') io.stdout.write(`::notice title=monoenv::${shown} is valid\n`);
  else io.stdout.write(`${shown}: valid\n`);
  return 0;
}

export async function runInit(io: CliIO, force: boolean): Promise<number> {
  const { absolute, shown } = await repositoryFile(io, CONFIG_PATH);
  await mkdir(dirname(absolute), { recursive: true });
  try {
    // `wx` creates or fails, so a file that appears meanwhile is not overwritten either.
    await writeFile(absolute, STARTER_CONFIG, { flag: force ? 'w' : 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new UsageError(`${shown} already exists; pass --force to overwrite it`);
    throw new UsageError(`cannot write ${shown}: ${(error as Error).message}`);
  }
  io.stdout.write(
    `created ${shown}\n` +
      `next: set risky.paths, then commit it to the default branch; \`monoenv check\` judges your branch by it\n`,
  );
  return 0;
}
