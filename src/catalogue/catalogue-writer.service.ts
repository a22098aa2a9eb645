import { Injectable, Logger } from '@nestjs/common';
import type { Prisma } from '../platform/persistence/generated/client';
import { PrismaService } from '../platform/persistence/prisma.service';
import type { NormalizedImage } from '../providers/port/normalized-image';
import { imageEventsInsert } from './catalogue-change-events';
import { type CatalogueChange, CatalogueChangeListeners } from './catalogue-change-listeners';
import { databaseRefusal } from './database-refusal';
import { imageContentHash } from './image-content-hash';
import { deterministicImageId } from './image-id';
import { findUnstorableValue } from './storable-image';

/** Columns written by a sync, in the order of the VALUES tuples below. */
const COLUMNS = [
  'id',
  'provider_name',
  'provider_kind',
  'region',
  'native_id',
  'name',
  'kind',
  'visibility',
  'status',
  'native_status',
  'os_type',
  'os_family',
  'os_distro',
  'os_version',
  'os_codename',
  'architecture',
  'gpu',
  'gpu_vendor',
  'gpu_driver',
  'gpu_models',
  'software_versions',
  'size_bytes',
  'min_disk_gib',
  'min_ram_mib',
  'disk_format',
  'container_format',
  'md5',
  'sha256',
  'sha512',
  'tags',
  'properties',
  'versions',
  'protected',
  'created_at',
  'updated_at',
  'synced_at',
  'native',
  'content_hash',
] as const;

const CASTS: Partial<Record<(typeof COLUMNS)[number], string>> = {
  id: 'uuid',
  kind: '"ImageKind"',
  visibility: '"ImageVisibility"',
  status: '"ImageStatus"',
  gpu: 'boolean',
  gpu_models: 'text[]',
  software_versions: 'jsonb',
  size_bytes: 'bigint',
  min_disk_gib: 'integer',
  min_ram_mib: 'integer',
  tags: 'text[]',
  properties: 'jsonb',
  versions: 'jsonb',
  protected: 'boolean',
  created_at: 'timestamptz',
  updated_at: 'timestamptz',
  synced_at: 'timestamptz',
  native: 'jsonb',
};

/**
 * Known facts a provider may not report: a declared or verified sha256 and
 * size stay until the provider states its own value.
 */
const KEEP_WHEN_UNREPORTED = new Set(['sha256', 'size_bytes']);

/**
 * The same for a status the broker recorded (pending after a register, active
 * after an upload the provider confirmed) where the provider's item has no
 * status field at all (FPT's custom-image list is not documented to carry
 * one): kept until the provider states one. An image the catalogue holds as
 * deleted that is listed again is no longer deleted, whatever it states.
 */
const KEEP_STATUS_WHEN_UNREPORTED =
  `"status" = CASE WHEN EXCLUDED."status" IS NULL AND EXCLUDED."native_status" IS NULL ` +
  `AND images."status" IS DISTINCT FROM 'deleted' THEN images."status" ELSE EXCLUDED."status" END`;

/** Rows per INSERT: 38 parameters each stays far below PostgreSQL's 65,535. */
export const WRITE_BATCH_SIZE = 500;

/** A vanishing sync of a whole large provider writes every row and its event in one transaction. */
const VANISH_TRANSACTION_TIMEOUT_MS = 120_000;

/**
 * A sync batch's transaction: Prisma's defaults (2 s to get a connection, 5 s
 * to finish) would fail a sync on a busy pool or a slow listener; a batch
 * written as one bare statement, as before it had listeners, had no such bound.
 */
const SYNC_TRANSACTION = { maxWait: 30_000, timeout: 60_000 } as const;

/** A row a sync statement changed, as RETURNING gives it. */
interface ChangedRow {
  id: string;
  region: string;
  native_id: string;
  sha256: string | null;
  kind: 'appeared' | 'changed' | 'vanished';
  previous_sha256: string | null;
}

