/**
 * The report's flag-debt section: flags added and removed per week and how many were stale at each week's
 * end, from the stretches of presence the flag inventory's ledger keeps (`monoenv flags`). The report walks
 * no history of its own for it: the ledger saved in `.git/monoenv` is resumed, so after `monoenv flags` (or a
 * previous report) only the commits since are read.
 */
import path from 'node:path';
import type { MonoenvConfig } from '../../config/schema.js';
import { gitDirectory } from '../../git/queries.js';
import { gitIn } from '../../git/runner.js';
import { ledgerCache } from '../flags/cache.js';
import { buildInventory, type FlagInventory } from '../flags/inventory.js';
import type { Life } from '../flags/ledger.js';
import { median } from './aggregate.js';
import type { FlagDebt, FlagDebtWeek } from './model.js';

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
/** Stale flags named in the report, oldest first. */
const OLDEST_SHOWN = 10;

/** Whole days from `from` to `to`, as the inventory counts a flag's age. */
const daysBetween = (from: string, to: number): number => Math.floor((to - Date.parse(from)) / DAY_MS);

export interface FlagDebtInput {
  inventory: Pick<FlagInventory, 'commit' | 'flags' | 'stale' | 'staleAfterDays' | 'lives' | 'history'>;
  /** Mondays of the report's weeks (YYYY-MM-DD). */
  weeks: readonly string[];
  since: Date;
  until: Date;
  /** `flags.permanent`: never stale. */
  permanent: readonly string[];
}

/**
 * Each key's stretches in the code, reconciled with the tip: the inventory (which reads the tip's files with
 * their syntax trees) is the authority on what is in the code now. A key it lists has its current stretch
 * open; a key whose stretch the history left open but the tip does not check (a check the line reading of
 * the history took for one) is dropped from that stretch on, as nothing says when it went.
 */
function stretches(inventory: FlagDebtInput['inventory']): Map<string, Life[]> {
  const inCode = new Map(inventory.flags.map((f) => [f.key, f]));
  const result = new Map<string, Life[]>();
  for (const [key, lives] of Object.entries(inventory.lives)) {
    const last = lives[lives.length - 1];
    result.set(key, last !== undefined && last.to === undefined && !inCode.has(key) ? lives.slice(0, -1) : [...lives]);
  }
  for (const [key, flag] of inCode) {
    const lives = result.get(key) ?? [];
    const last = lives[lives.length - 1];
    if ((last === undefined || last.to !== undefined) && flag.since) lives.push({ from: flag.since });
    result.set(key, lives);
  }
  return result;
}

export function computeFlagDebt(input: FlagDebtInput): FlagDebt {
  const { inventory } = input;
  const since = input.since.getTime();
  const until = input.until.getTime();
  const permanent = new Set(input.permanent);
  const byKey = stretches(inventory);
  const inWindow = (at: string): boolean => {
    const t = Date.parse(at);
    return t >= since && t <= until;
  };

  const weeks: FlagDebtWeek[] = input.weeks.map((week) => {
    const start = Date.parse(`${week}T00:00:00Z`);
    // A week's figures stop at the window's end: the current week is counted up to now.
    const end = Math.min(start + WEEK_MS, until + 1);
    const counted = (at: string): boolean => {
      const t = Date.parse(at);
      return t >= Math.max(start, since) && t < end;
    };
    const atEnd = end - 1;
    let added = 0;
    let removed = 0;
    let inCode = 0;
    let stale = 0;
    for (const [key, lives] of byKey) {
      for (const life of lives) {
        if (counted(life.from.at)) added++;
        if (life.to && counted(life.to.at)) removed++;
        const present = Date.parse(life.from.at) <= atEnd && (life.to === undefined || Date.parse(life.to.at) > atEnd);
        if (!present) continue;
        inCode++;
        if (!permanent.has(key) && daysBetween(life.from.at, atEnd) > inventory.staleAfterDays) stale++;
      }
    }
    return { week, added, removed, inCode, stale };
  });

  const removedLives: number[] = [];
  let added = 0;
  let removed = 0;
  for (const lives of byKey.values()) {
    for (const life of lives) {
      if (inWindow(life.from.at)) added++;
      if (life.to && inWindow(life.to.at)) {
        removed++;
        removedLives.push(daysBetween(life.from.at, Date.parse(life.to.at)));
      }
    }
  }
  const oldest = inventory.flags
    .filter((f) => f.stale)
    .slice(0, OLDEST_SHOWN)
    .map((f) => ({
      key: f.key,
      ageDays: f.ageDays ?? 0,
      files: f.files,
      ...(f.since ? { since: f.since.at } : {}),
      ...(f.sinceAtLeast ? { atLeast: true } : {}),
      where: f.checks[0] ? `${f.checks[0].path}:${f.checks[0].line}` : '',
    }));
  return {
    commit: inventory.commit,
    staleAfterDays: inventory.staleAfterDays,
    flags: inventory.flags.length,
    stale: inventory.stale,
    added,
    removed,
    medianDaysToRemoval: median(removedLives),
    oldest,
    weeks,
    history: {
      commits: inventory.history.commits,
      read: inventory.history.read,
      shallow: inventory.history.shallow,
      ...(inventory.history.first ? { since: inventory.history.first.at } : {}),
    },
  };
}

export interface ReadFlagDebtOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The commit the report ends at (the branch tip). */
  commit: string;
  ref: string;
  config: MonoenvConfig;
  weeks: readonly string[];
  since: Date;
  until: Date;
  now: Date;
  /** Keep the ledger in `.git/monoenv` (read and written); false reads the whole history again. */
  cache: boolean;
  onProgress?: (done: number, total: number) => void;
}

/** The inventory at the report's tip (resuming the saved ledger), turned into the report's section. */
export async function readFlagDebt(options: ReadFlagDebtOptions): Promise<FlagDebt> {
  const git = gitIn(options.cwd, { env: options.env });
  const gitDir = options.cache ? await gitDirectory(git) : undefined;
  const inventory = await buildInventory({
    git,
    ref: options.ref,
    commit: options.commit,
    config: options.config,
    now: options.now,
    ...(gitDir ? { cache: ledgerCache(path.join(gitDir, 'monoenv'), options.config) } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  return computeFlagDebt({
    inventory,
    weeks: options.weeks,
    since: options.since,
    until: options.until,
    permanent: options.config.flags.permanent,
  });
}
