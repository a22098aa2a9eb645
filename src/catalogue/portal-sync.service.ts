import { Injectable, Logger } from '@nestjs/common';
import { CatalogueVersion } from '../platform/coordination/coordination.module';
import { ConflictError } from '../platform/errors/app.errors';
import { scrubUrlsInText } from '../platform/logging/log-redaction';
import type { PortalSyncState } from '../platform/persistence/generated/client';
import { PrismaService } from '../platform/persistence/prisma.service';
import { OperationNotSupportedError } from '../platform/errors/provider.errors';
import type { ProviderAdapter } from '../providers/port/provider.port';
import { ProviderRegistry } from '../providers/port/provider-registry.service';
import type { ImageDto } from './dto/image.dto';
import { ImagesService } from './images.service';

/** The operation name a provider without the step is refused with (501). */
export const PORTAL_SYNC_OPERATION = 'portal-sync';
/** Enough of the provider's reason to act on; a provider's error page is not kept whole. */
const MAX_ERROR_LENGTH = 1000;

/**
 * A provider's own publish-after-upload step (FPT: syncImage, "sync an image
 * to Console (Portal)"), apart from the upload: by the time it runs the bytes
 * have landed, so its failure leaves the image active and the step pending
 * on the image row, to be run again through POST /v1/images/{id}/portal-sync.
 */
@Injectable()
export class PortalSyncService {
  private readonly logger = new Logger(PortalSyncService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly registry: ProviderRegistry,
    private readonly version: CatalogueVersion,
    private readonly images: ImagesService,
  ) {}

  /**
   * Runs the step for an image whose upload just finished; its outcome is
   * recorded, never thrown: the upload succeeded either way. Null when the
   * provider has no such step.
   */
  async afterUpload(
    imageId: string,
    adapter: ProviderAdapter,
    nativeId: string,
    signal?: AbortSignal,
  ): Promise<PortalSyncState | null> {
    if (typeof adapter.syncToPortal !== 'function') return null;
    try {
      await adapter.syncToPortal(nativeId, signal);
    } catch (error) {
      const reason = describe(error);
      this.logger.warn(
        `image ${imageId}: its bytes landed at '${adapter.name}', but the portal sync failed: ${reason}`,
      );
      await this.record(imageId, { portalSync: 'pending', portalSyncError: reason });
      return 'pending';
    }
    await this.record(imageId, { portalSync: 'synced', portalSyncedAt: new Date(), portalSyncError: null });
    return 'synced';
  }

  /** The route: runs the step now for an active image, and answers the image as it then stands. */
  async run(id: string): Promise<ImageDto> {
    const row = await this.images.row(id);
    const adapter = await this.registry.resolve(row.providerName);
    if (typeof adapter.syncToPortal !== 'function') {
      throw new OperationNotSupportedError(adapter.name, adapter.kind, PORTAL_SYNC_OPERATION);
    }
    // Only an account's own (custom) images have a portal entry to publish; FPT refuses the rest
    // with 403, which is the caller's mistake, not the provider's failure: refused before the call.
    if (row.kind !== 'custom') {
      throw new ConflictError(
        `Image '${id}' is ${row.kind ?? 'of unknown kind'}, not one of the account's custom images: ` +
          'only those are synced to the portal',
      );
    }
    if (row.status !== 'active') {
      throw new ConflictError(
        `Image '${id}' is ${row.status ?? 'of unknown status'}: only an image whose bytes have landed (active) ` +
          'can be synced to the portal',
      );
    }
    try {
      await adapter.syncToPortal(row.nativeId);
    } catch (error) {
      await this.record(id, { portalSync: 'pending', portalSyncError: describe(error) });
      throw error;
    }
    await this.record(id, { portalSync: 'synced', portalSyncedAt: new Date(), portalSyncError: null });
    return this.images.get(id);
  }

  private async record(
    imageId: string,
    data: { portalSync: PortalSyncState; portalSyncedAt?: Date; portalSyncError: string | null },
  ): Promise<void> {
    await this.prisma.image.updateMany({ where: { id: imageId }, data });
    await this.version.bump();
  }
}

function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return scrubUrlsInText(text).slice(0, MAX_ERROR_LENGTH);
}
