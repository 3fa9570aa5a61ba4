/**
 * Registers `monoenv report` on the CLI without loading it: the history reader and the rules load only
 * when the command runs, so `--help`, `--version` and the other commands start fast.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { CommandFlags, ReportIO } from './command.js';

function parseRepository(value: string): string {
  if (!/^[\w.-]+\/[\w.-]+$/.test(value)) throw new InvalidArgumentError('expected owner/repo');
  return value;
}

/**
 * Adds `report` to the CLI. `io` and `setExitCode` let the CLI run in-process (tests); by default the
 * command uses the process's streams and exit code.
 */
export function registerReportCommand(
  program: Command,
  io: ReportIO = { cwd: process.cwd(), env: process.env, stdout: process.stdout, stderr: process.stderr },
  setExitCode: (code: number) => void = (code) => {
    process.exitCode = code;
  },
): Command {
  return program
    .command('report')
    .description(
      'Show the trend of the default branch: changes per week, size, tests, risky changes without flags, flag debt, what a proposed configuration would have done and, with --github, review coverage and the four DORA keys',
    )
    .option('--since <when>', 'start of the window: 90d, 12w, 6m or a date', '90d')
    .option('--until <when>', 'end of the window (default: now)')
    .option('--branch <name>', 'branch to walk (default: the default branch)')
    .option('--github <owner/repo>', 'add review figures from GitHub (GITHUB_TOKEN; GITHUB_API_URL is honoured)', parseRepository)
    .addOption(new Option('--format <format>', 'output on stdout').choices(['text', 'json']).default('text'))
    .option('--html <file>', 'also write a self-contained HTML page with charts')
    .option('--weeks <n>', 'weeks shown in the text table (default: all)')
    .option('--org <login>', 'every repository of an organisation on one page, from the GitHub API (GITHUB_TOKEN)')
    .option('--repos <names>', 'with --org: only these repositories, comma-separated')
    .option('--config <file>', 'judge history with this proposed configuration beside the one in force (what-if)')
    .option('--environment <names>', 'deployment environments that are production, comma-separated (DORA keys; default: production)')
    .option('--no-flags', 'leave out the flag-debt section (flags added and removed per week, stale flags over time)')
    .option('--cache-dir <dir>', 'where GitHub answers are cached (default: .git/monoenv)')
    .option('--no-cache', 'do not read or write the GitHub cache')
    .action(async (flags: CommandFlags) => {
      const { runReportCommand } = await import('./command.js');
      setExitCode(await runReportCommand(flags, io));
    });
}
