import { Injectable } from '@nestjs/common';
import { afterPosition, decodeCursor, encodeCursor } from '../platform/pagination/keyset-cursor';
import { PrismaService } from '../platform/persistence/prisma.service';
import type { FamilyDto, FamilyListDto, ListFamiliesQuery } from './dto/family.dto';
import { FamilyLookup } from './family-lookup';
import { presentFamily } from './family.presenter';

/** Families as the API lists and shows them: by name, keyset-paged. */
@Injectable()
export class FamiliesReader {
  constructor(
    private readonly prisma: PrismaService,
    private readonly lookup: FamilyLookup,
  ) {}

  async get(name: string): Promise<FamilyDto> {
    const family = await this.lookup.family(name);
    const targets = await this.prisma.familyTarget.findMany({ where: { familyId: family.id } });
    return presentFamily(family, targets);
  }

  async list(query: ListFamiliesQuery): Promise<FamilyListDto> {
    const limit = query.limit ?? 50;
    const where = query.cursor
      ? (() => {
          const position = decodeCursor(query.cursor, 'name', { kind: 'text', nullable: false });
          return afterPosition('name', false, false, position.value, position.id);
        })()
      : {};
    const rows = await this.prisma.family.findMany({
      where,
      orderBy: [{ name: 'asc' }, { id: 'asc' }],
      take: limit + 1,
      include: { targets: true },
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((f) => presentFamily(f, f.targets)),
      nextCursor: rows.length > limit && last ? encodeCursor({ sort: 'name', value: last.name, id: last.id }) : null,
    };
  }
}
