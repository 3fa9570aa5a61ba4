import { describe, expect, it } from '@jest/globals';
import { Codeowners, ownerOf } from '../../src/engine/codeowners.js';
import { changedSinceApproval, patchId } from '../../src/engine/patch-id.js';
import { parsePatch } from '../../src/engine/diff.js';
import type { ChangedFile } from '../../src/engine/change.js';

const CODEOWNERS = `# Owners, last match wins
*                       @org/everyone
/docs/                  @writer
*.sql                   @dba
apps/billing/**         @org/payments @lead
apps/billing/README.md
/build/logs/ @ops # trailing comment
`;

describe('CODEOWNERS (GitHub semantics through codeowners-utils)', () => {
  const owners = new Codeowners({ path: '.github/CODEOWNERS', text: CODEOWNERS });

  it('the last matching line wins', () => {
    expect(owners.ownersOf('apps/billing/src/charge.ts')).toEqual(['@org/payments', '@lead']);
    expect(owners.ownersOf('apps/billing/db/001.sql')).toEqual(['@org/payments', '@lead']);
    expect(owners.ownersOf('db/001.sql')).toEqual(['@dba']);
    expect(owners.ownersOf('src/index.ts')).toEqual(['@org/everyone']);
  });

  it('a matching line without owners leaves the file unowned', () => {
    expect(owners.ownersOf('apps/billing/README.md')).toEqual([]);
  });

  it('anchored directories match at the root only; comments are not owners', () => {
    expect(owners.ownersOf('docs/guide.md')).toEqual(['@writer']);
    expect(owners.ownersOf('apps/docs/guide.md')).toEqual(['@org/everyone']);
    expect(owners.ownersOf('build/logs/today.log')).toEqual(['@ops']);
  });

  it('reads owners as users, teams and e-mail addresses', () => {
    expect(ownerOf('@lead')).toEqual({ kind: 'user', login: 'lead' });
    expect(ownerOf('@org/payments')).toEqual({ kind: 'team', org: 'org', slug: 'payments' });
    expect(ownerOf('lead@example.com')).toEqual({ kind: 'email', address: 'lead@example.com' });
  });
});

const file = (path: string, patch: string): ChangedFile => ({
  path,
  status: 'modified',
  additions: 1,
  deletions: 1,
  binary: false,
  patchMissing: false,
  hunks: parsePatch(patch),
});

describe('patch ids', () => {
  it('ignore line numbers, whitespace and context', () => {
    const before = file('a.ts', '@@ -10,3 +10,3 @@\n context\n-  return 1;\n+  return 2;');
    const after = file('a.ts', '@@ -40,3 +40,3 @@\n other context\n-\treturn 1;\n+\treturn   2;');
    expect(patchId(before)).toBe(patchId(after));
    expect(changedSinceApproval([before], [after])).toEqual([]);
  });

  it('a different changed line, a file only one side touches, or an unknown patch: changed', () => {
    const approved = [file('a.ts', '@@ -1 +1 @@\n-1\n+2'), file('gone.ts', '@@ -1 +1 @@\n-x\n+y')];
    const head = [
      file('a.ts', '@@ -1 +1 @@\n-1\n+3'),
      file('new.ts', '@@ -0,0 +1 @@\n+z'),
      { ...file('big.json', ''), patchMissing: true },
    ];
    expect(changedSinceApproval(approved, head)).toEqual(['a.ts', 'big.json', 'gone.ts', 'new.ts']);
  });
});
