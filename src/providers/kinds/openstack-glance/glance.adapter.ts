import { pipeline } from 'node:stream';
import type { GlanceConnection } from '../../connections/provider-connection.types';
import { extractProviderMessage } from '../../../platform/outbound-http/provider-error-message';
import type {
  ProviderHttpClient,
  ProviderRequest,
  ProviderResponse,
} from '../../../platform/outbound-http/provider-http-client';
import { capabilities, PROVIDER_OPERATIONS } from '../../port/capabilities';
import type { NormalizedImage } from '../../port/normalized-image';
import {
  IntegrityError,
  ProviderNotFoundError,
  ProviderProtocolError,
  ProviderRejectedError,
  ProviderUnavailableError,
} from '../../../platform/errors/provider.errors';
import type { ProviderAdapter } from '../../port/provider.port';
import type {
  CreateImageSpec,
  CreateSpecProblem,
  DownloadRange,
  ImageBytesSource,
  ImageDownload,
  ImageMember,
  ImagePatch,
  MemberStatus,
  UploadCheckpoint,
  UploadContext,
} from '../../port/provider-writes';
import { type AdapterHttpOverrides, createConnectionHttpClient } from '../shared/connection-http-client';
import { lowerCaseText } from '../shared/payload-values';
import { glanceCreateRequest } from './glance-create-request';
import { glanceCreateProblems, glanceUploadProblems } from './glance-write-rules';
import { refuseProblems } from '../../port/provider.port';
import { type GlanceImageListPayload, type GlanceImagePayload, isGlanceImagePayload } from './glance-image.payload';
import { GlanceImageTranslator, type GlanceTranslationContext } from './glance-image.translator';
import { GLANCE_JSON_PATCH_MEDIA_TYPE, glancePatchOperations } from './glance-json-patch';
import { isGlanceMemberList, isGlanceMemberPayload, toImageMember } from './glance-member.translator';
import {
  byteCounter,
  contentMd5Hex,
  holdsExpectedData,
  integrityProblems,
  readUntilSettled,
  type SettleOptions,
} from './glance-upload';
import { createGlanceAuthSource, KeystoneTokenSource } from './keystone-auth';

export const GLANCE_KIND = 'openstack-glance';
const DEFAULT_PAGE_SIZE = 100;

export interface GlanceAdapterOptions {
  /** Client overrides (tests: sleep, random, an `authenticate` stub, short timeouts). */
  http?: AdapterHttpOverrides;
  pageSize?: number;
  /** How long, and with which sleep, to wait for an uploaded image to leave `saving` (tests shorten it). */
  uploadSettle?: SettleOptions;
}

/** What a GlanceAdapter can do; its kind's definition shows the same. */
export const GLANCE_CAPABILITIES = capabilities(PROVIDER_OPERATIONS);

/**
 * Any Glance v2 endpoint: NHN Cloud (dialect `nhn`), Vietnix and stock
 * OpenStack (`standard`). One connection serves one region.
 */
export class GlanceAdapter implements ProviderAdapter {
  readonly kind = GLANCE_KIND;
  readonly name: string;
  // Glance v2 has every operation of the port.
  readonly capabilities = GLANCE_CAPABILITIES;
  readonly regions: readonly string[];

  private readonly http: ProviderHttpClient;
  private readonly translator = new GlanceImageTranslator();
  private readonly context: GlanceTranslationContext;
  private readonly listQuery: Readonly<Record<string, string>>;
  /** Keystone auth knows the token's project; a static token does not (see listImages). */
  private keystone: KeystoneTokenSource | null = null;
  private readonly dialect: GlanceConnection['dialect'];
  private readonly uploadSettle: SettleOptions;

  constructor(conn: GlanceConnection, options: GlanceAdapterOptions = {}) {
    this.name = conn.name;
    this.regions = conn.region ? [conn.region] : [];
    this.context = { region: conn.region ?? '', dialect: conn.dialect };
    this.dialect = conn.dialect;
    this.uploadSettle = options.uploadSettle ?? {};
    // Ascending creation order keeps markers stable while new images are being added.
    this.listQuery = { limit: String(options.pageSize ?? DEFAULT_PAGE_SIZE), sort_key: 'created_at', sort_dir: 'asc' };
    this.http = createConnectionHttpClient(conn, options.http, (tuning) => {
      const source = createGlanceAuthSource(conn, tuning);
      if (source instanceof KeystoneTokenSource) this.keystone = source;
      return source;
    });
  }

