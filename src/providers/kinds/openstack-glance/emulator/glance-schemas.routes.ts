import type { FastifyInstance } from 'fastify';
import type { GlanceDialect } from './glance.types';
import { GLANCE_CONTAINER_FORMATS, GLANCE_DISK_FORMATS, GLANCE_IMAGE_STATUSES } from './glance.types';

/** Trimmed-down `/v2/schemas/*` documents and version discovery; enough for clients that probe them. */
export function registerGlanceSchemaRoutes(app: FastifyInstance, dialect: GlanceDialect): void {
  const nullable = (type: string) => ({ type: ['null', type] });
  const imageSchema = {
    name: 'image',
    additionalProperties: { type: 'string' },
    properties: {
      id: {
        type: 'string',
        pattern: '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$',
      },
      name: { ...nullable('string'), maxLength: 255 },
      status: { type: 'string', readOnly: true, enum: [...GLANCE_IMAGE_STATUSES] },
      visibility: {
        type: 'string',
        enum: dialect === 'nhn' ? ['public', 'private', 'shared'] : ['community', 'public', 'private', 'shared'],
      },
      protected: { type: 'boolean' },
      os_hidden: { type: 'boolean' },
      checksum: { ...nullable('string'), readOnly: true, maxLength: 32 },
      os_hash_algo: { ...nullable('string'), readOnly: true, maxLength: 64 },
      os_hash_value: { ...nullable('string'), readOnly: true, maxLength: 128 },
      owner: { ...nullable('string'), maxLength: 255 },
      size: { ...nullable('integer'), readOnly: true },
      virtual_size: { ...nullable('integer'), readOnly: true },
      container_format: { type: ['null', 'string'], enum: [null, ...GLANCE_CONTAINER_FORMATS] },
      disk_format: { type: ['null', 'string'], enum: [null, ...GLANCE_DISK_FORMATS] },
      created_at: { type: 'string', readOnly: true },
      updated_at: { type: 'string', readOnly: true },
      tags: { type: 'array', items: { type: 'string', maxLength: 255 } },
      min_ram: { type: 'integer' },
      min_disk: { type: 'integer' },
      self: { type: 'string', readOnly: true },
      file: { type: 'string', readOnly: true },
      schema: { type: 'string', readOnly: true },
    },
    links: [
      { rel: 'self', href: '{self}' },
      { rel: 'enclosure', href: '{file}' },
      { rel: 'describedby', href: '{schema}' },
    ],
  };
  const memberSchema = {
    name: 'member',
    properties: {
      created_at: { type: 'string' },
      image_id: { type: 'string' },
      member_id: { type: 'string' },
      schema: { type: 'string', readOnly: true },
      status: { type: 'string', enum: ['pending', 'accepted', 'rejected'] },
      updated_at: { type: 'string' },
    },
  };

  app.get('/v2/schemas/image', async () => imageSchema);
  app.get('/v2/schemas/images', async () => ({
    name: 'images',
    properties: {
      images: { type: 'array', items: imageSchema },
      schema: { type: 'string' },
      first: { type: 'string' },
      next: { type: 'string' },
    },
    links: [
      { rel: 'first', href: '{first}' },
      { rel: 'next', href: '{next}' },
      { rel: 'describedby', href: '{schema}' },
    ],
  }));
  app.get('/v2/schemas/member', async () => memberSchema);
  app.get('/v2/schemas/members', async () => ({
    name: 'members',
    properties: { members: { type: 'array', items: memberSchema }, schema: { type: 'string' } },
  }));

  const versions = (host: string | undefined) => ({
    versions: ['v2.9', 'v2.8', 'v2.7', 'v2.6', 'v2.5'].map((id, i) => ({
      id,
      status: i === 0 ? 'CURRENT' : 'SUPPORTED',
      links: [{ rel: 'self', href: `http://${host ?? '127.0.0.1'}/v2/` }],
    })),
  });
  // Glance answers the root with 300 Multiple Choices and /versions with 200.
  app.get('/', async (request, reply) => reply.code(300).send(versions(request.headers.host)));
  app.get('/versions', async (request) => versions(request.headers.host));
}
