import type { FastifyRequest } from 'fastify';
import type { FptImageStore } from './fpt-image.store';
import type { FptPartStore } from './fpt-part-store';

/** Everything the FPT route modules share. */
export interface FptRouteContext {
  store: FptImageStore;
  parts: FptPartStore;
  /** Parts are cut this big, unless that would need more than S3's 10,000 parts. */
  partSizeBytes: number;
  now: () => number;
  portal: FptPortalOutage;
}

/**
 * The FPT Cloud console (portal) that syncImage publishes to, as a test can
 * break it: while `status` is set, every sync answers that 5xx, as the seed
 * lists 500 for syncImage. Images, uploads and the lists are not affected.
 */
export class FptPortalOutage {
  status: number | null = null;
  /** Syncs refused since the emulator started. */
  refused = 0;

  /** Every sync fails with `status` until recover(). */
  begin(status = 500): void {
    if (status < 500 || status > 599) throw new RangeError('a portal outage answers a 5xx status');
    this.status = status;
  }

  recover(): void {
    this.status = null;
  }
}

/** Every seed path starts here; `{vpc_id}` is checked by the auth module's preHandler. */
export const HPC = '/api/v2/vmware/vpc/:vpc_id/hpc';

export interface VpcParams {
  vpc_id: string;
}

export function origin(request: FastifyRequest): string {
  return `http://${request.headers.host ?? '127.0.0.1'}`;
}

/** Where an image's bytes live in the part store: by image id, as two images may share a sha256 after a failure. */
export function objectKey(vpcId: string, imageId: string): string {
  return `hpc-images/${vpcId}/${imageId}`;
}
