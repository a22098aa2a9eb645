import type { BrokerEvent } from '../platform/events/event-types';
import type { Family, FamilyVersion, Placement } from '../platform/persistence/generated/client';

/** The subject of every event about a version: `families/{name}/versions/{version}`. */
export function versionSubject(family: Pick<Family, 'name'>, version: Pick<FamilyVersion, 'version'>): string {
  return `families/${family.name}/versions/${version.version}`;
}

/**
 * `placement.active`, `placement.failed` or `placement.drifted` (by the
 * placement's status), ordered per family (webhook deliveries keep order per
 * ordering key).
 */
export function placementEvent(
  family: Pick<Family, 'name'>,
  version: Pick<FamilyVersion, 'version' | 'sha256'>,
  placement: Placement,
  nativeId: string | null,
): BrokerEvent {
  const failed = placement.status === 'failed' || placement.status === 'drifted';
  return {
    type: placement.status === 'drifted' ? 'placement.drifted' : failed ? 'placement.failed' : 'placement.active',
    subject: versionSubject(family, version),
    orderingKey: family.name,
    data: {
      family: family.name,
      version: version.version,
      sha256: version.sha256,
      placementId: placement.id,
      provider: placement.providerName,
      region: placement.region === '' ? null : placement.region,
      imageId: placement.imageId,
      nativeId,
      jobId: placement.jobId,
      error: failed ? { code: placement.errorCode ?? placement.status, message: placement.errorMessage ?? '' } : null,
    },
  };
}