/** An upstream image a sync did not write, and why (public text: no database internals). */
export interface SkippedRow {
  image: NormalizedImage;
  field: string | null;
  reason: string;
}

export interface SyncBatchOutcome {
  written: number;
  skipped: SkippedRow[];
}

/**
 * Writes what a sync read into the catalogue. One statement per batch; a row
 * whose content hash is unchanged is not touched, so re-syncing an unchanged
 * provider writes nothing. What a sync changed (appeared, changed, vanished)
 * is recorded in the event feed and told to CatalogueChangeListeners in the
 * transaction that writes the rows.
 */
@Injectable()
export class CatalogueWriter {
  private readonly logger = new Logger(CatalogueWriter.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly listeners: CatalogueChangeListeners,
  ) {}

  /**
   * Writes one batch of a sync, never failing it for one bad row: a row with a
   * value PostgreSQL cannot hold is left out before the write, and should the
   * database still refuse the batch's data, the rows are written one by one so
   * only the refused ones are left out. A failure that is not about the data
   * (the database unreachable) still fails the batch.
   */
  async writeSyncBatch(
    providerName: string,
    providerKind: string,
    images: NormalizedImage[],
    now: Date,
  ): Promise<SyncBatchOutcome> {
    const skipped: SkippedRow[] = [];
    const storable: NormalizedImage[] = [];
    for (const image of images) {
      const problem = findUnstorableValue(image);
      if (problem) skipped.push({ image, ...problem });
      else storable.push(image);
    }
    try {
      return { written: await this.upsertSyncBatch(providerName, providerKind, storable, now), skipped };
    } catch (error) {
      if (databaseRefusal(error) === null) throw error;
    }
    let written = 0;
    for (const image of storable) {
      try {
        written += await this.upsertSyncBatch(providerName, providerKind, [image], now);
      } catch (error) {
        const reason = databaseRefusal(error);
        if (reason === null) throw error;
        // The database's own words stay here, in the log; the job shows the public reason.
        this.logger.warn(
          `sync of '${providerName}': the database refused image '${image.nativeId}': ${(error as Error).message}`,
        );
        skipped.push({ image, field: null, reason });
      }
    }
    return { written, skipped };
  }

  /**
   * Upserts one batch outside a sync (a registration, an upload, a
   * replication: the broker's own writes); returns how many rows were
   * inserted or changed. Records no event: those writes record their own.
   */
  async upsertBatch(
    providerName: string,
    providerKind: string,
    images: NormalizedImage[],
    now: Date,
    db: Prisma.TransactionClient = this.prisma,
  ): Promise<number> {
    if (images.length === 0) return 0;
    const { insert, params } = upsertStatement(providerName, providerKind, images, now);
    return db.$executeRawUnsafe(insert, ...params);
  }

