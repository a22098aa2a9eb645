import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'dist-tools/**',
      'node_modules/**',
      'src/platform/persistence/generated/**',
      'coverage/**',
      'packages/*/dist/**',
      'packages/sdk/src/generated/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
        Buffer: 'readonly',
        module: 'writable',
        require: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        fetch: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read configuration through AppConfig (src/platform/config), not process.env.',
        },
      ],
    },
  },
  {
    // The config loader, the entry points and the test/bench harnesses are where the environment is read.
    files: [
      'src/main.ts',
      'src/migrate.ts',
      'src/platform/config/**',
      'src/providers/connections/providers-file.loader.ts',
      'sandbox/**',
      'test/**',
      'bench/**',
      'scripts/**',
      'harness/**',
      // The CLI is its own program: its configuration is its flags, IMAGE_BROKER_* and its config file.
      'packages/sdk/src/cli/**',
      'packages/sdk/test/**',
      '**/*.spec.ts',
      '**/*.e2e-spec.ts',
      '**/*.medium-spec.ts',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // The CLI's launcher is plain CommonJS: it loads the built CLI.
    files: ['packages/sdk/bin/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
