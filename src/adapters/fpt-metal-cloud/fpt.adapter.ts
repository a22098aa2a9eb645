import { setTimeout as sleepFor } from 'node:timers/promises';
import type { FptConnection } from '../../config/provider-connection.types';
import { extractProviderMessage } from '../../http/provider-error-message';
import { ProviderHttpClient } from '../../http/provider-http-client';
import { bearerTokenSource } from '../../http/static-header-source';
import { capabilities } from '../../provider-port/capabilities';
import type { NormalizedImage } from '../../provider-port/normalized-image';
import {
  IntegrityError,
  ProviderAuthError,
  ProviderNotFoundError,
  ProviderProtocolError,
  ProviderRejectedError,
  ProviderUnavailableError,
} from '../../provider-port/provider.errors';
import type { ProviderAdapter } from '../../provider-port/provider.port';
import type {
  CreateImageSpec,
  CreateSpecProblem,
  ImageBytesSource,
  UploadCheckpoint,
  UploadContext,
} from '../../provider-port/provider-writes';
import { isPlainObject, lowerCaseText, trimmedText } from '../shared/payload-values';
import { type AdapterHttpOverrides, createConnectionHttpClient } from '../shared/connection-http-client';
import { type FptCustomImagePayload, type FptImageItemPayload, fptImageId, isFptImageList } from './fpt-image.payload';
import { type FptImageSource, FptImageTranslator } from './fpt-image.translator';
import { FptPartUploader, FptUploadReplacedError } from './fpt-part-uploader';
import { type FptPresignedBatch, layoutFor, parseUploadState, readPresignedBatch, reconcile } from './fpt-upload-plan';

export const FPT_KIND = 'fpt-metal-cloud';

export interface FptUploadTuning {
  /** Parts in flight at once; 3 when omitted. */
  partConcurrency?: number;
  /** Tries per part on timeouts, 5xx and dropped connections; 3 when omitted. */
  partAttempts?: number;
  /** Per part PUT; null for none (the job's signal bounds it). Sized from the part when omitted. */
  partTimeoutMs?: number | null;
  /** How long to wait for an image FPT is still `processing` after complete; 10 minutes when omitted. */
  processingTimeoutMs?: number;
  /** Between looks at a `processing` image; 5 s when omitted. */
  processingPollMs?: number;
  /** Clock for presigned URL expiry (tests). */
  now?: () => number;
}

export interface FptAdapterOptions {
  /** Client overrides (tests: sleep, random, short timeouts, more retries). */
  http?: Omit<AdapterHttpOverrides, 'authenticate'>;
  upload?: FptUploadTuning;
}

/** The list path of each source, under `/api/v2/vmware/vpc/{vpc_id}/hpc/`. */
const LIST_PATHS: Readonly<Record<FptImageSource, string>> = { public: 'images', custom: 'custom-images' };

/** A part PUT gets a minute plus the time to send it at 256 KiB/s before it is abandoned (and retried). */
const PART_TIMEOUT_BASE_MS = 60_000;
const PART_MIN_BYTES_PER_SECOND = 256 * 1024;
/** Complete assembles and hashes the whole object: a minute plus 32 MiB/s of it. */
const COMPLETE_MIN_BYTES_PER_SECOND = 32 * 1024 * 1024;
/** Rounds of "FPT handed out another multipart upload, reconcile and go on" before giving up. */
const MAX_UPLOAD_ROUNDS = 3;

/**
 * FPT Metal Cloud (bare-metal Hopper GPU servers): the public and the custom
 * image lists of one VPC, and the custom image write path of the seed:
 * register (name, size, sha256), presigned S3 multipart upload, complete,
 * sync to the portal, delete. Neither list is paginated, and there is no
 * single-image endpoint, so reads go through whole lists.
 */
export class FptAdapter implements ProviderAdapter {
  readonly kind = FPT_KIND;
  readonly name: string;
  // From the seed: list, register (create), presign + complete (upload), delete.
  // No download, no update, no tags, no members.
  readonly capabilities = capabilities(['list', 'get', 'create', 'upload', 'delete']);
  readonly regions: readonly string[];

