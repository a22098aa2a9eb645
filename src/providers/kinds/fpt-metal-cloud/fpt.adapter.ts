import type { FptConnection } from '../../connections/provider-connection.types';
import { extractProviderMessage } from '../../../platform/outbound-http/provider-error-message';
import { ProviderHttpClient } from '../../../platform/outbound-http/provider-http-client';
import { bearerTokenSource } from '../../../platform/outbound-http/static-header-source';
import { capabilities } from '../../port/capabilities';
import type { NormalizedImage } from '../../port/normalized-image';
import {
  IntegrityError,
  ProviderAuthError,
  ProviderNotFoundError,
  ProviderProtocolError,
  ProviderRejectedError,
  ProviderUnavailableError,
} from '../../../platform/errors/provider.errors';
import type { ProviderAdapter } from '../../port/provider.port';
import type {
  CreateImageSpec,
  CreateSpecProblem,
  ImageBytesSource,
  UploadCheckpoint,
  UploadContext,
} from '../../port/provider-writes';
import { isPlainObject, lowerCaseText, trimmedText } from '../shared/payload-values';
import { type AdapterHttpOverrides, createConnectionHttpClient } from '../shared/connection-http-client';
import { type FptCustomImagePayload, type FptImageItemPayload, fptImageId, isFptImageList } from './fpt-image.payload';
import { type FptImageSource, FptImageTranslator } from './fpt-image.translator';
import { FptPartUploader, FptUploadReplacedError } from './fpt-part-uploader';
import {
  type FptPresignedBatch,
  type FptUploadState,
  layoutFor,
  livePartsOf,
  parseUploadState,
  readPresignedBatch,
  reconcile,
} from './fpt-upload-plan';

export const FPT_KIND = 'fpt-metal-cloud';

export interface FptUploadTuning {
  /** Parts in flight at once; 3 when omitted. */
  partConcurrency?: number;
  /** Tries per part on timeouts, 5xx and dropped connections; 3 when omitted. */
  partAttempts?: number;
  /** Per part PUT; null for none (the job's signal bounds it). Sized from the part when omitted. */
  partTimeoutMs?: number | null;
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
/** Waits between the attempts of a part: S3 throttles slow down for longer than FPT's API does. */
const PART_BACKOFF = { baseDelayMs: 500, maxDelayMs: 15_000 };
/** Rounds of "FPT handed out another multipart upload, reconcile and go on" before giving up. */
const MAX_UPLOAD_ROUNDS = 3;

/** What a FptAdapter can do; its kind's definition shows the same. */
export const FPT_CAPABILITIES = capabilities(['list', 'get', 'create', 'upload', 'delete']);

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
  readonly capabilities = FPT_CAPABILITIES;
  readonly regions: readonly string[];

  private readonly http: ProviderHttpClient;
  /**
   * Presigned part PUTs, under a policy of their own: the URLs are FPT's S3,
   * not its API, so neither the API's bearer token nor its breaker or call
   * limit apply, and a part holds its connection for minutes.
   */
  private readonly partHttp: ProviderHttpClient;
  private readonly translator = new FptImageTranslator();
  private readonly region: string;
  private readonly vpcPath: string;
  private readonly upload: Required<Omit<FptUploadTuning, 'partTimeoutMs'>> & { partTimeoutMs?: number | null };

