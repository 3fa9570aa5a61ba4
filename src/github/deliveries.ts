/**
 * Replayed deliveries. GitHub signs a webhook's body but nothing that dates it, so a captured delivery
 * stays valid for ever; GitHub itself also sends a delivery again (a manual redelivery keeps its
 * `X-GitHub-Delivery` id). Every write is idempotent, so a replay could only make the app evaluate again
 * and spend API calls. A delivery this process has handled, or is handling, is acknowledged without any work.
 *
 * A delivery that failed, or whose run says it could not evaluate the change, is not remembered, so
 * redelivering it (the reason redelivery exists) runs it again. The memory is per process: a replay that
 * reaches another replica is evaluated again, with the same result.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';

export type DeliveryOutcome = 'handled' | 'replayed';

export class DeliveryLog {
  readonly #handled: LRUCache<string, true>;
  readonly #inFlight = new Map<string, Promise<boolean | void>>();

  /**
   * GitHub's own duplicate deliveries come within seconds, so a short memory covers them; a redelivery an
   * admin asks for later is meant to run again, and does once the delivery is forgotten.
   */
  constructor({ max = 5_000, ttlMs = 15 * 60_000, now }: { max?: number; ttlMs?: number; now?: () => number } = {}) {
    // `now` (milliseconds) replaces the clock the time to live is read on.
    this.#handled = new LRUCache({ max, ttl: ttlMs, ...(now === undefined ? {} : { perf: { now }, ttlResolution: 0 }) });
  }

  /**
   * Runs `work` once per delivery key. A key seen while its first run is still going waits for it (and
   * shares its failure); a key whose run succeeded is answered at once. `work` resolving to `false` means
   * it ended without a result worth keeping (the run says it could not evaluate): the key is not remembered.
   */
  async once(key: string, work: () => Promise<boolean | void>): Promise<DeliveryOutcome> {
    if (this.#handled.has(key)) return 'replayed';
    const running = this.#inFlight.get(key);
    if (running !== undefined) {
      await running;
      return 'replayed';
    }
    const run = work();
    this.#inFlight.set(key, run);
    try {
      if ((await run) !== false) this.#handled.set(key, true);
      return 'handled';
    } finally {
      this.#inFlight.delete(key);
    }
  }
}

/**
 * A delivery's identity: its id, and what GitHub says it is about (so an id reused for another event is not
 * taken for a replay). Kept as a fixed-size digest, so the log's memory is bounded by its entry count
 * whatever length of id a sender chooses.
 */
export function deliveryKey(id: string, name: string, payload: { action?: unknown }): string {
  return createHash('sha256')
    .update(`${id}\u0000${name}\u0000${typeof payload.action === 'string' ? payload.action : ''}`)
    .digest('base64');
}
