import { mkdirSync, mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyError } from 'fastify';
import { FaultInjector } from '../../../emulator-kit/fault-injection';
import type { FaultSettings } from '../../../emulator-kit/fault-injection';
import { createEmulatorApp, type EmulatorServer, emulatorServer } from '../../../emulator-kit/emulator-server';
import type { GlanceDialect, GlanceImageInit } from './glance.types';
import { GlanceTokenRegistry, installGlanceAuth } from './glance-auth';
import { GlanceHttpError, renderWebobError, sendGlanceError } from './glance-errors';
import { registerGlanceFileRoutes } from './glance-file.routes';
import { GlanceImageStore } from './glance-image.store';
import { registerGlanceImageRoutes } from './glance-images.routes';
import { registerGlanceMemberRoutes } from './glance-members.routes';
import { GLANCE_JSON_PATCH_MEDIA_TYPE } from './glance-patch';
import type { GlanceRouteContext } from './glance-route.context';
import { registerGlanceSchemaRoutes } from './glance-schemas.routes';
import { registerGlanceTagRoutes } from './glance-tags.routes';
import type { KeystoneEmulatorOptions } from './keystone.routes';
import { registerKeystoneRoutes } from './keystone.routes';

export interface GlanceEmulatorOptions {
  dialect: GlanceDialect;
  /** Static X-Auth-Token values, acting for `owner`. */
  tokens?: string[];
  /** Static tokens acting for other projects (token → project id), to play the other side of image sharing. */
  projectTokens?: Record<string, string>;
  /** Serves Keystone v3 password auth on the same server; issued tokens act for `keystone.projectId`. */
  keystone?: KeystoneEmulatorOptions;
  /** Seed images (e.g. from generateGlanceSeed). */
  images?: GlanceImageInit[];
  /** Project id of "our" tenant; defaults to keystone.projectId, else a fixed id. */
  owner?: string;
  /** Region reported in the Keystone catalog; 'RegionOne' when omitted. */
  region?: string;
  /** Where uploaded data goes; a fresh directory under os.tmpdir() (removed on close) when omitted. */
  dataDir?: string;
  /** Uploads larger than this get 413; unlimited when omitted. */
  maxUploadBytes?: number;
  faults?: FaultSettings;
  logger?: boolean;
  /** Clock for timestamps and token expiry; lets tests travel in time. */
  now?: () => number;
}

export interface GlanceEmulator extends EmulatorServer {
  faults: FaultInjector;
  store: GlanceImageStore;
  tokens: GlanceTokenRegistry;
  /** Project id the static tokens act for. */
  owner: string;
  dataDir: string;
}

/** Project id used when neither `owner` nor `keystone.projectId` is given (from NHN's create example). */
export const DEFAULT_GLANCE_OWNER = 'bab7d5c60cd041a0a36f7c4b6e1dd978';

const JSON_BODY_LIMIT = 1024 * 1024;

export function createGlanceEmulator(opts: GlanceEmulatorOptions): GlanceEmulator {
  const now = opts.now ?? Date.now;
  const owner = opts.owner ?? opts.keystone?.projectId ?? DEFAULT_GLANCE_OWNER;
  const ownsDataDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'glance-emulator-'));
  if (!ownsDataDir) mkdirSync(dataDir, { recursive: true });

  const store = new GlanceImageStore(opts.images ?? [], now);
  const faults = new FaultInjector(opts.faults ?? {});
  const nothingConfigured = !opts.tokens?.length && !opts.keystone && !Object.keys(opts.projectTokens ?? {}).length;
  const tokens = new GlanceTokenRegistry(now, nothingConfigured ? owner : null);
  for (const token of opts.tokens ?? []) tokens.addStatic(token, owner);
  for (const [token, project] of Object.entries(opts.projectTokens ?? {})) tokens.addStatic(token, project);

  const app = createEmulatorApp({
    logger: opts.logger,
    faults,
    renderFault: (status, message, request) => renderWebobError(status, message, request.headers.accept),
    // maxParamLength: tags may be 255 characters and must reach the route to get Glance's own 400.
    fastify: { bodyLimit: JSON_BODY_LIMIT, routerOptions: { maxParamLength: 2048 } },
  });

  // Upload bodies stay streams; anything else unknown is passed through too so that
  // routes, not Fastify, decide on 415 and answer with a Glance-shaped body.
  app.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));
  app.addContentTypeParser(GLANCE_JSON_PATCH_MEDIA_TYPE, { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(new GlanceHttpError(400, 'Malformed JSON in request body.'), undefined);
    }
  });
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

  app.setErrorHandler((error: FastifyError | GlanceHttpError, request, reply) => {
    if (error instanceof GlanceHttpError) return sendGlanceError(request, reply, error);
    const status = error.statusCode ?? 500;
    if (status === 400)
      return sendGlanceError(request, reply, new GlanceHttpError(400, 'Malformed JSON in request body.'));
    if (status === 413 || status === 415) {
      return sendGlanceError(
        request,
        reply,
        new GlanceHttpError(status, status === 413 ? 'Request Entity Too Large' : 'Unsupported Content-Type'),
      );
    }
    request.log.error(error);
    return sendGlanceError(request, reply, new GlanceHttpError(500, 'Internal Server Error'));
  });
  app.setNotFoundHandler((request, reply) =>
    sendGlanceError(request, reply, new GlanceHttpError(404, 'The resource could not be found.')),
  );

  installGlanceAuth(app, tokens);

  if (opts.keystone) {
    registerKeystoneRoutes(app, { keystone: opts.keystone, registry: tokens, region: opts.region ?? 'RegionOne' });
  }
  const ctx: GlanceRouteContext = { store, dialect: opts.dialect, now, dataDir, maxUploadBytes: opts.maxUploadBytes };
  registerGlanceImageRoutes(app, ctx);
  registerGlanceFileRoutes(app, ctx);
  registerGlanceTagRoutes(app, ctx);
  registerGlanceMemberRoutes(app, ctx);
  registerGlanceSchemaRoutes(app, opts.dialect);

  return {
    ...emulatorServer(app, async () => {
      if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
    }),
    faults,
    store,
    tokens,
    owner,
    dataDir,
  };
}