  private readonly http: ProviderHttpClient;
  /** Presigned part PUTs: no bearer token, breaker or concurrency lease of FPT's API (the URLs are S3's). */
  private readonly partHttp: ProviderHttpClient;
  private readonly translator = new FptImageTranslator();
  private readonly region: string;
  private readonly vpcPath: string;
  private readonly upload: Required<Omit<FptUploadTuning, 'partTimeoutMs'>> & { partTimeoutMs?: number | null };
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;

  constructor(conn: FptConnection, options: FptAdapterOptions = {}) {
    this.name = conn.name;
    this.region = conn.region ?? '';
    this.regions = conn.region ? [conn.region] : [];
    this.vpcPath = `/api/v2/vmware/vpc/${encodeURIComponent(conn.vpcId)}/hpc`;
    this.http = createConnectionHttpClient(conn, options.http, () => bearerTokenSource(conn.auth.token));
    this.sleep = options.http?.sleep ?? ((ms, signal) => sleepFor(ms, undefined, { signal }));
    this.random = options.http?.random ?? Math.random;
    // Stream bodies are never retried by the client; the part uploader retries by reopening the source.
    this.partHttp = new ProviderHttpClient({
      provider: conn.name,
      baseUrl: conn.endpoint,
      maxRetries: 0,
      sleep: this.sleep,
      random: this.random,
    });
    const tuning = options.upload ?? {};
    this.upload = {
      partConcurrency: Math.max(1, tuning.partConcurrency ?? 3),
      partAttempts: Math.max(1, tuning.partAttempts ?? 3),
      partTimeoutMs: tuning.partTimeoutMs,
      processingTimeoutMs: tuning.processingTimeoutMs ?? 10 * 60_000,
      processingPollMs: tuning.processingPollMs ?? 5_000,
      now: tuning.now ?? Date.now,
    };
  }

  /** FPT's public images first, then the VPC's custom images; each list is one response. */
  async *listImages(signal?: AbortSignal): AsyncGenerator<NormalizedImage> {
    for (const source of ['public', 'custom'] as const) {
      const items = await this.fetchList(source, signal);
      for (const item of items) yield this.translator.toNormalized(item, { region: this.region, source });
    }
  }

  /**
   * No get-by-id endpoint exists, so the id is looked up in the lists: custom
   * first, as those are the images the broker creates and then checks on.
   */
  async getImage(nativeId: string, _region?: string, signal?: AbortSignal): Promise<NormalizedImage | null> {
    if (nativeId === '') return null;
    for (const source of ['custom', 'public'] as const) {
      const items = await this.fetchList(source, signal);
      const item = items.find((candidate) => fptImageId(candidate) === nativeId);
      if (item) return this.translator.toNormalized(item, { region: this.region, source });
    }
    return null;
  }

  /**
   * registerImage: `POST …/hpc/images/` with the name, size and sha256 FPT
   * requires up front. FPT keeps nothing else (no format, tags, properties or
   * OS fields), so those are not sent; a visibility other than private or a
   * protected flag cannot be honoured and is refused rather than dropped.
   */
  async createImage(spec: CreateImageSpec, signal?: AbortSignal): Promise<NormalizedImage> {
    const size =
      spec.sizeBytes !== null && Number.isSafeInteger(spec.sizeBytes) && spec.sizeBytes >= 1 ? spec.sizeBytes : null;
    const given = lowerCaseText(spec.sha256);
    const sha256 = given !== null && /^[0-9a-f]{64}$/.test(given) ? given : null;
    const missing = [...(size === null ? ['sizeBytes'] : []), ...(sha256 === null ? ['sha256'] : [])];
    if (size === null || sha256 === null) {
      throw new ProviderRejectedError(
        this.name,
        `Provider '${this.name}': FPT registers a custom image with its size and SHA-256 before any byte is sent; ` +
          `give ${missing.join(' and ')} (${missing.map(describeRequirement).join('; ')})`,
      );
    }
    this.refuseUnsupported(spec);
    return this.register(spec.name, size, sha256, { takeOverEarlier: spec.clientId !== undefined, signal });
  }

