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
    expect(JSON.parse((await run(folder, ['validate', 'good.yml', '--format', 'json'])).stdout)).toEqual({
      conclusion: 'success',
      errors: [],
    });
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
    expect(stderr.split('\n')[0]).toBe(
      '../.github/monoenv.yml:2:10: size.level: expected one of `off`, `notice`, `warning`, `error`, got the string "loud"',
    );
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
    expect(created.stdout).toMatch(
      /^read 0 source files at [0-9a-f]{7} in \d+\.\d s\nno flag helpers or flag-dense folders found beyond the SDK calls monoenv knows\ncreated \.\.\/\.\.\/\.github\/monoenv\.yml\n/,
    );
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
    const created = await run(folder, ['init']);
    expect(created.code).toBe(0);
    expect(created.stdout.split('\n')[0]).toBe('not a git repository: nothing learned from it');
    expect(readFileSync(join(folder, '.github', 'monoenv.yml'), 'utf8')).toBe(STARTER_CONFIG);
  });

  it("proposes the repository's own flag helpers and flag-dense folders, commented out, with their evidence", async () => {
    const toggle =
      'module FeatureToggle\n  def self.enabled?(feature_name, *actors)\n    Flipper.enabled?(feature_name, *actors)\n  end\nend\n';
    const files: Record<string, string> = { 'lib/feature_toggle.rb': toggle, 'README.md': '# shop\n' };
    for (const name of ['orders', 'payments', 'vouchers']) {
      files[`app/services/checkout/${name}.rb`] =
        `class ${name}\n  def call(user)\n    return legacy(user) unless FeatureToggle.enabled?(:${name}_v2, user)\n\n    modern(user)\n  end\nend\n`;
    }
    files['spec/support/flags.rb'] = 'def enable(name)\n  Flipper.enable(name)\nend\n';
    const repo = TempRepo.create(files);

    const created = await run(repo.dir, ['init']);
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('proposed for risky (commented out in .github/monoenv.yml):\n');
    expect(created.stdout).toContain(
      '  flag_calls: FeatureToggle.enabled?  (3 calls) lib/feature_toggle.rb:2 passes feature_name to `Flipper.enabled?`\n',
    );
    expect(created.stdout).toContain('  paths: app/services/checkout/**  (3 flag checks in 3 files)\n');
    const written = readFileSync(join(repo.dir, '.github', 'monoenv.yml'), 'utf8');
    expect(written).toContain(
      '  #   - "FeatureToggle.enabled?"   # 3 calls · lib/feature_toggle.rb:2 passes feature_name to `Flipper.enabled?`\n',
    );
    expect((await run(repo.dir, ['validate'])).code).toBe(0);

    // Accepting the proposals is uncommenting them: the result is a valid configuration that lists them.
    const learned = /^ {2}# Learned from this repository.*\n((?: {2}# .*\n)+)/m.exec(written)!;
    const block = learned[1].replace(/^ {2}# (flag_calls:|paths:)/gm, '  $1').replace(/^ {2}# {3}- /gm, '    - ');
    const accepted = written.replace(learned[1], block);
    writeFileSync(join(repo.dir, '.github', 'monoenv.yml'), accepted);
    expect((await run(repo.dir, ['validate'])).code).toBe(0);
    const { parseConfigText } = await import('../../src/config/load.js');
    const parsed = parseConfigText(accepted, 'monoenv.yml');
    expect(parsed.ok && parsed.config.risky).toMatchObject({ flag_calls: ['FeatureToggle.enabled?'], paths: ['app/services/checkout/**'] });

    expect((await run(repo.dir, ['init', '--force', '--no-learn'])).stdout).toBe(
      'created .github/monoenv.yml\nnext: set risky.paths, then commit it to the default branch; `monoenv check` judges your branch by it\n',
    );
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
    for (const option of [
      '--base <ref>',
      '--head <ref>',
      '--config <file>',
      '--format <format>',
      '--title <text>',
      '--body <file>',
      '--label <name>',
    ]) {
      expect(checkHelp.stdout).toContain(option);
    }
    expect(checkHelp.stdout).toContain('edits in the working tree and the index are not included');

    expect(await run(cwd, ['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it.each([
    [['check', '--bogus'], /^monoenv: error: unknown option '--bogus'/],
    [['check', '--bsae', 'main'], /^monoenv: error: unknown option '--bsae' \(Did you mean --base\?\)$/],
    [
      ['check', '--format', 'xml'],
      /^monoenv: error: option '--format <format>' argument 'xml' is invalid\. Allowed choices are text, json, github\.$/,
    ],
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
