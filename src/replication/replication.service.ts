import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError, UnprocessableError } from '../platform/errors/app.errors';
import type { FieldProblem } from '../platform/config/validation-messages';
import { ImagesService } from '../catalogue/images.service';
import { JobService, type CreateJobWithin } from '../jobs/job.service';
import type { Image, Job, Prisma, ReplicationTarget } from '../platform/persistence/generated/client';
import { isUuid } from '../platform/persistence/uuid';
import type { ImageVisibility } from '../providers/port/normalized-image';
import { createProblems, type ProviderAdapter } from '../providers/port/provider.port';
import type { CreateSpecProblem } from '../providers/port/provider-writes';
import { ProviderRegistry } from '../providers/port/provider-registry.service';
import { type CopyOverrides, copySpec } from './copy-spec';
import { ReplicationStore } from './replication.store';
import type { CreateReplicationDto, ReplicationDto, ReplicationTargetRequestDto } from './replication.dto';

/** Copies of an image on other providers: one target and one job per destination. */
@Injectable()
export class ReplicationService {
  constructor(
    private readonly store: ReplicationStore,
    private readonly registry: ProviderRegistry,
    private readonly jobs: JobService,
    private readonly images: ImagesService,
  ) {}

  async create(imageId: string, body: CreateReplicationDto): Promise<ReplicationDto> {
    const source = await this.source(imageId);
    if (source.status !== 'active') {
      throw new UnprocessableError(
        `Image '${imageId}' is ${source.status ?? 'in an unknown state'}; only an active image can be replicated`,
      );
    }
    const problems: FieldProblem[] = [];
    const targets: Array<{ provider: string; region: string; overrides: CopyOverrides }> = [];
    for (const [index, target] of body.targets.entries()) {
      const field = `targets[${index}]`;
      const adapter = await this.registry.resolve(target.provider).catch(() => null);
      if (!adapter) {
        problems.push({ field: `${field}.provider`, message: `no provider connection is named '${target.provider}'` });
        continue;
      }
      const region = target.region ?? adapter.regions[0] ?? '';
      if (target.region !== undefined && !adapter.regions.includes(target.region)) {
        problems.push({
          field: `${field}.region`,
          message: `must be one of: ${adapter.regions.join(', ') || '(none)'}`,
        });
      } else if (adapter.name === source.providerName && region === source.region) {
        problems.push({ field: `${field}.provider`, message: 'is where the image already is' });
      } else if (targets.some((t) => t.provider === adapter.name && t.region === region)) {
        problems.push({ field, message: 'names the same destination twice' });
      } else {
        const overrides = this.overrides(target);
        const refused = this.preflight(adapter, source, region, overrides);
        for (const p of refused) {
          problems.push({ field: `${field}.${p.field}`, message: `${adapter.name} (${adapter.kind}): ${p.message}` });
        }
        if (refused.length === 0) targets.push({ provider: adapter.name, region, overrides });
      }
    }
    if (problems.length > 0)
      throw new UnprocessableError(problems.map((p) => `${p.field} ${p.message}`).join('; '), problems);

    const replication = await this.store.create(source.id, targets);
    for (const target of replication.targets) await this.queue(target, source.id);
    return this.describe(replication.id);
  }

  async list(imageId: string): Promise<ReplicationDto[]> {
    await this.source(imageId);
    const rows = await this.store.idsOf(imageId);
    return Promise.all(rows.map((r) => this.describe(r.id)));
  }

  /** Runs one failed or cancelled target again, alone. */
  async retry(imageId: string, replicationId: string, targetId: string): Promise<ReplicationDto> {
    // Ids that are not UUIDs name nothing (and PostgreSQL's uuid type would refuse them): 404 without a query.
    const target = [imageId, replicationId, targetId].every(isUuid)
      ? await this.store.findTargetOf(imageId, replicationId, targetId)
      : null;
    if (!target)
      throw new NotFoundError(`No target '${targetId}' in replication '${replicationId}' of image '${imageId}'`);
    const job = target.jobId ? await this.jobs.find(target.jobId) : null;
    if (job && (job.state === 'queued' || job.state === 'running' || job.state === 'succeeded')) {
      throw new ConflictError(`Target '${targetId}' is ${job.state}; only a failed or cancelled target is retried`);
    }
    await this.queue(target, imageId);
    return this.describe(replicationId);
  }