  /**
   * The seed's upload: presign-urls → PUT each part to its presigned S3 URL →
   * complete with the parts' ETags → sync to the portal; then the image is
   * read back and must be active with the source's size and SHA-256.
   *
   * Resuming: the checkpoint state names the S3 multipart upload (the URLs'
   * `uploadId`) and the part layout; asking FPT for URLs again re-signs that
   * same upload, so only the parts the checkpoint lacks are sent. An image
   * already `active` or `processing` (an earlier run got as far as complete)
   * goes straight to the end.
   */
  async uploadImage(nativeId: string, source: ImageBytesSource, context: UploadContext): Promise<NormalizedImage> {
    const { signal } = context;
    const item = await this.requireCustomItem(nativeId, signal);
    this.checkRegistration(item, source);
    const status = fptStatus(item);
    if (status === 'failed') throw this.failedImage(item);
    // pending, uploading, or a state this adapter does not know, for FPT's presign to judge.
    if (status !== 'active' && status !== 'processing') {
      const parts = await this.sendParts(source, context);
      await this.complete(nativeId, source, parts, signal);
    }
    context.progress(source.sizeBytes);
    await this.syncToPortal(nativeId, signal);
    return this.verifyUploaded(nativeId, source, signal);
  }

  /**
   * The seed has no call that drops an upload alone: the one call that frees
   * an open multipart upload is deleteImage, which takes the registration with
   * it. So a cancelled upload that reached FPT (the image is `uploading`) is
   * released by deleting the registration and registering the same name, size
   * and sha256 again; the broker's row takes over the new id and the image
   * waits, empty, for its bytes as before. An image still `pending` holds no
   * upload, and one FPT is processing or has finished is past the upload.
   */
  async abortUpload(
    nativeId: string,
    _checkpoint: UploadCheckpoint,
    signal?: AbortSignal,
  ): Promise<NormalizedImage | null> {
    const item = await this.findCustomItem(nativeId, signal);
    if (!item || fptStatus(item) !== 'uploading') return null;
    const registered = this.translator.toNormalized(item, { region: this.region, source: 'custom' });
    const { sizeBytes, checksums } = registered;
    if (sizeBytes === null || checksums.sha256 === null) {
      throw new ProviderProtocolError(
        this.name,
        `Provider '${this.name}': image ${nativeId} is listed without the size and sha256 it was registered with`,
      );
    }
    await this.deleteImage(nativeId);
    // Registering again is safe to repeat: a register whose answer was lost is found and taken over.
    return this.register(registered.name ?? nativeId, sizeBytes, checksums.sha256, {
      takeOverEarlier: true,
      retry: true,
      signal,
    });
  }

  /**
   * deleteImage: `DELETE …/hpc/images/{hpc_file_id}/`. FPT refuses public
   * images (403, though the token is fine) and images it is still processing
   * (400); both are refusals of this image as it is, answered as 409.
   */
  async deleteImage(nativeId: string): Promise<void> {
    const path = `${this.vpcPath}/images/${encodeURIComponent(nativeId)}/`;
    const answer = await this.http.request<unknown>({ method: 'DELETE', path, expectedStatus: [400, 403, 409] });
    if (answer.status < 300) return;
    const reason = extractProviderMessage(answer.body ?? answer.text) ?? `HTTP ${answer.status}`;
    const message = `Provider '${this.name}' refused to delete image ${nativeId}: ${reason}`;
    if (answer.status === 403 && !(await this.isPublicImage(nativeId))) {
      throw new ProviderAuthError(this.name, message, 403);
    }
    throw new ProviderRejectedError(this.name, message, 409);
  }

