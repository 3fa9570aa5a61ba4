/**
 * `monoenv flags`: every feature-flag key the code checks at a commit, where, since when, and which are
 * stale. Runs on a local clone with no network: the history is the repository's own.
 */
import path from 'node:path';
import { parseConfigText } from '../../config/load.js';
import { CONFIG_PATH } from '../../config/path.js';
import { DEFAULT_CONFIG, type MonoenvConfig } from '../../config/schema.js';
import { gitDirectory, readFileAt, repositoryRoot, resolveCommit } from '../../git/queries.js';
import { gitIn, type GitRunner } from '../../git/runner.js';
import { ConfigInvalid } from '../config-errors.js';
import { readUserFile, UsageError, useColour, type CliIO } from '../io.js';
import { progressBar } from '../history/progress.js';
import { ledgerCache } from './cache.js';
import { buildInventory, type FlagInventory } from './inventory.js';
import { renderInventoryText } from './render.js';

export interface FlagsFlags {
  format: 'text' | 'json';
  staleAfter?: number;
  ref: string;
  config?: string;
  cache: boolean;
}

async function configAt(git: GitRunner, io: CliIO, flags: FlagsFlags, commit: string): Promise<MonoenvConfig> {
  const file = flags.config ?? CONFIG_PATH;
  const text = flags.config !== undefined ? await readUserFile(io, flags.config, '--config') : await readFileAt(git, commit, CONFIG_PATH);
  if (text === undefined) return DEFAULT_CONFIG;
  const result = parseConfigText(text, file);
  if (!result.ok)
    throw new ConfigInvalid(result.errors, file, `invalid configuration in ${flags.config ?? `${CONFIG_PATH} at ${flags.ref}`}`);
  return result.config;
}

/** The inventory of `flags.ref` in the repository holding `io.cwd`. */
export async function inventoryOf(
  io: CliIO,
  flags: FlagsFlags,
  onProgress?: (done: number, total: number) => void,
): Promise<FlagInventory> {
  const here = gitIn(io.cwd, { env: io.env });
  // A bare repository (a mirror) has history and no working tree: it is read as it is.
  const root = (await repositoryRoot(here)) ?? (await gitDirectory(here));
  if (root === undefined) throw new UsageError(`not a git repository: ${io.cwd}`);
  const git = gitIn(root, { env: io.env });
  const commit = await resolveCommit(git, flags.ref);
  if (commit === undefined) throw new UsageError(flags.ref === 'HEAD' ? 'HEAD has no commits yet' : `unknown ref "${flags.ref}" (--ref)`);
  const config = await configAt(git, io, flags, commit);
  const gitDir = await gitDirectory(git);
  return buildInventory({
    git,
    ref: flags.ref,
    commit,
    config,
    now: new Date(),
    ...(flags.staleAfter === undefined ? {} : { staleAfterDays: flags.staleAfter }),
    ...(flags.cache && gitDir ? { cache: ledgerCache(path.join(gitDir, 'monoenv'), config) } : {}),
    ...(onProgress ? { onProgress } : {}),
  });
}

export async function runFlagsCommand(io: CliIO, flags: FlagsFlags): Promise<number> {
  const bar = progressBar(io.stderr);
  let inventory: FlagInventory;
  try {
    inventory = await inventoryOf(io, flags, (done, total) => bar.update(done, total));
  } catch (error) {
    bar.done();
    if (error instanceof ConfigInvalid) return error.print(io, flags.format);
    throw error;
  }
  bar.done();
  if (flags.format === 'json') {
    const { lives: _lives, ...shown } = inventory;
    io.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
  } else {
    io.stdout.write(renderInventoryText(inventory, { color: useColour(io) }));
  }
  return 0;
}
