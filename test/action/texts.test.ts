import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { Checkout } from '../../src/action/checkout.js';
import { checkoutFlagAgeSource } from '../../src/action/flag-ages.js';
import { checkoutTextReader } from '../../src/action/texts.js';
import { makeChange, type Change } from '../../src/engine/change.js';
import type { GitHubClient } from '../../src/github/facts.js';
import { githubFlagAgeSource } from '../../src/github/flag-ages.js';
import { GraphQLReads } from '../../src/github/graphql-reads.js';
import { githubTextReader, type TextReader } from '../../src/github/whole-files.js';
import { TempRepo, removeTemporaryFolders, temporaryFolder } from '../cli/repo.js';

jest.setTimeout(30_000);
afterAll(() => removeTemporaryFolders());

const PATH = 'src/billing/charge.ts';
const BEFORE = 'export const charge = (n: number): number => n;\n';
const AFTER = 'export const charge = (n: number): number => n + 1;\n';
const WANTED = [{ path: PATH, head: true, base: true, risky: true }];

function changeOf(base: string, head: string): Change {
  return makeChange({
    files: [{ path: PATH, status: 'modified', additions: 1, deletions: 1, binary: false, patchMissing: false, hunks: [] }],
    base: { ref: 'main', sha: base },
    head: { ref: 'feature', sha: head },
  });
}

describe('whole files in the Action', () => {
  it('reads them from the checkout when it holds the base and head commits, as the CLI does: no API call', async () => {
    const repo = TempRepo.create({ [PATH]: BEFORE });
    const base = repo.git('rev-parse', 'HEAD').trim();
    const head = repo.commit('feat: charge one more', { [PATH]: AFTER });
    const github = jest.fn<TextReader>(async () => undefined);
    const change = changeOf(base, head);
    await checkoutTextReader(repo.dir)!({}, github)(change, WANTED);
    expect(change.files[0].text).toEqual({ head: AFTER, base: BEFORE });
    expect(github).not.toHaveBeenCalled();
    expect(checkoutTextReader(undefined)).toBeUndefined();
  });

  it('asks GitHub when the checkout lacks the commits, in the one GraphQL request that also dates the flags', async () => {
    const base = 'b'.repeat(40);
    const head = 'c'.repeat(40);
    const graphql = jest.fn(async () => ({
      repository: {
        o0: { text: AFTER, isTruncated: false, byteSize: AFTER.length },
        o1: { text: BEFORE, isTruncated: false, byteSize: BEFORE.length },
        b0: { blame: { ranges: [{ startingLine: 1, endingLine: 1, commit: { oid: base, committedDate: '2026-01-01T00:00:00Z' } }] } },
      },
    }));
    const reads = new GraphQLReads({ graphql } as unknown as GitHubClient, { owner: 'acme', repo: 'shop' });
    // The default checkout: one merge commit, neither the base nor the head.
    const checkout = new Checkout(temporaryFolder());
    const texts = checkoutTextReader(checkout)!({}, githubTextReader(reads));
    const ages = checkoutFlagAgeSource(checkout)!(
      {},
      githubFlagAgeSource({ graphql } as unknown as GitHubClient, { owner: 'acme', repo: 'shop' }, reads),
    );
    const change = changeOf(base, head);
    const [, dated] = await Promise.all([texts(change, WANTED), ages.date(base, [PATH], () => [1])]);
    expect(change.files[0].text).toEqual({ head: AFTER, base: BEFORE });
    expect(dated.get(PATH)?.get(1)).toEqual({ sha: base, at: '2026-01-01T00:00:00.000Z' });
    expect(graphql).toHaveBeenCalledTimes(1);
    expect(graphql.mock.calls[0]).toEqual([
      expect.any(String),
      { owner: 'acme', name: 'shop', e0: `${head}:${PATH}`, e1: `${base}:${PATH}`, c0: base, p0: PATH },
    ]);
  });
});
