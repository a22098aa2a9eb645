import type { Job } from '../platform/persistence/generated/client';
import type { JobDto } from './dto/job.dto';

export function presentJob(row: Job): JobDto {
  return {
    id: row.id,
    type: row.type,
    state: row.state,
    provider: row.providerName,
    imageId: row.imageId,
    progress: { bytesDone: Number(row.bytesDone), bytesTotal: row.bytesTotal === null ? null : Number(row.bytesTotal) },
    attempts: row.attempts,
    error: row.errorCode ? { code: row.errorCode, message: row.errorMessage ?? '' } : null,
    result: (row.result as Record<string, unknown> | null) ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}
