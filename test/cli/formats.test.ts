import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { escapeData, escapeProperty, workflowCommand } from '../../src/present/workflow-commands.js';
import { useColour } from '../../src/cli/io.js';
import { sortFindings } from '../../src/present/markdown.js';
import type { Report } from '../../src/engine/report.js';
import { TempRepo, captureIO, linesOf, removeTemporaryFolders } from './repo.js';

jest.setTimeout(30_000);
afterAll(removeTemporaryFolders);

const ODD_PATH = 'src/100%,odd:name.ts';

/** A branch that breaks the size limit, touches a risky path without a flag, and leaves sources untested. */
let repo: TempRepo;
beforeAll(() => {
  repo = TempRepo.create({
    'README.md': '# shop\n',
    '.github/monoenv.yml': 'size:\n  warn_lines: 5\n  fail_lines: 10\nrisky:\n  paths: ["src/billing/**"]\n',
  });
  repo.branch('feature/cart');
  repo.commit('feat: add the cart', {
    'src/cart.ts': linesOf(12),
    'src/billing/charge.ts': 'registerCharge((amount: number) => {\n  return amount * 1.2;\n});\n',
    'package-lock.json': linesOf(300, (i) => `"line${i}": 1,`),
    [ODD_PATH]: 'export const odd = 1;\n',
  });
});

