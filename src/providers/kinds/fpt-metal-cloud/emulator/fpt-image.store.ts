import { randomUUID } from 'node:crypto';
import type { FptCustomImageRecord, FptPublicImageRecord } from './fpt.types';
import { fptTimestamp } from './fpt.types';

/** The multipart upload an image's presigned URLs belong to. */
export interface FptImageUpload {
  uploadId: string;
  key: string;
  partCount: number;
}

export interface FptRegistration {
  name: string;
  size: number;
  sha256: string;
}

/**
 * The VPC's images, in insertion order (which is the order the lists answer in).
 * List bodies are serialised once and cached until the next change, so a sync
 * of 10,000+ images does not pay JSON.stringify on every call.
 */
export class FptImageStore {
  private readonly publicImages = new Map<string, FptPublicImageRecord>();
  private readonly customImages = new Map<string, FptCustomImageRecord>();
  /** sha256 → id of the latest custom image registered with it; the complete call is keyed by sha. */
  private readonly bySha = new Map<string, string>();
  private readonly uploads = new Map<string, FptImageUpload>();
  private publicBody: string | null = null;
  private customBody: string | null = null;

  constructor(
    readonly vpcId: string,
    publicImages: readonly FptPublicImageRecord[],
    customImages: readonly FptCustomImageRecord[],
    private readonly now: () => number,
  ) {
    for (const image of publicImages) this.publicImages.set(image.id, image);
    for (const image of customImages) {
      this.customImages.set(image.id, image);
      this.bySha.set(image.sha256, image.id);
    }
  }

  /** `{"data": [...]}` of the public list. */
  publicListBody(): string {
    this.publicBody ??= listBody(this.publicImages.values());
    return this.publicBody;
  }

  /**
   * `{"data": [...]}` of the custom list. The seed leaves its items' schema
   * empty; the one shape it gives a custom image is the register answer's
   * `data`, so each item carries exactly `image_id`, `name`, `description` and
   * `created_at`. Size, sha256, status and the rest stay in the record: the
   * upload routes act on them, but FPT is not documented to list them.
   */
  customListBody(): string {
    this.customBody ??= listBody(Array.from(this.customImages.values(), listedCustomImage));
    return this.customBody;
  }

  /** Every custom image as the emulator holds it, undocumented fields included (tests look at these). */
  customRecords(): FptCustomImageRecord[] {
    return [...this.customImages.values()];
  }

  publicImage(id: string): FptPublicImageRecord | undefined {
    return this.publicImages.get(id);
  }

  customImage(id: string): FptCustomImageRecord | undefined {
    return this.customImages.get(id);
  }

  customImageBySha(sha256: string): FptCustomImageRecord | undefined {
    const id = this.bySha.get(sha256);
    return id === undefined ? undefined : this.customImages.get(id);
  }

  get publicCount(): number {
    return this.publicImages.size;
  }

  get customCount(): number {
    return this.customImages.size;
  }

  register(registration: FptRegistration): FptCustomImageRecord {
    const at = fptTimestamp(this.now());
    const image: FptCustomImageRecord = {
      id: randomUUID(),
      name: registration.name,
      description: '',
      size: registration.size,
      sha256: registration.sha256,
      status: 'pending',
      vpc_id: this.vpcId,
      synced_at: null,
      error_message: null,
      created_at: at,
      updated_at: at,
    };
    this.customImages.set(image.id, image);
    this.bySha.set(image.sha256, image.id);
    this.customBody = null;
    return image;
  }

  /** Applies `changes` and stamps `updated_at`. */
  updateCustom(
    id: string,
    changes: Partial<Omit<FptCustomImageRecord, 'id' | 'vpc_id' | 'created_at'>>,
  ): FptCustomImageRecord {
    const image = this.customImages.get(id);
    if (!image) throw new Error(`no custom image ${id}`);
    Object.assign(image, changes, { updated_at: fptTimestamp(this.now()) });
    this.customBody = null;
    return image;
  }

  deleteCustom(id: string): FptCustomImageRecord | undefined {
    const image = this.customImages.get(id);
    if (!image) return undefined;
    this.customImages.delete(id);
    if (this.bySha.get(image.sha256) === id) this.bySha.delete(image.sha256);
    this.uploads.delete(id);
    this.customBody = null;
    return image;
  }

  upload(imageId: string): FptImageUpload | undefined {
    return this.uploads.get(imageId);
  }

  setUpload(imageId: string, upload: FptImageUpload | undefined): void {
    if (upload === undefined) this.uploads.delete(imageId);
    else this.uploads.set(imageId, upload);
  }
}

/** A custom image as the list shows it: the fields of the seed's register answer. */
export function listedCustomImage(image: FptCustomImageRecord): FptListedCustomImage {
  return { image_id: image.id, name: image.name, description: image.description, created_at: image.created_at };
}

export interface FptListedCustomImage {
  image_id: string;
  name: string;
  description: string;
  created_at: string;
}

function listBody(images: Iterable<object>): string {
  const parts: string[] = [];
  for (const image of images) parts.push(JSON.stringify(image));
  return `{"data":[${parts.join(',')}]}`;
}
