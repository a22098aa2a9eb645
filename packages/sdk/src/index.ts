export type { paths, components } from './generated/openapi';
export { ImageBroker, type ResolveOptions } from './image-broker';
export {
  BrokerTransport,
  type ImageBrokerOptions,
  type Job,
  type Image,
  type ResolvedImage,
  type Schemas,
} from './client';
export { ImageBrokerError, parseRetryAfter, type Problem, type FieldProblem } from './errors';
export type { UploadOptions, UploadProgress, UploadResult } from './uploads';
export type { Download, DownloadOptions } from './downloads';
export type { JobEvent, WatchOptions } from './job-watch';
export type { RetryOptions } from './retrying-fetch';
