-- A provider step that publishes an image after its bytes landed (FPT's sync
-- to the portal) may fail on its own: the image stays active and the step is
-- recorded here as pending, retried through POST /v1/images/{id}/portal-sync.
CREATE TYPE "PortalSyncState" AS ENUM ('pending', 'synced');
ALTER TABLE "images" ADD COLUMN "portal_sync" "PortalSyncState";
ALTER TABLE "images" ADD COLUMN "portal_synced_at" TIMESTAMPTZ(3);
ALTER TABLE "images" ADD COLUMN "portal_sync_error" TEXT;
