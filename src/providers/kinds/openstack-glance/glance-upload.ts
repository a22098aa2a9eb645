import { Transform, type TransformCallback } from 'node:stream';
import { setTimeout as sleepFor } from 'node:timers/promises';
import type { ImageBytesSource } from '../../port/provider-writes';
import { lowerCaseText, trimmedText } from '../shared/payload-values';
import type { GlanceImagePayload } from './glance-image.payload';

/**
 * Pieces of the Glance upload flow (`PUT /v2/images/{id}/file`, one request
 * carrying every byte): counting bytes as they stream, waiting for Glance to
 * settle, and checking what it stored against what the broker staged.
 */

/** The digests of the staged bytes an upload is checked against. */
export type ExpectedImageData = Pick<ImageBytesSource, 'sizeBytes' | 'sha512' | 'sha256' | 'md5'>;

/**
 * A pass-through that reports the running byte count. Chunks are handed on as
 * they come, so memory stays at the streams' high-water marks whatever the
 * image's size.
 */
export function byteCounter(onProgress: (bytesSoFar: number) => void): Transform {
  let bytes = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      bytes += chunk.length;
      try {
        onProgress(bytes);
      } catch {
        // Progress is advisory: a failing reporter must not break the transfer.
      }
      callback(null, chunk);
    },
  });
}

/**
 * How the image differs from the staged bytes, one phrase per difference;
 * empty when Glance holds exactly those bytes. Glance hashes with the
 * operator's `hashing_algorithm`: sha512 by default, sha256 is checked too as
 * the broker knows both. An answer without a usable `os_hash_value` (NHN's
 * guide names only `checksum`) is checked by its md5 `checksum` alone.
 */
export function integrityProblems(image: GlanceImagePayload, expected: ExpectedImageData): string[] {
  const problems: string[] = [];
  const status = lowerCaseText(image.status);
  if (status !== 'active') problems.push(`status is '${status ?? 'unknown'}', not 'active'`);
  if (image.size !== expected.sizeBytes) {
    problems.push(`size is ${image.size ?? 'unknown'} bytes, the upload has ${expected.sizeBytes}`);
  }
  const algorithm = lowerCaseText(image.os_hash_algo);
  const hash = lowerCaseText(image.os_hash_value);
  const md5 = lowerCaseText(image.checksum);
  const wanted = algorithm === 'sha512' ? expected.sha512 : algorithm === 'sha256' ? expected.sha256 : null;
  if (wanted !== null && hash !== null) {
    if (hash !== wanted.toLowerCase()) {
      problems.push(`${algorithm} is ${hash}, the upload has ${wanted.toLowerCase()}`);
    }
  } else if (md5 === null) {
    // NHN's guide documents `checksum` only (os_hash_* appear in one example), and Glance before 2.7 has no
    // os_hash_value: the md5 then is the only digest to check against; with neither there is nothing to check.
    problems.push(
      `neither a sha512/sha256 os_hash_value (os_hash_algo is ${algorithm ?? 'unset'}) nor an md5 checksum to check the bytes against`,
    );
  }
  if (md5 !== null && md5 !== expected.md5.toLowerCase()) {
    problems.push(`md5 checksum is ${md5}, the upload has ${expected.md5.toLowerCase()}`);
  }
  return problems;
}

/** True when an active image already holds the staged bytes (a previous attempt finished unrecorded). */
export function holdsExpectedData(image: GlanceImagePayload, expected: ExpectedImageData): boolean {
  return lowerCaseText(image.status) === 'active' && integrityProblems(image, expected).length === 0;
}

export interface SettleOptions {
  /** How long to wait, in all, for an image to leave `saving`; 60 s by default. */
  timeoutMs?: number;
  /** Injected by tests. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

const FIRST_POLL_MS = 250;
const MAX_POLL_MS = 5_000;
const DEFAULT_SETTLE_MS = 60_000;
/** Statuses in which Glance is still storing data it has been given. */
const SETTLING = new Set(['saving', 'uploading', 'importing']);

export type SettleOutcome =
  { settled: true; image: GlanceImagePayload } | { settled: false; image: GlanceImagePayload; waitedMs: number };

/**
 * Reads the image until it leaves `saving` or the wait is over. Glance answers
 * the upload PUT once the data is stored, so normally the first read settles;
 * the polls cover stores that finish asynchronously.
 */
export async function readUntilSettled(
  read: () => Promise<GlanceImagePayload>,
  signal: AbortSignal,
  options: SettleOptions = {},
): Promise<SettleOutcome> {
  const budget = options.timeoutMs ?? DEFAULT_SETTLE_MS;
  const sleep = options.sleep ?? ((ms: number, s: AbortSignal) => sleepFor(ms, undefined, { signal: s }));
  let waited = 0;
  let delay = FIRST_POLL_MS;
  for (;;) {
    const image = await read();
    if (!SETTLING.has(lowerCaseText(image.status) ?? '')) return { settled: true, image };
    if (waited >= budget) return { settled: false, image, waitedMs: waited };
    const pause = Math.min(delay, budget - waited);
    try {
      await sleep(pause, signal);
    } catch (error) {
      // timers/promises rejects with its own AbortError; callers expect the signal's reason, as from the HTTP client.
      signal.throwIfAborted();
      throw error;
    }
    signal.throwIfAborted();
    waited += pause;
    delay = Math.min(delay * 2, MAX_POLL_MS);
  }
}

/** Glance's `checksum`-style hex md5 from a Content-MD5 header, which RFC 1864 says is base64. */
export function contentMd5Hex(header: string | null): string | null {
  const value = trimmedText(header);
  if (value === null) return null;
  if (/^[0-9a-f]{32}$/i.test(value)) return value.toLowerCase();
  if (/^[A-Za-z0-9+/]{22}==$/.test(value)) return Buffer.from(value, 'base64').toString('hex');
  return null;
}