  /**
   * Everything the account can see: Glance's default list, then (standard
   * dialect) what that list leaves out: images an operator marked `os_hidden`
   * (`os_hidden=true`), and the account's own community images
   * (`visibility=community&owner=<project>`, hidden or not; the Image API
   * reference leaves them out of the default list, later releases include
   * them, so an id already yielded is skipped). Community images of other
   * projects are not listed: `visibility=community` alone would pour every
   * community image of the cloud into the catalogue. NHN offers no community
   * visibility and documents no `os_hidden` filter (its guide's list filter
   * takes public, private or shared only). Pages are fetched as the consumer
   * pulls; only the ids already yielded are kept, to skip repeats.
   */
  async *listImages(signal?: AbortSignal): AsyncGenerator<NormalizedImage> {
    const yielded = new Set<string>();
    let privateOwner: string | null = null;
    for await (const image of this.listPages({}, signal)) {
      if (privateOwner === null && image.visibility === 'private' && typeof image.owner === 'string') {
        privateOwner = image.owner;
      }
      yielded.add(image.id);
      yield this.translate(image);
    }
    if (this.dialect !== 'standard') return;
    // Keystone names the token's project; with a static token, a private image can only be our own.
    const project = this.keystone?.projectId() ?? privateOwner;
    const more: Array<Record<string, string>> = [{ os_hidden: 'true' }];
    // Without a project the own community images cannot be told apart from the cloud's; docs/providers.md says so.
    if (project !== null) {
      more.push(
        { visibility: 'community', owner: project },
        { visibility: 'community', owner: project, os_hidden: 'true' },
      );
    }
    for (const filters of more) {
      for await (const image of this.listPages(filters, signal)) {
        if (yielded.has(image.id)) continue;
        yielded.add(image.id);
        yield this.translate(image);
      }
    }
  }

  /** One listing, every page of it: `next` links are followed with the listing's own filters kept on them. */
  private async *listPages(
    filters: Readonly<Record<string, string>>,
    signal?: AbortSignal,
  ): AsyncGenerator<GlanceImagePayload> {
    const seenMarkers = new Set<string>();
    const listing = { ...filters, ...this.listQuery };
    let path: string | null = '/v2/images';
    let query: Readonly<Record<string, string>> | undefined = listing;
    while (path !== null) {
      const page = await this.fetchPage(path, query, signal);
      yield* page.images;
      path = page.next == null ? null : this.nextPagePath(page.next, seenMarkers, listing);
      query = undefined;
    }
  }

  /** Glance images live in the connection's one region, so `region` does not change the lookup. */
  async getImage(nativeId: string): Promise<NormalizedImage | null> {
    if (nativeId === '') return null;
    const response = await this.http.request({
      method: 'GET',
      path: `/v2/images/${encodeURIComponent(nativeId)}`,
      expectedStatus: [404],
    });
    if (response.status === 404) return null;
    if (!isGlanceImagePayload(response.body)) throw this.protocolError(`GET /v2/images/{id} answered no image`);
    return this.translate(response.body);
  }

  /** Registers an empty (`queued`) image; its bytes follow with uploadImage. */
  /**
   * With `spec.clientId` the create is idempotent: the POST is retried like a
   * GET (a lost answer, a 5xx or 429), and a 409 for that id means an earlier
   * try made the image, which is then read and returned rather than made twice.
   */
  createProblems(spec: CreateImageSpec): CreateSpecProblem[] {
    return glanceCreateProblems(spec, this.dialect, this.name);
  }

  uploadProblems(spec: CreateImageSpec): CreateSpecProblem[] {
    return glanceUploadProblems(spec);
  }

