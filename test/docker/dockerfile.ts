/** Reading the Dockerfile and .dockerignore as Docker does, for the tests in this folder. */
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { DockerfileParser, type Dockerfile, type Flag } from 'dockerfile-ast';
import { createRequire } from 'node:module';
import type { Ignore } from '@balena/dockerignore';

// A CommonJS module whose typings declare an ES default export; require() gives the factory itself.
const ignore = createRequire(import.meta.url)('@balena/dockerignore') as (options?: { ignorecase?: boolean }) => Ignore;

export const repoRoot = new URL('../../', import.meta.url).pathname;
export const dockerfileText = readFileSync(`${repoRoot}Dockerfile`, 'utf8');
export const dockerfile: Dockerfile = DockerfileParser.parse(dockerfileText);

export interface Stage {
  name: string;
  image: string;
  /** Instructions of the stage, keyword and raw arguments, in order. */
  instructions: { keyword: string; args: string[]; line: number }[];
}

export function stages(): Stage[] {
  const result: Stage[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword();
    // Flags (--from=…, --interval=…) are not arguments to the parser; put them back in front, as written.
    const flags = 'getFlags' in instruction ? (instruction as unknown as { getFlags(): Flag[] }).getFlags() : [];
    const args = [...flags.map((f) => `--${f.getName()}=${f.getValue()}`), ...instruction.getArguments().map((a) => a.getValue())];
    const line = instruction.getRange().start.line;
    if (keyword === 'FROM') {
      const name = args[args.indexOf('AS') + 1] ?? args[args.indexOf('as') + 1];
      result.push({ name, image: args[0], instructions: [] });
      continue;
    }
    result.at(-1)?.instructions.push({ keyword, args, line });
  }
  return result;
}

/** The JSON (exec-form) command that follows `CMD` in a HEALTHCHECK, or an instruction's own JSON form. */
export function execForm(line: number, after: string): string[] {
  const lines = dockerfileText.split('\n');
  for (let i = line; i < lines.length; i++) {
    const at = lines[i].indexOf(`${after} [`);
    if (at >= 0) return JSON.parse(lines[i].slice(at + after.length + 1)) as string[];
  }
  throw new Error(`no exec form after ${after} from line ${line + 1}`);
}

/** ENV of a stage, as the image will have it. */
export function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const instruction of dockerfile.getENVs()) {
    const line = instruction.getRange().start.line;
    const owner = stages().find((s) => s.instructions.some((i) => i.line === line));
    if (owner?.name !== stage.name) continue;
    for (const property of instruction.getProperties()) env[property.getName()] = property.getValue() ?? '';
  }
  return env;
}

/** The files `docker build .` would send as the build context from this checkout, per .dockerignore. */
export function buildContext(extraPaths: string[] = []): string[] {
  const checkout = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: repoRoot, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
  return contextFilter([...checkout, ...extraPaths]);
}

export function contextFilter(paths: string[]): string[] {
  const rules = readFileSync(`${repoRoot}.dockerignore`, 'utf8').split('\n');
  return ignore().add(rules).filter(paths);
}
