-- Whether a failed intake refused its bytes or was interrupted (client gone or
-- idle): the job already pushing them fails with that code.
ALTER TABLE "uploads" ADD COLUMN "failure_code" TEXT;
