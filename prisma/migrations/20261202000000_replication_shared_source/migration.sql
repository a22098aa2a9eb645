-- AlterTable
-- The source of a replication staged once for all its targets: where, and the digest it was checked against.
ALTER TABLE "replications" ADD COLUMN "source_key" TEXT,
ADD COLUMN "source_size_bytes" BIGINT,
ADD COLUMN "source_sha256" TEXT,
ADD COLUMN "source_sha512" TEXT,
ADD COLUMN "source_md5" TEXT;

-- AlterTable
-- Set when a target's job has ended with the staged source; the last target to end removes it.
ALTER TABLE "replication_targets" ADD COLUMN "source_released" BOOLEAN NOT NULL DEFAULT false;
