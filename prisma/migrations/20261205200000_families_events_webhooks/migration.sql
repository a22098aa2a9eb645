-- Image families (versions, placements, channels), the event feed and webhooks.
CREATE TYPE "DriftPolicy" AS ENUM ('repair', 'report');
CREATE TYPE "VersionState" AS ENUM ('active', 'deprecated', 'obsolete', 'revoked');
CREATE TYPE "PlacementStatus" AS ENUM ('pending', 'placing', 'active', 'failed', 'drifted', 'removed');

CREATE TABLE "families" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "os" JSONB,
    "gpu" JSONB,
    "on_drift" "DriftPolicy" NOT NULL DEFAULT 'report',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "families_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "families_name_key" ON "families"("name");

CREATE TABLE "family_targets" (
    "id" UUID NOT NULL,
    "family_id" UUID NOT NULL,
    "provider_name" TEXT NOT NULL,
    "region" TEXT NOT NULL DEFAULT '',
    "position" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "family_targets_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "family_targets_family_id_provider_name_region_key" ON "family_targets"("family_id", "provider_name", "region");
ALTER TABLE "family_targets" ADD CONSTRAINT "family_targets_family_id_fkey" FOREIGN KEY ("family_id") REFERENCES "families"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "family_versions" (
    "id" UUID NOT NULL,
    "family_id" UUID NOT NULL,
    "version" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "size_bytes" BIGINT,
    "source_image_id" UUID,
    "state" "VersionState" NOT NULL DEFAULT 'active',
    "state_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "replacement" TEXT,
    "scheduled_state" "VersionState",
    "scheduled_at" TIMESTAMPTZ(3),
    "published_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "family_versions_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "family_versions_family_id_version_key" ON "family_versions"("family_id", "version");
CREATE UNIQUE INDEX "family_versions_family_id_sha256_key" ON "family_versions"("family_id", "sha256");
CREATE INDEX "family_versions_family_id_created_at_idx" ON "family_versions"("family_id", "created_at");
ALTER TABLE "family_versions" ADD CONSTRAINT "family_versions_family_id_fkey" FOREIGN KEY ("family_id") REFERENCES "families"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "family_versions" ADD CONSTRAINT "family_versions_source_image_id_fkey" FOREIGN KEY ("source_image_id") REFERENCES "images"("id") ON DELETE SET NULL ON UPDATE CASCADE;

CREATE TABLE "placements" (
    "id" UUID NOT NULL,
    "version_id" UUID NOT NULL,
    "provider_name" TEXT NOT NULL,
    "region" TEXT NOT NULL DEFAULT '',
    "status" "PlacementStatus" NOT NULL DEFAULT 'pending',
    "image_id" UUID,
    "replication_target_id" UUID,
    "job_id" UUID,
    "error_code" TEXT,
    "error_message" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "placements_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "placements_version_id_provider_name_region_key" ON "placements"("version_id", "provider_name", "region");
CREATE INDEX "placements_job_id_idx" ON "placements"("job_id");
CREATE INDEX "placements_image_id_idx" ON "placements"("image_id");
ALTER TABLE "placements" ADD CONSTRAINT "placements_version_id_fkey" FOREIGN KEY ("version_id") REFERENCES "family_versions"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "placements" ADD CONSTRAINT "placements_image_id_fkey" FOREIGN KEY ("image_id") REFERENCES "images"("id") ON DELETE SET NULL ON UPDATE CASCADE;

CREATE TABLE "family_channels" (
    "family_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "family_channels_pkey" PRIMARY KEY ("family_id", "name")
);
ALTER TABLE "family_channels" ADD CONSTRAINT "family_channels_family_id_fkey" FOREIGN KEY ("family_id") REFERENCES "families"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "channel_moves" (
    "id" BIGSERIAL NOT NULL,
    "family_id" UUID NOT NULL,
    "channel" TEXT NOT NULL,
    "from_version" TEXT,
    "to_version" TEXT NOT NULL,
    "moved_by" TEXT NOT NULL,
    "forced" BOOLEAN NOT NULL DEFAULT false,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "channel_moves_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "channel_moves_family_id_channel_id_idx" ON "channel_moves"("family_id", "channel", "id");
ALTER TABLE "channel_moves" ADD CONSTRAINT "channel_moves_family_id_fkey" FOREIGN KEY ("family_id") REFERENCES "families"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "events" (
    "id" BIGSERIAL NOT NULL,
    "type" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "subject" TEXT NOT NULL,
    "ordering_key" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "tx_id" xid8 NOT NULL DEFAULT pg_current_xact_id(),
    CONSTRAINT "events_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "events_type_id_idx" ON "events"("type", "id");

CREATE TABLE "webhooks" (
    "id" UUID NOT NULL,
    "url" TEXT NOT NULL,
    "events" TEXT[],
    "secret" BYTEA NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "start_after" BIGINT NOT NULL DEFAULT 0,
    CONSTRAINT "webhooks_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "webhook_deliveries" (
    "id" UUID NOT NULL,
    "webhook_id" UUID NOT NULL,
    "event_id" BIGINT NOT NULL,
    "ordering_key" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "log" JSONB NOT NULL DEFAULT '[]',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "delivered_at" TIMESTAMPTZ(3),
    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "webhook_deliveries_webhook_id_event_id_key" ON "webhook_deliveries"("webhook_id", "event_id");
CREATE INDEX "webhook_deliveries_state_next_attempt_at_idx" ON "webhook_deliveries"("state", "next_attempt_at");
CREATE INDEX "webhook_deliveries_webhook_id_ordering_key_event_id_idx" ON "webhook_deliveries"("webhook_id", "ordering_key", "event_id");
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_webhook_id_fkey" FOREIGN KEY ("webhook_id") REFERENCES "webhooks"("id") ON DELETE CASCADE ON UPDATE CASCADE;
