import type { Image } from '../platform/persistence/generated/client';
import { IMAGE_VISIBILITIES, type ImageVisibility } from '../providers/port/normalized-image';
import type { CreateImageSpec } from '../providers/port/provider-writes';

/** What a replication target gives in place of the source's own values; stored with the target. */
export interface CopyOverrides {
  name?: string;
  visibility?: ImageVisibility;
  os?: { type?: string; distro?: string; version?: string; architecture?: string };
}

/** A target row's stored overrides, read back defensively (jsonb). */
export function readOverrides(value: unknown): CopyOverrides {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  const raw = value as Record<string, unknown>;
  const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const os = raw.os !== null && typeof raw.os === 'object' ? (raw.os as Record<string, unknown>) : undefined;
  const visibility = (IMAGE_VISIBILITIES as readonly unknown[]).includes(raw.visibility)
    ? (raw.visibility as ImageVisibility)
    : undefined;
  return {
    name: text(raw.name),
    visibility,
    os: os && {
      type: text(os.type),
      distro: text(os.distro),
      version: text(os.version),
      architecture: text(os.architecture),
    },
  };
}

/**
 * The copy of `source` a target registers: the source's own fields, each
 * override in place of its own (an os override field by field), private
 * unless the target asks otherwise. One builder for the preflight in the
 * request and the register in the job, so both check the same spec.
 */
export function copySpec(
  source: Image,
  region: string,
  overrides: CopyOverrides,
  bytes: { sizeBytes: number | null; sha256: string | null },
): CreateImageSpec {
  return {
    name: overrides.name ?? source.name ?? `replica-of-${source.id}`,
    region,
    diskFormat: source.diskFormat,
    containerFormat: source.containerFormat,
    visibility: overrides.visibility ?? 'private',
    minDiskGiB: source.minDiskGiB,
    minRamMiB: source.minRamMiB,
    protected: null,
    tags: source.tags,
    properties: { replicated_from: source.id },
    os: {
      type: overrides.os?.type ?? source.osType,
      distro: overrides.os?.distro ?? source.osDistro,
      version: overrides.os?.version ?? source.osVersion,
      architecture: overrides.os?.architecture ?? source.architecture,
    },
    sizeBytes: bytes.sizeBytes,
    sha256: bytes.sha256,
  };
}
