import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseRetryAfter } from '../src/errors';
import { retryingFetch } from '../src/retrying-fetch';

/** A server on 127.0.0.1 that answers each request with the next status of a script, and counts them. */
async function scriptedServer(
  statuses: number[],
  retryAfter = '0',
): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const status = statuses[Math.min(hits, statuses.length - 1)];
      hits++;
      if (status === 429 || status === 503) res.setHeader('retry-after', retryAfter);
      res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`,
    hits: () => hits,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe("the SDK's retrying fetch", () => {
  const fast = { baseDelayMs: 1, maxDelayMs: 50 };

  it('retries a GET through 503 and 429 to the answer', async () => {
    const server = await scriptedServer([503, 429, 200]);
    try {
      const answer = await retryingFetch(fast)(new Request(server.url));
      expect(answer.status).toBe(200);
      expect(server.hits()).toBe(3);
    } finally {
      await server.close();
    }
  });

  it('sends a POST again only when it carries an Idempotency-Key', async () => {
    const bare = await scriptedServer([503, 200]);
    const keyed = await scriptedServer([503, 200]);
    try {
      expect((await retryingFetch(fast)(new Request(bare.url, { method: 'POST', body: '{}' }))).status).toBe(503);
      expect(bare.hits()).toBe(1);
      const request = new Request(keyed.url, { method: 'POST', body: '{}', headers: { 'idempotency-key': 'k-1' } });
      expect((await retryingFetch(fast)(request)).status).toBe(200);
      expect(keyed.hits()).toBe(2);
    } finally {
      await Promise.all([bare.close(), keyed.close()]);
    }
  });

  it('waits what Retry-After asks, capped by the longest backoff', async () => {
    const server = await scriptedServer([429, 200], '1');
    try {
      const started = Date.now();
      expect((await retryingFetch({ baseDelayMs: 1, maxDelayMs: 5_000 })(new Request(server.url))).status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    } finally {
      await server.close();
    }
  });

  it('gives up after maxRetries and answers the last response', async () => {
    const server = await scriptedServer([502]);
    try {
      expect((await retryingFetch({ ...fast, maxRetries: 2 })(new Request(server.url))).status).toBe(502);
      expect(server.hits()).toBe(3);
    } finally {
      await server.close();
    }
  });

  it('reads Retry-After as seconds or an HTTP-date, and nothing else', () => {
    const now = Date.parse('2026-12-06T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Sun, 06 Dec 2026 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('-5', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});
