-- The event feed is read in (tx_id, id) order below the visibility horizon; webhooks fan out by horizon.
CREATE INDEX "events_tx_id_id_idx" ON "events"("tx_id", "id");

-- A webhook receives the events of transactions from this one on: every transaction before it had
-- ended when its events were fanned out (or when the webhook was created), so none is missed.
ALTER TABLE "webhooks" DROP COLUMN "start_after";
ALTER TABLE "webhooks" ADD COLUMN "fanned_out_before" xid8 NOT NULL DEFAULT pg_snapshot_xmin(pg_current_snapshot());

-- The order of deliveries per (webhook, ordering key): the feed's order, fixed at fan-out.
ALTER TABLE "webhook_deliveries" ADD COLUMN "seq" BIGSERIAL NOT NULL;
DROP INDEX "webhook_deliveries_webhook_id_ordering_key_event_id_idx";
CREATE INDEX "webhook_deliveries_webhook_id_ordering_key_seq_idx" ON "webhook_deliveries"("webhook_id", "ordering_key", "seq");
