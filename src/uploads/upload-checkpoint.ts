import type { JobService } from '../jobs/job.service';
import type { PrismaService } from '../platform/persistence/prisma.service';
import type { UploadCheckpoint } from '../providers/port/provider-writes';

/**
 * An upload job's checkpoint in PostgreSQL: adapter state on the job row
 * (through JobService, its owner), finished parts in upload_parts (written
 * here for UploadLifecycle, which hands this out).
 */
export class DatabaseUploadCheckpoint implements UploadCheckpoint {
  constructor(
    private readonly prisma: PrismaService,
    private readonly jobs: JobService,
    private readonly jobId: string,
    private readonly uploadId: string,
  ) {}

  state(): Promise<Record<string, unknown> | null> {
    return this.jobs.checkpoint(this.jobId);
  }

  async saveState(state: Record<string, unknown>): Promise<void> {
    await this.jobs.saveCheckpoint(this.jobId, state);
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

  /**
   * Forgets everything: a new push must start from scratch (e.g. the provider
   * lost the multipart upload). Parts first: a crash in between leaves the old
   * state with no parts, which resends them all; the other order would pair a
   * fresh provider upload with the old parts' ETags.
   */
  async clear(): Promise<void> {
    await this.prisma.uploadPart.deleteMany({ where: { uploadId: this.uploadId } });
    await this.jobs.saveCheckpoint(this.jobId, null);
  }
}
