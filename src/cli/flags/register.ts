/** Registers `monoenv flags` on the CLI without loading it: the history reader loads when the command runs. */
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { CliIO } from '../io.js';
import type { FlagsFlags } from './command.js';

/** `90d`, `12w`, `6m` (30-day months) or a number of days. */
export function parseDays(value: string): number {
  const match = /^(\d+)\s*([dwm]?)$/i.exec(value.trim());
  if (!match) throw new InvalidArgumentError('expected a duration: 90d, 12w, 6m or a number of days');
  const days = Number(match[1]) * ({ '': 1, d: 1, w: 7, m: 30 } as const)[match[2].toLowerCase() as '' | 'd' | 'w' | 'm'];
  if (days < 1) throw new InvalidArgumentError('expected at least one day');
  return days;
}

const HELP = `
Lists every feature-flag key the code checks at --ref (default HEAD), recognised as the risky rule
recognises flag checks (the SDKs it knows, risky.flag_calls, risky.flag_patterns): where each is checked,
how many files check it, and since when (the commit that brought its first check, from one pass over the
first-parent history). Checks in test files (tests.test) are listed apart. The history read is kept in
.git/monoenv, so the next run reads only the commits after it.

Examples:
  $ monoenv flags
  $ monoenv flags --stale-after 60d --format json`;

export function registerFlagsCommand(program: Command, io: CliIO, setExitCode: (code: number) => void): Command {
  return program
    .command('flags')
    .description('list the feature flags the code checks, since when, and which are stale (flag debt)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option(
      '--stale-after <duration>',
      'a flag older than this is stale: 90d, 12w, 6m (default: flags.stale_after_days, 90 days)',
      parseDays,
    )
    .option('--ref <ref>', 'the commit to list', 'HEAD')
    .option('--config <file>', 'configuration file to use instead of .github/monoenv.yml at --ref')
    .option('--no-cache', 'read the whole history again instead of resuming from .git/monoenv')
    .addHelpText('after', HELP)
    .action(async (options: FlagsFlags) => {
      const { runFlagsCommand } = await import('./command.js');
      setExitCode(await runFlagsCommand(io, options));
    });
}
