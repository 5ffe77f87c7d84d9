// Lint configuration: typescript-eslint's recommended rules, plus the layer rule of STYLE.md
// (crypto ← engine ← terminal-sim: nothing imports upward). test/layers.test.ts enforces the
// same rule on the whole import graph, dynamic imports included.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const upward = (layers) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: layers.map((l) => ({
        group: [`**/${l}/**`, `**/${l}`],
        message: `imports go one way: crypto ← engine ← terminal-sim; this layer must not import ${l}/`,
      })),
    },
  ],
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/results/**', 'ssc3-data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  { files: ['crypto/**/*.ts'], rules: upward(['engine', 'terminal-sim']) },
  { files: ['engine/**/*.ts'], rules: upward(['terminal-sim']) },
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
