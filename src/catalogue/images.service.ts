import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../platform/errors/app.errors';
import type { Image, Prisma } from '../platform/persistence/generated/client';
import { isUuid } from '../platform/persistence/uuid';
import { PrismaService } from '../platform/persistence/prisma.service';
import { afterPosition, decodeCursor, encodeCursor, type CursorColumn } from '../platform/pagination/keyset-cursor';
import type { ImageDto, ImageListDto } from './dto/image.dto';
import type { ImageSortField, ListImagesQuery } from './dto/list-images.query';
import { KIND_TO_DB, presentImage } from './image.presenter';

const SORT_COLUMNS: Record<ImageSortField, { column: string } & CursorColumn> = {
  name: { column: 'name', kind: 'text', nullable: true },
  createdAt: { column: 'createdAt', kind: 'timestamp', nullable: true },
  updatedAt: { column: 'updatedAt', kind: 'timestamp', nullable: true },
  sizeBytes: { column: 'sizeBytes', kind: 'int64', nullable: true },
  provider: { column: 'providerName', kind: 'text', nullable: false },
};

const ci = (value: string) => ({ equals: value, mode: 'insensitive' as const });

/** Reads of the normalized catalogue. */
@Injectable()
export class ImagesService {
  constructor(private readonly prisma: PrismaService) {}

  async list(query: ListImagesQuery): Promise<ImageListDto> {
    const sort = query.sort ?? 'name';
    const descending = sort.startsWith('-');
    const field = (descending ? sort.slice(1) : sort) as ImageSortField;
    const { column, nullable } = SORT_COLUMNS[field];
    const limit = query.limit ?? 50;

    const where: Prisma.ImageWhereInput[] = [this.filters(query)];
    if (query.cursor) {
      const position = decodeCursor(query.cursor, sort, SORT_COLUMNS[field]);
      where.push(afterPosition(column, descending, nullable, position.value, position.id));
    }
    const direction = descending ? 'desc' : 'asc';
    const rows = await this.prisma.image.findMany({
      where: { AND: where },
      orderBy: [{ [column]: nullable ? { sort: direction, nulls: 'last' } : direction }, { id: 'asc' }],
      take: limit + 1,
    });
    const page = rows.slice(0, limit);
    const lastSync = await this.lastSyncTimes(page.map((r) => r.providerName));
    const last = page[page.length - 1];
    return {
      items: page.map((row) => presentImage(row, lastSync.get(row.providerName) ?? null)),
      nextCursor:
        rows.length > limit && last
          ? encodeCursor({ sort, value: toCursorValue(last[column as keyof typeof last]), id: last.id })
          : null,
    };
  }

  async get(id: string): Promise<ImageDto> {
    const row = await this.row(id);
    const lastSync = await this.lastSyncTimes([row.providerName]);
    return presentImage(row, lastSync.get(row.providerName) ?? null);
  }

  /** The catalogue row of an image, or the 404 that names the id. The one lookup every image route uses. */
  async row(id: string): Promise<Image> {
    const row = isUuid(id) ? await this.prisma.image.findUnique({ where: { id } }) : null;
    if (!row) throw new NotFoundError(`No image has the id '${id}'`);
    return row;
  }

  private filters(q: ListImagesQuery): Prisma.ImageWhereInput {
    return {
      providerName: q.provider,
      region: q.region,
      kind: q.kind ? (KIND_TO_DB[q.kind] as Prisma.ImageWhereInput['kind']) : undefined,
      status: q.status ? (q.status as Prisma.EnumImageStatusNullableFilter['equals']) : undefined,
      // `<> 'deleted'` alone would also drop images whose status is unknown (null).
      OR: q.status ? undefined : [{ status: null }, { status: { not: 'deleted' } }],
      visibility: q.visibility as Prisma.ImageWhereInput['visibility'],
      osDistro: q.osDistro ? ci(q.osDistro) : undefined,
      osVersion: q.osVersion,
      architecture: q.architecture ? ci(q.architecture) : undefined,
      gpuVendor: q.gpuVendor ? ci(q.gpuVendor) : undefined,
      gpuModels: q.gpuModel ? { has: q.gpuModel.toUpperCase() } : undefined,
      tags: q.tag ? { has: q.tag } : undefined,
      name: q.q ? { contains: q.q, mode: 'insensitive' } : undefined,
    };
  }

  private async lastSyncTimes(providers: string[]): Promise<Map<string, Date | null>> {
    if (providers.length === 0) return new Map();
    const rows = await this.prisma.providerConnection.findMany({
      where: { name: { in: [...new Set(providers)] } },
      select: { name: true, lastSyncAt: true },
    });
    return new Map(rows.map((r) => [r.name, r.lastSyncAt]));
  }
}

function toCursorValue(value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  return value as string | number;
}
