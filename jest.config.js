/** ESM TypeScript through ts-jest; type-checking is done by `tsc --noEmit` in `npm test`. */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, isolatedModules: true, diagnostics: false }],
  },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/lib/'],
  // A test's timeout bounds a hang, it asserts no speed: jest's 5 s default failed end-to-end tests on a
  // loaded 2-core machine (an app, an emulator and signed webhooks over HTTP). Speed targets are in `npm run bench`.
  testTimeout: 30_000,
  // Skipped tests are listed at the end of the run, not only counted.
  reporters: ['default', '<rootDir>/test/skipped-reporter.js'],
};
