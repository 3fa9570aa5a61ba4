/**
 * The repository's own habits: CI runs the README's test command on every supported Node with Redis, monoenv
 * judges the repository's pull requests with its own Action and its own policy, Dependabot watches both
 * ecosystems, and `npm test` includes the lint and format checks.
 */
import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { minimatch } from 'minimatch';
import { parse } from 'yaml';
import { parseConfigText } from '../../src/config/load.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');
const yaml = (file: string): any => parse(read(file));
const runs = (job: any): string[] => job.steps.flatMap((step: any) => (step.run ? [String(step.run)] : []));

describe('.github', () => {
  it('CI runs npm ci and npm test on Node 20, 22 and 24 with redis-server installed', () => {
    const ci = yaml('.github/workflows/ci.yml');
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
    const [job] = Object.values<any>(ci.jobs);
    expect(job.strategy.matrix.node).toEqual([20, 22, 24]);
    const setupNode = job.steps.find((step: any) => String(step.uses).startsWith('actions/setup-node@'));
    expect(setupNode.with['node-version']).toBe('${{ matrix.node }}');
    const commands = runs(job);
    const at = (pattern: RegExp): number => commands.findIndex((command) => pattern.test(command));
    expect(at(/apt-get install .*redis-server/)).toBeGreaterThanOrEqual(0);
    expect(at(/^npm ci\b/)).toBeGreaterThan(at(/redis-server/));
    expect(at(/^npm test$/)).toBeGreaterThan(at(/^npm ci\b/));
  });

  it("runs the repository's own Action on its pull requests, checked out from the base so a change cannot judge itself", () => {
    const workflow = yaml('.github/workflows/monoenv.yml');
    expect(workflow.on.pull_request.types).toEqual(expect.arrayContaining(['opened', 'synchronize', 'closed']));
    expect(workflow.permissions.checks).toBe('write');
    const steps = (Object.values(workflow.jobs)[0] as any).steps;
    const checkout = steps.find((step: any) => String(step.uses).startsWith('actions/checkout@'));
    expect(checkout.with.ref).toBe('${{ github.event.pull_request.base.sha || github.sha }}');
    expect(steps.at(-1).uses).toBe('./');
    expect(existsSync(join(ROOT, 'action.yml'))).toBe(true);
  });

  it('configures monoenv for this repository: the engine and the audits are risky paths that exist', () => {
    const result = parseConfigText(read('.github/monoenv.yml'), '.github/monoenv.yml');
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const paths = result.config.risky.paths;
    for (const file of [
      'src/engine/evaluate.ts',
      'src/engine/rules/review/audits.ts',
      'src/github/merge-audit.ts',
      'src/github/push-audit.ts',
      'src/github/merge-queue.ts',
    ]) {
      expect(existsSync(join(ROOT, file))).toBe(true);
      expect(paths.some((glob) => minimatch(file, glob))).toBe(true);
    }
    expect(paths.some((glob) => minimatch('src/github/index.ts', glob))).toBe(false);
  });

  it('has Dependabot watch npm and GitHub Actions', () => {
    const dependabot = yaml('.github/dependabot.yml');
    expect(dependabot.version).toBe(2);
    expect(dependabot.updates.map((u: any) => u['package-ecosystem']).sort()).toEqual(['github-actions', 'npm']);
  });
});

describe('npm test', () => {
  it('type-checks, lints and checks formatting before jest', () => {
    const scripts = JSON.parse(read('package.json')).scripts as Record<string, string>;
    expect(scripts.lint).toBe('eslint .');
    expect(scripts.test.split(' && ')).toEqual([
      'npm run typecheck',
      'npm run lint',
      'npm run format:check',
      'NODE_OPTIONS=--experimental-vm-modules jest',
    ]);
  });

  it('names smee-client, the webhook proxy Probot loads for WEBHOOK_PROXY_URL, as a devDependency', () => {
    const pkg = JSON.parse(read('package.json'));
    expect(pkg.devDependencies['smee-client']).toMatch(/^\d+\.\d+\.\d+$/);
    expect(read('.env.example')).toMatch(/^WEBHOOK_PROXY_URL=$/m);
  });
});
