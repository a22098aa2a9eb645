import type { LeaseFactory } from '../platform/coordination/lease';

/** How long an intake counts as alive after its last renewal: an API process that died is noticed after this. */
const ALIVE_MS = 15_000;

/**
 * Tells an upload job that reads an upload while it is received whether the
 * API process receiving it is still there: a lease the intake holds (renewed
 * on its own), and that lapses when its process dies. Without it, a job would
 * wait forever for segments that nobody will write.
 */
export class IntakeLiveness {
  constructor(
    private readonly leases: LeaseFactory,
    private readonly redisPrefix: string,
  ) {}

  /** Marks the intake of `uploadId` alive until the returned function is called. */
  async keep(uploadId: string): Promise<() => Promise<void>> {
    // Each intake has an upload id of its own: the lease is free, the wait only a bound.
    const lease = await this.leases.acquire(this.key(uploadId), { ttlMs: ALIVE_MS, maxWaitMs: ALIVE_MS });
    return () => lease.release();
  }

  async alive(uploadId: string): Promise<boolean> {
    return this.leases.isHeld(this.key(uploadId));
  }

  private key(uploadId: string): string {
    return `${this.redisPrefix}:upload-intake:${uploadId}`;
  }
}
