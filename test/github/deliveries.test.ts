import { describe, expect, it } from '@jest/globals';
import { DeliveryLog, deliveryKey } from '../../src/github/deliveries.js';

describe('DeliveryLog', () => {
  it('runs a delivery once and answers its replays without work', async () => {
    const log = new DeliveryLog();
    let runs = 0;
    const work = async (): Promise<void> => {
      runs++;
    };
    expect(await log.once('d1', work)).toBe('handled');
    expect(await log.once('d1', work)).toBe('replayed');
    expect(await log.once('d2', work)).toBe('handled');
    expect(runs).toBe(2);
  });

  it('lets a replay that arrives during the first run wait for it, and share its failure', async () => {
    const log = new DeliveryLog();
    let release!: (error?: Error) => void;
    let runs = 0;
    const first = log.once('d1', () => {
      runs++;
      return new Promise<void>((resolve, reject) => {
        release = (error) => (error === undefined ? resolve() : reject(error));
      });
    });
    const replay = log.once('d1', async () => {
      runs++;
    });
    release(new Error('GitHub answered 502'));
    await expect(first).rejects.toThrow('502');
    await expect(replay).rejects.toThrow('502');
    expect(runs).toBe(1);
  });

  it('runs a delivery again after it failed: redelivery is how GitHub recovers a failed one', async () => {
    const log = new DeliveryLog();
    let runs = 0;
    await expect(
      log.once('d1', async () => {
        runs++;
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(
      await log.once('d1', async () => {
        runs++;
      }),
    ).toBe('handled');
    expect(runs).toBe(2);
  });

  it('does not remember a delivery whose work says its result is not worth keeping', async () => {
    const log = new DeliveryLog();
    let runs = 0;
    expect(
      await log.once('d1', async () => {
        runs++;
        return false;
      }),
    ).toBe('handled');
    expect(
      await log.once('d1', async () => {
        runs++;
        return true;
      }),
    ).toBe('handled');
    expect(await log.once('d1', async () => undefined)).toBe('replayed');
    expect(runs).toBe(2);
  });

  it('forgets a delivery after its time to live, not before', async () => {
    let now = 1_000;
    const log = new DeliveryLog({ ttlMs: 20, now: () => now });
    let runs = 0;
    const work = async (): Promise<void> => {
      runs++;
    };
    await log.once('d1', work);
    now += 20;
    expect(await log.once('d1', work)).toBe('replayed');
    now += 1;
    expect(await log.once('d1', work)).toBe('handled');
    expect(runs).toBe(2);
  });
});

describe('deliveryKey', () => {
  it('tells apart an id reused for another event or action', () => {
    const keys = new Set([
      deliveryKey('d1', 'pull_request', { action: 'opened' }),
      deliveryKey('d1', 'pull_request', { action: 'reopened' }),
      deliveryKey('d1', 'push', {}),
      deliveryKey('d2', 'pull_request', { action: 'opened' }),
    ]);
    expect(keys.size).toBe(4);
    expect(deliveryKey('d1', 'pull_request', { action: 'opened' })).toBe(deliveryKey('d1', 'pull_request', { action: 'opened' }));
  });
});
