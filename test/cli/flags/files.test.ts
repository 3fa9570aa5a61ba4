import { describe, expect, it } from '@jest/globals';
import { DEFAULT_CONFIG } from '../../../src/config/schema.js';
import { flagFiles } from '../../../src/cli/flags/files.js';

const withFlags = (flags: Partial<typeof DEFAULT_CONFIG.flags>) => ({ ...DEFAULT_CONFIG, flags: { ...DEFAULT_CONFIG.flags, ...flags } });

describe('the files the inventory reads', () => {
  it('reads source and templates, tells tests apart, leaves out vendored, bundled and generated code', () => {
    const files = flagFiles(DEFAULT_CONFIG);
    expect(files.roleOf('app/models/order.rb')).toBe('code');
    expect(files.roleOf('app/views/shop/_form.html.haml')).toBe('code');
    expect(files.roleOf('templates/base.html')).toBe('code');
    expect(files.roleOf('spec/models/order_spec.rb')).toBe('test');
    expect(files.roleOf('src/menu.test.tsx')).toBe('test');
    for (const skipped of [
      'README.md',
      'vendor/lib.js',
      'frontend/.yarn/releases/yarn-4.1.0.cjs',
      '.pnp.cjs',
      'web/dist/app.js',
      'assets/app.min.js',
      'package-lock.json',
    ]) {
      expect(files.roleOf(skipped)).toBe('skip');
    }
  });

  it('passes git plain pathspecs that keep every file a glob keeps, and exact exclusions', () => {
    const files = flagFiles(withFlags({ paths: ['src/**/*.{ts,tsx}', '**/*.rb'], exclude: ['src/generated/**', '**/+(a|b).ts'] }));
    expect(files.pathspecs).toEqual(['src/*.ts', 'src/*.tsx', '*.rb', ':(exclude,glob)src/generated/**']);
    // A glob git cannot read as minimatch does leaves git reading everything, and roleOf deciding.
    expect(flagFiles(withFlags({ paths: ['src/**/+(a|b).ts'] })).pathspecs).toBeUndefined();
    expect(files.roleOf('src/generated/api.ts')).toBe('skip');
    expect(files.roleOf('src/a.ts')).toBe('skip');
    expect(files.roleOf('src/c.ts')).toBe('code');
  });
});
