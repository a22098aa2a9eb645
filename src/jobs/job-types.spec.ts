import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPrismaSchema } from '../../test/support/prisma-schema-reader';
import { BROKER_JOB_TYPES, JOB_REGISTRY, QUEUES } from './job-types';

const root = join(__dirname, '..', '..');

/** The job types openapi.json publishes: the JobType schema and the `type` filter of GET /v1/jobs. */
function openApiJobTypes(): { schema: string[]; filter: string[] } {
  const doc = JSON.parse(readFileSync(join(root, 'openapi.json'), 'utf8')) as {
    components: { schemas: Record<string, { enum?: string[] }> };
    paths: Record<string, { get?: { parameters?: { name: string; in: string; schema?: { enum?: string[] } }[] } }>;
  };
  const filter = doc.paths['/v1/jobs']?.get?.parameters?.find((p) => p.in === 'query' && p.name === 'type');
  return { schema: doc.components.schemas.JobType?.enum ?? [], filter: filter?.schema?.enum ?? [] };
}

describe('the job registry', () => {
  it('is the list the Prisma schema stores: no enum value without a registry entry, none missing', () => {
    const jobType = readPrismaSchema(join(root, 'prisma', 'schema.prisma')).enums.find((e) => e.name === 'JobType');
    expect(jobType?.values).toEqual([...BROKER_JOB_TYPES]);
  });

  it('is the list openapi.json publishes, for the job schema and for the type filter', () => {
    const { schema, filter } = openApiJobTypes();
    expect(schema).toEqual([...BROKER_JOB_TYPES]);
    expect(filter).toEqual([...BROKER_JOB_TYPES]);
  });

  it('gives every type a known queue and a retry policy that retries at least once with a positive backoff', () => {
    const queues: string[] = Object.values(QUEUES);
    for (const type of BROKER_JOB_TYPES) {
      const policy = JOB_REGISTRY[type];
      expect(queues).toContain(policy.queue);
      expect(policy.attempts).toBeGreaterThanOrEqual(2);
      expect(policy.backoffMs).toBeGreaterThan(0);
    }
  });

  it('no longer lists the delete type, which had no producer and no handler', () => {
    expect(BROKER_JOB_TYPES).not.toContain('delete');
  });
});