  async createImage(spec: CreateImageSpec, signal?: AbortSignal): Promise<NormalizedImage> {
    refuseProblems(this.name, this.createProblems(spec));
    const idempotent = spec.clientId !== undefined;
    const request: ProviderRequest = {
      method: 'POST',
      path: '/v2/images',
      json: glanceCreateRequest(spec, this.dialect, this.name),
      signal,
      retryNonIdempotent: idempotent,
      expectedStatus: idempotent ? [409] : undefined,
    };
    const response = await this.requestRefusable(request).catch((error: unknown) => {
      if (!idempotent || !(error instanceof ProviderRejectedError) || error.upstreamStatus !== 409) throw error;
      return null;
    });
    if (response !== null) return this.translate(this.imageIn(response, request));
    const existing = await this.readImage(spec.clientId!, signal);
    if (existing.name !== spec.name) {
      throw new ProviderRejectedError(
        this.name,
        `Provider '${this.name}': image ${spec.clientId} already exists with another name ('${String(existing.name)}')`,
        409,
      );
    }
    return this.translate(existing);
  }

  /**
   * One `PUT …/file` carrying every byte, then a check of what Glance stored.
   * Glance has no partial upload: a broken PUT puts the image back to `queued`
   * and the next attempt starts from byte 0, so `context.checkpoint` is not
   * used. The image's own status and hash are the record of a finished upload.
   */
  async uploadImage(nativeId: string, source: ImageBytesSource, context: UploadContext): Promise<NormalizedImage> {
    const before = await this.readImage(nativeId, context.signal);
    const status = lowerCaseText(before.status);
    if (status === 'killed') throw this.killedError(nativeId);
    if (status === 'active') {
      // A previous attempt finished but its worker died before recording it: nothing to send again.
      if (holdsExpectedData(before, source)) return this.translate(before);
      throw this.integrityError(nativeId, before, source, 'is already active with other data');
    }

    await this.putImageData(nativeId, source, context);

    const outcome = await readUntilSettled(
      () => this.readImage(nativeId, context.signal),
      context.signal,
      this.uploadSettle,
    );
    if (!outcome.settled) {
      // Transient: the next attempt finds the image active (and done) or queued (and sends again).
      throw new ProviderUnavailableError(
        this.name,
        `Provider '${this.name}': image ${nativeId} is still '${outcome.image.status}' ${Math.round(outcome.waitedMs / 1000)} s after its data was sent`,
      );
    }
    if (lowerCaseText(outcome.image.status) === 'killed') throw this.killedError(nativeId);
    if (!holdsExpectedData(outcome.image, source)) {
      throw this.integrityError(nativeId, outcome.image, source, 'does not hold the uploaded bytes');
    }
    return this.translate(outcome.image);
  }

  /**
   * Nothing to release: Glance keeps no upload session, and a PUT that was cut
   * off returns the image to `queued` by itself (the image stays, to be
   * uploaded again or deleted by the user).
   */
  async abortUpload(_nativeId: string, _checkpoint: UploadCheckpoint): Promise<null> {
    return null;
  }

  async downloadImage(nativeId: string, range: DownloadRange | null, signal?: AbortSignal): Promise<ImageDownload> {
    const path = `${this.imagePath(nativeId)}/file`;
    const headers = range === null ? undefined : { range: this.rangeHeader(range) };
    const response = await this.http.openStream({ method: 'GET', path, headers, signal, expectedStatus: [416] });
    const { status } = response;
    if (status !== 200 && status !== 206) {
      response.body.destroy();
      if (status === 204) {
        throw new ProviderNotFoundError(
          this.name,
          `Provider '${this.name}': image ${nativeId} has no data to download (Glance answered 204; its bytes were never uploaded)`,
          204,
        );
      }
      if (status === 416) {
        const total = /\/(\d+)$/.exec(response.headers.get('content-range') ?? '')?.[1];
        throw new ProviderRejectedError(
          this.name,
          `Provider '${this.name}': range ${headers?.range ?? ''} of image ${nativeId} is not satisfiable${total === undefined ? '' : ` (the image holds ${total} bytes)`}`,
          416,
        );
      }
      throw this.protocolError(`GET ${path} answered ${status} instead of the image data`);
    }
    const length = response.headers.get('content-length');
    return {
      stream: response.body,
      status,
      contentLength: length !== null && /^\d+$/.test(length) ? Number(length) : null,
      contentRange: response.headers.get('content-range'),
      contentType: response.headers.get('content-type') ?? 'application/octet-stream',
      md5: contentMd5Hex(response.headers.get('content-md5')),
    };
  }

