import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import type { Report } from '../../src/engine/report.js';
import { TempRepo, captureIO, removeTemporaryFolders, temporaryFolder } from './repo.js';

jest.setTimeout(60_000);
afterAll(removeTemporaryFolders);

async function run(repo: TempRepo, argv: string[]) {
  const captured = captureIO(repo.dir, repo.env);
  const code = await main(argv, captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

/** A shop on main, and a branch `feature/discount` adding a discount across the schema, a library, a caller and docs. */
function shop(): TempRepo {
  const repo = TempRepo.create({
    'README.md': '# shop\n',
    '.github/monoenv.yml': 'size:\n  warn_files: 2\n  fail_files: 3\n',
    'src/checkout/cart.mjs': 'export class Cart {\n  constructor(items = []) {\n    this.items = items;\n  }\n}\n',
    'src/api/orders.mjs': "import { Cart } from '../checkout/cart.mjs';\nexport const empty = () => new Cart();\n",
  });
  repo.branch('feature/discount');
  repo.commit('Add discounts', {
    'db/migrations/0002_add_discount.sql': 'ALTER TABLE orders ADD COLUMN discount integer;\n',
    'src/lib/money.mjs': 'export function sum(values) {\n  return values.reduce((a, b) => a + b, 0);\n}\n',
  });
  repo.commit('Use them', {
    'src/checkout/cart.mjs':
      "import { sum } from '../lib/money.mjs';\nexport class Cart {\n  constructor(items = []) {\n    this.items = items;\n  }\n  total() {\n    return sum(this.items);\n  }\n}\n",
    'test/checkout/cart.test.mjs':
      "import { Cart } from '../../src/checkout/cart.mjs';\nif (new Cart([1, 2]).total() !== 3) throw new Error('total');\n",
    'src/api/orders.mjs':
      "import { Cart } from '../checkout/cart.mjs';\nexport const empty = () => new Cart();\nexport const total = (items) => new Cart(items).total();\n",
    'docs/discounts.md': '# Discounts\n\nOrders carry a discount.\n',
  });
  return repo;
}

const STACK = [
  'feature/discount-1-schema',
  'feature/discount-2-lib',
  'feature/discount-3-checkout',
  'feature/discount-4-docs',
  'feature/discount-5-api',
];

const branches = (repo: TempRepo): string[] =>
  repo
    .git('for-each-ref', '--format=%(refname:short)', 'refs/heads/')
    .split('\n')
    .filter((b) => b.startsWith('feature/discount-'));

describe('monoenv split', () => {
  it('prints the plan in landing order and the commands, creating nothing', async () => {
    const repo = shop();
    const { code, stdout, stderr } = await run(repo, ['split']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('split plan for feature/discount against main: 14 counted lines in 5 parts, in landing order');
    expect(stdout).toContain('1. feature/discount-1-schema    schema · 1 line\n     db/migrations/0002_add_discount.sql');
    expect(stdout).toContain(
      '3. feature/discount-3-checkout  src/checkout · 6 lines  needs src/lib\n     src/checkout/cart.mjs\n     test/checkout/cart.test.mjs',
    );
    expect(stdout).toContain('5. feature/discount-5-api       src/api · 1 line  needs src/checkout');
    expect(stdout).toContain('  npx monoenv split --base main --apply\n');
    expect(stdout).toContain(`  git push --set-upstream origin ${STACK.join(' ')}\n`);
    expect(stdout).toContain('  gh pr create --base main --head feature/discount-1-schema --fill\n');
    expect(stdout).toContain('  gh pr create --base feature/discount-4-docs --head feature/discount-5-api --fill\n');
    expect(branches(repo)).toEqual([]);
  });

  it('--apply stacks one commit per part, the last equal to the branch, leaving the branch, index and working tree alone', async () => {
    const repo = shop();
    const head = repo.git('rev-parse', 'HEAD').trim();
    const forkPoint = repo.git('rev-parse', 'main').trim();
    writeFileSync(join(repo.dir, 'notes.txt'), 'untracked, kept\n');

    const { code, stdout, stderr } = await run(repo, ['split', '--apply']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('created 5 branches, each one commit on the one before (feature/discount is unchanged):');
    expect(stdout).toContain(`next, push them and open one pull request per part:\n  git push --set-upstream origin ${STACK.join(' ')}\n`);
    expect(branches(repo).sort()).toEqual([...STACK].sort());

    // The branch, HEAD, the index and the working tree are as they were.
    expect(repo.git('rev-parse', 'feature/discount').trim()).toBe(head);
    expect(repo.git('symbolic-ref', '--short', 'HEAD').trim()).toBe('feature/discount');
    expect(repo.git('status', '--porcelain')).toBe('?? notes.txt\n');

    // Each branch is one commit on the one before; together they are the original change.
    let parent = forkPoint;
    for (const [i, branch] of STACK.entries()) {
      expect(repo.git('rev-parse', `${branch}^`).trim()).toBe(parent);
      const part = ['schema', 'src/lib', 'src/checkout', 'docs', 'src/api'][i];
      expect(repo.git('log', '-1', '--format=%s', branch).trim()).toBe(`feature/discount (${i + 1}/5: ${part})`);
      parent = repo.git('rev-parse', branch).trim();
    }
    expect(repo.git('rev-parse', `${STACK[4]}^{tree}`).trim()).toBe(repo.git('rev-parse', 'feature/discount^{tree}').trim());
    expect(repo.git('diff', '--name-only', STACK[0], STACK[1]).trim()).toBe('src/lib/money.mjs');
    expect(repo.git('diff', '--name-only', STACK[1], STACK[2]).trim().split('\n')).toEqual([
      'src/checkout/cart.mjs',
      'test/checkout/cart.test.mjs',
    ]);

    // Each part builds on the ones before it: every module at each branch loads.
    for (const branch of STACK) {
      const folder = temporaryFolder('monoenv-split-build-');
      execFileSync('sh', ['-c', `git archive ${branch} | tar -x -C ${folder}`], { cwd: repo.dir, env: repo.env });
      const modules = ['src/lib/money.mjs', 'src/checkout/cart.mjs', 'src/api/orders.mjs', 'test/checkout/cart.test.mjs'].filter((m) =>
        existsSync(join(folder, m)),
      );
      const script = modules.map((m) => `await import(${JSON.stringify(join(folder, m))});`).join('\n');
      expect(() => execFileSync(process.execPath, ['--input-type=module', '-e', script], { stdio: 'pipe' })).not.toThrow();
    }
  });

  it('refuses a working tree with uncommitted changes, and a stack that exists, creating nothing', async () => {
    const repo = shop();
    writeFileSync(join(repo.dir, 'README.md'), '# shop, edited\n');
    const dirty = await run(repo, ['split', '--apply']);
    expect(dirty.code).toBe(2);
    expect(dirty.stderr).toBe(
      'monoenv: the working tree has uncommitted changes (README.md): commit or stash them first; the stack is made of committed changes only\n',
    );
    expect(branches(repo)).toEqual([]);

    repo.git('checkout', '--', 'README.md');
    repo.git('branch', STACK[2], 'main');
    const existing = await run(repo, ['split', '--apply']);
    expect(existing.code).toBe(2);
    expect(existing.stderr).toContain(
      `1 branch of the stack already exists (${STACK[2]}): delete it (git branch -D …) to split again; nothing was created`,
    );
    expect(branches(repo)).toEqual([STACK[2]]);
  });

  it('says when there is nothing to split', async () => {
    const repo = TempRepo.create();
    repo.branch('small');
    repo.commit('One file', { 'src/cart/a.ts': 'export const a = 1;\n', 'src/cart/b.ts': 'export const b = 2;\n' });
    const { code, stdout } = await run(repo, ['split', '--apply']);
    expect(code).toBe(0);
    expect(stdout).toContain('small against main: 2 counted lines in 2 files, all in one part (src/cart): nothing to split');
    expect(repo.git('branch', '--list', 'small-*')).toBe('');
  });

  it('needs a branch checked out', async () => {
    const repo = shop();
    repo.git('checkout', '--quiet', '--detach');
    const { code, stderr } = await run(repo, ['split']);
    expect(code).toBe(2);
    expect(stderr).toBe('monoenv: HEAD is detached: check out the branch to split\n');
  });
});

describe('monoenv check on a stack', () => {
  it('sizes each branch of the stack against the one before, and says which part it is', async () => {
    const repo = shop();
    expect((await run(repo, ['split', '--apply'])).code).toBe(0);
    repo.checkout(STACK[2]);
    const { stdout } = await run(repo, ['check', '--format', 'json']);
    const report = JSON.parse(stdout) as Report;
    expect(report.size).toMatchObject({ lines: 6, files: 2, stack: { base: STACK[1], defaultBranch: 'main', position: 3 } });
    expect(report.rules.find((r) => r.rule === 'size')!.summary).toBe(
      `XS change: 6 lines in 2 files counted; part 3 of a stack: sized against its base ${STACK[1]}, not main`,
    );

    repo.checkout(STACK[0]);
    const first = JSON.parse((await run(repo, ['check', '--format', 'json'])).stdout) as Report;
    expect(first.size.stack).toBeUndefined();
    expect(first.size.lines).toBe(1);
  });
});
