import type { Readable } from 'node:stream';

/** The client sent nothing for the idle timeout: its body is cut off. */
export class BodyIdleError extends Error {
  constructor(readonly idleMs: number) {
    super(`the client sent no bytes for ${Math.round(idleMs / 1000)} s; the upload was cut off`);
    this.name = 'BodyIdleError';
  }
}

/** How often the watch looks at the byte count: the cut comes at most this late. */
const LOOK_EVERY_MS = 1_000;

/**
 * Calls `onIdle` once when `bytesSeen()` has not grown for `idleMs` while
 * `body` could flow. A body paused by backpressure (the staging store is
 * slower than the client) is not the client's silence: its clock restarts.
 * Hand-written, and by looking at a count rather than listening for 'data'
 * (which would start the body flowing before it is piped anywhere): the
 * socket's own setTimeout counts a paused socket as idle and is shared by
 * every request of a kept-alive connection. Returns the function that stops
 * watching.
 */
export function watchIdleBody(
  body: Readable,
  bytesSeen: () => number,
  idleMs: number,
  onIdle: (error: BodyIdleError) => void,
): () => void {
  let seen = bytesSeen();
  let quietSince = Date.now();
  const timer = setInterval(
    () => {
      const now = Date.now();
      const count = bytesSeen();
      if (count !== seen || body.readableFlowing === false) {
        seen = count;
        quietSince = now;
        return;
      }
      if (now - quietSince < idleMs) return;
      clearInterval(timer);
      onIdle(new BodyIdleError(idleMs));
    },
    Math.min(LOOK_EVERY_MS, Math.max(50, Math.floor(idleMs / 4))),
  );
  timer.unref();
  return () => clearInterval(timer);
}
