-- AlterTable
-- What the request gave for this target in place of the source's own values (name, visibility, os): applied to the copy,
-- and again by a retry.
ALTER TABLE "replication_targets" ADD COLUMN "overrides" JSONB NOT NULL DEFAULT '{}';
