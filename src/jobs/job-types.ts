/**
 * The job registry: every job type, the queue it runs on, its payload type and
 * its retry policy, in one place. Producers and handlers are typed by it, so a
 * payload cannot drift from its producer; the worker refuses to start unless
 * each type has exactly one handler (JobWorkerService), and a unit test holds
 * the API's enum, the Prisma enum and openapi.json to this list.
 *
 * The handlers themselves are registered by their capability folders under
 * JOB_HANDLERS (job-handler.ts): src/jobs runs work it does not import.
 */
export const QUEUES = { catalogue: 'catalogue', transfers: 'transfers' } as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export interface JobPayloads {
  sync: { provider: string; trigger: 'api' | 'schedule' };
  /** Pushes staged bytes (uploads row) to the provider image. */
  upload: { uploadId: string };
  /** Fetches a URL into staging, then queues an upload job. */
  import: { imageId: string; url: string; sha256?: string };
  /** Copies a replication's source image to one target. */
  replicate: { targetId: string };
}
export type BrokerJobType = keyof JobPayloads;

export interface JobPolicy {
  queue: QueueName;
  /** Attempts in all, the first included. */
  attempts: number;
  /** First retry delay; doubles each retry. */
  backoffMs: number;
}

export const JOB_REGISTRY: Readonly<Record<BrokerJobType, JobPolicy>> = {
  sync: { queue: QUEUES.catalogue, attempts: 3, backoffMs: 5_000 },
  // A push resumes from its checkpoint, so retries are cheap; providers may be briefly away.
  upload: { queue: QUEUES.transfers, attempts: 5, backoffMs: 5_000 },
  import: { queue: QUEUES.transfers, attempts: 3, backoffMs: 5_000 },
  replicate: { queue: QUEUES.transfers, attempts: 5, backoffMs: 5_000 },
};

/** Every job type, in the registry's order: what the API filters on and the database stores. */
export const BROKER_JOB_TYPES = Object.keys(JOB_REGISTRY) as readonly BrokerJobType[];

/** The internal, repeatable tick that turns the sync schedule into one sync job per provider. */
export const SYNC_SCHEDULE_TICK = 'sync-schedule-tick';

/** What a BullMQ entry carries: only the id of the job row, the single source of truth. */
export interface QueuedJobData {
  jobId: string;
}
