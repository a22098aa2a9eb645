import { Injectable } from '@nestjs/common';
import { UnprocessableError } from '../../errors/app.errors';
import { JobService } from '../../jobs/job.service';
import type { Job } from '../../persistence/generated/client';
import { UploadIntakeService } from '../upload-intake.service';
import type { ImportRequestDto } from './import-request.dto';

/** Queues the import of a URL into a pending image. */
@Injectable()
export class ImportService {
  constructor(
    private readonly intake: UploadIntakeService,
    private readonly jobs: JobService,
  ) {}

  async start(imageId: string, body: ImportRequestDto): Promise<Job> {
    const image = await this.intake.acceptingImage(imageId);
    if (body.sha256 && image.sha256 && body.sha256 !== image.sha256) {
      throw new UnprocessableError('sha256 differs from the one the image was registered with', [
        { field: 'sha256', message: 'differs from the registered sha256' },
      ]);
    }
    const { job, deduplicated } = await this.jobs.create(
      'import',
      { imageId: image.id, url: body.url, sha256: body.sha256 },
      { providerName: image.providerName, imageId: image.id, dedupeKey: `import:${image.id}` },
    );
    if (deduplicated) throw new UnprocessableError(`Image '${image.id}' is already being imported by job ${job.id}`);
    return job;
  }
}
