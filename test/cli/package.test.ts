/**
 * What `npm install monoenv` gets: the tarball `npm pack` would publish holds the built CLI, app and schema,
 * the licence and the README, and nothing from development (sources, tests, keys, `.env`).
 */
import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const root = new URL('../../', import.meta.url).pathname;

interface PackEntry {
  files: { path: string }[];
}

describe('the published package', () => {
  const pack = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  ) as PackEntry[];
  const files = pack[0].files.map((f) => f.path);

  it('holds the CLI entry, every built module, the schema, app.yml, LICENSE and README', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'bin/monoenv.js',
        'lib/cli/main.js',
        'lib/github/main.js',
        'schema/monoenv.schema.json',
        'app.yml',
        'LICENSE',
        'README.md',
        'package.json',
      ]),
    );
    const built = readdirSync(`${root}lib`, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.js') && !f.startsWith('bench/'))
      .map((f) => `lib/${f}`);
    expect(built.length).toBeGreaterThan(50);
    expect(built.filter((f) => !files.includes(f))).toEqual([]);
    const bin = (JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { bin: Record<string, string> }).bin;
    for (const entry of Object.values(bin)) expect(files).toContain(entry.replace(/^\.\//, ''));
  });

  it('leaves out sources, tests, benchmarks, the Action bundle and anything secret', () => {
    const unwanted = files.filter(
      (f) => /^(src|test|bench|scripts|dist|docs|lib\/bench)\//.test(f) || /(^|\/)\.env($|\.)|\.pem$|\.key$/.test(f),
    );
    expect(unwanted).toEqual([]);
  });
});
