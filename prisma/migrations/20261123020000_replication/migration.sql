-- CreateTable
CREATE TABLE "replications" (
    "id" UUID NOT NULL,
    "source_image_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "replications_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "replication_targets" (
    "id" UUID NOT NULL,
    "replication_id" UUID NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "provider_name" TEXT NOT NULL,
    "region" TEXT NOT NULL DEFAULT '',
    "image_id" UUID,
    "job_id" UUID,
    "reused" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "replication_targets_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "replications_source_image_id_idx" ON "replications"("source_image_id");
CREATE INDEX "replication_targets_replication_id_idx" ON "replication_targets"("replication_id");

-- AddForeignKey
ALTER TABLE "replications" ADD CONSTRAINT "replications_source_image_id_fkey" FOREIGN KEY ("source_image_id") REFERENCES "images"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "replication_targets" ADD CONSTRAINT "replication_targets_replication_id_fkey" FOREIGN KEY ("replication_id") REFERENCES "replications"("id") ON DELETE CASCADE ON UPDATE CASCADE;
