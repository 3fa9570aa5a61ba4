// ESLint flat configuration: typescript-eslint's type-aware recommended rules over every TypeScript file the
// project compiles (tsconfig.json's include), the plain recommended rules over its JavaScript. Formatting is
// Prettier's job (npm run format:check), so no stylistic rule is enabled here.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    // Generated or third-party output, and inputs that are data rather than project code.
    ignores: ['node_modules/', 'lib/', 'dist/', 'coverage/', 'schema/', 'test/fixtures/', 'test/judge/cases/'],
  },
  js.configs.recommended,
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // A leading underscore marks a name left unused on purpose (a rest sibling dropped from an object).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // Publishers, fact sources and their fakes implement Promise-returning interfaces; some have nothing to await.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // The tests and the GitHub emulator read and write JSON bodies of HTTP requests and responses, which are
    // `any` by nature; the types they check are asserted by the tests themselves.
    files: ['test/**/*.ts', 'tools/emulator/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
