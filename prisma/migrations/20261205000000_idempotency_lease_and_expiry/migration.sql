-- An in-progress Idempotency-Key record holds a lease its request renews; a
-- request whose process died stops holding the key once the lease lapses.
ALTER TABLE "idempotency_records" ADD COLUMN "lease_expires_at" TIMESTAMPTZ(3);
ALTER TABLE "idempotency_records" ADD COLUMN "lease_token" UUID;
-- Records expire after IDEMPOTENCY_TTL_HOURS and are purged oldest first.
CREATE INDEX "idempotency_records_created_at_idx" ON "idempotency_records"("created_at");
