import { Injectable } from '@nestjs/common';
import type { FamilyVersion, Image, Prisma } from '../platform/persistence/generated/client';
import { PrismaService } from '../platform/persistence/prisma.service';

/**
 * The image a version is copied from: the image it was published from while
 * that is active, else any active copy of it (same sha256) one of its
 * placements holds, so a later placement (a target added, a repair) still
 * works after the original is gone.
 */
@Injectable()
export class VersionSource {
  constructor(private readonly prisma: PrismaService) {}

  async of(version: FamilyVersion, db: Prisma.TransactionClient = this.prisma): Promise<Image | null> {
    if (version.sourceImageId) {
      const source = await db.image.findUnique({ where: { id: version.sourceImageId } });
      if (source?.status === 'active' && source.sha256 === version.sha256) return source;
    }
    return db.image.findFirst({
      where: {
        sha256: version.sha256,
        status: 'active',
        placements: { some: { versionId: version.id, status: 'active' } },
      },
      orderBy: { firstSeenAt: 'asc' },
    });
  }
}
