-- CreateTable
-- A job waiting to reach BullMQ: written in the same transaction as its job row,
-- deleted by the outbox relay once the enqueue succeeded.
CREATE TABLE "job_outbox" (
    "id" BIGSERIAL NOT NULL,
    "job_id" UUID NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "available_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "job_outbox_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "job_outbox_job_id_key" ON "job_outbox"("job_id");
CREATE INDEX "job_outbox_available_at_idx" ON "job_outbox"("available_at");

-- AddForeignKey
ALTER TABLE "job_outbox" ADD CONSTRAINT "job_outbox_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
