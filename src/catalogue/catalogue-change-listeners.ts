import { Injectable } from '@nestjs/common';
import type { Prisma } from '../platform/persistence/generated/client';

/** What a sync found different upstream for one catalogue row. */
export interface CatalogueChange {
  kind: 'appeared' | 'changed' | 'vanished';
  imageId: string;
  providerName: string;
  region: string;
  nativeId: string;
  /** The image's sha256 after the change (null when unknown or vanished). */
  sha256: string | null;
  /** Its sha256 before a `changed` (null for appeared, or when it was unknown). */
  previousSha256: string | null;
}

/** Told of what a sync changed inside the transaction that writes it, so what it writes commits with the rows. */
export interface CatalogueChangeListener {
  onCatalogueChanges(tx: Prisma.TransactionClient, changes: readonly CatalogueChange[]): Promise<void>;
}

/**
 * Who hears of catalogue changes a sync found. Capability folders above
 * `catalogue/` register at start-up (families turn a placement whose image
 * vanished or changed into a drifted one), so the catalogue tells them without
 * importing them; the same pattern as jobs' JobEndListeners.
 */
@Injectable()
export class CatalogueChangeListeners {
  private readonly listeners: CatalogueChangeListener[] = [];

  register(listener: CatalogueChangeListener): void {
    this.listeners.push(listener);
  }

  async notify(tx: Prisma.TransactionClient, changes: readonly CatalogueChange[]): Promise<void> {
    if (changes.length === 0) return;
    for (const listener of this.listeners) await listener.onCatalogueChanges(tx, changes);
  }
}