  /**
   * registerImage: `POST …/hpc/images/`. FPT keys the complete call by sha256,
   * so it refuses a second live image with the same bytes; when the caller may
   * be repeating its own register (takeOverEarlier), the earlier registration
   * that still awaits its bytes is taken over instead of being a conflict,
   * which also makes it safe to send again after a lost answer (retry).
   */
  private async register(
    name: string,
    size: number,
    sha256: string,
    options: { takeOverEarlier: boolean; retry?: boolean; signal?: AbortSignal },
  ): Promise<NormalizedImage> {
    const { signal } = options;
    const path = `${this.vpcPath}/images/`;
    let answer;
    try {
      answer = await this.http.request<unknown>({
        method: 'POST',
        path,
        json: { name, size, sha256 },
        retryNonIdempotent: options.retry ?? false,
        signal,
      });
    } catch (error) {
      if (error instanceof ProviderRejectedError && /already exists/i.test(error.message)) {
        const earlier = options.takeOverEarlier ? await this.registeredAwaitingBytes(name, sha256, signal) : null;
        if (earlier) return this.translator.toNormalized(earlier, { region: this.region, source: 'custom' });
        throw new ProviderRejectedError(this.name, error.message, 409);
      }
      throw error;
    }
    const data = isPlainObject(answer.body) ? answer.body.data : undefined;
    const imageId = isPlainObject(data) ? trimmedText(data.image_id) : null;
    if (!isPlainObject(data) || imageId === null) {
      throw new ProviderProtocolError(
        this.name,
        `Provider '${this.name}': POST ${path} answered ${answer.status} without data.image_id`,
        answer.status,
      );
    }
    // The register answer carries id, name, description and created_at; the rest is what FPT was given.
    const item: FptCustomImagePayload = {
      id: imageId,
      name: typeof data.name === 'string' ? data.name : name,
      description: typeof data.description === 'string' ? data.description : null,
      status: 'pending',
      size,
      sha256,
      created_at: typeof data.created_at === 'string' ? data.created_at : null,
    };
    return this.translator.toNormalized(item, { region: this.region, source: 'custom' });
  }

  /** Presign, reconcile with the checkpoint, send what is missing; the parts' ETags in part order. */
  private async sendParts(
    source: ImageBytesSource,
    context: UploadContext,
  ): Promise<{ ETag: string; PartNumber: number }[]> {
    for (let round = 1; ; round++) {
      const batch = await this.presign(source.sha256.toLowerCase(), context.signal);
      const layout = layoutFor(source.sizeBytes, batch.urls.length);
      if (layout === null) {
        throw new ProviderProtocolError(
          this.name,
          `Provider '${this.name}': ${batch.urls.length} presigned URLs for ${source.sizeBytes} bytes leave parts empty`,
        );
      }
      const saved = parseUploadState(await context.checkpoint.state());
      const { state, done } = reconcile(saved, batch, layout, await context.checkpoint.parts());
      await context.checkpoint.saveState({ ...state });
      const uploader = new FptPartUploader({
        provider: this.name,
        http: this.partHttp,
        layout,
        batch,
        presign: () => this.presign(source.sha256.toLowerCase(), context.signal),
        source,
        context,
        state,
        done,
        concurrency: this.upload.partConcurrency,
        attempts: this.upload.partAttempts,
        partTimeoutMs: (bytes) =>
          this.upload.partTimeoutMs === undefined
            ? PART_TIMEOUT_BASE_MS + Math.ceil((bytes / PART_MIN_BYTES_PER_SECOND) * 1000)
            : this.upload.partTimeoutMs,
        now: this.upload.now,
        sleep: this.sleep,
        random: this.random,
      });
      try {
        await uploader.run();
      } catch (error) {
        if (error instanceof FptUploadReplacedError && round < MAX_UPLOAD_ROUNDS) continue;
        if (error instanceof FptUploadReplacedError) {
          throw new ProviderUnavailableError(this.name, `Provider '${this.name}': ${error.message}, again`);
        }
        throw error;
      }
      return [...done.entries()].sort(([a], [b]) => a - b).map(([PartNumber, ETag]) => ({ ETag, PartNumber }));
    }
  }

  /** getPresignedUrls: safe to repeat, as asking again re-signs the same upload. */
  private async presign(sha256: string, signal: AbortSignal): Promise<FptPresignedBatch> {
    const path = `${this.vpcPath}/images/presign-urls/`;
    const answer = await this.http.request<unknown>({
      method: 'POST',
      path,
      json: { sha256 },
      retryNonIdempotent: true,
      signal,
    });
    const batch = readPresignedBatch(answer.body);
    if (batch === null) {
      throw new ProviderProtocolError(
        this.name,
        `Provider '${this.name}': POST ${path} answered no {data: [url, …]} of presigned URLs of one upload`,
        answer.status,
      );
    }
    return batch;
  }

