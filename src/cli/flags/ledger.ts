/**
 * The flag ledger: walking the history oldest first, each commit's checks added and removed per key keep a
 * running count of the lines that check it, in code and in tests. A key is in the code while its count is
 * above zero; each stretch of presence is a life, from the commit that added its first check to the one
 * that removed its last. Pure and serialisable, so a walk can be saved and resumed from its last commit.
 */

import type { Stamp } from '../../engine/rules/flags/index.js';

export type { Stamp } from '../../engine/rules/flags/index.js';

export interface Life {
  from: Stamp;
  /** The commit that removed its last check; absent while it is in the code. */
  to?: Stamp;
}

export interface KeyRecord {
  /** Lines checking the key in code and in test files, after the last commit read. */
  code: number;
  test: number;
  /** Stretches of presence in code, oldest first. */
  lives: Life[];
  /** First commit that checked the key in a test file. */
  firstInTest?: Stamp;
}

/** Checks a commit adds (positive) and removes (negative), per key. */
export type CommitDeltas = Map<string, { code: number; test: number }>;

export interface LedgerState {
  keys: Record<string, KeyRecord>;
  /** Commits read, and the last one (the walk resumes after it). */
  commits: number;
  last?: Stamp;
  first?: Stamp;
}

export class FlagLedger {
  readonly keys: Map<string, KeyRecord>;
  commits: number;
  last: Stamp | undefined;
  first: Stamp | undefined;

  constructor(state?: LedgerState) {
    this.keys = new Map(Object.entries(state?.keys ?? {}));
    this.commits = state?.commits ?? 0;
    this.last = state?.last;
    this.first = state?.first;
  }

  /** Reads one commit's deltas (commits must come oldest first). */
  apply(stamp: Stamp, deltas: CommitDeltas): void {
    this.commits++;
    this.first ??= stamp;
    this.last = stamp;
    for (const [key, delta] of deltas) {
      let record = this.keys.get(key);
      if (record === undefined) {
        if (delta.code <= 0 && delta.test <= 0) continue;
        record = { code: 0, test: 0, lives: [] };
        this.keys.set(key, record);
      }
      const before = record.code;
      // Below zero means checks removed that the walk never saw added (a history cut short): none are left.
      record.code = Math.max(0, record.code + delta.code);
      record.test = Math.max(0, record.test + delta.test);
      if (delta.test > 0 && record.firstInTest === undefined) record.firstInTest = stamp;
      if (before === 0 && record.code > 0) record.lives.push({ from: stamp });
      else if (before > 0 && record.code === 0) record.lives[record.lives.length - 1].to = stamp;
    }
  }

  /** The life a key is in now, or undefined when no check of it is left. */
  current(key: string): Life | undefined {
    const lives = this.keys.get(key)?.lives;
    const last = lives?.[lives.length - 1];
    return last !== undefined && last.to === undefined ? last : undefined;
  }

  state(): LedgerState {
    return {
      keys: Object.fromEntries(this.keys),
      commits: this.commits,
      ...(this.last ? { last: this.last } : {}),
      ...(this.first ? { first: this.first } : {}),
    };
  }
}
