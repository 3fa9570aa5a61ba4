import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import type { Report } from '../../src/engine/report.js';
import { TempRepo, captureIO, linesOf, removeTemporaryFolders } from './repo.js';

jest.setTimeout(30_000);
afterAll(removeTemporaryFolders);

async function run(repo: TempRepo, argv: string[], options: { stdin?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const captured = captureIO(options.cwd ?? repo.dir, { ...repo.env, ...options.env }, { stdin: options.stdin });
  const code = await main(argv, captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

async function runJson(repo: TempRepo, argv: string[], options: { stdin?: string; env?: NodeJS.ProcessEnv } = {}) {
  const result = await run(repo, [...argv, '--format', 'json'], options);
  if (result.stdout === '') throw new Error(`no output; stderr: ${result.stderr}`);
  return { ...result, report: JSON.parse(result.stdout) as Report };
}

const STRICT_SIZE = 'size:\n  warn_lines: 5\n  fail_lines: 10\n';

/** main with a strict size limit, and a branch `feature` holding `files` in one commit. */
function repoWithBranch(files: Record<string, string | null>, config = STRICT_SIZE, subject = 'Add the cart'): TempRepo {
  const repo = TempRepo.create({ 'README.md': '# shop\n', '.github/monoenv.yml': config });
  repo.branch('feature');
  repo.commit(subject, files);
  return repo;
}

describe('monoenv check: exit codes and the JSON report', () => {
  it('exits 0 and reports the counted size when nothing fails', async () => {
    const repo = repoWithBranch({ 'src/cart.ts': linesOf(3), 'src/cart.test.ts': linesOf(2, (i) => `test('case ${i}', () => {});`) });
    const { code, report, stderr } = await runJson(repo, ['check']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(report.conclusion).toBe('success');
    expect(report.size).toMatchObject({ class: 'XS', lines: 5, files: 2, excludedLines: 0, excludedFiles: 0 });
    expect(report.findings.filter((f) => f.level !== 'notice')).toEqual([]);
    expect(report.rules.map((r) => r.rule)).toEqual(['size', 'tests', 'risky', 'review']);
  });

  it('exits 1 when an error-level finding fires', async () => {
    const repo = repoWithBranch({ 'src/cart.ts': linesOf(12), 'src/cart.test.ts': 'test("cart", () => {});\n' });
    const { code, report } = await runJson(repo, ['check']);
    expect(code).toBe(1);
    expect(report.conclusion).toBe('failure');
    expect(report.size.lines).toBe(13);
    expect(report.findings).toContainEqual(expect.objectContaining({ rule: 'size', level: 'error' }));
  });

  it('leaves lockfiles out of the counts and lists them as excluded', async () => {
    const repo = repoWithBranch({
      'src/cart.ts': linesOf(2),
      'src/cart.test.ts': 'test("cart", () => {});\n',
      'package-lock.json': linesOf(400, (i) => `"line${i}": 1,`),
    });
    const { code, report } = await runJson(repo, ['check']);
    expect(code).toBe(0);
    expect(report.size).toMatchObject({ lines: 3, files: 2, excludedLines: 400, excludedFiles: 1 });
    expect(report.size.excluded).toEqual([expect.objectContaining({ path: 'package-lock.json', lines: 400 })]);
  });

  it('applies an override label given with --label (repeatable)', async () => {
    const repo = repoWithBranch({ 'src/cart.ts': linesOf(12), 'src/cart.test.ts': 'test("cart", () => {});\n' });
    const { code, report } = await runJson(repo, ['check', '--label', 'large-change-ok', '--label', 'other']);
    expect(code).toBe(0);
    expect(report.overrides).toEqual([{ rule: 'size', label: 'large-change-ok' }]);
    expect(report.rules.find((r) => r.rule === 'size')?.status).toBe('waived');
  });

  it('judges a change only from its merge base, as a pull request does', async () => {
    const repo = repoWithBranch({ 'src/cart.ts': linesOf(2), 'src/cart.test.ts': 'test("cart", () => {});\n' });
    // main moves on with a large change of its own after the branch was cut.
    repo.checkout('main');
    repo.commit('Big change on main', { 'src/other.ts': linesOf(50) });
    repo.checkout('feature');
    const { code, report } = await runJson(repo, ['check']);
    expect(code).toBe(0);
    expect(report.size).toMatchObject({ lines: 3, files: 2 });
  });

  it('takes --base and --head from the command line', async () => {
    const repo = repoWithBranch({ 'src/cart.ts': linesOf(12) });
    repo.checkout('main');
    const fromFeature = await runJson(repo, ['check', '--base', 'main', '--head', 'feature']);
    expect(fromFeature.report.size.lines).toBe(12);
    const onMain = await runJson(repo, ['check']);
    expect(onMain.code).toBe(0);
    expect(onMain.report.size).toMatchObject({ lines: 0, files: 0 });
  });

  it('reads the default branch from origin/HEAD in a clone', async () => {
    const upstream = repoWithBranch({}, STRICT_SIZE);
    upstream.checkout('main');
    const clone = TempRepo.create();
    clone.git('remote', 'add', 'origin', upstream.dir);
    clone.git('fetch', '--quiet', 'origin');
    clone.git('remote', 'set-head', 'origin', 'main');
    clone.git('checkout', '--quiet', '-b', 'topic', 'origin/main');
    // The local `main` is unrelated history; origin/HEAD must win over it.
    clone.commit('Add the cart', { 'src/cart.ts': linesOf(12) });
    const { code, report } = await runJson(clone, ['check']);
    expect(report.size.lines).toBe(12);
    expect(code).toBe(1); // the strict config came from origin/main
  });
});

describe('monoenv check: the configuration comes from the base', () => {
  it('ignores a branch that loosens its own rules, and validates the new file', async () => {
    const repo = repoWithBranch({
      'src/cart.ts': linesOf(12),
      '.github/monoenv.yml': 'size:\n  warn_lines: 5000\n  fail_lines: 10000\n',
    });
    const { code, report } = await runJson(repo, ['check']);
    expect(code).toBe(1);
    expect(report.findings).toContainEqual(expect.objectContaining({ rule: 'size', level: 'error' }));
  });

  it('annotates an invalid configuration that the change brings', async () => {
    const repo = repoWithBranch({ '.github/monoenv.yml': 'size:\n  warn_lnies: 3\n' }, '');
    const { code, report } = await runJson(repo, ['check']);
    expect(code).toBe(1);
    expect(report.findings).toContainEqual({
      rule: 'config',
      level: 'error',
      title: 'Invalid monoenv configuration',
      message: 'size.warn_lnies: unknown key; did you mean `warn_lines`?',
      path: '.github/monoenv.yml',
      startLine: 2,
      endLine: 2,
    });
  });

  it('warns that _extends is not followed, and uses the file as it is', async () => {
    const repo = repoWithBranch({ 'src/cart.ts': linesOf(12) }, `_extends: my-org/.github\n${STRICT_SIZE}`);
    const { code, stderr } = await runJson(repo, ['check']);
    expect(code).toBe(1);
    expect(stderr).toBe(
      'monoenv: warning: _extends (my-org/.github) is followed by the App only; the CLI uses .github/monoenv.yml as it is\n',
    );
  });

  it('uses the defaults when the base has no configuration', async () => {
    const repo = TempRepo.create();
    repo.branch('feature');
    repo.commit('Add the cart', { 'src/cart.ts': linesOf(12), 'src/cart.test.ts': 'test("cart", () => {});\n' });
    const { code, stdout } = await run(repo, ['check']);
    expect(code).toBe(0);
    expect(stdout).toContain('config: defaults (no .github/monoenv.yml at main)');
  });

  it('exits 2 with FILE:LINE:COLUMN lines when the base configuration is invalid', async () => {
    const repo = repoWithBranch({ 'src/cart.ts': linesOf(2) }, 'size:\n  level: error\n  warn_lnies: 3\nmode: strict\n');
    const { code, stdout, stderr } = await run(repo, ['check']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    const lines = stderr.trimEnd().split('\n');
    expect(lines.slice(0, 2)).toEqual([
      '.github/monoenv.yml:3:3: size.warn_lnies: unknown key; did you mean `warn_lines`?',
      '.github/monoenv.yml:4:7: mode: expected one of `enforce`, `advise`, got the string "strict"',
    ]);
    expect(lines[2]).toMatch(/^monoenv: invalid configuration in \.github\/monoenv\.yml at main \([0-9a-f]{7}\)/);
  });

  it('refuses a 3 MB configuration at the base unread, and one the change brings, as too large', async () => {
    const huge = `size: [${'0,'.repeat(1_572_864)}0]\n`;
    const repo = repoWithBranch({ 'src/cart.ts': linesOf(2) }, huge);
    const { code, stderr } = await run(repo, ['check']);
    expect(code).toBe(2);
    const lines = stderr.trimEnd().split('\n');
    expect(lines[0]).toBe('.github/monoenv.yml: file too large: 3.0 MB, over the 64 KB monoenv reads; it was not parsed');
    expect(lines[1]).toMatch(/^monoenv: invalid configuration in \.github\/monoenv\.yml at main \([0-9a-f]{7}\)/);

    const proposing = repoWithBranch({ '.github/monoenv.yml': huge });
    const { code: proposedCode, report } = await runJson(proposing, ['check']);
    expect(proposedCode).toBe(1);
    expect(report.findings).toContainEqual(
      expect.objectContaining({ rule: 'config', level: 'error', title: 'Invalid monoenv configuration: file too large' }),
    );
  });

  it("is not blinded by a branch's own .gitattributes: `-diff` files are still read, binary risky files are not inspected", async () => {
    const config = 'risky:\n  paths: ["src/billing/**"]\n';
    const tax = 'export function tax(amount: number): number {\n  return amount * 0.2;\n}\n';
    const repo = repoWithBranch({}, config);
    repo.git('checkout', '--quiet', 'main');
    repo.commit('Add tax', { 'src/billing/tax.ts': tax });
    repo.git('checkout', '--quiet', 'feature');
    repo.git('reset', '--quiet', '--hard', 'main');
    repo.commit('Raise the tax', {
      '.gitattributes': 'src/billing/** -diff\n',
      'src/billing/tax.ts': tax.replace('0.2', '0.25'),
      'src/billing/rates.bin': 'rate\0table\n',
    });
    const { code, report } = await runJson(repo, ['check']);
    expect(code).toBe(1);
    const risky = report.findings.filter((f) => f.rule === 'risky').map((f) => [f.level, f.title, f.path]);
    expect(risky).toEqual([
      ['error', 'risky change not inspected', 'src/billing/rates.bin'],
      ['error', 'risky change unflagged', 'src/billing/tax.ts'],
    ]);
    // .gitattributes and the rewritten line of tax.ts; binary content counts no lines.
    expect(report.size.lines).toBe(3);
  });

  it('does not diff files over 1 MB as text: a large risky file is not inspected, its lines still counted', async () => {
    const config = 'risky:\n  paths: ["src/billing/**"]\n';
    const repo = repoWithBranch({}, config);
    repo.git('checkout', '--quiet', 'main');
    repo.commit('Add the tables', { 'assets/rates.bin': `rates\0${'x'.repeat(1_200_000)}`, 'src/cart.ts': linesOf(2) });
    repo.git('checkout', '--quiet', 'feature');
    repo.git('reset', '--quiet', '--hard', 'main');
    // 40,000 lines of about 30 bytes: 1.2 MB of text in a risky path.
    const table = Array.from({ length: 40_000 }, (_, i) => `export const RATE_${i} = ${i} * 0.2;\n`).join('');
    repo.git('mv', 'assets/rates.bin', 'assets/rates-2026.bin');
    repo.commit('Regenerate the rate table', {
      'src/billing/rates.ts': table,
      'assets/rates-2026.bin': `rates\0${'y'.repeat(1_200_000)}`,
      'src/cart.ts': linesOf(3),
    });
    const { code, report } = await runJson(repo, ['check']);
    expect(code).toBe(1);
    const risky = report.findings.filter((f) => f.rule === 'risky').map((f) => [f.level, f.title, f.path]);
    expect(risky).toEqual([['error', 'risky change not inspected', 'src/billing/rates.ts']]);
    // The table's 40,000 lines from git's own count, the cart's one added line; the binary counts none.
    expect(report.size.lines).toBe(40_001);
  });

  it('also prints the errors as JSON on stdout with --format json', async () => {
    const repo = repoWithBranch({ 'src/cart.ts': linesOf(2) }, 'size:\n  warn_lines: "400"\n');
    const { code, stdout, stderr } = await run(repo, ['check', '--format', 'json']);
    expect(code).toBe(2);
    expect(JSON.parse(stdout)).toEqual({
      conclusion: 'error',
      errors: [{ path: 'size.warn_lines', message: 'expected a whole number ≥ 0, got the string "400"', line: 2, column: 15 }],
    });
    expect(stderr).toContain('.github/monoenv.yml:2:15: size.warn_lines:');
  });

  it('reads --config FILE instead, relative to the working directory', async () => {
    const repo = repoWithBranch({ 'src/cart.ts': linesOf(12), 'src/cart.test.ts': 'test("cart", () => {});\n' });
    writeFileSync(join(repo.dir, 'loose.yml'), 'size:\n  fail_lines: 5000\n');
    const loose = await runJson(repo, ['check', '--config', 'loose.yml']);
    expect(loose.code).toBe(0);
    writeFileSync(join(repo.dir, 'bad.yml'), 'sise: {}\n');
    const bad = await run(repo, ['check', '--config', 'bad.yml']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.split('\n')[0]).toBe('bad.yml:1:1: sise: unknown key; did you mean `size`?');
    const missing = await run(repo, ['check', '--config', 'nope.yml']);
    expect(missing).toEqual({ code: 2, stdout: '', stderr: 'monoenv: cannot read nope.yml (--config): no such file\n' });
  });
});

describe('monoenv check: title, body and author', () => {
  it('reads the kind of change from the subject of a single commit', async () => {
    const repo = repoWithBranch({ 'src/cart.ts': linesOf(1) }, '', 'fix: keep the cart when the session expires');
    const { report } = await runJson(repo, ['check']);
    expect(report.kind).toMatchObject({ kind: 'fix' });
  });

  it('uses the branch name, not a commit subject, when the range holds several commits', async () => {
    const repo = repoWithBranch({ 'src/cart.ts': linesOf(1) }, '', 'fix: keep the cart');
    repo.commit('fix: and the wishlist', { 'src/wishlist.ts': linesOf(1) });
    repo.git('branch', '-m', 'refactor/cart-storage');
    const { report } = await runJson(repo, ['check']);
    expect(report.kind.kind).not.toBe('fix');
    const titled = await runJson(repo, ['check', '--title', 'fix: keep the cart and the wishlist']);
    expect(titled.report.kind).toMatchObject({ kind: 'fix' });
  });

  it('reads the kind from the checked-out branch, or from --branch, when the title names no type', async () => {
    const config = 'risky:\n  paths: ["src/billing/**"]\n';
    const repo = repoWithBranch(
      { 'src/billing/charge.ts': 'export const charge = (amount: number) => amount * 1.2;\n' },
      config,
      'Charge tax',
    );
    repo.git('branch', '-m', 'fix/charge-tax');
    const onBranch = await runJson(repo, ['check']);
    expect(onBranch.report.kind).toMatchObject({ kind: 'fix', source: 'the branch `fix/charge-tax`' });
    expect(onBranch.code).toBe(0);
    expect(onBranch.report.findings.filter((f) => f.rule === 'risky').map((f) => f.level)).toEqual(['notice']);

    // An explicit --head names no branch for sure; --branch does.
    const byHead = await runJson(repo, ['check', '--head', 'HEAD']);
    expect(byHead.report.kind).toMatchObject({ kind: 'feature', signals: [] });
    expect(byHead.report.findings.filter((f) => f.rule === 'risky').map((f) => f.level)).not.toContain('notice');
    const named = await runJson(repo, ['check', '--head', 'HEAD', '--branch', 'dependabot/npm_and_yarn/tax-2.0.0']);
    expect(named.report.kind.kind).toBe('deps');
    expect(named.report.kind.signals).toEqual([
      { kind: 'deps', from: 'branch', text: 'the branch `dependabot/npm_and_yarn/tax-2.0.0`', strength: 1.5 },
    ]);
  });

  it('reads Feature-Flag declarations from --body, also from standard input', async () => {
    const config = 'risky:\n  paths: ["src/billing/**"]\n  accept_declared: true\n';
    const repo = repoWithBranch(
      { 'src/billing/charge.ts': 'registerCharge((amount: number) => {\n  return amount * 1.2;\n});\n' },
      config,
      'feat: charge tax',
    );
    const undeclared = await runJson(repo, ['check']);
    expect(undeclared.code).toBe(1);
    expect(undeclared.report.findings).toContainEqual(
      expect.objectContaining({ rule: 'risky', level: 'error', path: 'src/billing/charge.ts' }),
    );

    const body = 'Charges tax.\n\nFeature-Flag: charge_tax\n';
    const fromStdin = await runJson(repo, ['check', '--body', '-'], { stdin: body });
    expect(fromStdin.code).toBe(0);
    expect(fromStdin.report.findings.filter((f) => f.rule === 'risky' && f.level === 'error')).toEqual([]);
    writeFileSync(join(repo.dir, 'body.md'), body);
    const fromFile = await runJson(repo, ['check', '--body', 'body.md']);
    expect(fromFile.code).toBe(0);
  });
});

describe('monoenv check: one-line errors, exit 2', () => {
  it('outside a git repository', async () => {
    const folder = TempRepo.plainFolder();
    const { code, stdout, stderr } = await run(folder, ['check']);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toBe(`monoenv: not a git repository: ${folder.dir}\n`);
  });

  it('for an unknown ref', async () => {
    const repo = repoWithBranch({ 'src/cart.ts': linesOf(1) });
    expect(await run(repo, ['check', '--base', 'nope'])).toEqual({ code: 2, stdout: '', stderr: 'monoenv: unknown ref "nope" (--base)\n' });
    expect(await run(repo, ['check', '--head', 'v9'])).toEqual({ code: 2, stdout: '', stderr: 'monoenv: unknown ref "v9" (--head)\n' });
    // A ref that looks like an option is a ref, never an option of git.
    expect((await run(repo, ['check', '--base=--output=/tmp/x'])).stderr).toBe('monoenv: unknown ref "--output=/tmp/x" (--base)\n');
  });

  it('when no default branch can be found', async () => {
    const repo = TempRepo.create({ 'a.txt': 'a\n' }, 'develop');
    const { code, stderr } = await run(repo, ['check']);
    expect(code).toBe(2);
    expect(stderr).toBe(
      'monoenv: no default branch found (looked for origin/HEAD, main, master, trunk, locally and on origin); pass --base REF\n',
    );
    expect((await runJson(repo, ['check', '--base', 'develop'])).code).toBe(0);
  });

  it('when base and head share no history', async () => {
    const repo = TempRepo.create();
    repo.git('checkout', '--quiet', '--orphan', 'elsewhere');
    repo.commit('Unrelated', { 'b.txt': 'b\n' });
    const { code, stderr } = await run(repo, ['check']);
    expect(code).toBe(2);
    expect(stderr).toBe('monoenv: no merge base between main and HEAD: they share no history; pass --base REF\n');
  });

  it('for a repository without commits', async () => {
    const folder = TempRepo.plainFolder();
    folder.git('init', '--quiet', '--initial-branch=main');
    expect(await run(folder, ['check'])).toEqual({ code: 2, stdout: '', stderr: 'monoenv: HEAD has no commits yet\n' });
  });

  it('for an unreadable --body file', async () => {
    const repo = repoWithBranch({ 'src/cart.ts': linesOf(1) });
    expect(await run(repo, ['check', '--body', 'missing.md'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'monoenv: cannot read missing.md (--body): no such file\n',
    });
  });

  it('runs from a subfolder of the repository', async () => {
    const repo = repoWithBranch({ 'src/cart.ts': linesOf(12), 'src/cart.test.ts': 'test("cart", () => {});\n' });
    const { code, stdout } = await run(repo, ['check', '--format', 'json'], { cwd: join(repo.dir, 'src') });
    expect(code).toBe(1);
    expect((JSON.parse(stdout) as Report).size.lines).toBe(13);
  });
});
