import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { PrismaService } from '../../platform/persistence/prisma.service';
import { JobQueue } from '../queue/job-queue';
import { OutboxRelay } from './outbox-relay';

/**
 * The outbox relay of this process. Every process that can create jobs (API
 * and worker alike) runs one, so getting a job into BullMQ never depends on
 * another process being up; SKIP LOCKED keeps the relays from stepping on
 * each other. It stops in onModuleDestroy, which Nest calls before JobQueue's
 * (JobQueue is its dependency), so the last batch commits before the queue
 * connection closes.
 */
@Injectable()
export class OutboxRelayService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly relay: OutboxRelay;

  constructor(prisma: PrismaService, queue: JobQueue) {
    const logger = new Logger(OutboxRelay.name);
    // requeue, not enqueue: a row restored by the lost-job sweep may still have a finished BullMQ entry.
    this.relay = new OutboxRelay(prisma, (type, jobId) => queue.requeue(type, jobId), {
      log: (message) => logger.warn(message),
    });
  }

  onApplicationBootstrap(): void {
    this.relay.start();
  }

  /** Relay the row this process just committed now, instead of at the next poll. */
  wake(): void {
    this.relay.wake();
  }

  async onModuleDestroy(): Promise<void> {
    await this.relay.stop();
  }
}
