import { Inject, Injectable, Logger } from '@nestjs/common';
import type IORedis from 'ioredis';
import { AppConfig } from '../platform/config/app-config';
import { COORDINATION_REDIS } from '../platform/coordination/coordination.module';
import { ConflictError, NotFoundError } from '../platform/errors/app.errors';
import { cancellationChannel } from './job-handler';
import { afterPosition, decodeCursor, encodeCursor } from '../platform/pagination/keyset-cursor';
import type { Job, Prisma } from '../platform/persistence/generated/client';
import { PrismaService } from '../platform/persistence/prisma.service';
import { isUuid } from '../platform/persistence/uuid';
import type { JobListDto, ListJobsQuery } from './dto/job.dto';
import type { BrokerJobType, JobPayloads } from './job-types';
import { presentJob } from './job.presenter';
import { OutboxRelayService } from './outbox/outbox-relay.service';
import { JobQueue } from './queue/job-queue';
import { JobEndListeners } from './job-end-listeners';

/** Creates a job inside a caller's transaction (see JobService.transaction). */
export type CreateJobWithin = <T extends BrokerJobType>(
  type: T,
  payload: JobPayloads[T],
  options?: Omit<CreateJobOptions, 'dedupeKey'>,
) => Promise<Job>;

export interface CreateJobOptions {
  providerName?: string;
  imageId?: string;
  /** At most one queued-or-running job per key: a second create returns the live one. */
  dedupeKey?: string;
}

/**
 * The one way a job is created: its row and its outbox row in one PostgreSQL
 * transaction. The outbox relay then puts it into BullMQ under the row's id, so
 * a job exists in BullMQ only if its row does, and a row never waits on Redis.
 */
@Injectable()
export class JobService {
  private readonly logger = new Logger(JobService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly relay: OutboxRelayService,
    private readonly queue: JobQueue,
    private readonly config: AppConfig,
    @Inject(COORDINATION_REDIS) private readonly redis: IORedis,
    private readonly ended: JobEndListeners,
  ) {}

  /**
   * Stops a queued or running job of any type. The row ends at once; a running
   * job's worker is told through Redis and aborts its transfer, and the job's
   * handler cleans up (staging, the provider's multipart upload, the image).
   */
  async cancel(id: string): Promise<Job> {
    const job = await this.get(id);
    const { cancelled, after } = await this.prisma.$transaction(async (tx) => {
      const [ended] = await tx.job.updateManyAndReturn({
        where: { id: job.id, state: { in: ['queued', 'running'] } },
        data: {
          state: 'cancelled',
          errorCode: 'cancelled',
          errorMessage: 'cancelled by a user',
          finishedAt: new Date(),
        },
      });
      return { cancelled: ended, after: ended ? await this.ended.notify(tx, ended) : null };
    });
    await this.ended.committed(after);
    if (!cancelled) throw new ConflictError(`Job '${id}' has already ended (${job.state})`);
    await this.redis.publish(cancellationChannel(this.config.redisPrefix), job.id).catch((error: unknown) => {
      this.logger.warn(`job ${id} cancelled, but workers could not be told: ${(error as Error).message}`);
    });
    return this.get(id);
  }

  /**
   * Tells a queued job that the input it waits for has arrived (see
   * JobHandler.ready): BullMQ runs it now instead of at its next look. Best
   * effort: when Redis is away, that next look finds the input.
   */
  async wake(job: Pick<Job, 'id' | 'type' | 'state'>): Promise<void> {
    if (job.state !== 'queued') return;
    await this.queue.promote(job.type, job.id).catch((error: unknown) => {
      this.logger.debug(`job ${job.id} could not be woken: ${(error as Error).message}`);
    });
  }

  async create<T extends BrokerJobType>(
    type: T,
    payload: JobPayloads[T],
    options: CreateJobOptions = {},
  ): Promise<{ job: Job; deduplicated: boolean }> {
    let job: Job;
    try {
      job = await this.prisma.$transaction((tx) => insertJob(tx, type, payload, options));
    } catch (error) {
      if (!options.dedupeKey || !isUniqueViolation(error)) throw error;
      const live = await this.prisma.job.findFirst({
        where: { dedupeKey: options.dedupeKey, state: { in: ['queued', 'running'] } },
      });
      if (live) return { job: live, deduplicated: true };
      // The live job ended between our insert and our read: try once more.
      return this.create(type, payload, options);
    }
    this.relay.wake();
    return { job, deduplicated: false };
  }

