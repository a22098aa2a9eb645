-- A feed filtered by type (GET /v1/events?type=placement.drifted) reads in (tx_id, id) order:
-- this index serves it without walking the events of every other type from the cursor on.
CREATE INDEX "events_type_tx_id_id_idx" ON "events"("type", "tx_id", "id");
DROP INDEX "events_type_id_idx";
