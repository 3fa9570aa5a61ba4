/**
 * Jest blocks that need a real Redis (redis-server.ts). Without the `redis-server` binary they are skipped
 * with a line on stderr, and the run's end lists them (test/skipped-reporter.js); under CI (`CI` set, as
 * GitHub Actions and `.ci/run` do) they fail instead, so a green CI run always exercised Redis.
 */
import { describe, it } from '@jest/globals';
import { hasRedisServer, inCI, REDIS_MISSING } from './redis-server.js';

/**
 * `describe` for tests that need a real Redis. With no `redis-server`: under CI one failing test names what
 * is missing; elsewhere the block is skipped, with a line on stderr naming the file and what went untested.
 */
export function describeWithRedis(file: string, name: string, body: () => void): void {
  if (hasRedisServer()) {
    describe(name, body);
    return;
  }
  if (inCI()) {
    describe(name, () => {
      it('has redis-server on PATH (required under CI)', () => {
        throw new Error(`${file}: ${REDIS_MISSING}; under CI a missing Redis fails the run instead of skipping "${name}"`);
      });
    });
    return;
  }
  process.stderr.write(`\n*** ${file}: SKIPPED "${name}": ${REDIS_MISSING} ***\n\n`);
  describe.skip(name, body);
}
