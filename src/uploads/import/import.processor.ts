import { BrokerMetrics } from '../../platform/metrics/broker-metrics';
import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../../platform/config/app-config';
import { PermanentJobError, type JobContext, type JobHandler } from '../../jobs/job-handler';
import { PrismaService } from '../../platform/persistence/prisma.service';
import { STAGING_STORAGE, StagedSizeMismatchError, type StagingStorage } from '../../platform/staging/staging-storage';
import { ImageDigestTransform, SizeExceededError } from '../image-digest.transform';
import { ProgressReporter } from '../progress-reporter';
import { UploadLifecycle } from '../upload-lifecycle';
import { ImportUrlGuard } from './import-url.guard';
import { openImportUrl, SourceUnavailableError } from './import-url.fetcher';

/**
 * The import job: fetches a URL into the staging bucket (guarded against
 * server-side request forgery, redirects and size capped), verifies it like an
 * upload, then hands it to an upload job, the one way bytes reach a provider.
 */
@Injectable()
export class ImportProcessor implements JobHandler<'import'> {
  readonly type = 'import' as const;
  private readonly guard: ImportUrlGuard;

  constructor(
    private readonly prisma: PrismaService,
    private readonly uploads: UploadLifecycle,
    private readonly config: AppConfig,
    @Inject(STAGING_STORAGE) private readonly staging: StagingStorage,
    private readonly metrics: BrokerMetrics,
  ) {
    this.guard = new ImportUrlGuard(config.importAllowedAddresses);
  }

  async run({ payload, signal, progress }: JobContext<'import'>): Promise<Record<string, unknown>> {
    const image = await this.prisma.image.findUnique({ where: { id: payload.imageId } });
    if (!image) throw new PermanentJobError('image_not_found', `Image ${payload.imageId} no longer exists`);
    const declared = image.sizeBytes === null ? null : Number(image.sizeBytes);
    const cap = declared ?? this.config.importMaxBytes;
    const source = await openImportUrl(payload.url, this.guard, signal);
    if (source.contentLength !== null && source.contentLength > cap) {
      source.body.destroy();
      throw new PermanentJobError(
        'import_source_too_large',
        `${payload.url} declares ${source.contentLength} bytes; at most ${cap} are accepted`,
      );
    }
    const upload = await this.uploads.openWhole(image.id);
    const digestor = new ImageDigestTransform(cap);
    const total = source.contentLength ?? declared;
    const reporter = new ProgressReporter((done) => progress(done, total));
    const ticker = setInterval(() => reporter.report(digestor.bytesSeen), 250);
    try {
      source.body.once('error', (error) => {
        // The source hung up or stalled mid-body: a transient failure of the source, retried, not an internal error.
        digestor.destroy(
          new SourceUnavailableError(
            `${payload.url} broke off after ${digestor.bytesSeen}${source.contentLength === null ? '' : ` of ${source.contentLength}`} bytes: ${error.message}`,
          ),
        );
      });
      await this.staging.put(upload.stagingKey, source.body.pipe(digestor), signal, total);
      // The put held the body to `total`: a source that ended short of its Content-Length failed there.
      const digest = digestor.digest();
      const expectedSha256 = payload.sha256 ?? image.sha256;
      if (expectedSha256 && digest.sha256 !== expectedSha256.toLowerCase()) {
        throw new PermanentJobError(
          'checksum_mismatch',
          `${payload.url} has sha256 ${digest.sha256}, not ${expectedSha256}`,
        );
      }
      if (declared !== null && digest.sizeBytes !== declared) {
        throw new PermanentJobError(
          'import_size_mismatch',
          `${payload.url} has ${digest.sizeBytes} bytes; the image was registered with ${declared}`,
        );
      }
      const push = await this.uploads.queuePush(image, upload, digest);
      return {
        uploadId: upload.id,
        uploadJobId: push.id,
        sizeBytes: digest.sizeBytes,
        sha256: digest.sha256,
        url: source.finalUrl,
      };
    } catch (error) {
      await this.uploads.discard(upload);
      if (error instanceof SizeExceededError) {
        throw new PermanentJobError('import_source_too_large', `${payload.url} sent more than ${cap} bytes`);
      }
      if (error instanceof StagedSizeMismatchError) throw this.sizeMismatch(payload.url, error, source.contentLength);
      throw error;
    } finally {
      clearInterval(ticker);
      this.metrics.countTransfer('url_to_staging', image.providerName, digestor.bytesSeen);
      await reporter.close();
    }
  }

  /** A source that ended short of what it announced broke off (retried); one that differs from the registration does not. */
  private sizeMismatch(url: string, error: StagedSizeMismatchError, contentLength: number | null): Error {
    if (contentLength !== null && error.receivedBytes < contentLength) {
      return new SourceUnavailableError(`${url} ended after ${error.receivedBytes} of ${contentLength} bytes`);
    }
    return new PermanentJobError(
      'import_size_mismatch',
      `${url} has ${error.receivedBytes < error.expectedBytes ? error.receivedBytes : 'more than ' + error.expectedBytes} bytes; the image was registered with ${error.expectedBytes}`,
    );
  }
}
