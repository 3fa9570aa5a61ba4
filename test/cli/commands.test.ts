import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { STARTER_CONFIG } from '../../src/config/starter.js';
import { TempRepo, captureIO, removeTemporaryFolders } from './repo.js';

jest.setTimeout(30_000);
afterAll(removeTemporaryFolders);

const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

async function run(cwd: string, argv: string[], stdin?: string) {
  const captured = captureIO(cwd, { ...process.env, NO_COLOR: '1' }, { stdin });
  const code = await main(argv, captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

describe('monoenv validate', () => {
  it('exits 0 for a valid file', async () => {
    const folder = TempRepo.plainFolder().dir;
    writeFileSync(join(folder, 'ok.yml'), 'mode: advise\nsize:\n  warn_lines: 200\n');
    expect(await run(folder, ['validate', 'ok.yml'])).toEqual({ code: 0, stdout: 'ok.yml: valid\n', stderr: '' });
  });

  it('exits 2 with one FILE:LINE:COLUMN line per error', async () => {
    const folder = TempRepo.plainFolder().dir;
    writeFileSync(join(folder, 'bad.yml'), 'size:\n  warn_lnies: 3\nreview:\n  approvals: many\n');
    const { code, stdout, stderr } = await run(folder, ['validate', 'bad.yml']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      [
        'bad.yml:2:3: size.warn_lnies: unknown key; did you mean `warn_lines`?',
        'bad.yml:4:14: review.approvals: expected a whole number from 0 to 20, got the string "many"',
        'monoenv: bad.yml is invalid',
        '',
      ].join('\n'),
    );
  });

  it('prints the errors as JSON with --format json', async () => {
    const folder = TempRepo.plainFolder().dir;
    writeFileSync(join(folder, 'bad.yml'), 'tests:\n  require: all\n');
    const { code, stdout } = await run(folder, ['validate', 'bad.yml', '--format', 'json']);
    expect(code).toBe(2);
    expect(JSON.parse(stdout)).toEqual({
      conclusion: 'error',
      errors: [{ path: 'tests.require', message: 'expected one of `per-file`, `any`, got the string "all"', line: 2, column: 12 }],
    });
    writeFileSync(join(folder, 'good.yml'), 'tests:\n  require: any\n');
    expect(JSON.parse((await run(folder, ['validate', 'good.yml', '--format', 'json'])).stdout)).toEqual({ conclusion: 'success', errors: [] });
  });

  it('reads standard input for "-"', async () => {
    const folder = TempRepo.plainFolder().dir;
    expect((await run(folder, ['validate', '-'], 'mode: advise\n')).code).toBe(0);
    expect((await run(folder, ['validate', '-'], 'mode: loud\n')).stderr.split('\n')[0]).toBe(
      '<stdin>:1:7: mode: expected one of `enforce`, `advise`, got the string "loud"',
    );
  });

  it('defaults to .github/monoenv.yml at the top of the repository, from any subfolder', async () => {
    const repo = TempRepo.create({ '.github/monoenv.yml': 'size:\n  level: loud\n', 'src/app.ts': 'export {};\n' });
    const { code, stderr } = await run(join(repo.dir, 'src'), ['validate']);
    expect(code).toBe(2);
    expect(stderr.split('\n')[0]).toBe('../.github/monoenv.yml:2:10: size.level: expected one of `off`, `notice`, `warning`, `error`, got the string "loud"');
  });

  it('says how to create a missing file', async () => {
    const repo = TempRepo.create();
    expect(await run(repo.dir, ['validate'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'monoenv: cannot read .github/monoenv.yml: no such file (create one with `monoenv init`)\n',
    });
    expect((await run(repo.dir, ['validate', 'other.yml'])).stderr).toBe('monoenv: cannot read other.yml (validate): no such file\n');
  });
});

describe('monoenv init', () => {
  it('writes the starter file at the top of the repository, then refuses to overwrite it', async () => {
    const repo = TempRepo.create();
    mkdirSync(join(repo.dir, 'packages', 'web'), { recursive: true });
    const created = await run(join(repo.dir, 'packages', 'web'), ['init']);
    expect(created.code).toBe(0);
    expect(created.stdout.split('\n')[0]).toBe('created ../../.github/monoenv.yml');
    const file = join(repo.dir, '.github', 'monoenv.yml');
    expect(readFileSync(file, 'utf8')).toBe(STARTER_CONFIG);
    expect((await run(repo.dir, ['validate'])).code).toBe(0);

    writeFileSync(file, 'mode: advise\n');
    expect(await run(repo.dir, ['init'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'monoenv: .github/monoenv.yml already exists; pass --force to overwrite it\n',
    });
    expect(readFileSync(file, 'utf8')).toBe('mode: advise\n');

    expect((await run(repo.dir, ['init', '--force'])).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(STARTER_CONFIG);
  });

  it('writes into the working directory outside a repository', async () => {
    const folder = TempRepo.plainFolder().dir;
    expect((await run(folder, ['init'])).code).toBe(0);
    expect(readFileSync(join(folder, '.github', 'monoenv.yml'), 'utf8')).toBe(STARTER_CONFIG);
  });
});

describe('usage', () => {
  const cwd = process.cwd();

  it('prints help and the version with exit 0', async () => {
    const help = await run(cwd, ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: monoenv \[options\] \[command\]/);
    for (const command of ['check', 'validate', 'init']) expect(help.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));

    const checkHelp = await run(cwd, ['check', '--help']);
    expect(checkHelp.code).toBe(0);
    for (const option of ['--base <ref>', '--head <ref>', '--config <file>', '--format <format>', '--title <text>', '--body <file>', '--label <name>']) {
      expect(checkHelp.stdout).toContain(option);
    }
    expect(checkHelp.stdout).toContain('edits in the working tree and the index are not included');

    expect(await run(cwd, ['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it.each([
    [['check', '--bogus'], /^monoenv: error: unknown option '--bogus'/],
    [['check', '--bsae', 'main'], /^monoenv: error: unknown option '--bsae' \(Did you mean --base\?\)$/],
    [['check', '--format', 'xml'], /^monoenv: error: option '--format <format>' argument 'xml' is invalid\. Allowed choices are text, json, github\.$/],
    [['check', '--base'], /^monoenv: error: option '--base <ref>' argument missing$/],
    [['frobnicate'], /^monoenv: error: unknown command 'frobnicate'$/],
    [['validate', 'a.yml', 'b.yml'], /^monoenv: error: too many arguments for 'validate'/],
  ])('exits 2 with one line on stderr for %j', async (argv, message) => {
    const { code, stdout, stderr } = await run(cwd, argv);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(message)]);
  });

  it('shows help on stderr and exits 2 without a command', async () => {
    const { code, stdout, stderr } = await run(cwd, []);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^Usage: monoenv/);
  });
});
