import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GlanceTokenRegistry } from './glance-auth';
import { keystoneErrorBody } from './glance-errors';

export interface KeystoneEmulatorOptions {
  username: string;
  password: string;
  projectId: string;
  projectName?: string;
  /** User and project domain name; 'Default' (id `default`) when omitted. */
  domain?: string;
  /** Lifetime of issued tokens; 3600 when omitted. */
  tokenTtlSeconds?: number;
}

interface KeystoneRouteContext {
  keystone: KeystoneEmulatorOptions;
  registry: GlanceTokenRegistry;
  region: string;
}

/** The small slice of Keystone v3 a Glance client needs: password auth, token validation and revocation. */
export function registerKeystoneRoutes(app: FastifyInstance, ctx: KeystoneRouteContext): void {
  const { keystone, registry } = ctx;
  const domainName = keystone.domain ?? 'Default';
  const domainId = domainName === 'Default' ? 'default' : domainName.toLowerCase();
  const projectName = keystone.projectName ?? `${keystone.username}-project`;
  const userId = md5Hex(`user:${keystone.username}`);
  const ttlSeconds = keystone.tokenTtlSeconds ?? 3600;

  const domainMatches = (domain: unknown): boolean => {
    const d = (domain ?? {}) as { id?: unknown; name?: unknown };
    return d.id === domainId || d.name === domainName;
  };

  const tokenBody = (request: FastifyRequest, projectScoped: boolean, issuedAtMs: number, expiresAtMs: number) => {
    const base = `http://${request.headers.host ?? '127.0.0.1'}`;
    const domain = { id: domainId, name: domainName };
    return {
      token: {
        methods: ['password'],
        user: { domain, id: userId, name: keystone.username, password_expires_at: null },
        audit_ids: [md5Hex(`${issuedAtMs}:${Math.random()}`).slice(0, 22)],
        expires_at: keystoneTimestamp(expiresAtMs),
        issued_at: keystoneTimestamp(issuedAtMs),
        ...(projectScoped
          ? {
              project: { domain, id: keystone.projectId, name: projectName },
              is_domain: false,
              roles: [
                { id: md5Hex('role:member'), name: 'member' },
                { id: md5Hex('role:reader'), name: 'reader' },
              ],
              catalog: [
                {
                  id: md5Hex('service:image'),
                  type: 'image',
                  name: 'glance',
                  endpoints: ['public', 'internal', 'admin'].map((iface) => ({
                    id: md5Hex(`endpoint:image:${iface}`),
                    interface: iface,
                    region: ctx.region,
                    region_id: ctx.region,
                    url: base,
                  })),
                },
                {
                  id: md5Hex('service:identity'),
                  type: 'identity',
                  name: 'keystone',
                  endpoints: [
                    {
                      id: md5Hex('endpoint:identity:public'),
                      interface: 'public',
                      region: ctx.region,
                      region_id: ctx.region,
                      url: `${base}/v3`,
                    },
                  ],
                },
              ],
            }
          : {}),
      },
    };
  };

  app.post('/v3/auth/tokens', async (request, reply) => {
    const body = (request.body ?? {}) as {
      auth?: { identity?: Record<string, unknown>; scope?: Record<string, unknown> };
    };
    const identity = body.auth?.identity;
    if (!identity)
      return sendKeystoneError(
        reply,
        400,
        'Expecting to find identity in auth. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.',
      );
    const methods = identity.methods;
    if (!Array.isArray(methods) || !methods.includes('password')) {
      return sendKeystoneError(reply, 401, 'The request you have made requires authentication.');
    }
    const user = ((identity.password ?? {}) as { user?: Record<string, unknown> }).user;
    if (!user || typeof user.password !== 'string') {
      return sendKeystoneError(
        reply,
        400,
        'Expecting to find password in user. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.',
      );
    }
    if (user.id === undefined && user.domain === undefined) {
      return sendKeystoneError(
        reply,
        400,
        'Expecting to find domain in user. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.',
      );
    }
    const userOk =
      user.id !== undefined ? user.id === userId : user.name === keystone.username && domainMatches(user.domain);
    if (!userOk || user.password !== keystone.password) {
      return sendKeystoneError(reply, 401, 'The request you have made requires authentication.');
    }

    const scope = body.auth?.scope;
    let projectScoped = false;
    if (scope !== undefined) {
      const project = (scope.project ?? undefined) as { id?: unknown; name?: unknown; domain?: unknown } | undefined;
      if (!project) return sendKeystoneError(reply, 401, 'The request you have made requires authentication.');
      const projectOk =
        project.id !== undefined
          ? project.id === keystone.projectId
          : project.name === projectName && domainMatches(project.domain);
      if (!projectOk) return sendKeystoneError(reply, 401, 'The request you have made requires authentication.');
      projectScoped = true;
    }

    const accepted = registry.issue(projectScoped ? keystone.projectId : null, ttlSeconds);
    return reply
      .code(201)
      .header('X-Subject-Token', accepted.token)
      .type('application/json')
      .send(tokenBody(request, projectScoped, accepted.issuedAtMs, accepted.expiresAtMs ?? accepted.issuedAtMs));
  });

  app.get('/v3/auth/tokens', async (request, reply) => {
    const subject = registry.resolve(headerValue(request.headers['x-subject-token']));
    const caller = registry.resolve(headerValue(request.headers['x-auth-token']));
    if (!caller) return sendKeystoneError(reply, 401, 'The request you have made requires authentication.');
    if (!subject || subject.expiresAtMs === null) return sendKeystoneError(reply, 404, 'Could not find token.');
    return reply
      .header('X-Subject-Token', subject.token)
      .send(tokenBody(request, subject.projectId !== null, subject.issuedAtMs, subject.expiresAtMs));
  });

  app.delete('/v3/auth/tokens', async (request, reply) => {
    const caller = registry.resolve(headerValue(request.headers['x-auth-token']));
    if (!caller) return sendKeystoneError(reply, 401, 'The request you have made requires authentication.');
    const subject = headerValue(request.headers['x-subject-token']);
    if (!subject || !registry.revoke(subject)) return sendKeystoneError(reply, 404, 'Could not find token.');
    return reply.code(204).send();
  });
}

function sendKeystoneError(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply
    .code(status)
    .type('application/json')
    .send(JSON.stringify(keystoneErrorBody(status, message)));
}

/** Keystone prints microseconds: 2024-05-01T10:00:00.000000Z */
function keystoneTimestamp(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function md5Hex(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
