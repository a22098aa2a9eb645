import type { FastifyError } from 'fastify';
import { FaultInjector } from '../../../emulator-kit/fault-injection';
import type { FaultSettings } from '../../../emulator-kit/fault-injection';
import { createEmulatorApp, type EmulatorServer, emulatorServer } from '../../../emulator-kit/emulator-server';
import { installFptAuth } from './fpt-auth';
import { registerFptCustomImageRoutes } from './fpt-custom-image.routes';
import { FptHttpError, renderFptFault, sendFptError } from './fpt-errors';
import { FptImageStore } from './fpt-image.store';
import { registerFptListRoutes } from './fpt-list.routes';
import { LocalFptPartStore } from './fpt-local-part-store';
import type { FptPartStore } from './fpt-part-store';
import { registerFptPartRoutes } from './fpt-part.routes';
import { S3FptPartStore, type S3FptPartStoreOptions } from './fpt-s3-part-store';
import { FptPortalOutage, type FptRouteContext } from './fpt-route.context';
import { registerFptUploadRoutes } from './fpt-upload.routes';
import type { FptCustomImageRecord, FptPublicImageRecord } from './fpt.types';

export interface FptEmulatorOptions {
  /** The one VPC this emulator serves; other VPC ids get 403. */
  vpcId: string;
  /** Bearer tokens accepted for that VPC; `[DEFAULT_FPT_TOKEN]` when omitted. */
  tokens?: string[];
  /** Seed data, e.g. `...generateFptSeed({count, seed, vpcId})`. */
  publicImages?: readonly FptPublicImageRecord[];
  customImages?: readonly FptCustomImageRecord[];
  /**
   * Where uploaded parts go; a LocalFptPartStore (disk, parts served by this emulator) when omitted.
   * A store passed in is the caller's to close.
   */
  partStore?: FptPartStore;
  /**
   * Back presigned URLs with a real multipart upload on this S3-compatible server
   * (an S3FptPartStore the emulator creates and closes; `presignTtlSeconds` applies to it).
   * It signs with the real clock, not `now`, as S3 checks expiry against its own; give
   * `s3PartStore.now` to skew it. Ignored when `partStore` is given.
   */
  s3PartStore?: S3FptPartStoreOptions;
  /** Directory of the default LocalFptPartStore; a fresh temp directory (removed on close) when omitted. */
  dataDir?: string;
  /** Size presigned parts are cut to; 64 MiB when omitted (S3's minimum is 5 MiB, not enforced here). */
  partSizeBytes?: number;
  /** Lifetime of presigned part URLs of the default store; 3600 s when omitted. */
  presignTtlSeconds?: number;
  faults?: FaultSettings;
  logger?: boolean;
  /** Clock for timestamps and URL expiry; lets tests travel in time. */
  now?: () => number;
}

export interface FptEmulator extends EmulatorServer {
  faults: FaultInjector;
  store: FptImageStore;
  partStore: FptPartStore;
  /** Breaks and mends the portal that syncImage publishes to. */
  portal: FptPortalOutage;
  vpcId: string;
  tokens: readonly string[];
}

export const DEFAULT_FPT_TOKEN = 'fpt-emulator-token';
const DEFAULT_PART_SIZE = 64 * 1024 * 1024;
const JSON_BODY_LIMIT = 1024 * 1024;

/**
 * FPT Metal Cloud's image API (seed 000_30d7cad91455cb9c): the public and
 * custom lists of one VPC, registration, presigned multipart upload, complete,
 * delete and sync to the portal, behind bearer auth and shared fault injection.
 */
export function createFptEmulator(opts: FptEmulatorOptions): FptEmulator {
  const now = opts.now ?? Date.now;
  const tokens = opts.tokens?.length ? [...opts.tokens] : [DEFAULT_FPT_TOKEN];
  const store = new FptImageStore(opts.vpcId, opts.publicImages ?? [], opts.customImages ?? [], now);
  const faults = new FaultInjector(opts.faults ?? {});
  const ownedS3Parts =
    opts.partStore || !opts.s3PartStore
      ? undefined
      : new S3FptPartStore({ presignTtlSeconds: opts.presignTtlSeconds, ...opts.s3PartStore });
  const localParts =
    opts.partStore || ownedS3Parts
      ? undefined
      : new LocalFptPartStore({ dataDir: opts.dataDir, presignTtlSeconds: opts.presignTtlSeconds, now });
  const partStore: FptPartStore = opts.partStore ?? ownedS3Parts ?? (localParts as LocalFptPartStore);

  const app = createEmulatorApp({
    logger: opts.logger,
    faults,
    renderFault: (status, message) => renderFptFault(status, message),
    fastify: { bodyLimit: JSON_BODY_LIMIT },
  });
  // FPT's API takes JSON only; Fastify's default text/plain parser would let strings through to validation.
  // An empty JSON body is `{}`, as Django REST Framework reads it, so body-less POSTs (sync) still work.
  app.removeContentTypeParser(['text/plain', 'application/json']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = (body as string).trim();
    try {
      done(null, text === '' ? {} : JSON.parse(text));
    } catch (error) {
      done(new FptHttpError(400, `Invalid request payload. JSON parse error - ${(error as Error).message}`), undefined);
    }
  });

  app.setErrorHandler((error: FastifyError | FptHttpError, request, reply) => {
    if (error instanceof FptHttpError) return sendFptError(reply, error);
    const status = error.statusCode ?? 500;
    if (status === 400)
      return sendFptError(reply, new FptHttpError(400, `Invalid request payload. JSON parse error - ${error.message}`));
    if (status === 413) return sendFptError(reply, new FptHttpError(413, 'Request body is too large.'));
    if (status === 415) {
      return sendFptError(
        reply,
        new FptHttpError(415, `Unsupported media type "${request.headers['content-type'] ?? ''}" in request.`),
      );
    }
    request.log.error(error);
    return sendFptError(reply, new FptHttpError(500, 'Internal server error.'));
  });
  app.setNotFoundHandler((_request, reply) => sendFptError(reply, new FptHttpError(404, 'Not found.')));

  installFptAuth(app, new Set(tokens), opts.vpcId);

  const portal = new FptPortalOutage();
  const ctx: FptRouteContext = {
    store,
    parts: partStore,
    partSizeBytes: opts.partSizeBytes ?? DEFAULT_PART_SIZE,
    now,
    portal,
  };
  registerFptListRoutes(app, ctx);
  registerFptCustomImageRoutes(app, ctx);
  registerFptUploadRoutes(app, ctx);
  if (localParts) registerFptPartRoutes(app, localParts);

  return {
    ...emulatorServer(app, async () => {
      // A store passed in belongs to the caller.
      if (localParts) await localParts.close();
      if (ownedS3Parts) await ownedS3Parts.close();
    }),
    faults,
    store,
    partStore,
    portal,
    vpcId: opts.vpcId,
    tokens,
  };
}
