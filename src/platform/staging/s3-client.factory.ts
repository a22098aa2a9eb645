import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';

export interface S3Endpoint {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * An S3 client for any S3-compatible store: path-style addressing (MinIO,
 * Ceph, s3rver), and checksums only where the operation requires them, since
 * such stores may refuse the SDK's default CRC32 and presigned part URLs must
 * not demand a checksum header the uploading client will not send.
 */
export function createS3Client(target: S3Endpoint): S3Client {
  return new S3Client({
    endpoint: target.endpoint,
    region: target.region,
    forcePathStyle: true,
    credentials: { accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    logger: sdkWarnings,
  });
}

/**
 * Without a logger the SDK writes its warnings with console.warn, outside the
 * JSON logs. Its warnings become process warnings instead, which the broker
 * logs as JSON, except the one every failed streamed part would repeat: the
 * broker reports that failure itself, with its cause. Its error entries (a
 * command's input and error, as an object) are dropped: the same error
 * rejects the command, and the caller reports or deliberately ignores it.
 */
const sdkWarnings: NonNullable<S3ClientConfig['logger']> = {
  debug: () => undefined,
  info: () => undefined,
  warn: (...content: unknown[]) => {
    const text = content.map(String).join(' ');
    if (!text.includes('non-retryable streaming request')) process.emitWarning(text, 'AwsSdkWarning');
  },
  error: () => undefined,
};
