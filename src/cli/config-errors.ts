/** How the CLI reports an invalid configuration: one `FILE:LINE:COLUMN: key.path: message` line per error. */
import { formatConfigError, type ConfigError } from '../config/load.js';
import type { CliIO } from './io.js';
import { renderGitHubConfigErrors } from '../present/workflow-commands.js';

export class ConfigInvalid extends Error {
  constructor(
    readonly errors: ConfigError[],
    /** The file as the user knows it, at the front of each line. */
    readonly file: string,
    /** The closing line on stderr, e.g. "invalid configuration in .github/monoenv.yml at main". */
    readonly summary: string,
  ) {
    super(summary);
    this.name = 'ConfigInvalid';
  }

  /** Prints the errors (stderr always; stdout too for json and github) and returns exit code 2. */
  print(io: CliIO, format: 'text' | 'json' | 'github'): number {
    for (const error of this.errors) io.stderr.write(formatConfigError(error, this.file) + '\n');
    io.stderr.write(`monoenv: ${this.summary}\n`);
    if (format === 'json') {
      io.stdout.write(JSON.stringify({ conclusion: 'error', errors: this.errors }, null, 2) + '\n');
    } else if (format === 'github') {
      io.stdout.write(renderGitHubConfigErrors(this.errors, this.file));
    }
    return 2;
  }
}