  /**
   * Plans a replication of `sourceImageId` inside the caller's transaction:
   * the replication, its targets and one replicate job per target (created
   * with `createJob`, JobService.transaction's), so they commit with the
   * caller's own rows or not at all. The targets must have passed `preflight`.
   */
  async planWithin(
    tx: Prisma.TransactionClient,
    createJob: CreateJobWithin,
    sourceImageId: string,
    targets: Array<{ provider: string; region: string; overrides: CopyOverrides }>,
  ): Promise<Array<{ target: ReplicationTarget; job: Job }>> {
    const replication = await this.store.create(sourceImageId, targets, tx);
    const planned: Array<{ target: ReplicationTarget; job: Job }> = [];
    for (const target of replication.targets) {
      const job = await createJob(
        'replicate',
        { targetId: target.id },
        { providerName: target.providerName, imageId: sourceImageId },
      );
      await this.store.assignJobWithin(tx, target, job.id);
      planned.push({ target: { ...target, jobId: job.id }, job });
    }
    return planned;
  }

  /**
   * Runs one target again with a new job, inside the caller's transaction (it
   * keeps the copy already registered at the provider, as `retry` does); null
   * when the target is gone or its latest job is still queued or running.
   */
  async requeueWithin(
    tx: Prisma.TransactionClient,
    createJob: CreateJobWithin,
    targetId: string,
  ): Promise<{ target: ReplicationTarget; job: Job } | null> {
    // Locked: a second requeue of this target (a retry route called twice) waits, then sees this one's job live.
    const target = await this.store.lockTarget(tx, targetId);
    if (!target) return null;
    const replication = await this.store.find(target.replicationId, tx);
    if (!replication) return null;
    const last = target.jobId ? await tx.job.findUnique({ where: { id: target.jobId } }) : null;
    if (last && (last.state === 'queued' || last.state === 'running')) return null;
    const job = await createJob(
      'replicate',
      { targetId: target.id },
      { providerName: target.providerName, imageId: replication.sourceImageId },
    );
    await this.store.assignJobWithin(tx, target, job.id);
    return { target: { ...target, jobId: job.id }, job };
  }

  private async queue(target: ReplicationTarget, sourceImageId: string): Promise<Job> {
    const { job } = await this.jobs.create(
      'replicate',
      { targetId: target.id },
      { providerName: target.providerName, imageId: sourceImageId, dedupeKey: `replicate:${target.id}` },
    );
    await this.store.assignJob(target, job.id);
    return job;
  }

  private async describe(replicationId: string): Promise<ReplicationDto> {
    const replication = (await this.store.findWithTargets(replicationId))!;
    const jobIds = replication.targets.map((t) => t.jobId).filter((id): id is string => id !== null);
    const jobs = new Map((await this.jobs.findAll(jobIds)).map((j) => [j.id, j]));
    return {
      id: replication.id,
      sourceImageId: replication.sourceImageId,
      createdAt: replication.createdAt.toISOString(),
      targets: replication.targets.map((t) => {
        const job = t.jobId ? jobs.get(t.jobId) : undefined;
        return {
          id: t.id,
          provider: t.providerName,
          region: t.region === '' ? null : t.region,
          status: job?.state ?? 'queued',
          imageId: t.imageId,
          jobId: t.jobId,
          reused: t.reused,
          error: job?.errorCode ? { code: job.errorCode, message: job.errorMessage ?? '' } : null,
        };
      }),
    };
  }

  private overrides(target: ReplicationTargetRequestDto): CopyOverrides {
    const os = target.os && Object.fromEntries(Object.entries(target.os).filter(([, v]) => v !== undefined));
    return {
      ...(target.name !== undefined ? { name: target.name } : {}),
      ...(target.visibility !== undefined ? { visibility: target.visibility as ImageVisibility } : {}),
      ...(os && Object.keys(os).length > 0 ? { os } : {}),
    };
  }

  /**
   * What the target would refuse in the copy, checked with the adapter's own
   * rules before any job is queued. Size and sha256 the source does not know
   * are left out: the job computes them from the bytes before it registers.
   * Public for families, which check every target of a version this way.
   */
  preflight(adapter: ProviderAdapter, source: Image, region: string, overrides: CopyOverrides): CreateSpecProblem[] {
    const bytes = { sizeBytes: source.sizeBytes === null ? null : Number(source.sizeBytes), sha256: source.sha256 };
    const spec = copySpec(source, region, overrides, bytes);
    return createProblems(adapter, spec, ['create', 'upload']).filter(
      (p) =>
        !((p.field === 'sizeBytes' && bytes.sizeBytes === null) || (p.field === 'sha256' && bytes.sha256 === null)),
    );
  }

  private async source(imageId: string) {
    return this.images.row(imageId);
  }
}