  /**
   * completeImageUpload, keyed by sha256. A 400 is looked into: FPT marks the
   * image failed when the assembled bytes do not match the registration (an
   * IntegrityError with FPT's reason), and a complete repeated after one that
   * got through finds the image active or processing already.
   */
  private async complete(
    nativeId: string,
    source: ImageBytesSource,
    parts: { ETag: string; PartNumber: number }[],
    signal: AbortSignal,
  ): Promise<void> {
    try {
      await this.http.request<unknown>({
        method: 'PUT',
        path: `${this.vpcPath}/images/${source.sha256.toLowerCase()}/`,
        json: { parts },
        timeoutMs: PART_TIMEOUT_BASE_MS + Math.ceil((source.sizeBytes / COMPLETE_MIN_BYTES_PER_SECOND) * 1000),
        signal,
      });
    } catch (error) {
      if (!(error instanceof ProviderRejectedError)) throw error;
      const item = await this.findCustomItem(nativeId, signal);
      const status = item ? fptStatus(item) : null;
      if (item && status === 'failed') throw this.failedImage(item);
      if (status === 'active' || status === 'processing') return;
      throw error;
    }
  }

  /** syncImage; FPT syncs active images only, so a `processing` image is waited for first. */
  private async syncToPortal(nativeId: string, signal: AbortSignal): Promise<void> {
    const path = `${this.vpcPath}/images/${encodeURIComponent(nativeId)}/sync/`;
    const deadline = this.upload.now() + this.upload.processingTimeoutMs;
    for (;;) {
      try {
        await this.http.request<unknown>({ method: 'POST', path, retryNonIdempotent: true, signal });
        return;
      } catch (error) {
        if (!(error instanceof ProviderRejectedError)) throw error;
        const item = await this.requireCustomItem(nativeId, signal);
        const status = fptStatus(item);
        if (status === 'failed') throw this.failedImage(item);
        if (status !== 'processing') throw error;
        if (this.upload.now() >= deadline) {
          throw new ProviderUnavailableError(
            this.name,
            `Provider '${this.name}': image ${nativeId} is still processing after ${this.upload.processingTimeoutMs} ms`,
          );
        }
        await this.sleep(this.upload.processingPollMs, signal);
      }
    }
  }

  /** The image as FPT now lists it: active, with the source's SHA-256 and size, or an IntegrityError. */
  private async verifyUploaded(nativeId: string, source: ImageBytesSource, signal: AbortSignal) {
    const item = await this.requireCustomItem(nativeId, signal);
    const image = this.translator.toNormalized(item, { region: this.region, source: 'custom' });
    if (fptStatus(item) === 'failed') throw this.failedImage(item);
    const problems = [
      ...(image.status === 'active' ? [] : [`its status is ${image.nativeStatus ?? 'unknown'}, not active`]),
      ...(image.checksums.sha256 === source.sha256.toLowerCase()
        ? []
        : [`FPT lists sha256 ${image.checksums.sha256 ?? 'none'}, the bytes sent hash to ${source.sha256}`]),
      ...(image.sizeBytes === source.sizeBytes
        ? []
        : [`FPT lists ${image.sizeBytes ?? 'no'} bytes, ${source.sizeBytes} were sent`]),
    ];
    if (problems.length > 0) {
      throw new IntegrityError(
        this.name,
        `Provider '${this.name}': image ${nativeId} after upload: ${problems.join('; ')}`,
      );
    }
    return image;
  }

  /** FPT checks the bytes against what was registered; bytes of another file can never complete. */
  private checkRegistration(item: FptCustomImagePayload, source: ImageBytesSource): void {
    const registered = this.translator.toNormalized(item, { region: this.region, source: 'custom' });
    const registeredSha = registered.checksums.sha256;
    const registeredSize = registered.sizeBytes;
    if (registeredSha !== source.sha256.toLowerCase() || registeredSize !== source.sizeBytes) {
      throw new IntegrityError(
        this.name,
        `Provider '${this.name}': image ${fptImageId(item)} was registered with sha256 ${registeredSha ?? 'none'} and ` +
          `${registeredSize ?? 'no'} bytes, but the bytes to upload hash to ${source.sha256} and are ${source.sizeBytes} bytes`,
      );
    }
  }

  private failedImage(item: FptCustomImagePayload): IntegrityError {
    const reason = trimmedText(item.error_message) ?? 'no reason given';
    return new IntegrityError(this.name, `Provider '${this.name}' marked image ${fptImageId(item)} failed: ${reason}`);
  }