  constructor(conn: FptConnection, options: FptAdapterOptions = {}) {
    this.name = conn.name;
    this.region = conn.region ?? '';
    this.regions = conn.region ? [conn.region] : [];
    this.vpcPath = `/api/v2/vmware/vpc/${encodeURIComponent(conn.vpcId)}/hpc`;
    this.http = createConnectionHttpClient(conn, options.http, () => bearerTokenSource(conn.auth.token));
    const tuning = options.upload ?? {};
    this.upload = {
      partConcurrency: Math.max(1, tuning.partConcurrency ?? 3),
      partAttempts: Math.max(1, tuning.partAttempts ?? 3),
      partTimeoutMs: tuning.partTimeoutMs,
      now: tuning.now ?? Date.now,
    };
    // Each attempt reopens its part's range of the source, so a part is retried like any replayable call.
    this.partHttp = new ProviderHttpClient({
      provider: conn.name,
      baseUrl: conn.endpoint,
      maxRetries: this.upload.partAttempts - 1,
      ...PART_BACKOFF,
      sleep: options.http?.sleep,
      random: options.http?.random,
    });
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
   * complete with the parts' ETags; then the image is read back. Sync to the
   * portal is a step of its own (syncToPortal), which the broker calls next.
   *
   * FPT's custom-image list is not documented to carry an image's size,
   * sha256 or status (seed 000), so nothing here depends on them: the broker
   * checked the bytes against the registered sha256 when it took them, FPT
   * checks them again on complete (keyed by that sha256), and where the upload
   * stands is read from the job's checkpoint, not from FPT's list.
   *
   * Resuming: the checkpoint names the S3 multipart upload (the URLs'
   * `uploadId`) and the part layout; asking FPT for URLs again re-signs that
   * same upload, so only the parts the checkpoint lacks are sent. A run whose
   * complete FPT answered goes straight to the end; one that sent complete and
   * died before the answer sends it again (see completeAgain).
   */
  async uploadImage(nativeId: string, source: ImageBytesSource, context: UploadContext): Promise<NormalizedImage> {
    const { signal, checkpoint } = context;
    await this.requireCustomItem(nativeId, signal);
    const saved = parseUploadState(await checkpoint.state());
    if (saved?.completedAt == null) {
      if (saved?.completeSentAt != null) {
        await this.completeAgain(nativeId, source, saved, context);
      } else {
        const { parts, state } = await this.sendParts(source, context);
        await this.complete(source, parts, state, context);
      }
    }
    context.progress(source.sizeBytes);
    return this.uploaded(nativeId, source, signal);
  }

  /**
   * syncImage: `POST …/hpc/images/{hpc_file_id}/sync/`, which publishes an
   * image already in FPT's image repository to the FPT Cloud console (the
   * portal). Repeating it is harmless, so it is retried like a read.
   */
  async syncToPortal(nativeId: string, signal?: AbortSignal): Promise<void> {
    const path = `${this.vpcPath}/images/${encodeURIComponent(nativeId)}/sync/`;
    await this.http.request<unknown>({ method: 'POST', path, retryNonIdempotent: true, signal });
  }

  /**
   * The seed has no call that drops an upload alone: the one call that frees
   * an open multipart upload is deleteImage, which takes the registration with
   * it. So a cancelled upload that reached FPT (the checkpoint holds the S3
   * upload FPT handed out) is released by deleting the registration and
   * registering the same name, size and sha256 again; the broker's row takes
   * over the new id and the image waits, empty, for its bytes as before.
   *
   * What the upload reached is read from the job's checkpoint, as FPT's list
   * is not documented to say: no URLs handed out → no upload to release; a
   * complete sent (answered or not) → the bytes may be in FPT's repository, so
   * the image is left alone.
   */
  async abortUpload(
    nativeId: string,
    checkpoint: UploadCheckpoint,
    signal?: AbortSignal,
  ): Promise<NormalizedImage | null> {
    const state = parseUploadState(await checkpoint.state());
    if (state === null || state.completeSentAt !== null || state.completedAt !== null) return null;
    const item = await this.findCustomItem(nativeId, signal);
    if (!item) return null;
    const name = trimmedText(item.name);
    if (state.sha256 === null || state.sizeBytes === null || name === null) {
      throw new ProviderProtocolError(
        this.name,
        `Provider '${this.name}': image ${nativeId} cannot be registered again: ` +
          `${name === null ? 'FPT lists it without a name' : 'the upload checkpoint does not hold its size and sha256'}`,
      );
    }
    await this.deleteImage(nativeId);
    // Registering again is safe to repeat: a register whose answer was lost is found and taken over.
    return this.register(name, state.sizeBytes, state.sha256, { takeOverEarlier: true, signal });
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
   * so it refuses a second live image with the same bytes ("already exists").
   * When the caller may be repeating its own register (takeOverEarlier), the
   * POST is retried after a lost answer, and a refusal then is checked
   * against the custom images of that name listed before the first POST: the
   * one image of that name that appeared meanwhile is this register's own and
   * is taken over. FPT's list is not documented to carry sha256 or status, so
   * an image registered before this call cannot be told apart from somebody
   * else's with the same bytes, and stays a conflict.
   */
  private async register(
    name: string,
    size: number,
    sha256: string,
    options: { takeOverEarlier: boolean; signal?: AbortSignal },
  ): Promise<NormalizedImage> {
    const { signal } = options;
    const path = `${this.vpcPath}/images/`;
    const namedBefore = options.takeOverEarlier ? await this.customIdsNamed(name, signal) : null;
    let answer;
    try {
      answer = await this.http.request<unknown>({
        method: 'POST',
        path,
        json: { name, size, sha256 },
        retryNonIdempotent: options.takeOverEarlier,
        signal,
      });
    } catch (error) {
      if (error instanceof ProviderRejectedError && /already exists/i.test(error.message)) {
        if (namedBefore !== null) {
          const appeared = (await this.fetchList('custom', signal)).filter(
            (item) => item.name === name && !namedBefore.has(fptImageId(item) ?? ''),
          );
          if (appeared.length === 1) return this.registration(appeared[0], size, sha256);
        }
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
    return this.registration({ ...data, name: typeof data.name === 'string' ? data.name : name }, size, sha256);
  }

  /**
   * A registration as the broker records it: FPT's item (the register answer
   * carries image_id, name, description and created_at), with the size and
   * sha256 FPT was given. `pending` is the broker's word for an image awaiting
   * its bytes; FPT's own status is not stated, so nativeStatus stays null.
   */
  private registration(item: FptImageItemPayload, size: number, sha256: string): NormalizedImage {
    const image = this.translator.toNormalized(item, { region: this.region, source: 'custom' });
    return {
      ...image,
      status: image.status ?? 'pending',
      sizeBytes: image.sizeBytes ?? size,
      checksums: { ...image.checksums, sha256: image.checksums.sha256 ?? sha256 },
    };
  }

  /** Presign, reconcile with the checkpoint, send what is missing; the parts' ETags in part order. */
  private async sendParts(
    source: ImageBytesSource,
    context: UploadContext,
  ): Promise<{ parts: FptCompletedPart[]; state: FptUploadState }> {
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
      const sha256 = source.sha256.toLowerCase();
      const { state, done } = reconcile(saved, batch, layout, await context.checkpoint.parts(), sha256);
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
        partTimeoutMs: (bytes) =>
          this.upload.partTimeoutMs === undefined
            ? PART_TIMEOUT_BASE_MS + Math.ceil((bytes / PART_MIN_BYTES_PER_SECOND) * 1000)
            : this.upload.partTimeoutMs,
        now: this.upload.now,
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
      return { parts: inPartOrder(done), state };
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
   * completeImageUpload, keyed by sha256. The checkpoint says a complete was
   * sent before it goes, and that FPT took it once it answers 200; a refusal
   * (FPT marks the image failed when the assembled bytes do not match the
   * registration) is an answer too, so nothing is left in doubt after one.
   */
  private async complete(
    source: ImageBytesSource,
    parts: FptCompletedPart[],
    state: FptUploadState,
    context: UploadContext,
  ): Promise<void> {
    const sent = { ...state, completeSentAt: new Date(this.upload.now()).toISOString(), completedAt: null };
    await context.checkpoint.saveState({ ...sent });
    try {
      await this.sendComplete(source, parts, context.signal);
    } catch (error) {
      if (error instanceof ProviderRejectedError) await context.checkpoint.saveState({ ...state });
      throw error;
    }
    await context.checkpoint.saveState({ ...sent, completedAt: new Date(this.upload.now()).toISOString() });
  }

  /**
   * An earlier run sent complete and died before the answer. It is sent again
   * with the recorded parts; FPT refuses a complete of an upload it already
   * took, and its list does not say whether it did. The one documented call
   * that needs the image in FPT's repository is the portal sync, so it is
   * asked: FPT syncs the image → its bytes landed; FPT refuses → they did not,
   * and the checkpoint forgets the complete, so an abort releases the upload.
   * Anything else (FPT unreachable) leaves the question for the next try.
   */
  private async completeAgain(
    nativeId: string,
    source: ImageBytesSource,
    state: FptUploadState,
    context: UploadContext,
  ): Promise<void> {
    const parts = inPartOrder(livePartsOf(state, await context.checkpoint.parts()));
    const done = { ...state, completedAt: new Date(this.upload.now()).toISOString() };
    try {
      await this.sendComplete(source, parts, context.signal);
      await context.checkpoint.saveState(done);
      return;
    } catch (error) {
      if (!(error instanceof ProviderRejectedError)) throw error;
      try {
        await this.syncToPortal(nativeId, context.signal);
      } catch (probe) {
        if (!(probe instanceof ProviderRejectedError)) throw probe;
        await context.checkpoint.saveState({ ...state, completeSentAt: null });
        throw new ProviderRejectedError(
          this.name,
          `Provider '${this.name}' refused the complete of image ${nativeId} an earlier run sent without an answer ` +
            `(${error.message}), and will not sync the image to its portal (${probe.message}): its bytes did not land`,
        );
      }
      await context.checkpoint.saveState(done);
    }
  }

  private async sendComplete(source: ImageBytesSource, parts: FptCompletedPart[], signal: AbortSignal): Promise<void> {
    await this.http.request<unknown>({
      method: 'PUT',
      path: `${this.vpcPath}/images/${source.sha256.toLowerCase()}/`,
      json: { parts },
      timeoutMs: PART_TIMEOUT_BASE_MS + Math.ceil((source.sizeBytes / COMPLETE_MIN_BYTES_PER_SECOND) * 1000),
      signal,
    });
  }

  /**
   * The image as FPT now lists it, after a complete FPT answered 200 ("Image
   * upload completed successfully", which per the seed lets a server be
   * created from it): active, with the size and sha256 the complete was for.
   * Where the list states its own status, size or sha256, those are FPT's word
   * and are checked against the bytes sent instead.
   */
  private async uploaded(nativeId: string, source: ImageBytesSource, signal: AbortSignal): Promise<NormalizedImage> {
    const item = await this.requireCustomItem(nativeId, signal);
    const image = this.translator.toNormalized(item, { region: this.region, source: 'custom' });
    const sha256 = source.sha256.toLowerCase();
    const problems = [
      ...(image.status === null || image.status === 'active' ? [] : [`FPT lists it ${image.nativeStatus}`]),
      ...(image.checksums.sha256 === null || image.checksums.sha256 === sha256
        ? []
        : [`FPT lists sha256 ${image.checksums.sha256}, the bytes sent hash to ${sha256}`]),
      ...(image.sizeBytes === null || image.sizeBytes === source.sizeBytes
        ? []
        : [`FPT lists ${image.sizeBytes} bytes, ${source.sizeBytes} were sent`]),
    ];
    if (problems.length > 0) {
      const reason = trimmedText(item.error_message);
      throw new IntegrityError(
        this.name,
        `Provider '${this.name}': image ${nativeId} after upload: ${problems.join('; ')}${reason ? ` (${reason})` : ''}`,
      );
    }
    return {
      ...image,
      status: 'active',
      sizeBytes: source.sizeBytes,
      checksums: { ...image.checksums, sha256 },
    };
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

  /** Ids of the custom images FPT lists under this name. */
  private async customIdsNamed(name: string, signal?: AbortSignal): Promise<Set<string>> {
    const items = await this.fetchList('custom', signal);
    return new Set(items.filter((item) => item.name === name).map((item) => fptImageId(item) ?? ''));
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

interface FptCompletedPart {
  ETag: string;
  PartNumber: number;
}

function inPartOrder(done: ReadonlyMap<number, string>): FptCompletedPart[] {
  return [...done.entries()].sort(([a], [b]) => a - b).map(([PartNumber, ETag]) => ({ ETag, PartNumber }));
}

function describeRequirement(field: string): string {
  return field === 'sizeBytes' ? 'sizeBytes: the image size in bytes, at least 1' : 'sha256: 64 hex digits';
}

export function createFptAdapter(conn: FptConnection): FptAdapter {
  return new FptAdapter(conn);
}
