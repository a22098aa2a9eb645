import type { IncomingMessage } from 'node:http';

/** How much of an abandoned body is read and dropped before its connection is cut. */
const DRAIN_LIMIT_BYTES = 16 * 1024 * 1024;

/**
 * A request answered before its body was read to the end (a refused or
 * stopped upload): the rest is read and dropped, as Go's HTTP server does, so
 * that a client with little left to send gets the answer instead of a reset,
 * and a kept-alive connection does not take the rest for its next request.
 * A client that sends more than the limit after the answer has its
 * connection cut: one that reads its answer only after sending everything
 * then sees the reset.
 */
export function drainAbandonedBody(body: IncomingMessage): void {
  if (body.readableEnded || body.destroyed) return;
  let dropped = 0;
  body.unpipe();
  body.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > DRAIN_LIMIT_BYTES) body.socket?.destroy();
  });
  body.on('error', () => undefined);
  body.resume();
}
