import { Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppConfig } from '../../platform/config/app-config';
import { BadRequestError, UnprocessableError } from '../../platform/errors/app.errors';
import { JobService } from '../../jobs/job.service';
import type { Job } from '../../platform/persistence/generated/client';
import { UploadIntakeService } from '../upload-intake.service';
import type { ImportRequestDto } from './import-request.dto';
import { ImportUrlGuard, ImportUrlRefusedError } from './import-url.guard';

/** How long the request waits for DNS before leaving the address check to the worker alone. */
const LOOKUP_BUDGET_MS = 2_000;

/** Queues the import of a URL into a pending image. */
@Injectable()
export class ImportService {
  private readonly guard: ImportUrlGuard;

  constructor(
    private readonly intake: UploadIntakeService,
    private readonly jobs: JobService,
    config: AppConfig,
  ) {
    this.guard = new ImportUrlGuard(config.importAllowedAddresses);
  }

  async start(imageId: string, body: ImportRequestDto): Promise<Job> {
    const image = await this.intake.acceptingImage(imageId);
    if (body.sha256 && image.sha256 && body.sha256 !== image.sha256) {
      throw new UnprocessableError('sha256 differs from the one the image was registered with', [
        { field: 'sha256', message: 'differs from the registered sha256' },
      ]);
    }
    await this.refuseForbiddenUrl(body.url);
    const { job, deduplicated } = await this.jobs.create(
      'import',
      { imageId: image.id, url: body.url, sha256: body.sha256 },
      { providerName: image.providerName, imageId: image.id, dedupeKey: `import:${image.id}` },
    );
    if (deduplicated) throw new UnprocessableError(`Image '${image.id}' is already being imported by job ${job.id}`);
    return job;
  }

  /**
   * A URL whose host is, or resolves to, an address no import may reach is
   * refused before a job exists. The worker checks again where it connects
   * (each redirect, and DNS may answer otherwise by then): a host that does not
   * resolve here, or not in time, is left to that check.
   */
  private async refuseForbiddenUrl(url: string): Promise<void> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new BadRequestError('url is not a URL', [{ field: 'url', message: 'is not a URL' }]);
    }
    const deadline = new AbortController();
    const verdict = await Promise.race([
      this.guard.resolve(parsed).then(
        () => null,
        (error: unknown) => error,
      ),
      sleep(LOOKUP_BUDGET_MS, null, { signal: deadline.signal }).catch(() => null),
    ]).finally(() => deadline.abort());
    if (verdict instanceof ImportUrlRefusedError) {
      throw new UnprocessableError(`url: ${verdict.message}`, [{ field: 'url', message: verdict.message }]);
    }
  }
}