  /**
   * Upserts one batch of a sync and records what it changed, in one
   * transaction: one statement writes the rows, appends an event for each
   * changed one (its sha256 before read from the same snapshot) and returns
   * them for the listeners. An unchanged row is not returned: no event.
   */
  private async upsertSyncBatch(
    providerName: string,
    providerKind: string,
    images: NormalizedImage[],
    now: Date,
  ): Promise<number> {
    if (images.length === 0) return 0;
    const { insert, params } = upsertStatement(providerName, providerKind, images, now);
    const regions = params.length + 1;
    params.push(
      images.map((i) => i.region),
      images.map((i) => i.nativeId),
    );
    // $2 is the first row's provider_name: every row of a batch is the same provider's. The rows
    // replaced are found through the unique index (a join on unnest, not an IN list the planner scans).
    const sql = `WITH old AS (
        SELECT i.region, i.native_id, i.sha256, i.status
        FROM unnest($${regions}::text[], $${regions + 1}::text[]) AS k(region, native_id)
        JOIN images i ON i.provider_name = $2 AND i.region = k.region AND i.native_id = k.native_id
      ), up AS (${insert} RETURNING id, region, native_id, name, sha256),
      changed AS (
        SELECT up.id, up.region, up.native_id, up.name, up.sha256, old.sha256 AS previous_sha256,
          CASE WHEN old.region IS NULL OR old.status = 'deleted' THEN 'appeared' ELSE 'changed' END AS kind
        FROM up LEFT JOIN old ON old.region = up.region AND old.native_id = up.native_id
      ), recorded AS (${imageEventsInsert('$2')})
      SELECT id::text AS id, region, native_id, sha256, previous_sha256, kind FROM changed`;
    const { written, after } = await this.prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRawUnsafe<ChangedRow[]>(sql, ...params);
      return { written: rows.length, after: await this.listeners.notify(tx, changesOf(providerName, rows)) };
    }, SYNC_TRANSACTION);
    await this.listeners.committed(after);
    return written;
  }

  /**
   * Points a catalogue row at the provider's new registration of the same
   * image (a provider that frees an upload only with its registration). The
   * row keeps its broker id; it counts as first seen now, so a sync that
   * listed before the new registration existed does not judge it. A row a
   * sync already made of the new registration is folded into this one.
   */
  async replaceRegistration(db: Prisma.TransactionClient, imageId: string, image: NormalizedImage): Promise<void> {
    const [row] = await db.$queryRawUnsafe<Array<{ provider_name: string; provider_kind: string; region: string }>>(
      'SELECT provider_name, provider_kind, region FROM images WHERE id = $1::uuid FOR UPDATE',
      imageId,
    );
    if (!row) return;
    await db.$executeRawUnsafe(
      'DELETE FROM images WHERE provider_name = $1 AND region = $2 AND native_id = $3 AND id <> $4::uuid',
      row.provider_name,
      row.region,
      image.nativeId,
      imageId,
    );
    await db.$executeRawUnsafe(
      'UPDATE images SET native_id = $2, first_seen_at = clock_timestamp() WHERE id = $1::uuid',
      imageId,
      image.nativeId,
    );
    await this.upsertBatch(row.provider_name, row.provider_kind, [{ ...image, region: row.region }], new Date(), db);
  }

  /** Refreshes the planner's statistics of the images table (cheap; sampled). */
  async refreshStatistics(): Promise<void> {
    await this.prisma.$executeRawUnsafe('ANALYZE images');
  }

  /** The database's clock, which writes every row's first_seen_at: a sync's start is read from it. */
  async clock(): Promise<Date> {
    const [{ now }] = await this.prisma.$queryRawUnsafe<Array<{ now: Date }>>('SELECT clock_timestamp() AS now');
    return now;
  }

  /**
   * Marks as deleted every image of the provider that the finished listing did
   * not contain. Only called after a listing read to the end. An image the
   * catalogue first held after the sync began (registered through the broker
   * meanwhile) may be missing from a listing read before it existed, so it is
   * left for the next sync to judge.
   */
  async markVanished(providerName: string, seen: ReadonlySet<string>, syncStartedAt: Date): Promise<number> {
    const regions: string[] = [];
    const nativeIds: string[] = [];
    for (const key of seen) {
      const [region, nativeId] = splitSeenKey(key);
      regions.push(region);
      nativeIds.push(nativeId);
    }
    const { vanished, after } = await this.prisma.$transaction(
      async (tx) => {
        const rows = await tx.$queryRawUnsafe<ChangedRow[]>(
          `WITH changed AS (
             UPDATE images SET status = 'deleted', native_status = COALESCE(native_status, 'gone'), synced_at = $2
             WHERE provider_name = $1 AND status IS DISTINCT FROM 'deleted' AND first_seen_at < $2
               AND (region, native_id) NOT IN (SELECT * FROM unnest($3::text[], $4::text[]))
             RETURNING id, region, native_id, name, sha256, sha256 AS previous_sha256, 'vanished'::text AS kind
           ), recorded AS (${imageEventsInsert('$1')})
           SELECT id::text AS id, region, native_id, sha256, previous_sha256, kind FROM changed`,
          providerName,
          syncStartedAt,
          regions,
          nativeIds,
        );
        return { vanished: rows.length, after: await this.listeners.notify(tx, changesOf(providerName, rows)) };
      },
      { ...SYNC_TRANSACTION, timeout: VANISH_TRANSACTION_TIMEOUT_MS },
    );
    await this.listeners.committed(after);
    return vanished;
  }
}

