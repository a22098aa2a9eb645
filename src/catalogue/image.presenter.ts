import type { Image } from '../platform/persistence/generated/client';
import type { ImageKind } from '../providers/port/normalized-image';
import type { ImageDto } from './dto/image.dto';

const KIND_FROM_DB: Record<string, ImageKind> = {
  base_os: 'base-os',
  cloud_image: 'cloud-image',
  preconfigured: 'preconfigured',
  snapshot: 'snapshot',
  custom: 'custom',
};

export const KIND_TO_DB: Record<string, string> = Object.fromEntries(
  Object.entries(KIND_FROM_DB).map(([db, api]) => [api, db]),
);

/**
 * A catalogue row as the API shows it. `lastSyncAt` is the provider's last
 * successful sync: it confirms every row that sync did not need to rewrite.
 */
export function presentImage(row: Image, lastSyncAt: Date | null): ImageDto {
  const confirmed =
    row.status !== 'deleted' && lastSyncAt && (!row.syncedAt || lastSyncAt > row.syncedAt) ? lastSyncAt : row.syncedAt;
  return {
    id: row.id,
    provider: row.providerName,
    providerKind: row.providerKind,
    region: row.region === '' ? null : row.region,
    nativeId: row.nativeId,
    name: row.name,
    kind: row.kind ? KIND_FROM_DB[row.kind] : null,
    visibility: row.visibility,
    status: row.status,
    nativeStatus: row.nativeStatus,
    os: {
      type: row.osType,
      family: row.osFamily,
      distro: row.osDistro,
      version: row.osVersion,
      codename: row.osCodename,
      architecture: row.architecture,
    },
    gpu: row.gpu ? { vendor: row.gpuVendor, driver: row.gpuDriver, models: row.gpuModels } : null,
    softwareVersions: (row.softwareVersions as Record<string, string> | null) ?? null,
    sizeBytes: row.sizeBytes === null ? null : Number(row.sizeBytes),
    minDiskGiB: row.minDiskGiB,
    minRamMiB: row.minRamMiB,
    diskFormat: row.diskFormat,
    containerFormat: row.containerFormat,
    checksums: { md5: row.md5, sha256: row.sha256, sha512: row.sha512 },
    tags: row.tags,
    properties: (row.properties as Record<string, unknown>) ?? {},
    versions: (row.versions as unknown[] | null) ?? null,
    protected: row.protected,
    createdAt: row.createdAt?.toISOString() ?? null,
    updatedAt: row.updatedAt?.toISOString() ?? null,
    syncedAt: confirmed?.toISOString() ?? null,
    portalSync: row.portalSync
      ? {
          state: row.portalSync,
          syncedAt: row.portalSyncedAt?.toISOString() ?? null,
          lastError: row.portalSyncError,
        }
      : null,
  };
}
