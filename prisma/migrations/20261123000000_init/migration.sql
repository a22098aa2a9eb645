-- CreateEnum
CREATE TYPE "ConnectionSource" AS ENUM ('file', 'api');
CREATE TYPE "ImageKind" AS ENUM ('base-os', 'cloud-image', 'preconfigured', 'snapshot', 'custom');
CREATE TYPE "ImageVisibility" AS ENUM ('public', 'private', 'shared', 'community');
CREATE TYPE "ImageStatus" AS ENUM ('pending', 'uploading', 'active', 'failed', 'deleting', 'deleted');
CREATE TYPE "JobType" AS ENUM ('sync', 'upload', 'import', 'replicate', 'delete');
CREATE TYPE "JobState" AS ENUM ('queued', 'running', 'succeeded', 'failed', 'cancelled');

-- CreateTable
CREATE TABLE "provider_connections" (
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "source" "ConnectionSource" NOT NULL,
    "settings" JSONB NOT NULL,
    "credentials" BYTEA,
    "regions" TEXT[],
    "last_sync_at" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "last_error_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "provider_connections_pkey" PRIMARY KEY ("name")
);

CREATE TABLE "images" (
    "id" UUID NOT NULL,
    "provider_name" TEXT NOT NULL,
    "provider_kind" TEXT NOT NULL,
    "region" TEXT NOT NULL DEFAULT '',
    "native_id" TEXT NOT NULL,
    "name" TEXT,
    "kind" "ImageKind",
    "visibility" "ImageVisibility",
    "status" "ImageStatus",
    "native_status" TEXT,
    "os_type" TEXT,
    "os_family" TEXT,
    "os_distro" TEXT,
    "os_version" TEXT,
    "os_codename" TEXT,
    "architecture" TEXT,
    "gpu" BOOLEAN NOT NULL DEFAULT false,
    "gpu_vendor" TEXT,
    "gpu_driver" TEXT,
    "gpu_models" TEXT[],
    "software_versions" JSONB,
    "size_bytes" BIGINT,
    "min_disk_gib" INTEGER,
    "min_ram_mib" INTEGER,
    "disk_format" TEXT,
    "container_format" TEXT,
    "md5" TEXT,
    "sha256" TEXT,
    "sha512" TEXT,
    "tags" TEXT[],
    "properties" JSONB NOT NULL DEFAULT '{}',
    "versions" JSONB,
    "protected" BOOLEAN,
    "created_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3),
    "synced_at" TIMESTAMPTZ(3),
    "native" JSONB NOT NULL DEFAULT '{}',
    "content_hash" TEXT NOT NULL,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "images_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "jobs" (
    "id" UUID NOT NULL,
    "type" "JobType" NOT NULL,
    "state" "JobState" NOT NULL DEFAULT 'queued',
    "provider_name" TEXT,
    "image_id" UUID,
    "dedupe_key" TEXT,
    "bytes_done" BIGINT NOT NULL DEFAULT 0,
    "bytes_total" BIGINT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "error_code" TEXT,
    "error_message" TEXT,
    "payload" JSONB NOT NULL DEFAULT '{}',
    "result" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    CONSTRAINT "jobs_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "api_keys" (
    "id" TEXT NOT NULL,
    "secret_hash" TEXT NOT NULL,
    "scopes" TEXT[],
    "source" "ConnectionSource" NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "images_provider_name_region_native_id_key" ON "images"("provider_name", "region", "native_id");
CREATE INDEX "images_name_id_idx" ON "images"("name", "id");
CREATE INDEX "images_created_at_id_idx" ON "images"("created_at", "id");
CREATE INDEX "images_os_distro_os_version_idx" ON "images"("os_distro", "os_version");
CREATE INDEX "images_status_idx" ON "images"("status");
CREATE INDEX "jobs_created_at_id_idx" ON "jobs"("created_at", "id");
CREATE INDEX "jobs_type_state_idx" ON "jobs"("type", "state");
CREATE UNIQUE INDEX "api_keys_secret_hash_key" ON "api_keys"("secret_hash");

-- AddForeignKey
ALTER TABLE "images" ADD CONSTRAINT "images_provider_name_fkey" FOREIGN KEY ("provider_name") REFERENCES "provider_connections"("name") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_provider_name_fkey" FOREIGN KEY ("provider_name") REFERENCES "provider_connections"("name") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_image_id_fkey" FOREIGN KEY ("image_id") REFERENCES "images"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Not expressible in the Prisma schema: at most one live (queued or running) job per dedupe key,
-- so two API replicas asked to sync the same provider at once create one job, not two.
CREATE UNIQUE INDEX "jobs_live_dedupe_key_key" ON "jobs"("dedupe_key") WHERE "state" IN ('queued', 'running');
