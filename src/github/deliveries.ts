/**
 * Replayed deliveries. GitHub signs a webhook's body but nothing that dates it, so a captured delivery
 * stays valid for ever; GitHub itself also sends a delivery again (a manual redelivery keeps its
 * `X-GitHub-Delivery` id). Every write is idempotent, so a replay could only make the app evaluate again
 * and spend API calls. A delivery this process has handled, or is handling, is acknowledged without any work.
 *
 * A delivery that failed, or whose run says it could not evaluate the change, is not remembered, so
 * redelivering it (the reason redelivery exists) runs it again. The memory is per process: a replay that reaches another replica is evaluated
 * again, with the same result.
 */
import { LRUCache } from 'lru-cache';

export type DeliveryOutcome = 'handled' | 'replayed';

export class DeliveryLog {
  readonly #handled: LRUCache<string, true>;
  readonly #inFlight = new Map<string, Promise<boolean | void>>();

  constructor({ max = 20_000, ttlMs = 6 * 60 * 60_000 }: { max?: number; ttlMs?: number } = {}) {
    this.#handled = new LRUCache({ max, ttl: ttlMs });
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

/** A delivery's identity: its id, and what GitHub says it is about (so an id reused for another event is not taken for a replay). */
export function deliveryKey(id: string, name: string, payload: { action?: unknown }): string {
  return `${id}\u0000${name}\u0000${typeof payload.action === 'string' ? payload.action : ''}`;
}
