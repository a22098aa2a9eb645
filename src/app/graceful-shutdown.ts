import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import type { AppConfig } from '../platform/config/app-config';
import { JobWorkerService } from '../jobs/job-worker.service';
import { ShutdownSignal } from '../platform/lifecycle/shutdown-signal';

/** Left for closing connections and flushing logs after the drain. */
const CLOSE_MARGIN_MS = 3_000;

/**
 * SIGTERM/SIGINT within SHUTDOWN_TIMEOUT_MS: readiness fails at once; the
 * HTTP server stops accepting and lets in-flight requests finish; a worker
 * stops taking jobs and hands running ones back with their checkpoints; then
 * the application closes and the process exits 0. Whatever is still running
 * at the deadline is cut off (exit 1); another worker resumes its job.
 */
export function installGracefulShutdown(app: NestFastifyApplication, config: AppConfig, logger: Logger): void {
  const deadline = config.shutdownTimeoutMs;
  const drainBudget = Math.max(deadline - CLOSE_MARGIN_MS, deadline / 2);
  let started = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (started) return;
    started = true;
    logger.info({ signal, deadlineMs: deadline }, `${signal}: shutting down`);
    setTimeout(() => {
      logger.error({ deadlineMs: deadline }, 'shutdown deadline passed; exiting');
      process.exit(1);
    }, deadline).unref();
    app.get(ShutdownSignal).raise();
    const drains: Promise<unknown>[] = [app.getHttpAdapter().getInstance().close()];
    if (config.runsWorker) drains.push(app.get(JobWorkerService, { strict: false }).drain());
    const drained = await withinBudget(Promise.all(drains), drainBudget);
    if (!drained) logger.warn({ budgetMs: drainBudget }, 'drain took too long; closing anyway');
    // Nest's own signal hooks would re-raise the signal; closing here lets a clean stop exit 0.
    await app.close();
    logger.info('stopped');
    process.exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      shutdown(signal).catch((error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
    });
  }
}

async function withinBudget(work: Promise<unknown>, budgetMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), budgetMs);
  });
  try {
    return await Promise.race([work.then(() => true as const), expired]);
  } finally {
    clearTimeout(timer);
  }
}
