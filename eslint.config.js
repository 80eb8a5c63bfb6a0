// ESLint 9 flat config: typescript-eslint's recommended rules over the TypeScript, ESLint's over the plain
// build scripts. Formatting is Prettier's job (`prettier --check` in `npm run lint`), so no style rules here.
const js = require('@eslint/js');
const globals = require('globals');
const tseslint = require('typescript-eslint');

module.exports = tseslint.config(
  { ignores: ['dist/', 'resources/', 'node_modules/', 'test/tooling/', '.demo/', 'test-artifacts/'] },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommended],
    languageOptions: { globals: globals.node },
    rules: {
      // `_`-prefixed names mark a parameter a callback signature requires but the body does not use.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Node-RED and its test helper ship no types: they are required, as their docs show.
      '@typescript-eslint/no-require-imports': [
        'error',
        { allow: ['^node-red$', '^node-red/package\\.json$', '^node-red-node-test-helper$'] },
      ],
      // `const node = this` is the Node-RED idiom for the node inside its callbacks.
      '@typescript-eslint/no-this-alias': ['error', { allowedNames: ['node'] }],
      // A `let` assigned once but read earlier (a timer a callback may clear before it exists) must stay `let`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    // The editor code runs in the browser, beside Node-RED's editor globals ($, RED; typed in globals.d.ts).
    files: ['nodes/editor/**/*.ts'],
    languageOptions: { globals: globals.browser },
  },
  {
    // Tests and benchmarks reach into node internals and messages of any shape.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
  },
);
