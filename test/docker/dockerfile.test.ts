import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { buildContext, contextFilter, dockerfile, envOf, execForm, stages } from './dockerfile.js';

const runtime = stages().at(-1)!;

describe('Dockerfile', () => {
  it('builds in separate stages and runs from a slim image of an even-numbered (LTS) Node.js major', () => {
    expect(stages().map((s) => s.name)).toEqual(['base', 'deps', 'build', 'runtime']);
    expect(runtime.image).toBe('node:${NODE_VERSION}-slim');
    const nodeVersion = dockerfile.getInitialARGs().find((a) => a.getProperty()?.getName() === 'NODE_VERSION');
    const major = Number(nodeVersion?.getProperty()?.getValue());
    expect(major).toBeGreaterThanOrEqual(22);
    expect(major % 2).toBe(0);
  });

  it('installs dev dependencies only in the build stage and copies runtime dependencies from the deps stage', () => {
    const runs = (name: string) =>
      stages()
        .find((s) => s.name === name)!
        .instructions.filter((i) => i.keyword === 'RUN')
        .map((i) => i.args.join(' '));
    expect(runs('deps').join('\n')).toContain('npm ci --omit=dev');
    expect(runs('build').join('\n')).toMatch(/npm ci\b(?! --omit)/);
    expect(runs('build').join('\n')).toContain('npm run build');
    const copies = runtime.instructions.filter((i) => i.keyword === 'COPY').map((i) => i.args);
    expect(copies).toContainEqual(['--from=deps', '/app/node_modules', 'node_modules']);
    // Nothing in the runtime image comes straight from the build context: only built output and dependencies.
    for (const args of copies) expect(args[0]).toMatch(/^--from=(deps|build)$/);
  });

  it('runs as the non-root node user, listening on all interfaces, in production mode', () => {
    const users = runtime.instructions.filter((i) => i.keyword === 'USER').map((i) => i.args[0]);
    expect(users.at(-1)).toBe('node');
    expect(envOf(runtime)).toMatchObject({ HOST: '0.0.0.0', NODE_ENV: 'production', PORT: '3000' });
    expect(runtime.instructions.find((i) => i.keyword === 'EXPOSE')?.args).toEqual(['3000']);
  });

  it("checks health on Probot's /ping and starts the server the way `npm start` does", () => {
    const healthcheck = runtime.instructions.find((i) => i.keyword === 'HEALTHCHECK')!;
    expect(healthcheck.args).toEqual(expect.arrayContaining(['--interval=30s', '--timeout=5s']));
    const probe = execForm(healthcheck.line, 'CMD');
    expect(probe.slice(0, 2)).toEqual(['node', '-e']);
    expect(probe[2]).toContain("'/ping'");

    const cmd = execForm(runtime.instructions.find((i) => i.keyword === 'CMD')!.line, 'CMD');
    const npmStart = (
      JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> }
    ).scripts.start;
    expect(cmd).toEqual(npmStart.split(' '));
    expect(execForm(runtime.instructions.find((i) => i.keyword === 'ENTRYPOINT')!.line, 'ENTRYPOINT')).toEqual(['/usr/bin/tini', '--']);
  });

  it('declares no secret in the image', () => {
    for (const stage of stages()) {
      for (const key of Object.keys(envOf(stage))) expect(key).not.toMatch(/PRIVATE_KEY|SECRET|TOKEN|APP_ID/);
      for (const i of stage.instructions.filter((x) => x.keyword === 'COPY' || x.keyword === 'ADD')) {
        expect(i.args.join(' ')).not.toMatch(/\.pem|\.env|\.key/);
      }
    }
  });
});

describe('.dockerignore', () => {
  const planted = [
    'monoenv.2026-01-01.private-key.pem',
    'src/github/app.pem',
    '.env',
    '.env.production',
    'src/.env',
    'node_modules/probot/package.json',
    'src/node_modules/x/index.js',
    '.git/config',
    'lib/github/index.js',
    'test/fixtures/payload.json',
    'dist/action/index.js',
  ];

  it('lets no key, .env file, local node_modules, git data or stale build output into the build context', () => {
    expect(contextFilter(planted)).toEqual([]);
  });

  it('sends exactly what the build stage copies: manifests, compiler settings, the schema script and the sources', () => {
    const context = buildContext();
    const copied = stages()
      .flatMap((s) => s.instructions)
      .filter((i) => i.keyword === 'COPY' && !i.args[0].startsWith('--from'));
    const sources = copied.flatMap((i) => i.args.slice(0, -1));
    for (const source of sources) expect(context.some((f) => f === source || f.startsWith(`${source}/`))).toBe(true);
    for (const file of context) expect(sources.some((s) => file === s || file.startsWith(`${s}/`))).toBe(true);
    expect(context).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'tsconfig.build.json', 'src/index.ts']));
  });
});
