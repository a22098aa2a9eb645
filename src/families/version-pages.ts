import { Injectable } from '@nestjs/common';
import { afterPosition, decodeCursor, encodeCursor } from '../platform/pagination/keyset-cursor';
import type { PageQuery } from '../platform/pagination/page.query';
import { PrismaService } from '../platform/persistence/prisma.service';
import type { FamilyVersionListDto } from './dto/family-version.dto';
import { FamilyLookup } from './family-lookup';
import { FamilyVersionReader } from './family-version.reader';

/** A family's versions, newest first, keyset-paged, each with its placements. */
@Injectable()
export class VersionPages {
  constructor(
    private readonly prisma: PrismaService,
    private readonly lookup: FamilyLookup,
    private readonly reader: FamilyVersionReader,
  ) {}

  async list(familyName: string, query: PageQuery): Promise<FamilyVersionListDto> {
    const family = await this.lookup.family(familyName);
    const limit = query.limit ?? 50;
    const after = query.cursor
      ? (() => {
          const position = decodeCursor(query.cursor, '-createdAt', { kind: 'timestamp', nullable: false });
          return afterPosition('createdAt', true, false, position.value, position.id);
        })()
      : {};
    const rows = await this.prisma.familyVersion.findMany({
      where: { AND: [{ familyId: family.id }, after] },
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      take: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: await this.reader.describeMany(family, page),
      nextCursor:
        rows.length > limit && last
          ? encodeCursor({ sort: '-createdAt', value: last.createdAt.toISOString(), id: last.id })
          : null,
    };
  }

  async get(familyName: string, version: string) {
    const found = await this.lookup.version(familyName, version);
    return this.reader.describe(found.family, found.version);
  }
}