/** What the listeners hear of the rows a sync statement changed. */
function changesOf(providerName: string, rows: readonly ChangedRow[]): CatalogueChange[] {
  return rows.map((row) => ({
    kind: row.kind,
    imageId: row.id,
    providerName,
    region: row.region,
    nativeId: row.native_id,
    sha256: row.kind === 'vanished' ? null : row.sha256,
    previousSha256: row.kind === 'appeared' ? null : row.previous_sha256,
  }));
}

export function seenKey(image: Pick<NormalizedImage, 'region' | 'nativeId'>): string {
  return `${image.region}\u0000${image.nativeId}`;
}

function splitSeenKey(key: string): [string, string] {
  const i = key.indexOf('\u0000');
  return [key.slice(0, i), key.slice(i + 1)];
}

/** The upsert of a batch: the INSERT … ON CONFLICT statement and its parameters. */
function upsertStatement(
  providerName: string,
  providerKind: string,
  images: NormalizedImage[],
  now: Date,
): { insert: string; params: unknown[] } {
  const params: unknown[] = [];
  const tuples = images.map((image) => {
    const values = rowValues(providerName, providerKind, image, now);
    const placeholders = values.map((v, i) => {
      params.push(v);
      const cast = CASTS[COLUMNS[i]];
      return cast ? `$${params.length}::${cast}` : `$${params.length}`;
    });
    return `(${placeholders.join(',')})`;
  });
  const updates = COLUMNS.filter((c) => c !== 'id' && c !== 'provider_name' && c !== 'region' && c !== 'native_id')
    .map((c) => {
      if (c === 'status') return KEEP_STATUS_WHEN_UNREPORTED;
      return KEEP_WHEN_UNREPORTED.has(c)
        ? `"${c}" = COALESCE(EXCLUDED."${c}", images."${c}")`
        : `"${c}" = EXCLUDED."${c}"`;
    })
    .join(', ');
  const insert = `INSERT INTO images (${COLUMNS.map((c) => `"${c}"`).join(',')}) VALUES ${tuples.join(',')}
      ON CONFLICT (provider_name, region, native_id) DO UPDATE SET ${updates}
      WHERE images.content_hash IS DISTINCT FROM EXCLUDED.content_hash`;
  return { insert, params };
}

function rowValues(providerName: string, providerKind: string, image: NormalizedImage, now: Date): unknown[] {
  const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));
  return [
    deterministicImageId(providerName, image.region, image.nativeId),
    providerName,
    providerKind,
    image.region,
    image.nativeId,
    image.name,
    image.kind,
    image.visibility,
    image.status,
    image.nativeStatus,
    image.os.type,
    image.os.family,
    image.os.distro,
    image.os.version,
    image.os.codename,
    image.os.architecture,
    image.gpu !== null,
    image.gpu?.vendor ?? null,
    image.gpu?.driver ?? null,
    image.gpu?.models ?? [],
    json(image.softwareVersions),
    image.sizeBytes === null ? null : String(image.sizeBytes),
    image.minDiskGiB,
    image.minRamMiB,
    image.diskFormat,
    image.containerFormat,
    image.checksums.md5,
    image.checksums.sha256,
    image.checksums.sha512,
    image.tags,
    json(image.properties) ?? '{}',
    json(image.versions),
    image.protected,
    image.createdAt,
    image.updatedAt,
    now,
    json(image.native) ?? '{}',
    imageContentHash(image),
  ];
}
