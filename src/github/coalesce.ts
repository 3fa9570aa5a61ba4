/**
 * One evaluation per key (a commit) at a time within the process. Events that arrive while an evaluation
 * runs are coalesced: the latest of them runs once after it, the others share its result, because only
 * the newest facts matter for the check run.
 */
interface Pending {
  job: () => Promise<void>;
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class CoalescingQueue {
  readonly #running = new Map<string, { next?: Pending }>();

  /** Number of keys with an evaluation running. */
  get active(): number {
    return this.#running.size;
  }

  run(key: string, job: () => Promise<void>): Promise<void> {
    const slot = this.#running.get(key);
    if (slot === undefined) {
      const entry: { next?: Pending } = {};
      this.#running.set(key, entry);
      return this.#start(key, entry, job);
    }
    if (slot.next !== undefined) {
      slot.next.job = job;
      return slot.next.promise;
    }
    let resolve!: () => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    slot.next = { job, promise, resolve, reject };
    return promise;
  }

  #start(key: string, slot: { next?: Pending }, job: () => Promise<void>): Promise<void> {
    const done = job();
    const advance = (): void => {
      const next = slot.next;
      if (next === undefined) {
        this.#running.delete(key);
        return;
      }
      slot.next = undefined;
      this.#start(key, slot, next.job).then(next.resolve, next.reject);
    };
    done.then(advance, advance);
    return done;
  }
}
