import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  type FptAssembledObject,
  FptInvalidPartError,
  FptNoSuchUploadError,
  type FptPartRef,
  type FptPartStore,
  type FptStoredPart,
  sameEtag,
} from './fpt-part-store';
import { PartUrlSigner, type PresignVerdict } from './fpt-presign';

/** Where presigned part URLs point: served by the emulator itself, outside fault injection and bearer auth. */
export const PART_ROUTE_PREFIX = '/_emulator/parts/';

interface OpenUpload {
  key: string;
  dir: string;
  parts: Map<number, FptStoredPart>;
}

export interface LocalFptPartStoreOptions {
  /** Removed on close when omitted (a fresh directory under os.tmpdir()). */
  dataDir?: string;
  presignTtlSeconds?: number;
  now?: () => number;
}

/**
 * FptPartStore on the local disk: each part streams to its own file while its
 * md5 is computed (the ETag S3 would return), and completion concatenates the
 * part files into the object file, streaming. No part is ever held in memory.
 */
export class LocalFptPartStore implements FptPartStore {
  readonly dataDir: string;
  private readonly ownsDataDir: boolean;
  private readonly uploads = new Map<string, OpenUpload>();
  private readonly signer: PartUrlSigner;
  private ready: Promise<void> | undefined;

  constructor(options: LocalFptPartStoreOptions = {}) {
    this.ownsDataDir = options.dataDir === undefined;
    this.dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'fpt-emulator-'));
    this.signer = new PartUrlSigner(options.presignTtlSeconds ?? 3600, options.now ?? Date.now);
  }

  async createUpload(key: string): Promise<string> {
    await this.ensureDirs();
    const uploadId = randomUUID().replace(/-/g, '');
    const dir = join(this.dataDir, 'uploads', uploadId);
    await mkdir(dir, { recursive: true });
    this.uploads.set(uploadId, { key, dir, parts: new Map() });
    return uploadId;
  }

  async presignPart(uploadId: string, partNumber: number, origin: string): Promise<string> {
    const upload = this.openUpload(uploadId);
    const query = this.signer.sign({ key: upload.key, uploadId, partNumber });
    return `${origin}${PART_ROUTE_PREFIX}${encodeKey(upload.key)}?${query}`;
  }

  /** Checks a presigned part URL's signature and expiry; `key` is the URL path after the prefix, decoded. */
  verifyPartUrl(key: string, query: Readonly<Record<string, string | undefined>>): PresignVerdict {
    return this.signer.verify(key, query);
  }

  /** S3 UploadPart: a re-sent part replaces the previous one, as in S3. */
  async putPart(uploadId: string, partNumber: number, body: Readable): Promise<FptStoredPart> {
    const upload = this.openUpload(uploadId);
    const md5 = createHash('md5');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        md5.update(chunk);
        callback(null, chunk);
      },
    });
    const target = join(upload.dir, String(partNumber));
    const partial = `${target}.${randomUUID()}.tmp`;
    try {
      await pipeline(body, meter, createWriteStream(partial));
      await rename(partial, target);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    const part = { partNumber, etag: `"${md5.digest('hex')}"`, size };
    upload.parts.set(partNumber, part);
    return part;
  }

  async completeUpload(uploadId: string, parts: readonly FptPartRef[]): Promise<FptAssembledObject> {
    const upload = this.openUpload(uploadId);
    const stored = this.checkParts(upload, parts);
    const objectPath = this.objectPath(upload.key);
    const partial = `${objectPath}.${randomUUID()}.tmp`;
    const files = stored.map((part) => join(upload.dir, String(part.partNumber)));
    try {
      await pipeline(concatenate(files), createWriteStream(partial));
      await rename(partial, objectPath);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    await this.abortUpload(uploadId);
    return { key: upload.key, size: stored.reduce((total, part) => total + part.size, 0) };
  }

  async abortUpload(uploadId: string): Promise<void> {
    const upload = this.uploads.get(uploadId);
    if (!upload) return;
    this.uploads.delete(uploadId);
    await rm(upload.dir, { recursive: true, force: true });
  }

  hasUpload(uploadId: string): boolean {
    return this.uploads.has(uploadId);
  }

  /** The key an open upload writes to, or undefined. */
  uploadKey(uploadId: string): string | undefined {
    return this.uploads.get(uploadId)?.key;
  }

  readObject(key: string): Readable {
    return createReadStream(this.objectPath(key));
  }

  async deleteObject(key: string): Promise<void> {
    await rm(this.objectPath(key), { force: true });
  }

  async close(): Promise<void> {
    this.uploads.clear();
    if (this.ownsDataDir) await rm(this.dataDir, { recursive: true, force: true });
  }

  private openUpload(uploadId: string): OpenUpload {
    const upload = this.uploads.get(uploadId);
    if (!upload) throw new FptNoSuchUploadError(uploadId);
    return upload;
  }

  /** S3's rules: at least one part, ascending part numbers, each uploaded with that ETag. */
  private checkParts(upload: OpenUpload, parts: readonly FptPartRef[]): FptStoredPart[] {
    if (parts.length === 0) throw new FptInvalidPartError('You must specify at least one part');
    return parts.map((ref, index) => {
      if (index > 0 && ref.partNumber <= parts[index - 1].partNumber) {
        throw new FptInvalidPartError('The list of parts was not in ascending order');
      }
      const stored = upload.parts.get(ref.partNumber);
      if (!stored || !sameEtag(stored.etag, ref.etag)) {
        throw new FptInvalidPartError(
          `One or more of the specified parts could not be found or its entity tag did not match (part ${ref.partNumber})`,
        );
      }
      return stored;
    });
  }

  private objectPath(key: string): string {
    return join(this.dataDir, 'objects', encodeURIComponent(key));
  }

  private ensureDirs(): Promise<void> {
    this.ready ??= Promise.all([
      mkdir(join(this.dataDir, 'uploads'), { recursive: true }),
      mkdir(join(this.dataDir, 'objects'), { recursive: true }),
    ]).then(() => undefined);
    return this.ready;
  }
}

/** Keys keep their slashes in URLs (`hpc-images/<vpc>/<sha>`), each segment escaped. */
export function encodeKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

async function* concatenate(files: readonly string[]): AsyncGenerator<Buffer> {
  for (const file of files) {
    for await (const chunk of createReadStream(file)) yield chunk as Buffer;
  }
}
