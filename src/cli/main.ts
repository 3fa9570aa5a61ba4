/**
 * The `monoenv` command line. Exit codes: 0 nothing fails, 1 an error-level finding fires, 2 bad usage,
 * an invalid configuration or a git error (with a one-line reason on stderr).
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { CONFIG_PATH } from '../config/path.js';
import { GitError } from '../git/runner.js';
import { processIO, UsageError, type CliIO } from './io.js';
import type { CheckOptions } from './check.js';
import type { OutputFormat } from './publish.js';
import { registerReportCommand } from './history/register.js';
import { registerFlagsCommand } from './flags/register.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

// Commands load their modules when they run, so `--help` and `--version` start without the engine.

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

const formatOption = (formats: OutputFormat[]): Option => new Option('--format <format>', 'output format').choices(formats).default('text');

const collect = (value: string, previous: string[]): string[] => [...previous, value];

const CHECK_HELP = `
The change is the diff from the merge base of --base and --head to --head, as a pull request shows it.
Committed changes only: edits in the working tree and the index are not included.
The configuration is read from --base (${CONFIG_PATH}), so a branch cannot weaken the rules that judge it;
without one the defaults apply.

Exit codes: 0 nothing fails · 1 an error-level finding fires · 2 bad usage, invalid configuration or git error.

Examples:
  $ monoenv check
  $ monoenv check --base origin/main --format github
  $ monoenv check --label no-tests-needed --body pr-body.md --format json`;

const SPLIT_HELP = `
The change is the diff from the merge base of --base and HEAD, as for check. Its parts come in landing order:
schema and migrations first, then what other parts import, then their callers; tests travel with what they
test, lockfiles and generated files with the part nearest to them; parts that import each other stay one.

--apply creates <branch>-1-<part>, <branch>-2-<part>, … each one commit on the one before, the last one equal
to the branch. It never moves the branch, the working tree or the index, refuses when the working tree has
uncommitted changes or a branch of the stack exists, and prints the git push and gh pr create commands.

Examples:
  $ monoenv split
  $ monoenv split --base origin/main --apply`;

function buildProgram(io: CliIO, setExitCode: (code: number) => void): Command {
  const program = new Command('monoenv')
    .description('Keeps changes small, reviewed, tested and feature-flagged: judges a git range by the rules in .github/monoenv.yml.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // Commander's usage errors become the one-line reason the exit code 2 promises.
      outputError: (text, write) => write(`monoenv: ${text.trim().replace(/\s*\n\s*/g, ' ')}\n`),
    });

  program
    .command('check')
    .description('judge the change between a base and a head commit')
    .option('--base <ref>', 'the branch the change goes into (default: the default branch: origin/HEAD, main or master)')
    .option('--head <ref>', 'the tip of the change', 'HEAD')
    .option('--config <file>', `configuration file to use instead of ${CONFIG_PATH} at the base`)
    .addOption(formatOption(['text', 'json', 'github']))
    .option('--title <text>', 'pull-request title (default: the subject of a single commit, else the branch name)')
    .option('--body <file>', 'pull-request body, for Feature-Flag: declarations ("-" reads standard input)')
    .option('--label <name>', 'a pull-request label, e.g. an override (repeatable)', collect, [])
    .option(
      '--branch <name>',
      "the pull request's head branch, read for the kind of change (default: the checked-out branch when --head is not given)",
    )
    .addHelpText('after', CHECK_HELP)
    .action(async (options: CheckOptions & { head: string }, command: Command) => {
      // `--head HEAD` given by default: remember whether the user named it (it names the branch in titles).
      const headGiven = command.getOptionValueSource('head') === 'cli';
      const { runCheck } = await import('./check.js');
      setExitCode(await runCheck(io, { ...options, head: headGiven ? options.head : undefined }));
    });

  program
    .command('validate')
    .description(`check a configuration file (default: ${CONFIG_PATH} of this repository)`)
    .argument('[file]', 'the file to check ("-" reads standard input)')
    .addOption(formatOption(['text', 'json', 'github']))
    .action(async (file: string | undefined, options: { format: OutputFormat }) => {
      const { runValidate } = await import('./commands.js');
      setExitCode(await runValidate(io, file, options.format));
    });

  program
    .command('init')
    .description(`write a commented starter ${CONFIG_PATH}, proposing the repository's own flag helpers and flag-dense folders for risky`)
    .option('--force', 'overwrite an existing file')
    .option('--no-learn', 'do not read the repository for its flag helpers and flag-dense folders')
    .action(async (options: { force?: boolean; learn: boolean }) => {
      const { runInit } = await import('./commands.js');
      setExitCode(await runInit(io, { force: options.force === true, learn: options.learn }));
    });

  program
    .command('split')
    .description("turn the current branch's change into a stack of branches, one per part of the size rule's split plan")
    .option('--base <ref>', 'the branch the change goes into (default: as for check)')
    .option('--apply', 'create the branches (without it, print the plan and the commands)')
    .addHelpText('after', SPLIT_HELP)
    .action(async (options: { base?: string; apply?: boolean }) => {
      const { runSplit } = await import('./split.js');
      setExitCode(await runSplit(io, { base: options.base, apply: options.apply === true }));
    });

  registerReportCommand(program, io, setExitCode);
  registerFlagsCommand(program, io, setExitCode);

  return program;
}

/** Runs the command line; returns the exit code instead of exiting, so it also runs in-process. */
export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  let exitCode = EXIT_OK;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    if (argv.length === 0) {
      program.outputHelp({ error: true });
      return EXIT_USAGE;
    }
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    if (error instanceof UsageError) {
      for (const line of error.lines) io.stderr.write(`monoenv: ${line}\n`);
      return EXIT_USAGE;
    }
    if (error instanceof GitError) {
      io.stderr.write(`monoenv: git: ${error.message}\n`);
      return EXIT_USAGE;
    }
    const failure = error as Error;
    io.stderr.write(`monoenv: unexpected error: ${failure.message}${io.env.MONOENV_DEBUG ? `\n${failure.stack}` : ''}\n`);
    return EXIT_USAGE;
  }
}
