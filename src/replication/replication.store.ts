import { Injectable } from '@nestjs/common';
import type { Image, Prisma, Replication, ReplicationTarget } from '../platform/persistence/generated/client';
import { PrismaService } from '../platform/persistence/prisma.service';
import type { SourceInStaging } from '../uploads/upload-lifecycle';
import type { CopyOverrides } from './copy-spec';

export type TargetWithSource = ReplicationTarget & { replication: Replication & { sourceImage: Image } };

/**
 * The one writer of `replications` and `replication_targets`: the API
 * creates and retries through it, the worker records each target's copy and
 * the replication's shared source through it. Where a write must see the
 * others' (a release counting the targets still holding the source, a retry
 * adding one back), it takes the replication's row lock.
 */
@Injectable()
export class ReplicationStore {
  constructor(private readonly prisma: PrismaService) {}

  /** @param db the caller's transaction, when the replication must commit with its rows (a family's placements). */
  create(
    sourceImageId: string,
    targets: Array<{ provider: string; region: string; overrides: CopyOverrides }>,
    db: Prisma.TransactionClient = this.prisma,
  ): Promise<Replication & { targets: ReplicationTarget[] }> {
    return db.replication.create({
      data: {
        sourceImageId,
        targets: {
          create: targets.map((t, position) => ({
            position,
            providerName: t.provider,
            region: t.region,
            overrides: t.overrides as Prisma.InputJsonObject,
          })),
        },
      },
      include: { targets: true },
    });
  }

  find(replicationId: string, db: Prisma.TransactionClient = this.prisma): Promise<Replication | null> {
    return db.replication.findUnique({ where: { id: replicationId } });
  }

  findWithTargets(replicationId: string): Promise<(Replication & { targets: ReplicationTarget[] }) | null> {
    return this.prisma.replication.findUnique({
      where: { id: replicationId },
      include: { targets: { orderBy: { position: 'asc' } } },
    });
  }

  idsOf(sourceImageId: string): Promise<Array<{ id: string }>> {
    return this.prisma.replication.findMany({
      where: { sourceImageId },
      orderBy: { createdAt: 'desc' },
      take: 100,
      select: { id: true },
    });
  }

  findTarget(targetId: string, db: Prisma.TransactionClient = this.prisma): Promise<ReplicationTarget | null> {
    return db.replicationTarget.findUnique({ where: { id: targetId } });
  }

  /** The target, its row locked for the rest of `tx`: two requeues of one target run one after the other. */
  async lockTarget(tx: Prisma.TransactionClient, targetId: string): Promise<ReplicationTarget | null> {
    await tx.$queryRaw`SELECT id FROM replication_targets WHERE id = ${targetId}::uuid FOR UPDATE`;
    return tx.replicationTarget.findUnique({ where: { id: targetId } });
  }

  findTargetWithSource(targetId: string): Promise<TargetWithSource | null> {
    return this.prisma.replicationTarget.findUnique({
      where: { id: targetId },
      include: { replication: { include: { sourceImage: true } } },
    });
  }

  findTargetOf(sourceImageId: string, replicationId: string, targetId: string): Promise<ReplicationTarget | null> {
    return this.prisma.replicationTarget.findFirst({
      where: { id: targetId, replicationId, replication: { sourceImageId } },
    });
  }

  /**
   * Hands the target to its new job, which needs the replication's staged
   * source again (downloaded again if the last target removed it); under the
   * lock a release takes, so a release never counts this target without its
   * new job. A retry is asked because the source may be right now: its
   * recorded failure is forgotten, for it to be downloaded and checked again.
   */
  async assignJob(target: ReplicationTarget, jobId: string): Promise<void> {
    await this.prisma.$transaction((tx) => this.assignJobWithin(tx, target, jobId));
  }

  /** assignJob inside the caller's transaction (the job was created in it too). */
  async assignJobWithin(tx: Prisma.TransactionClient, target: ReplicationTarget, jobId: string): Promise<void> {
    await tx.$queryRaw`SELECT id FROM replications WHERE id = ${target.replicationId}::uuid FOR UPDATE`;
    await tx.replicationTarget.update({ where: { id: target.id }, data: { jobId, sourceReleased: false } });
    await tx.replication.update({ where: { id: target.replicationId }, data: { sourceFailure: null } });
  }

  /** The target's copy: registered by its job (`reused` false), or an identical image found there. */
  async recordCopy(targetId: string, imageId: string, reused?: boolean): Promise<void> {
    await this.prisma.replicationTarget.update({
      where: { id: targetId },
      data: reused === undefined ? { imageId } : { imageId, reused },
    });
  }

  /**
   * Marks the target's hold on the shared source released by job `jobId`
   * (only the target's latest job speaks for it) and, when no target holds it
   * any more, forgets the source and returns its key for the caller to remove.
   */
  releaseSource(replicationId: string, targetId: string, jobId: string): Promise<string | null> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM replications WHERE id = ${replicationId}::uuid FOR UPDATE`;
      // Only the target's latest job speaks for it: a late settle of a job the target was retried from does not.
      const released = await tx.replicationTarget.updateMany({
        where: { id: targetId, jobId },
        data: { sourceReleased: true },
      });
      if (released.count === 0) return null;
      const [{ holding }] = await tx.$queryRaw<Array<{ holding: bigint }>>`
        SELECT count(*) AS holding FROM replication_targets t JOIN jobs j ON j.id = t.job_id
        WHERE t.replication_id = ${replicationId}::uuid AND NOT t.source_released
          AND j.state IN ('queued', 'running')`;
      if (Number(holding) > 0) return null;
      const replication = await tx.replication.findUnique({ where: { id: replicationId } });
      if (!replication?.sourceKey) return null;
      await tx.replication.update({
        where: { id: replicationId },
        data: { sourceKey: null, sourceSizeBytes: null, sourceSha256: null, sourceSha512: null, sourceMd5: null },
      });
      return replication.sourceKey;
    });
  }

  /** Why the downloaded source failed its check, for the targets waiting for it. */
  async recordSourceFailure(replicationId: string, message: string): Promise<void> {
    await this.prisma.replication.update({ where: { id: replicationId }, data: { sourceFailure: message } });
  }

  /** Records the staged source if the record is still `expectedKey` (what the caller last read); false otherwise. */
  async recordSource(replicationId: string, expectedKey: string | null, source: SourceInStaging): Promise<boolean> {
    const recorded = await this.prisma.replication.updateMany({
      where: { id: replicationId, sourceKey: expectedKey },
      data: {
        sourceKey: source.key,
        sourceSizeBytes: BigInt(source.digest.sizeBytes),
        sourceSha256: source.digest.sha256,
        sourceSha512: source.digest.sha512,
        sourceMd5: source.digest.md5,
      },
    });
    return recorded.count === 1;
  }
}
