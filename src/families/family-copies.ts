import { Injectable, Logger } from '@nestjs/common';
import { ImageChangesService } from '../catalogue/image-changes.service';
import { JobService } from '../jobs/job.service';
import type { Placement } from '../platform/persistence/generated/client';
import { PrismaService } from '../platform/persistence/prisma.service';

/**
 * What a family leaves at the providers when it stops keeping placements
 * (a target removed, the family deleted): their jobs are stopped, and with
 * `deleteImages` the copies it made are deleted through the catalogue's own
 * delete (ImageChangesService: the provider first, then the row). Only copies
 * its replications registered go: never the image a version was published
 * from, an identical image it reused, nor one another placement still keeps.
 */
@Injectable()
export class FamilyCopies {
  private readonly logger = new Logger(FamilyCopies.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly images: ImageChangesService,
    private readonly jobs: JobService,
  ) {}

  /** Cancels the placements' queued or running jobs, so none of them registers a copy after this. */
  async stopJobs(placements: readonly Placement[]): Promise<void> {
    const ids = placements.map((p) => p.jobId).filter((id): id is string => id !== null);
    const live = (await this.jobs.findAll(ids)).filter((j) => j.state === 'queued' || j.state === 'running');
    for (const job of live) {
      await this.jobs.cancel(job.id).catch((error: unknown) => {
        this.logger.debug(`job ${job.id} had ended before its cancel: ${(error as Error).message}`);
      });
    }
  }

  /** Deletes the copies the placements' replications made; throws the provider's error when one cannot be deleted. */
  async delete(placements: readonly Placement[]): Promise<void> {
    const targetIds = placements.map((p) => p.replicationTargetId).filter((id): id is string => id !== null);
    if (targetIds.length === 0) return;
    const made = await this.prisma.replicationTarget.findMany({
      where: { id: { in: targetIds }, reused: false, imageId: { not: null } },
      select: { imageId: true },
    });
    const imageIds = [...new Set(made.map((t) => t.imageId!))];
    // The placements being let go are `removed` (or deleted with their family) by now.
    const keptElsewhere = await this.prisma.placement.findMany({
      where: { imageId: { in: imageIds }, status: { not: 'removed' } },
      select: { imageId: true },
    });
    const kept = new Set(keptElsewhere.map((p) => p.imageId));
    const images = await this.prisma.image.findMany({
      where: { id: { in: imageIds.filter((id) => !kept.has(id)) }, status: { not: 'deleted' } },
      select: { id: true },
    });
    for (const image of images) await this.images.delete(image.id);
  }
}
