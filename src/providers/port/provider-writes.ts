import type { Readable } from 'node:stream';
import type { ImageVisibility, NormalizedImage } from './normalized-image';

/**
 * The write side of the provider port: what an adapter implements for each
 * capability it declares. Every method is optional; the broker reaches them
 * only through `operation()` (provider.port.ts), which answers 501 when the
 * adapter lacks one.
 */

/** A custom image to register, before its bytes are uploaded. */
export interface CreateImageSpec {
  name: string;
  /** '' when the connection has no regions. */
  region: string;
  diskFormat: string | null;
  containerFormat: string | null;
  visibility: ImageVisibility | null;
  minDiskGiB: number | null;
  minRamMiB: number | null;
  protected: boolean | null;
  tags: string[];
  /** Extra properties; providers that keep only strings get strings. */
  properties: Record<string, string>;
  os: { type: string | null; distro: string | null; version: string | null; architecture: string | null };
  /** Needed up front by providers that register size and checksum (FPT). */
  sizeBytes: number | null;
  sha256: string | null;
  /**
   * A UUID the image should get, where the provider lets the client choose it
   * (Glance). It makes the create safe to repeat: a create whose answer was
   * lost is sent again and finds the image the first one made, never a second.
   * Where the id is the provider's (FPT), its presence still marks the create
   * as a repeatable one: an image already registered with the same name and
   * bytes, and not yet uploaded, is taken over instead of refused.
   */
  clientId?: string;
}

/**
 * Why a provider would refuse a CreateImageSpec, at create or when its bytes
 * are uploaded: `field` is the spec's own (`os.type`, `sizeBytes`, `visibility`).
 */
export interface CreateSpecProblem {
  field: string;
  message: string;
}

/**
 * The staged bytes an upload reads: verified by the broker, readable any
 * number of times, by range. The checksums of an upload pushed while it is
 * received are known only once its last byte has been read: an adapter reads
 * them after the transfer, to compare with what the provider computed (FPT's
 * sha256 is the registered one, known from the start).
 */
export interface ImageBytesSource {
  sizeBytes: number;
  sha256: string;
  sha512: string;
  md5: string;
  /** A fresh stream of bytes start..end (inclusive), or of the whole object. */
  open(range?: { start: number; end: number }, signal?: AbortSignal): Promise<Readable>;
}

/**
 * Where an upload keeps what it must not redo after a crash: the provider's
 * upload handle and each finished part. Stored in PostgreSQL by the broker.
 */
export interface UploadCheckpoint {
  state(): Promise<Record<string, unknown> | null>;
  saveState(state: Record<string, unknown>): Promise<void>;
  /** Finished parts: part number → ETag. */
  parts(): Promise<Map<number, string>>;
  recordPart(partNumber: number, etag: string, sizeBytes: number): Promise<void>;
}

export interface UploadContext {
  signal: AbortSignal;
  /** Bytes the provider has accepted so far (may be called often; the broker throttles writes). */
  progress(bytesDone: number): void;
  checkpoint: UploadCheckpoint;
}

export interface DownloadRange {
  start: number;
  /** Inclusive; open-ended when absent. */
  end?: number;
}

export interface ImageDownload {
  stream: Readable;
  status: 200 | 206;
  /** Length of what `stream` carries, when the provider says. */
  contentLength: number | null;
  contentRange: string | null;
  contentType: string;
  md5: string | null;
}

/** The normalized fields PATCH /v1/images/{id} may change; a null property value removes it. */
export interface ImagePatch {
  name?: string;
  tags?: string[];
  properties?: Record<string, string | null>;
  visibility?: ImageVisibility;
  protected?: boolean;
  minDiskGiB?: number;
  minRamMiB?: number;
}

export const MEMBER_STATUSES = ['pending', 'accepted', 'rejected'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

export interface ImageMember {
  memberId: string;
  status: MemberStatus;
  createdAt: Date | null;
  updatedAt: Date | null;
}

export interface ProviderWrites {
  /**
   * What this provider refuses in `spec`, known without calling it: the one
   * check createImage makes before sending, that services also make before
   * queueing work (a replication's targets) or calling out. [] when none.
   */
  createProblems?(spec: CreateImageSpec): CreateSpecProblem[];
  /** What the upload after the create would refuse in `spec` (Glance: data needs both formats set). */
  uploadProblems?(spec: CreateImageSpec): CreateSpecProblem[];
  createImage?(spec: CreateImageSpec, signal?: AbortSignal): Promise<NormalizedImage>;
  /**
   * Pushes staged bytes to an image created by createImage, resuming from the
   * checkpoint, and checks the provider's checksum against the source's.
   * Returns the image as the provider now describes it.
   */
  uploadImage?(nativeId: string, source: ImageBytesSource, context: UploadContext): Promise<NormalizedImage>;
  /**
   * Releases what a cancelled upload left at the provider (e.g. an open
   * multipart upload). Where the provider frees an upload only together with
   * its registration, the image is registered again, empty, and the new
   * registration is answered: the catalogue row takes it over and keeps its
   * broker id. Null when nothing was replaced.
   */
  abortUpload?(nativeId: string, checkpoint: UploadCheckpoint, signal?: AbortSignal): Promise<NormalizedImage | null>;
  /**
   * The provider's own step that publishes an image whose bytes have landed
   * where its users pick images (FPT: syncImage, "sync an image to Console
   * (Portal)"). The broker calls it after uploadImage; when it fails the bytes
   * stay, the image is active, and the step is recorded as pending, to be
   * retried through POST /v1/images/{id}/portal-sync. Safe to repeat.
   */
  syncToPortal?(nativeId: string, signal?: AbortSignal): Promise<void>;
  downloadImage?(nativeId: string, range: DownloadRange | null, signal?: AbortSignal): Promise<ImageDownload>;
  updateImage?(nativeId: string, patch: ImagePatch): Promise<NormalizedImage>;
  deleteImage?(nativeId: string): Promise<void>;
  addTag?(nativeId: string, tag: string): Promise<void>;
  removeTag?(nativeId: string, tag: string): Promise<void>;
  listMembers?(nativeId: string): Promise<ImageMember[]>;
  /** One member; a membership the provider does not have is ProviderNotFoundError. */
  getMember?(nativeId: string, memberId: string): Promise<ImageMember>;
  addMember?(nativeId: string, memberId: string): Promise<ImageMember>;
  updateMember?(nativeId: string, memberId: string, status: MemberStatus): Promise<ImageMember>;
  removeMember?(nativeId: string, memberId: string): Promise<void>;
}
