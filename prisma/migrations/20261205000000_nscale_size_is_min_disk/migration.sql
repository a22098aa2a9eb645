-- nscale's spec.sizeGiB is the minimum disk an image needs, not its file size
-- (seed 002). Earlier syncs stored sizeGiB × 2^30 as size_bytes, and a sync
-- keeps a size the provider does not report, so the wrong value is cleared here.
UPDATE "images" SET "size_bytes" = NULL WHERE "provider_kind" = 'nscale';
