-- The `delete` job type had no producer and no handler: it leaves the enum so
-- the database, the API and the job registry (src/jobs/job-types.ts) list the
-- same types. PostgreSQL cannot drop an enum value, so the type is rebuilt.
-- No broker ever wrote such a row; one written by hand would have no handler,
-- so it is removed rather than left to block the migration.
DELETE FROM "jobs" WHERE "type" = 'delete';

ALTER TYPE "JobType" RENAME TO "JobType_old";
CREATE TYPE "JobType" AS ENUM ('sync', 'upload', 'import', 'replicate');
ALTER TABLE "jobs" ALTER COLUMN "type" TYPE "JobType" USING ("type"::text::"JobType");
DROP TYPE "JobType_old";