  /** Reads the image first: removing a property it lacks would be a 409 in Glance, so that op is left out. */
  async updateImage(nativeId: string, patch: ImagePatch): Promise<NormalizedImage> {
    const current = await this.readImage(nativeId);
    const ops = glancePatchOperations(patch, current, this.dialect, this.name);
    if (ops.length === 0) return this.translate(current);
    const request: ProviderRequest = {
      method: 'PATCH',
      path: this.imagePath(nativeId),
      json: ops,
      headers: { 'content-type': GLANCE_JSON_PATCH_MEDIA_TYPE },
    };
    return this.translate(this.imageIn(await this.requestRefusable(request), request));
  }

  async deleteImage(nativeId: string): Promise<void> {
    await this.requestRefusable({ method: 'DELETE', path: this.imagePath(nativeId) }, (request, response, reason) =>
      // Glance: "Image … is protected and cannot be deleted."; NHN refuses public images the same way.
      /protected|public/i.test(reason ?? '')
        ? this.refusal(request, response, 409, `image ${nativeId} is protected and cannot be deleted`)
        : undefined,
    );
  }

  async addTag(nativeId: string, tag: string): Promise<void> {
    await this.requestRefusable({ method: 'PUT', path: this.tagPath(nativeId, tag) });
  }

  async removeTag(nativeId: string, tag: string): Promise<void> {
    await this.requestRefusable({ method: 'DELETE', path: this.tagPath(nativeId, tag) });
  }

  /** Glance answers 403 for an image that is not `shared`, and members see only their own entry. */
  async listMembers(nativeId: string): Promise<ImageMember[]> {
    const request: ProviderRequest = { method: 'GET', path: `${this.imagePath(nativeId)}/members` };
    const { body } = await this.requestRefusable(request);
    if (!isGlanceMemberList(body)) throw this.protocolError(`GET ${request.path} answered no member list`);
    return body.members.map(toImageMember);
  }

  /**
   * `GET /v2/images/{id}/members/{memberId}`: the owner sees any member, a
   * member only itself; Glance answers 404 for a membership it does not have
   * (or hides), ProviderNotFoundError here, and 403 for an image that is not shared.
   */
  async getMember(nativeId: string, memberId: string): Promise<ImageMember> {
    const request: ProviderRequest = { method: 'GET', path: this.memberPath(nativeId, memberId) };
    return this.memberIn(await this.requestRefusable(request), request);
  }

  /** The member starts `pending`; adding one twice is Glance's 409. */
  async addMember(nativeId: string, memberId: string): Promise<ImageMember> {
    this.assertMemberId(memberId);
    const request: ProviderRequest = {
      method: 'POST',
      path: `${this.imagePath(nativeId)}/members`,
      json: { member: memberId },
    };
    return this.memberIn(await this.requestRefusable(request), request);
  }

  /** Only the member's own project may accept or reject; the owner gets Glance's 403. */
  async updateMember(nativeId: string, memberId: string, status: MemberStatus): Promise<ImageMember> {
    const request: ProviderRequest = { method: 'PUT', path: this.memberPath(nativeId, memberId), json: { status } };
    return this.memberIn(await this.requestRefusable(request), request);
  }

  async removeMember(nativeId: string, memberId: string): Promise<void> {
    await this.requestRefusable({ method: 'DELETE', path: this.memberPath(nativeId, memberId) });
  }

