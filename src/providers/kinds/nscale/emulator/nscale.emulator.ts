import type { FastifyError } from 'fastify';
import { FaultInjector } from '../../../emulator-kit/fault-injection';
import type { FaultSettings } from '../../../emulator-kit/fault-injection';
import { createEmulatorApp, type EmulatorServer, emulatorServer } from '../../../emulator-kit/emulator-server';
import { installNscaleAuth, NscaleTokenRegistry } from './nscale-auth';
import { NscaleHttpError, renderNscaleFault, SEED_DESCRIPTIONS, sendNscaleError } from './nscale-errors';
import { NscaleImageStore } from './nscale-image.store';
import { registerNscaleImageRoutes } from './nscale-images.routes';
import type { NscaleImageRecord } from './nscale.types';
import { type NscaleOAuth2Options, registerOAuth2TokenRoutes } from './oauth2-token.routes';

export interface NscaleEmulatorOptions {
  /** "Our" organization: the one static tokens and OAuth2 clients act for. A fixed id when omitted. */
  organizationId?: string;
  /** Regions that exist; the regions of `images` are added. Unknown regions answer 404. */
  regionIds?: string[];
  /** Seed images (e.g. from generateNscaleSeed). */
  images?: NscaleImageRecord[];
  /** Static bearer tokens, members of `organizationId`. */
  tokens?: string[];
  /** Serves `POST /oauth2/token` (and `/oauth2/v2/token`) for one client-credentials client. */
  oauth2?: NscaleOAuth2Options;
  faults?: FaultSettings;
  logger?: boolean;
  /** Clock for token expiry and modifiedTime; lets tests travel in time. */
  now?: () => number;
}

export interface NscaleEmulator extends EmulatorServer {
  faults: FaultInjector;
  store: NscaleImageStore;
  tokens: NscaleTokenRegistry;
  organizationId: string;
}

/** Organization id used when none is given (the CONTRACT's nscale example). */
export const DEFAULT_NSCALE_ORGANIZATION = '9f1c2d3e-aaaa-bbbb-cccc-0123456789ab';

/**
 * The nscale Region Service API v1.13 image listing, its OAuth2 bearer auth and
 * a client-credentials token endpoint, following the seed document field by
 * field. Choices where the seed is silent are listed in docs/providers/nscale.md.
 */
export function createNscaleEmulator(opts: NscaleEmulatorOptions = {}): NscaleEmulator {
  const now = opts.now ?? Date.now;
  const organizationId = opts.organizationId ?? DEFAULT_NSCALE_ORGANIZATION;
  const store = new NscaleImageStore(opts.regionIds ?? [], opts.images ?? [], now);
  const faults = new FaultInjector(opts.faults ?? {});
  const nothingConfigured = !opts.tokens?.length && !opts.oauth2;
  const tokens = new NscaleTokenRegistry(now, nothingConfigured ? [organizationId] : null);
  for (const token of opts.tokens ?? []) tokens.addStatic(token, [organizationId]);

  const app = createEmulatorApp({ logger: opts.logger, faults, renderFault: renderNscaleFault });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) =>
    done(null, new URLSearchParams(body as string)),
  );
  // Any other body reaches the routes as text, so they (not Fastify) answer in the service's error shape.
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  app.setErrorHandler((error: FastifyError | NscaleHttpError, request, reply) => {
    if (error instanceof NscaleHttpError) return sendNscaleError(reply, error);
    const status = error.statusCode ?? 500;
    if (status === 413) {
      return sendNscaleError(reply, new NscaleHttpError(413, 'request_entity_too_large', 'request body too large'));
    }
    if (status >= 400 && status < 500) {
      return sendNscaleError(reply, new NscaleHttpError(400, 'invalid_request', 'request body invalid'));
    }
    request.log.error(error);
    return sendNscaleError(reply, new NscaleHttpError(500, 'server_error', 'unhandled error'));
  });
  app.setNotFoundHandler((_request, reply) =>
    sendNscaleError(reply, new NscaleHttpError(404, 'not_found', SEED_DESCRIPTIONS.notFound)),
  );

  installNscaleAuth(app, tokens);
  if (opts.oauth2) {
    registerOAuth2TokenRoutes(app, { oauth2: opts.oauth2, registry: tokens, defaultOrganizationIds: [organizationId] });
  }
  registerNscaleImageRoutes(app, store);

  return { ...emulatorServer(app), faults, store, tokens, organizationId };
}
