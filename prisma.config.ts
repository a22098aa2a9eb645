import { defineConfig } from 'prisma/config';

// Only `prisma generate` uses this file: migrations are applied by the broker
// itself at start-up (src/persistence/migrator.ts), so no URL is needed here.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});
