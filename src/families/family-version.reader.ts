import { Injectable } from '@nestjs/common';
import type { Family, FamilyVersion, Job, Placement } from '../platform/persistence/generated/client';
import { PrismaService } from '../platform/persistence/prisma.service';
import type { FamilyVersionDto, PlacementDto, PlacementStatusName } from './dto/family-version.dto';

/**
 * A version as the API shows it: its state, its channels and each placement
 * with the copy's native id and its job's error.
 *
 * A placement's stored status says what the broker decided (active, failed,
 * drifted, removed); while its job works, `pending` and `placing` follow the
 * job's own state (queued, running), so nobody writes a row per job step.
 */
@Injectable()
export class FamilyVersionReader {
  constructor(private readonly prisma: PrismaService) {}

  async describe(family: Family, version: FamilyVersion): Promise<FamilyVersionDto> {
    const [described] = await this.describeMany(family, [version]);
    return described;
  }

  async describeMany(family: Family, versions: readonly FamilyVersion[]): Promise<FamilyVersionDto[]> {
    if (versions.length === 0) return [];
    const placements = await this.prisma.placement.findMany({
      where: { versionId: { in: versions.map((v) => v.id) } },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    const jobIds = placements.map((p) => p.jobId).filter((id): id is string => id !== null);
    const imageIds = placements.map((p) => p.imageId).filter((id): id is string => id !== null);
    const [jobs, images, channels] = await Promise.all([
      this.prisma.job.findMany({ where: { id: { in: jobIds } } }),
      this.prisma.image.findMany({ where: { id: { in: imageIds } }, select: { id: true, nativeId: true } }),
      this.prisma.familyChannel.findMany({ where: { familyId: family.id }, orderBy: { name: 'asc' } }),
    ]);
    const jobById = new Map(jobs.map((j) => [j.id, j]));
    const nativeIdOf = new Map(images.map((i) => [i.id, i.nativeId]));
    return versions.map((version) => ({
      family: family.name,
      version: version.version,
      sha256: version.sha256,
      sizeBytes: version.sizeBytes === null ? null : Number(version.sizeBytes),
      sourceImageId: version.sourceImageId,
      state: version.state,
      stateAt: version.stateAt.toISOString(),
      replacement: version.replacement,
      scheduled:
        version.scheduledState && version.scheduledAt
          ? { state: version.scheduledState, at: version.scheduledAt.toISOString() }
          : null,
      channels: channels.filter((c) => c.version === version.version).map((c) => c.name),
      placements: placements
        .filter((p) => p.versionId === version.id)
        .map((p) => presentPlacement(p, p.jobId ? jobById.get(p.jobId) : undefined, nativeIdOf)),
      createdAt: version.createdAt.toISOString(),
    }));
  }
}

export function placementStatus(placement: Placement, job: Job | undefined): PlacementStatusName {
  if (placement.status === 'pending' && job?.state === 'running') return 'placing';
  return placement.status;
}

function presentPlacement(
  placement: Placement,
  job: Job | undefined,
  nativeIdOf: ReadonlyMap<string, string>,
): PlacementDto {
  const errorCode = placement.errorCode ?? null;
  return {
    id: placement.id,
    provider: placement.providerName,
    region: placement.region === '' ? null : placement.region,
    imageId: placement.imageId,
    nativeId: placement.imageId ? (nativeIdOf.get(placement.imageId) ?? null) : null,
    status: placementStatus(placement, job),
    jobId: placement.jobId,
    error: errorCode ? { code: errorCode, message: placement.errorMessage ?? '' } : null,
    updatedAt: placement.updatedAt.toISOString(),
  };
}
