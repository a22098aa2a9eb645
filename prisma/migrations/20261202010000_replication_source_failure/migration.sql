-- AlterTable
-- Why the replication's source failed its check when downloaded: the targets waiting for it fail with it
-- instead of each downloading it again; a retried target clears it.
ALTER TABLE "replications" ADD COLUMN "source_failure" TEXT;
