-- CreateEnum
CREATE TYPE "UploadState" AS ENUM ('receiving', 'staged', 'pushing', 'completed', 'failed', 'cancelled');

-- AlterTable
ALTER TABLE "jobs" ADD COLUMN "checkpoint" JSONB;

-- CreateTable
CREATE TABLE "uploads" (
    "id" UUID NOT NULL,
    "image_id" UUID NOT NULL,
    "state" "UploadState" NOT NULL DEFAULT 'receiving',
    "staging_key" TEXT NOT NULL,
    "multipart_upload_id" TEXT,
    "part_size_bytes" INTEGER,
    "size_bytes" BIGINT,
    "sha256" TEXT,
    "sha512" TEXT,
    "md5" TEXT,
    "job_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "uploads_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "upload_parts" (
    "upload_id" UUID NOT NULL,
    "part_number" INTEGER NOT NULL,
    "etag" TEXT NOT NULL,
    "size_bytes" BIGINT NOT NULL,
    CONSTRAINT "upload_parts_pkey" PRIMARY KEY ("upload_id","part_number")
);

CREATE TABLE "idempotency_records" (
    "key_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "route" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "body" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "idempotency_records_pkey" PRIMARY KEY ("key_id","key")
);

-- CreateIndex
CREATE INDEX "uploads_image_id_idx" ON "uploads"("image_id");

-- AddForeignKey
ALTER TABLE "uploads" ADD CONSTRAINT "uploads_image_id_fkey" FOREIGN KEY ("image_id") REFERENCES "images"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "upload_parts" ADD CONSTRAINT "upload_parts_upload_id_fkey" FOREIGN KEY ("upload_id") REFERENCES "uploads"("id") ON DELETE CASCADE ON UPDATE CASCADE;
