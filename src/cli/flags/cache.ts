/**
 * The ledger kept between runs, in the git directory (`.git/monoenv/`, beside the report's cache): the next
 * inventory reads only the commits after the one it was saved at. Its file is named after everything that
 * decides what a check is and which files are read, so a change of configuration starts a fresh walk.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { MonoenvConfig } from '../../config/schema.js';
import type { GitRunner } from '../../git/runner.js';
import type { LedgerState } from './ledger.js';

/** Bumped whenever what the walk records changes. */
const FORMAT = 1;

export interface LedgerCache {
  file: string;
}

export interface SavedLedger {
  /** The commit the walk ended at. */
  walkedTo: string;
  ledger: LedgerState;
}

export function ledgerCache(dir: string, config: MonoenvConfig): LedgerCache {
  const recognition = {
    format: FORMAT,
    calls: config.risky.flag_calls,
    patterns: config.risky.flag_patterns,
    paths: config.flags.paths,
    exclude: config.flags.exclude,
    tests: config.tests.test,
  };
  const digest = createHash('sha256').update(JSON.stringify(recognition)).digest('hex').slice(0, 16);
  return { file: path.join(dir, `flags-${digest}.json`) };
}

/**
 * Whether `ancestor` is on the first-parent line of `tip` (the only history the walk follows): walking
 * `ancestor..tip` by first parents ends at a commit whose first parent is `ancestor` exactly then.
 */
async function onFirstParentLine(git: GitRunner, ancestor: string, tip: string): Promise<boolean> {
  if (ancestor === tip) return true;
  if ((await git.maybe(['merge-base', '--is-ancestor', ancestor, tip])) === undefined) return false;
  const lines = (await git.run(['rev-list', '--first-parent', '--parents', `${ancestor}..${tip}`])).trim().split('\n');
  return lines[lines.length - 1]?.split(' ')[1] === ancestor;
}

/** The saved ledger when it can be resumed towards `tip`; undefined otherwise (unreadable, or another line). */
export async function readLedger(cache: LedgerCache, git: GitRunner, tip: string): Promise<SavedLedger | undefined> {
  let saved: SavedLedger;
  try {
    saved = JSON.parse(await readFile(cache.file, 'utf8')) as SavedLedger;
  } catch {
    return undefined;
  }
  if (typeof saved?.walkedTo !== 'string' || typeof saved.ledger?.keys !== 'object') return undefined;
  return (await onFirstParentLine(git, saved.walkedTo, tip)) ? saved : undefined;
}

/** Written whole, then renamed into place: a reader never sees half a file. */
export async function writeLedger(cache: LedgerCache, saved: SavedLedger): Promise<void> {
  try {
    await mkdir(path.dirname(cache.file), { recursive: true });
    const temporary = `${cache.file}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(saved));
    await rename(temporary, cache.file);
  } catch {
    // A cache that cannot be written costs the next run its time, nothing else.
  }
}
