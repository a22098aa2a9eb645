import type { Readable } from 'node:stream';
import type { ImageBytesSource } from '../providers/port/provider-writes';
import type { ImageDigest } from './image-digest.transform';
import type { StagedUploadBytes } from './staged-upload-bytes';

/** Staged bytes as an adapter reads them: by range, as often as a resumed push needs. */
export class StagedImageSource implements ImageBytesSource {
  readonly sizeBytes: number;
  readonly sha256: string;
  readonly sha512: string;
  readonly md5: string;

  constructor(
    private readonly bytes: StagedUploadBytes,
    digest: ImageDigest,
  ) {
    this.sizeBytes = digest.sizeBytes;
    this.sha256 = digest.sha256;
    this.sha512 = digest.sha512;
    this.md5 = digest.md5;
  }

  open(range?: { start: number; end: number }, signal?: AbortSignal): Promise<Readable> {
    return this.bytes.read(range, signal);
  }
}
