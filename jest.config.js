/**
 * Three tiers, picked by file name (`npm run test:unit`, `test:medium`, `test:e2e`; `npm test` runs all three):
 *   unit    *.spec.ts         no services and no child processes: in-process code and in-process HTTP emulators only
 *   medium  *.medium-spec.ts  real PostgreSQL, Redis and S3 (s3rver), in-process
 *   e2e     *.e2e-spec.ts     child processes: the built broker (dist/), the sandbox (dist-tools/), tools, emulators
 */
const shared = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/sandbox', '<rootDir>/test', '<rootDir>/packages/sdk/test'],
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, tsconfig: 'tsconfig.json' }] },
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['**/*.spec.ts'],
      // PostgreSQL, Redis and S3 addresses point at a closed port: a unit spec cannot use them by accident.
      setupFiles: ['<rootDir>/test/support/unit-tier-env.ts'],
    },
    { ...shared, displayName: 'medium', testMatch: ['**/*.medium-spec.ts'] },
    { ...shared, displayName: 'e2e', testMatch: ['**/*.e2e-spec.ts'] },
  ],
  // A global option: Jest reads no testTimeout from a project.
  testTimeout: 120000,
  // End-to-end files start a broker process and emulators each; two at a time fits a 2-core machine.
  maxWorkers: 2,
};