  /** What FPT's register refuses: no size or sha256 up front, and what FPT cannot keep rather than silently drop. */
  createProblems(spec: CreateImageSpec): CreateSpecProblem[] {
    const sha256 = lowerCaseText(spec.sha256);
    return [
      ...(spec.sizeBytes !== null && Number.isSafeInteger(spec.sizeBytes) && spec.sizeBytes >= 1
        ? []
        : [{ field: 'sizeBytes', message: `is required by FPT up front (${describeRequirement('sizeBytes')})` }]),
      ...(sha256 !== null && /^[0-9a-f]{64}$/.test(sha256)
        ? []
        : [{ field: 'sha256', message: `is required by FPT up front (${describeRequirement('sha256')})` }]),
      ...this.unsupported(spec),
    ];
  }

  private unsupported(spec: CreateImageSpec): CreateSpecProblem[] {
    return [
      ...(spec.visibility !== null && spec.visibility !== 'private'
        ? [{ field: 'visibility', message: `'${spec.visibility}' (FPT custom images are private to the VPC)` }]
        : []),
      ...(spec.protected === true ? [{ field: 'protected', message: '(FPT images have no protection flag)' }] : []),
      ...(spec.region !== '' && spec.region !== this.region
        ? [{ field: 'region', message: `'${spec.region}' (this connection serves '${this.region}')` }]
        : []),
    ];
  }

  private refuseUnsupported(spec: CreateImageSpec): void {
    const refusals = this.unsupported(spec).map((p) => `${p.field} ${p.message}`);
    if (refusals.length > 0) {
      throw new ProviderRejectedError(this.name, `Provider '${this.name}' cannot register ${refusals.join(', ')}`);
    }
  }

  private async isPublicImage(nativeId: string): Promise<boolean> {
    const items = await this.fetchList('public');
    return items.some((item) => fptImageId(item) === nativeId);
  }

  /**
   * The image a repeated register met: FPT's id is its own, so a register whose
   * answer was lost can only be recognised by what it registered (name and
   * sha256) and by having received no bytes yet.
   */
  private async registeredAwaitingBytes(
    name: string,
    sha256: string,
    signal?: AbortSignal,
  ): Promise<FptCustomImagePayload | null> {
    const items = (await this.fetchList('custom', signal)) as FptCustomImagePayload[];
    const match = items.find(
      (item) =>
        item.name === name &&
        lowerCaseText(item.sha256) === sha256 &&
        ['pending', 'uploading'].includes(fptStatus(item) ?? ''),
    );
    return match ?? null;
  }

  private async requireCustomItem(nativeId: string, signal?: AbortSignal): Promise<FptCustomImagePayload> {
    const item = await this.findCustomItem(nativeId, signal);
    if (!item) {
      throw new ProviderNotFoundError(this.name, `Provider '${this.name}' lists no custom image ${nativeId}`, 404);
    }
    return item;
  }

  private async findCustomItem(nativeId: string, signal?: AbortSignal): Promise<FptCustomImagePayload | null> {
    const items = await this.fetchList('custom', signal);
    return (items.find((candidate) => fptImageId(candidate) === nativeId) as FptCustomImagePayload | undefined) ?? null;
  }

  private async fetchList(source: FptImageSource, signal?: AbortSignal): Promise<FptImageItemPayload[]> {
    const path = `${this.vpcPath}/${LIST_PATHS[source]}`;
    const { body } = await this.http.request<unknown>({ method: 'GET', path, signal });
    if (!isFptImageList(body)) {
      throw new ProviderProtocolError(
        this.name,
        `Provider '${this.name}': GET ${path} answered no {data: [...]} image list with an id on every item`,
      );
    }
    return body.data;
  }
}

/** FPT's upload states: pending, uploading, processing, active, failed (lower-cased). */
function fptStatus(item: FptImageItemPayload): string | null {
  return lowerCaseText(item.status);
}

function describeRequirement(field: string): string {
  return field === 'sizeBytes' ? 'sizeBytes: the image size in bytes, at least 1' : 'sha256: 64 hex digits';
}

export function createFptAdapter(conn: FptConnection): FptAdapter {
  return new FptAdapter(conn);
}