async function run(argv: string[], env: NodeJS.ProcessEnv = {}, isTTY = false) {
  const captured = captureIO(repo.dir, { ...repo.env, ...env }, { isTTY });
  const code = await main(argv, captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

describe('--format github', () => {
  it('escapes data and property values as the Actions runner reads them', () => {
    expect(escapeData('100% done\r\nnext: a, b')).toBe('100%25 done%0D%0Anext: a, b');
    expect(escapeProperty('100% done\r\nnext: a, b')).toBe('100%25 done%0D%0Anext%3A a%2C b');
    expect(workflowCommand('error', { file: 'a,b.ts', line: 3, endLine: undefined, title: 'x: y' }, 'two\nlines')).toBe(
      '::error file=a%2Cb.ts,line=3,title=x%3A y::two%0Alines',
    );
    expect(workflowCommand('notice', {}, 'plain')).toBe('::notice::plain');
  });

  it("prints one annotation per finding, with the JSON report's facts, and a closing notice", async () => {
    const github = await run(['check', '--format', 'github']);
    const json = await run(['check', '--format', 'json']);
    expect(github.code).toBe(1);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as Report;

    const lines = github.stdout.trimEnd().split('\n');
    // Multi-line messages stay on one line each: every line is a workflow command.
    for (const line of lines) expect(line).toMatch(/^::(error|warning|notice)( [^:]*)?::/);

    const unescape = (text: string): string =>
      text.replaceAll('%0D', '\r').replaceAll('%0A', '\n').replaceAll('%3A', ':').replaceAll('%2C', ',').replaceAll('%25', '%');
    const parsed = lines.map((line) => {
      const [, command, props = '', message] = /^::(\w+)(?: ([^:]*))?::(.*)$/.exec(line) ?? [];
      const properties = Object.fromEntries(
        props
          .split(',')
          .filter(Boolean)
          .map((pair) => {
            const [key, value] = pair.split('=');
            return [key, unescape(value)];
          }),
      );
      return { command, properties, message: unescape(message) };
    });

    const findings = sortFindings(report.findings);
    expect(parsed).toHaveLength(findings.length + 1);
    findings.forEach((finding, i) => {
      const { command, properties, message } = parsed[i];
      expect(command).toBe(finding.level);
      expect(properties.file).toBe(finding.path);
      expect(properties.line).toBe(finding.path === undefined ? undefined : String(finding.startLine));
      expect(properties.title).toBe(`monoenv ${finding.rule}: ${finding.title}`);
      expect(message.startsWith(finding.message)).toBe(true);
    });
    expect(parsed.map((p) => p.properties.file)).toContain(ODD_PATH);
    expect(lines.some((line) => line.includes('file=src/100%25%2Codd%3Aname.ts,'))).toBe(true);
    expect(parsed.at(-1)).toEqual({ command: 'notice', properties: { title: 'monoenv: failure' }, message: report.title });
  });

  it('appends the summary table to the job summary when GITHUB_STEP_SUMMARY is set', async () => {
    const summaryFile = join(repo.dir, 'step-summary.md');
    writeFileSync(summaryFile, '# earlier step\n');
    const { code } = await run(['check', '--format', 'github'], { GITHUB_STEP_SUMMARY: summaryFile });
    expect(code).toBe(1);
    const summary = readFileSync(summaryFile, 'utf8');
    expect(summary.startsWith('# earlier step\n## monoenv: ')).toBe(true);
    expect(summary).toContain('| Rule | Status | Found | What to do |');
    expect(summary).toMatch(/^\| \[risky\]\(.*\) \| ❌ /m);
  });

  it('annotates configuration errors on the configuration file', async () => {
    const broken = TempRepo.create({ '.github/monoenv.yml': 'mode: enforce\nsize:\n  fail_lines: lots\n' });
    const captured = captureIO(broken.dir, broken.env);
    expect(await main(['check', '--format', 'github'], captured.io)).toBe(2);
    expect(captured.stdout()).toBe(
      '::error file=.github/monoenv.yml,line=3,col=15,title=Invalid monoenv configuration::size.fail_lines: expected a whole number ≥ 0, got the string "lots"\n',
    );
  });
});

describe('--format text', () => {
  it('shows the size facts, each rule, each finding at path:line and the conclusion', async () => {
    const { code, stdout, stderr } = await run(['check']);
    expect(code).toBe(1);
    expect(stderr).toBe('');
    const json = JSON.parse((await run(['check', '--format', 'json'])).stdout) as Report;
    const lines = stdout.split('\n');
    expect(lines[0]).toBe(`monoenv  ${json.title}`);
    expect(lines[1]).toMatch(/^ {2}main [0-9a-f]{7} … HEAD [0-9a-f]{7} · 1 commit · config: \.github\/monoenv\.yml at main$/);
    expect(lines[2]).toMatch(/^ {2}size S: counted 16 lines in 3 files · excluded 300 lines in 1 file · /);
    for (const rule of json.rules) expect(stdout).toMatch(new RegExp(`^  . ${rule.rule} +${rule.status} +`, 'm'));
    expect(stdout).toMatch(/^ {2}src\/billing\/charge\.ts:1 {2}error {2}risky {2}/m);
    expect(stdout).toMatch(/^ {2}src\/cart\.ts:1 {2}warning {2}tests {2}Source changed without tests$/m);
    expect(stdout).toMatch(/^Excluded from the size counts\n {2}package-lock\.json {2}300 lines · lockfile$/m);
    expect(lines.at(-2)).toBe('✖ failure  2 errors, 3 warnings');
    expect(stdout).not.toContain('\x1b[');
  });

  it('uses colours on a terminal, unless NO_COLOR; FORCE_COLOR turns them on anywhere', async () => {
    const tty = await run(['check'], { NO_COLOR: undefined, FORCE_COLOR: undefined, TERM: 'xterm-256color' }, true);
    expect(tty.stdout).toContain('\x1b[31m');
    expect((await run(['check'], { NO_COLOR: '1', FORCE_COLOR: undefined }, true)).stdout).not.toContain('\x1b[');
    expect((await run(['check'], { NO_COLOR: undefined, FORCE_COLOR: '1' }, false)).stdout).toContain('\x1b[');
    // The JSON report is never coloured.
    expect((await run(['check', '--format', 'json'], { NO_COLOR: undefined, FORCE_COLOR: '1' })).stdout).not.toContain('\x1b[');
  });
});

describe('useColour', () => {
  const io = (env: NodeJS.ProcessEnv, isTTY: boolean) => captureIO('/', env, { isTTY }).io;
  it.each([
    [{}, true, true],
    [{}, false, false],
    [{ TERM: 'dumb' }, true, false],
    [{ NO_COLOR: '1' }, true, false],
    [{ NO_COLOR: '' }, true, true], // an empty NO_COLOR does not count (no-color.org)
    [{ FORCE_COLOR: '1' }, false, true],
    [{ FORCE_COLOR: '0' }, true, false],
    [{ FORCE_COLOR: '1', NO_COLOR: '1' }, true, false],
  ])('env %j on a terminal %s → %s', (env, isTTY, expected) => {
    expect(useColour(io(env, isTTY))).toBe(expected);
  });
});
