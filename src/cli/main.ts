/**
 * The `monoenv` command line. Exit codes: 0 nothing fails, 1 an error-level finding fires, 2 bad usage,
 * an invalid configuration or a git error (with a one-line reason on stderr).
 */
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { CONFIG_PATH, parseConfigText } from '../config/load.js';
import { STARTER_CONFIG } from '../config/starter.js';
import { repositoryRoot, gitIn, GitError } from './git.js';
import { processIO, UsageError, type CliIO } from './io.js';
import { readUserFile, runCheck, type CheckOptions, type OutputFormat } from './check.js';
import { ConfigInvalid } from './config-errors.js';
import { registerReportCommand } from '../report/command.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

const formatOption = (formats: OutputFormat[]): Option =>
  new Option('--format <format>', 'output format').choices(formats).default('text');

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
    .addHelpText('after', CHECK_HELP)
    .action(async (options: CheckOptions & { head: string }, command: Command) => {
      // `--head HEAD` given by default: remember whether the user named it (it names the branch in titles).
      const headGiven = command.getOptionValueSource('head') === 'cli';
      setExitCode(await runCheck(io, { ...options, head: headGiven ? options.head : undefined }));
    });

  program
    .command('validate')
    .description(`check a configuration file (default: ${CONFIG_PATH} of this repository)`)
    .argument('[file]', 'the file to check ("-" reads standard input)')
    .addOption(formatOption(['text', 'json', 'github']))
    .action(async (file: string | undefined, options: { format: OutputFormat }) => {
      setExitCode(await runValidate(io, file, options.format));
    });

  program
    .command('init')
    .description(`write a commented starter ${CONFIG_PATH}`)
    .option('--force', 'overwrite an existing file')
    .action(async (options: { force?: boolean }) => {
      setExitCode(await runInit(io, options.force === true));
    });

  registerReportCommand(program, io, setExitCode);

  return program;
}

/** Files named by default live at the top of the repository, wherever in it the command runs. */
async function repositoryFile(io: CliIO, path: string): Promise<{ absolute: string; shown: string }> {
  const root = (await repositoryRoot(gitIn(io.cwd, io.env)).catch(() => undefined)) ?? io.cwd;
  const absolute = resolve(root, path);
  const shown = relative(io.cwd, absolute) || path;
  return { absolute, shown };
}

async function runValidate(io: CliIO, file: string | undefined, format: OutputFormat): Promise<number> {
  const { absolute, shown } = file === undefined ? await repositoryFile(io, CONFIG_PATH) : { absolute: file, shown: file === '-' ? '<stdin>' : file };
  const text = await readUserFile(io, absolute, 'validate').catch((error: unknown) => {
    if (file === undefined && error instanceof UsageError) throw new UsageError(`cannot read ${shown}: no such file (create one with \`monoenv init\`)`);
    throw error;
  });
  const result = parseConfigText(text, shown);
  if (!result.ok) return new ConfigInvalid(result.errors, shown, `${shown} is invalid`).print(io, format);
  if (format === 'json') io.stdout.write(JSON.stringify({ conclusion: 'success', errors: [] }, null, 2) + '\n');
  else if (format === 'github') io.stdout.write(`::notice title=monoenv::${shown} is valid\n`);
  else io.stdout.write(`${shown}: valid\n`);
  return EXIT_OK;
}

async function runInit(io: CliIO, force: boolean): Promise<number> {
  const { absolute, shown } = await repositoryFile(io, CONFIG_PATH);
  await mkdir(dirname(absolute), { recursive: true });
  try {
    // `wx` creates or fails, so a file that appears meanwhile is not overwritten either.
    await writeFile(absolute, STARTER_CONFIG, { flag: force ? 'w' : 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new UsageError(`${shown} already exists; pass --force to overwrite it`);
    throw new UsageError(`cannot write ${shown}: ${(error as Error).message}`);
  }
  io.stdout.write(
    `created ${shown}\n` +
      `next: set risky.paths, then commit it to the default branch; \`monoenv check\` judges your branch by it\n`,
  );
  return EXIT_OK;
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
