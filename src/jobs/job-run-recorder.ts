import { Injectable } from '@nestjs/common';
import type { Job, Prisma } from '../platform/persistence/generated/client';
import { PrismaService } from '../platform/persistence/prisma.service';
import { JobEndListeners } from './job-end-listeners';
import { scrubPublicText } from './public-job-error';

/** Writes a job row's state transitions as a worker runs it. */
@Injectable()
export class JobRunRecorder {
  constructor(
    private readonly prisma: PrismaService,
    private readonly ended: JobEndListeners,
  ) {}

  /** Marks the row running and counts the attempt; null when the row has already ended (cancelled, say). */
  async start(jobId: string): Promise<Job | null> {
    const updated = await this.prisma.job.updateManyAndReturn({
      where: { id: jobId, state: { in: ['queued', 'running'] } },
      data: { state: 'running', attempts: { increment: 1 }, startedAt: new Date() },
    });
    return updated[0] ?? null;
  }

  async find(jobId: string): Promise<Job | null> {
    return this.prisma.job.findUnique({ where: { id: jobId } });
  }

  async progress(jobId: string, bytesDone: number, bytesTotal: number | null): Promise<void> {
    await this.prisma.job.updateMany({
      where: { id: jobId, state: 'running' },
      data: {
        bytesDone: BigInt(Math.round(bytesDone)),
        bytesTotal: bytesTotal === null ? null : BigInt(Math.round(bytesTotal)),
      },
    });
  }

  /** Ends the run; the job's end listeners hear of it in the same transaction. */
  async succeed(jobId: string, result: Record<string, unknown>): Promise<void> {
    const after = await this.prisma.$transaction(async (tx) => {
      const [ended] = await tx.job.updateManyAndReturn({
        where: { id: jobId, state: 'running' },
        data: {
          state: 'succeeded',
          result: result as Prisma.InputJsonValue,
          errorCode: null,
          errorMessage: null,
          finishedAt: new Date(),
        },
      });
      return ended ? this.ended.notify(tx, ended) : null;
    });
    await this.ended.committed(after);
  }

  /**
   * A run interrupted by a worker's shutdown: back to queued, its attempt not
   * counted, its progress and checkpoint kept for the worker that resumes it.
   */
  async handBack(jobId: string): Promise<void> {
    await this.prisma.job.updateMany({
      where: { id: jobId, state: 'running' },
      data: { state: 'queued', attempts: { decrement: 1 } },
    });
  }

  /** `final` false: a retry follows, the row goes back to queued and keeps the error for the user to see. */
  async fail(jobId: string, code: string, rawMessage: string, final: boolean): Promise<void> {
    // Job errors are shown to users and logged: known credentials and URLs' secrets go first (a last safety net).
    const message = scrubPublicText(rawMessage);
    if (!final) {
      await this.prisma.job.updateMany({
        where: { id: jobId, state: 'running' },
        data: { state: 'queued', errorCode: code, errorMessage: message },
      });
      return;
    }
    const after = await this.prisma.$transaction(async (tx) => {
      const [ended] = await tx.job.updateManyAndReturn({
        where: { id: jobId, state: 'running' },
        data: { state: 'failed', errorCode: code, errorMessage: message, finishedAt: new Date() },
      });
      return ended ? this.ended.notify(tx, ended) : null;
    });
    await this.ended.committed(after);
  }
}