  /**
   * Streams the staged bytes through a counter into one PUT: never buffered,
   * however large. The connection's policy sends it again, from byte 0, after
   * a transient failure (5xx, 429, a dropped connection) while Glance still
   * shows the image `queued`: a PUT that failed left nothing behind, so a new
   * one is the whole retry, and a flaky provider costs a few seconds instead of
   * a job retry. A PUT that got through although its answer was lost leaves
   * the image past `queued`; the settle and checksum checks after it decide.
   */
  private async putImageData(nativeId: string, source: ImageBytesSource, context: UploadContext): Promise<void> {
    const openBody = async (retryNumber: number) => {
      if (retryNumber > 0 && lowerCaseText((await this.readImage(nativeId, context.signal)).status) !== 'queued') {
        throw new DataAlreadyTaken();
      }
      const data = await source.open(undefined, context.signal);
      // A read error of the staged object fails the body, and so the PUT (a transient network failure).
      // Ending the body (the client does after each attempt) ends the staged read with it.
      return pipeline(
        data,
        byteCounter((bytes) => context.progress(bytes)),
        () => undefined,
      );
    };
    try {
      await this.requestRefusable(
        {
          method: 'PUT',
          path: `${this.imagePath(nativeId)}/file`,
          headers: { 'content-type': 'application/octet-stream', 'content-length': String(source.sizeBytes) },
          openBody,
          // A multi-GiB transfer outlives any per-request timeout; the job's signal bounds it.
          timeoutMs: null,
          signal: context.signal,
          expectedStatus: [409],
        },
        (request, response) =>
          response.status === 409
            ? this.refusal(
                request,
                response,
                409,
                `image ${nativeId} does not accept data now (it is not queued: another upload may be running)`,
              )
            : undefined,
      );
    } catch (error) {
      if (!(error instanceof DataAlreadyTaken)) throw error;
    }
  }

  /** GET one image; 404 is ProviderNotFoundError here, as the callers need the image to go on. */
  private async readImage(nativeId: string, signal?: AbortSignal): Promise<GlanceImagePayload> {
    const request: ProviderRequest = { method: 'GET', path: this.imagePath(nativeId), signal };
    return this.imageIn(await this.http.request(request), request);
  }

  /**
   * A request whose 403 (and any status in its expectedStatus) is Glance
   * refusing this operation (policy, a read-only attribute, a protected or
   * foreign image), not refusing our credentials: Keystone refusals are 401,
   * which the client handles by re-authenticating. `refuse` may turn such an
   * answer into a more precise error; the default is ProviderRejectedError
   * carrying Glance's status and message.
   */
  private async requestRefusable(
    request: ProviderRequest,
    refuse?: (
      request: ProviderRequest,
      response: ProviderResponse<unknown>,
      reason: string | null,
    ) => ProviderRejectedError | undefined,
  ): Promise<ProviderResponse<unknown>> {
    const expectedStatus = [...(request.expectedStatus ?? []), 403];
    const response = await this.http.request<unknown>({ ...request, expectedStatus });
    if (response.status < 300) return response;
    throw refuse?.(request, response, this.reasonIn(response)) ?? this.refusal(request, response, response.status);
  }

  private refusal(
    request: ProviderRequest,
    response: ProviderResponse<unknown>,
    upstreamStatus: number,
    summary?: string,
  ): ProviderRejectedError {
    const reason = this.reasonIn(response);
    const answered = `answered ${response.status} to ${request.method} ${request.path}${reason ? `: ${reason}` : ''}`;
    const message = summary
      ? `Provider '${this.name}': ${summary} (Glance ${answered})`
      : `Provider '${this.name}' ${answered}`;
    return new ProviderRejectedError(this.name, message, upstreamStatus);
  }

  private reasonIn(response: ProviderResponse<unknown>): string | null {
    return extractProviderMessage(response.body ?? response.text);
  }

  private imageIn(response: ProviderResponse<unknown>, request: ProviderRequest): GlanceImagePayload {
    if (!isGlanceImagePayload(response.body))
      throw this.protocolError(`${request.method} ${request.path} answered no image`);
    return response.body;
  }

  private memberIn(response: ProviderResponse<unknown>, request: ProviderRequest): ImageMember {
    if (!isGlanceMemberPayload(response.body)) {
      throw this.protocolError(`${request.method} ${request.path} answered no image member`);
    }
    return toImageMember(response.body);
  }

