import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../platform/errors/app.errors';
import type { Family, FamilyVersion, Prisma } from '../platform/persistence/generated/client';
import { PrismaService } from '../platform/persistence/prisma.service';
import { FAMILY_NAME_PATTERN } from './dto/family.dto';
import { VERSION_PATTERN } from './dto/publish-version.dto';

/**
 * Finds a family or a version by the names the routes carry, or answers 404
 * naming what is missing. Reads only: each families table has its own writer
 * (docs/architecture.md).
 */
@Injectable()
export class FamilyLookup {
  constructor(private readonly prisma: PrismaService) {}

  async family(name: string, db: Prisma.TransactionClient = this.prisma): Promise<Family> {
    // A name no family can have (a NUL, say) names nothing: 404 without a query PostgreSQL would refuse.
    const family = FAMILY_NAME_PATTERN.test(name) ? await db.family.findUnique({ where: { name } }) : null;
    if (!family) throw new NotFoundError(`No family is named '${name}'`);
    return family;
  }

  async version(
    familyName: string,
    version: string,
    db: Prisma.TransactionClient = this.prisma,
  ): Promise<{ family: Family; version: FamilyVersion }> {
    const family = await this.family(familyName, db);
    const row = VERSION_PATTERN.test(version)
      ? await db.familyVersion.findUnique({ where: { familyId_version: { familyId: family.id, version } } })
      : null;
    if (!row) throw new NotFoundError(`Family '${familyName}' has no version '${version}'`);
    return { family, version: row };
  }
}
