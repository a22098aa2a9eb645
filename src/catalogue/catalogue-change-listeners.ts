import { Injectable, Logger } from '@nestjs/common';
import { AfterCommitWork, type AfterCommit } from '../platform/persistence/after-commit';
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

/**
 * Told of what a sync changed inside the transaction that writes it, so what
 * it writes commits with the rows; what it returns runs once that committed.
 */
export interface CatalogueChangeListener {
  onCatalogueChanges(tx: Prisma.TransactionClient, changes: readonly CatalogueChange[]): Promise<AfterCommit | void>;
}

/**
 * Who hears of catalogue changes a sync found. Capability folders above
 * `catalogue/` register at start-up (families turn a placement whose image
 * vanished or changed into a drifted one), so the catalogue tells them without
 * importing them; the same pattern as jobs' JobEndListeners.
 */
@Injectable()
export class CatalogueChangeListeners {
  private readonly logger = new Logger(CatalogueChangeListeners.name);
  private readonly listeners: CatalogueChangeListener[] = [];

  register(listener: CatalogueChangeListener): void {
    this.listeners.push(listener);
  }

  /** Call inside the writing transaction; pass the answer to `committed` once it has committed. */
  async notify(tx: Prisma.TransactionClient, changes: readonly CatalogueChange[]): Promise<AfterCommitWork> {
    const after = new AfterCommitWork();
    if (changes.length === 0) return after;
    for (const listener of this.listeners) after.add(await listener.onCatalogueChanges(tx, changes));
    return after;
  }

  async committed(after: AfterCommitWork): Promise<void> {
    await after.run(this.logger);
  }
}
