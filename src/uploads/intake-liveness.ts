import type IORedis from 'ioredis';

/** How long an intake counts as alive after its last renewal: an API process that died is noticed after this. */
const ALIVE_MS = 15_000;
const RENEW_MS = 5_000;

/**
 * Tells an upload job that reads an upload while it is received whether the
 * API process receiving it is still there: a key in Redis that the intake
 * renews, and that lapses when its process dies. Without it, a job would
 * wait forever for segments that nobody will write.
 */
export class IntakeLiveness {
  constructor(
    private readonly redis: IORedis,
    private readonly redisPrefix: string,
  ) {}

  /** Marks the intake of `uploadId` alive until the returned function is called. */
  async keep(uploadId: string): Promise<() => Promise<void>> {
    const key = this.key(uploadId);
    await this.redis.set(key, '1', 'PX', ALIVE_MS);
    const timer = setInterval(() => void this.redis.set(key, '1', 'PX', ALIVE_MS).catch(() => undefined), RENEW_MS);
    timer.unref();
    return async () => {
      clearInterval(timer);
      await this.redis.del(key).catch(() => undefined);
    };
  }

  async alive(uploadId: string): Promise<boolean> {
    return (await this.redis.exists(this.key(uploadId))) === 1;
  }

  private key(uploadId: string): string {
    return `${this.redisPrefix}:upload-intake:${uploadId}`;
  }
}
