import type { Prisma } from '../platform/persistence/generated/client';
import type { PrismaService } from '../platform/persistence/prisma.service';
import type { UploadCheckpoint } from '../providers/port/provider-writes';

/** An upload job's checkpoint in PostgreSQL: adapter state on the job row, finished parts in upload_parts. */
export class DatabaseUploadCheckpoint implements UploadCheckpoint {
  constructor(
    private readonly prisma: PrismaService,
    private readonly jobId: string,
    private readonly uploadId: string,
  ) {}

  async state(): Promise<Record<string, unknown> | null> {
    const job = await this.prisma.job.findUnique({ where: { id: this.jobId }, select: { checkpoint: true } });
    return (job?.checkpoint as Record<string, unknown> | null) ?? null;
  }

  async saveState(state: Record<string, unknown>): Promise<void> {
    await this.prisma.job.update({ where: { id: this.jobId }, data: { checkpoint: state as Prisma.InputJsonValue } });
  }

  async parts(): Promise<Map<number, string>> {
    const rows = await this.prisma.uploadPart.findMany({ where: { uploadId: this.uploadId } });
    return new Map(rows.map((r) => [r.partNumber, r.etag]));
  }

  async recordPart(partNumber: number, etag: string, sizeBytes: number): Promise<void> {
    await this.prisma.uploadPart.upsert({
      where: { uploadId_partNumber: { uploadId: this.uploadId, partNumber } },
      create: { uploadId: this.uploadId, partNumber, etag, sizeBytes: BigInt(sizeBytes) },
      update: { etag, sizeBytes: BigInt(sizeBytes) },
    });
  }

  /** Forgets everything: a new push must start from scratch (e.g. the provider lost the multipart upload). */
  async clear(): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.uploadPart.deleteMany({ where: { uploadId: this.uploadId } }),
      this.prisma.job.update({
        where: { id: this.jobId },
        data: { checkpoint: null as unknown as Prisma.InputJsonValue },
      }),
    ]);
  }
}
