import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { FamiliesCacheVersion } from '../families-cache-version';

const MAX_ENTRIES = 4096;
/**
 * How long an answer is served without a new families version: a bump lost to
 * a Redis blip (it is logged, not retried) leaves a stale answer this long at
 * most, not until the next unrelated families write.
 */
const MAX_AGE_MS = 30_000;

/** A resolve answer as sent: its bytes, its entity tag and its lifecycle headers. */
export interface CachedAnswer {
  body: Buffer;
  /** Strong, drawn from the bytes: an answer that did not change keeps it across families writes. */
  etag: string;
  headers: Readonly<Record<string, string>>;
}

/**
 * Resolve answers per process, keyed by the families cache version and the
 * request's URL, like the catalogue's page cache: a provisioning fleet asks
 * the same few questions over and over, and the answer changes only when a
 * families write bumps the version (on any replica). Identical requests that
 * miss together share one computation. Only successes are kept.
 */
@Injectable()
export class ResolveAnswerCache {
  private readonly entries = new Map<string, CachedAnswer & { storedAt: number }>();
  private readonly inFlight = new Map<string, Promise<CachedAnswer>>();

  constructor(private readonly version: FamiliesCacheVersion) {}

  async getOrCompute(
    url: string,
    compute: () => Promise<{ body: Buffer; headers: Record<string, string> }>,
  ): Promise<CachedAnswer> {
    const version = await this.version.current();
    if (version === null) return answerOf(await compute());
    const key = `${version}\u0000${url}`;
    const hit = this.entries.get(key);
    if (hit !== undefined && Date.now() - hit.storedAt < MAX_AGE_MS) {
      // Re-insert so the Map's order is least-recently-used first.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const promise = compute().then((computed) => {
      const answer = answerOf(computed);
      this.entries.delete(key);
      this.entries.set(key, { ...answer, storedAt: Date.now() });
      if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
      return answer;
    });
    this.inFlight.set(key, promise);
    try {
      return await promise;
    } finally {
      this.inFlight.delete(key);
    }
  }
}

function answerOf(computed: { body: Buffer; headers: Record<string, string> }): CachedAnswer {
  const etag = `"${createHash('sha256').update(computed.body).update(JSON.stringify(computed.headers)).digest('base64url').slice(0, 32)}"`;
  return { body: computed.body, etag, headers: computed.headers };
}
