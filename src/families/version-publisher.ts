import { Injectable } from '@nestjs/common';
import { ImagesService } from '../catalogue/images.service';
import { JobService } from '../jobs/job.service';
import { ConflictError, UnprocessableError } from '../platform/errors/app.errors';
import { PrismaService } from '../platform/persistence/prisma.service';
import type { FamilyVersionDto } from './dto/family-version.dto';
import type { PublishVersionDto } from './dto/publish-version.dto';
import { FamiliesCacheVersion } from './families-cache-version';
import { lockFamily } from './family-lock';
import { FamilyLookup } from './family-lookup';
import { refuseChangedTargets } from './family-targets-guard';
import { FamilyVersionReader } from './family-version.reader';
import { PlacementPlanner } from './placement-planner';
import { versionSubject } from './placement-events';
import { isUniqueViolation } from './unique-violation';

/**
 * Publishes a version: an active broker image with a sha256 becomes version
 * `version` of the family, identified by that sha256, and is placed on every
 * target. Everything a target would refuse is a 422 before any outbound call
 * or row; the version, its placements, the replication with its jobs and the
 * `version.published` event then commit in one transaction.
 */
@Injectable()
export class VersionPublisher {
  constructor(
    private readonly prisma: PrismaService,
    private readonly jobs: JobService,
    private readonly lookup: FamilyLookup,
    private readonly images: ImagesService,
    private readonly planner: PlacementPlanner,
    private readonly reader: FamilyVersionReader,
    private readonly cache: FamiliesCacheVersion,
  ) {}

  async publish(familyName: string, body: PublishVersionDto, publishedBy: string | null): Promise<FamilyVersionDto> {
    const family = await this.lookup.family(familyName);
    const source = await this.images.row(body.imageId);
    if (source.status !== 'active' || !source.sha256) {
      const why = source.status !== 'active' ? `is ${source.status ?? 'in an unknown state'}` : 'has no sha256';
      throw new UnprocessableError(
        `Image '${source.id}' ${why}; a version is published from an active image with a sha256`,
        [{ field: 'imageId', message: `${why}; only an active image with a sha256 can be published` }],
      );
    }
    await this.refuseDuplicate(family.id, body.version, source.sha256, familyName);

    const targetRows = await this.prisma.familyTarget.findMany({
      where: { familyId: family.id },
      orderBy: { position: 'asc' },
    });
    const targets = targetRows.map((t) => ({ provider: t.providerName, region: t.region }));
    const problems = await this.planner.problems(family, source, targets, (i) => `targets[${i}]`);
    if (problems.length > 0) {
      throw new UnprocessableError(
        `Family '${familyName}' has targets that cannot take this image: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`,
        problems,
      );
    }

    try {
      const version = await this.jobs.transaction(async (tx, createJob) => {
        // In line with PATCHes and deletes of this family: the targets checked above are the ones placed on.
        await lockFamily(tx, familyName);
        await refuseChangedTargets(tx, family, targetRows);
        const row = await tx.familyVersion.create({
          data: {
            familyId: family.id,
            version: body.version,
            sha256: source.sha256!,
            sizeBytes: source.sizeBytes,
            sourceImageId: source.id,
            publishedBy,
          },
        });
        // version.published leads: a target that already holds the image is active at once, and says so after it.
        await this.planner.placeWithin(tx, createJob, family, row, source, targets, (placements) => [
          {
            type: 'version.published',
            subject: versionSubject(family, row),
            orderingKey: family.name,
            data: {
              family: family.name,
              version: row.version,
              sha256: row.sha256,
              sizeBytes: row.sizeBytes === null ? null : Number(row.sizeBytes),
              imageId: source.id,
              publishedBy,
              placements: placements.map((p) => ({
                id: p.id,
                provider: p.providerName,
                region: p.region === '' ? null : p.region,
                status: p.status,
                jobId: p.jobId,
              })),
            },
          },
        ]);
        return row;
      });
      // A new version, with placements already active where a target holds its image: resolve answers anew.
      await this.cache.bump();
      return this.reader.describe(family, version);
    } catch (error) {
      if (isUniqueViolation(error)) {
        await this.refuseDuplicate(family.id, body.version, source.sha256, familyName);
        throw new ConflictError(`Family '${familyName}' already has version '${body.version}' or that image`);
      }
      throw error;
    }
  }

  /** 409 naming the version that already holds this version string or this sha256. */
  private async refuseDuplicate(familyId: string, version: string, sha256: string, familyName: string): Promise<void> {
    const existing = await this.prisma.familyVersion.findFirst({
      where: { familyId, OR: [{ version }, { sha256 }] },
    });
    if (!existing) return;
    if (existing.version === version)
      throw new ConflictError(`Family '${familyName}' already has a version '${version}'`);
    throw new ConflictError(
      `Family '${familyName}' already has this image (sha256 ${sha256}) as version '${existing.version}'`,
    );
  }
}
