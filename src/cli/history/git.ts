/** The report's door to git: the shared runner (src/git) with the report's settings and wording. */
import { GitError, gitIn, type GitRunner } from '../../git/runner.js';

export { GitError } from '../../git/runner.js';

/** Paths in git's output as they are, not octal-escaped, wherever they come from. */
const SETTINGS = ['core.quotepath=false'];

/** A runner in `cwd` whose failure to start git names the folder, as the report's messages always have. */
export function reportGit(cwd: string): GitRunner {
  const runner = gitIn(cwd, { settings: SETTINGS });
  const naming = (error: unknown): never => {
    const cause = error instanceof GitError ? (error.cause as NodeJS.ErrnoException | undefined) : undefined;
    if (cause?.code === 'ENOENT') throw new GitError(`cannot run git in ${cwd}: ${cause.message}`);
    throw error;
  };
  return {
    ...runner,
    run: (args) => runner.run(args).catch(naming),
    maybe: (args) => runner.maybe(args).catch(naming),
  };
}

/** Runs git and returns its stdout; a failure becomes a GitError carrying git's own first line of stderr. */
export function git(cwd: string, args: readonly string[]): Promise<string> {
  return reportGit(cwd).run(args);
}
