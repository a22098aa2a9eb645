-- A PUT of known size is staged as consecutive segment objects, which the
-- upload job pushes as they land instead of after the last one.
ALTER TABLE "uploads" ADD COLUMN "segment_bytes" INTEGER;
ALTER TABLE "uploads" ADD COLUMN "staged_bytes" BIGINT;
-- Why the intake refused the bytes: the job already pushing them fails with it.
ALTER TABLE "uploads" ADD COLUMN "failure_reason" TEXT;
