import type { Family, FamilyTarget } from '../platform/persistence/generated/client';
import type { FamilyDto, FamilyGpuDto, FamilyOsDto } from './dto/family.dto';

/** A family as the API shows it, its targets in their order. */
export function presentFamily(family: Family, targets: readonly FamilyTarget[]): FamilyDto {
  return {
    name: family.name,
    description: family.description,
    os: (family.os as FamilyOsDto | null) ?? null,
    gpu: (family.gpu as FamilyGpuDto | null) ?? null,
    targets: [...targets]
      .sort((a, b) => a.position - b.position)
      .map((t) => ({ provider: t.providerName, region: t.region === '' ? null : t.region })),
    onDrift: family.onDrift,
    createdAt: family.createdAt.toISOString(),
    updatedAt: family.updatedAt.toISOString(),
  };
}
