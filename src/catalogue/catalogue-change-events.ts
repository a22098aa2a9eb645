import type { BrokerEvent } from '../platform/events/event-types';
import type { CatalogueChange } from './catalogue-change-listeners';

/** A change a sync wrote, with what its event shows beside the listeners' fields. */
export interface RecordedCatalogueChange extends CatalogueChange {
  name: string;
}

/**
 * The feed's events for what a sync changed: `image.appeared`, `image.changed`,
 * `image.vanished`, one per row, ordered per provider (the provider's name is
 * the ordering key, so a webhook sees one provider's changes in sync order).
 */
export function catalogueChangeEvents(changes: readonly RecordedCatalogueChange[]): BrokerEvent[] {
  return changes.map((change) => {
    const data: Record<string, unknown> = {
      id: change.imageId,
      provider: change.providerName,
      region: change.region,
      nativeId: change.nativeId,
      name: change.name,
      // A vanished image's last known sha256: the listener's change has none after.
      sha256: change.kind === 'vanished' ? change.previousSha256 : change.sha256,
    };
    if (change.kind === 'changed') data.previousSha256 = change.previousSha256;
    return {
      type: `image.${change.kind}`,
      subject: `images/${change.imageId}`,
      orderingKey: change.providerName,
      data,
    };
  });
}
