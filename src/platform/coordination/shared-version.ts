import type IORedis from 'ioredis';

/**
 * A counter in Redis that a writer bumps after a change has committed, so
 * every replica can tell cheaply whether what it holds in memory is still
 * current (a cached catalogue page, the set of provider connections).
 *
 * A replica that watches the version learns of bumps by pub/sub and answers
 * from memory; until its subscription is up (and after any reconnect) it asks
 * Redis, so it never answers an older version than the one it last saw.
 */
export class SharedVersion {
  private readonly channel: string;
  /** The newest version seen while subscribed; null when it must be read from Redis. */
  private known: number | null = null;
  private watching = false;

  constructor(
    private readonly redis: IORedis,
    private readonly key: string,
    private readonly warn: (message: string) => void = () => undefined,
  ) {
    this.channel = `${key}:bumped`;
  }

  /** Keeps the version in memory, told of every bump through `subscriber` (a connection of its own). */
  watch(subscriber: IORedis): void {
    subscriber.on('message', (channel: string, value: string) => {
      if (channel === this.channel && this.watching) this.learn(Number(value));
    });
    const subscribe = () => {
      // Bumps may have been missed while disconnected: read Redis again before trusting memory.
      this.known = null;
      void subscriber.subscribe(this.channel).then(
        () => (this.watching = true),
        () => (this.watching = false),
      );
    };
    subscriber.on('ready', subscribe);
    // A second version watched on a connection already up would otherwise wait for its next reconnect.
    if (subscriber.status === 'ready') subscribe();
    for (const event of ['close', 'end', 'reconnecting']) {
      subscriber.on(event, () => {
        this.watching = false;
        this.known = null;
      });
    }
  }

  /** The current version, or null when Redis cannot say (callers then skip what depends on it). */
  async current(): Promise<string | null> {
    if (this.watching && this.known !== null) return String(this.known);
    try {
      const value = Number((await this.redis.get(this.key)) ?? '0');
      if (this.watching) this.learn(value);
      return String(value);
    } catch {
      return null;
    }
  }

  /** Called after the change has committed. */
  async bump(): Promise<void> {
    try {
      const value = await this.redis.incr(this.key);
      await this.redis.publish(this.channel, String(value));
    } catch (error) {
      // Readers keep the old version until the next bump; say so rather than fail the write.
      this.warn(`could not bump ${this.key}: ${(error as Error).message}`);
    }
  }

  /** Versions only move forward: a late answer never replaces a newer one. */
  private learn(value: number): void {
    if (Number.isFinite(value) && (this.known === null || value > this.known)) this.known = value;
  }
}
