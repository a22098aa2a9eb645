/**
 * Which way arrows may go between the folders of src/ (docs/architecture.md draws them).
 * Checked in npm test (test/architecture/dependency-rules.e2e-spec.ts) and by `npm run lint:deps`.
 */
const layer = (name) => `^src/${name}/`;
module.exports = {
  forbidden: [
    {
      name: 'the-sdk-is-a-client',
      comment:
        'packages/sdk reaches the broker over HTTP, through the types generated from openapi.json; never through src/.',
      severity: 'error',
      from: { path: '^packages/sdk/' },
      to: { path: '^(src|sandbox|harness|test|bench)/' },
    },
    {
      name: 'no-folder-cycles',
      comment: 'No import cycle, inside a folder or between folders.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'platform-is-the-floor',
      comment: 'platform/ serves every capability and knows none of them.',
      severity: 'error',
      from: { path: layer('platform') },
      to: { path: '^src/(app|catalogue|events|families|jobs|providers|replication|uploads)/' },
    },
    {
      name: 'providers-know-only-the-platform',
      severity: 'error',
      from: { path: layer('providers') },
      to: { path: '^src/(app|catalogue|events|families|jobs|replication|uploads)/' },
    },
    {
      name: 'jobs-run-work-they-do-not-know',
      comment: 'The job framework runs handlers that capabilities register; it imports none of them.',
      severity: 'error',
      from: { path: layer('jobs') },
      to: { path: '^src/(app|catalogue|events|families|replication|uploads)/' },
    },
    {
      name: 'catalogue-below-the-byte-movers',
      severity: 'error',
      from: { path: layer('catalogue') },
      to: { path: '^src/(app|events|families|replication|uploads)/' },
    },
    {
      name: 'uploads-below-replication',
      severity: 'error',
      from: { path: layer('uploads') },
      to: { path: '^src/(app|events|families|replication)/' },
    },
    {
      name: 'replication-below-families',
      severity: 'error',
      from: { path: layer('replication') },
      to: { path: '^src/(app|events|families)/' },
    },
    {
      name: 'families-below-the-event-feed',
      comment: 'Families record events through platform/events; the feed and webhooks (events/) sit above.',
      severity: 'error',
      from: { path: layer('families') },
      to: { path: '^src/(app|events)/' },
    },
    {
      name: 'events-below-the-app',
      severity: 'error',
      from: { path: layer('events') },
      to: { path: '^src/app/' },
    },
    {
      name: 'production-code-holds-no-emulator',
      comment: 'Emulators, the sandbox, tests and benchmarks stay out of the production build.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['[.-]spec\\.ts$', '/emulator/', '^src/providers/emulator-kit/'] },
      to: { path: ['/emulator/', '^src/providers/emulator-kit/', '^(sandbox|test|bench|harness)/'] },
    },
  ],
  options: {
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: 'src/platform/persistence/generated' },
    tsPreCompilationDeps: true,
  },
};