  private integrityError(
    nativeId: string,
    image: GlanceImagePayload,
    source: ImageBytesSource,
    what: string,
  ): IntegrityError {
    const problems = integrityProblems(image, source);
    return new IntegrityError(this.name, `Provider '${this.name}': image ${nativeId} ${what}: ${problems.join('; ')}`);
  }

  private killedError(nativeId: string): IntegrityError {
    return new IntegrityError(
      this.name,
      `Provider '${this.name}': image ${nativeId} is 'killed': Glance failed to store its data and will not take more`,
    );
  }

  private rangeHeader(range: DownloadRange): string {
    const valid =
      Number.isSafeInteger(range.start) &&
      range.start >= 0 &&
      (range.end === undefined || (Number.isSafeInteger(range.end) && range.end >= range.start));
    if (!valid) {
      throw new ProviderRejectedError(
        this.name,
        `Provider '${this.name}': invalid byte range ${range.start}-${range.end ?? ''}`,
      );
    }
    return `bytes=${range.start}-${range.end ?? ''}`;
  }

  /** An empty id would address the image collection itself (DELETE /v2/images/ …). */
  private imagePath(nativeId: string): string {
    if (nativeId === '')
      throw new ProviderNotFoundError(this.name, `Provider '${this.name}': an empty image id names no image`);
    return `/v2/images/${encodeURIComponent(nativeId)}`;
  }

  private tagPath(nativeId: string, tag: string): string {
    if (tag === '') throw new ProviderRejectedError(this.name, `Provider '${this.name}': a tag cannot be empty`);
    return `${this.imagePath(nativeId)}/tags/${encodeURIComponent(tag)}`;
  }

  private memberPath(nativeId: string, memberId: string): string {
    this.assertMemberId(memberId);
    return `${this.imagePath(nativeId)}/members/${encodeURIComponent(memberId)}`;
  }

  private assertMemberId(memberId: string): void {
    if (memberId === '') {
      throw new ProviderRejectedError(this.name, `Provider '${this.name}': a member id cannot be empty`);
    }
  }

  private translate(image: GlanceImagePayload): NormalizedImage {
    return this.translator.toNormalized(image, this.context);
  }

  private async fetchPage(
    path: string,
    query: Readonly<Record<string, string>> | undefined,
    signal: AbortSignal | undefined,
  ): Promise<GlanceImageListPayload> {
    const { body } = await this.http.request<unknown>({ method: 'GET', path, query, signal });
    if (!isImageListPage(body)) throw this.protocolError(`GET ${path} answered no image list`);
    return body;
  }

  /**
   * The next page's path, with the listing's filters, limit and sort restored
   * where the provider's `next` link drops them (NHN's does): a marker only
   * means something under the filter and sort order that produced it.
   */
  private nextPagePath(next: string, seenMarkers: Set<string>, listing: Readonly<Record<string, string>>): string {
    const absolute = /^https?:\/\//i.test(next);
    const url = new URL(next, 'http://next-link.invalid');
    const marker = url.searchParams.get('marker') ?? next;
    if (seenMarkers.has(marker)) throw this.protocolError(`image list pagination loops at marker '${marker}'`);
    seenMarkers.add(marker);
    for (const [key, value] of Object.entries(listing)) {
      if (!url.searchParams.has(key)) url.searchParams.set(key, value);
    }
    return absolute ? url.href : `${url.pathname}${url.search}`;
  }

  private protocolError(detail: string): ProviderProtocolError {
    return new ProviderProtocolError(this.name, `Provider '${this.name}': ${detail}`);
  }
}

function isImageListPage(body: unknown): body is GlanceImageListPayload {
  if (typeof body !== 'object' || body === null) return false;
  const { images, next } = body as { images?: unknown; next?: unknown };
  return Array.isArray(images) && images.every(isGlanceImagePayload) && (next == null || typeof next === 'string');
}

export function createGlanceAdapter(conn: GlanceConnection): GlanceAdapter {
  return new GlanceAdapter(conn);
}

/** An earlier data PUT got through although its answer was lost: there is nothing to send again. */
class DataAlreadyTaken extends Error {}