  /**
   * Runs `work` in one PostgreSQL transaction in which it may create jobs
   * (each with its outbox row) beside its own rows: a family's placements and
   * their replication jobs commit together or not at all. The relay is woken
   * once the transaction has committed.
   */
  async transaction<R>(work: (tx: Prisma.TransactionClient, createJob: CreateJobWithin) => Promise<R>): Promise<R> {
    let created = 0;
    const result = await this.prisma.$transaction(async (tx) => {
      const create = this.creatorWithin(tx);
      const createJob: CreateJobWithin = async (type, payload, options) => {
        created += 1;
        return create(type, payload, options);
      };
      return work(tx, createJob);
    });
    if (created > 0) this.relay.wake();
    return result;
  }

  /**
   * Creates jobs inside a transaction someone else opened (a sync's batch, in
   * which drift repair places a copy again): the job and its outbox row commit
   * with the caller's rows, and the relay's next look (at most 250 ms) queues it.
   */
  creatorWithin(tx: Prisma.TransactionClient): CreateJobWithin {
    // No dedupe key: a unique violation would abort the caller's whole transaction.
    return (type, payload, options = {}) => insertJob(tx, type, payload, options);
  }

  /** The job row, or null: for callers that follow a job they hold the id of (an upload's intake). */
  async find(id: string): Promise<Job | null> {
    return this.prisma.job.findUnique({ where: { id } });
  }

  findAll(ids: string[]): Promise<Job[]> {
    return this.prisma.job.findMany({ where: { id: { in: ids } } });
  }

  /**
   * Fails a job that no worker has started yet (its input was refused before
   * it ran); false when a worker has it, which then ends it itself.
   */
  async failUnstarted(id: string, errorCode: string, errorMessage: string): Promise<boolean> {
    const after = await this.prisma.$transaction(async (tx) => {
      const [ended] = await tx.job.updateManyAndReturn({
        where: { id, state: 'queued', startedAt: null },
        data: { state: 'failed', errorCode, errorMessage, finishedAt: new Date() },
      });
      return ended ? this.ended.notify(tx, ended) : null;
    });
    await this.ended.committed(after);
    return after !== null;
  }

  /** Points a job at the image it works on once that image exists (a replication's copy). */
  async setImage(id: string, imageId: string): Promise<void> {
    await this.prisma.job.updateMany({ where: { id }, data: { imageId } });
  }

  /** An adapter's resume state for the job's transfer (a provider's multipart upload id, say). */
  async checkpoint(id: string): Promise<Record<string, unknown> | null> {
    const job = await this.prisma.job.findUnique({ where: { id }, select: { checkpoint: true } });
    return (job?.checkpoint as Record<string, unknown> | null) ?? null;
  }

  async saveCheckpoint(id: string, state: Record<string, unknown> | null): Promise<void> {
    await this.prisma.job.update({
      where: { id },
      data: { checkpoint: (state ?? null) as unknown as Prisma.InputJsonValue },
    });
  }

  async get(id: string): Promise<Job> {
    const job = isUuid(id) ? await this.prisma.job.findUnique({ where: { id } }) : null;
    if (!job) throw new NotFoundError(`No job has the id '${id}'`);
    return job;
  }

  async list(query: ListJobsQuery): Promise<JobListDto> {
    const limit = query.limit ?? 50;
    const where: Prisma.JobWhereInput[] = [
      {
        type: query.type as Prisma.JobWhereInput['type'],
        state: query.state as Prisma.JobWhereInput['state'],
        providerName: query.provider,
        imageId: query.imageId,
      },
    ];
    if (query.cursor) {
      const position = decodeCursor(query.cursor, '-createdAt', { kind: 'timestamp', nullable: false });
      where.push(afterPosition('createdAt', true, false, position.value, position.id));
    }
    const rows = await this.prisma.job.findMany({
      where: { AND: where },
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      take: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(presentJob),
      nextCursor:
        rows.length > limit && last
          ? encodeCursor({ sort: '-createdAt', value: last.createdAt.toISOString(), id: last.id })
          : null,
    };
  }
}

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; meta?: { driverAdapterError?: { cause?: { kind?: string } } } };
  return e?.code === 'P2002' || e?.meta?.driverAdapterError?.cause?.kind === 'UniqueConstraintViolation';
}

/** The one insert of a job: its row and its outbox row, in `tx`. */
async function insertJob<T extends BrokerJobType>(
  tx: Prisma.TransactionClient,
  type: T,
  payload: JobPayloads[T],
  options: CreateJobOptions,
): Promise<Job> {
  const row = await tx.job.create({
    data: {
      type,
      payload: payload as unknown as Prisma.InputJsonValue,
      providerName: options.providerName,
      imageId: options.imageId,
      dedupeKey: options.dedupeKey,
    },
  });
  await tx.jobOutbox.create({ data: { jobId: row.id } });
  return row;
}
