import { describe, expect, it } from '@jest/globals';
import { mapBounded } from '../../src/github/concurrency.js';

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('mapBounded', () => {
  it('keeps at most the bound in flight, and the results in the order of the items', async () => {
    let inFlight = 0;
    let most = 0;
    const results = await mapBounded([5, 1, 4, 2, 3], 2, async (n) => {
      most = Math.max(most, ++inFlight);
      await pause(n);
      inFlight--;
      return n * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30]);
    expect(most).toBe(2);
  });

  it('starts nothing after a failure, and throws it once the running ones settled', async () => {
    const started: number[] = [];
    let settled = 0;
    const run = mapBounded([1, 2, 3, 4], 2, async (n) => {
      started.push(n);
      await pause(n === 1 ? 1 : 20);
      settled++;
      if (n === 1) throw new Error('502');
      return n;
    });
    await expect(run).rejects.toThrow('502');
    expect(started).toEqual([1, 2]);
    expect(settled).toBe(2);
  });
});
