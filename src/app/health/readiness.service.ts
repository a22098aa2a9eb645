import { Injectable } from '@nestjs/common';
import { JobQueue } from '../../jobs/queue/job-queue';
import { ShutdownSignal } from '../../platform/lifecycle/shutdown-signal';
import { PrismaService } from '../../platform/persistence/prisma.service';

const CHECK_TIMEOUT_MS = 2_000;

/** Readiness: PostgreSQL and Redis each answer within two seconds. */
@Injectable()
export class ReadinessService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly queue: JobQueue,
    private readonly shutdown: ShutdownSignal,
  ) {}

  /** From SIGTERM on, readiness fails so load balancers stop sending new requests while in-flight ones drain. */
  get shuttingDown(): boolean {
    return this.shutdown.raised;
  }

  async check(): Promise<Record<'postgres' | 'redis', 'up' | 'down'>> {
    const [postgres, redis] = await Promise.all([
      probe(() => this.prisma.$queryRawUnsafe('SELECT 1')),
      probe(() => this.queue.ping()),
    ]);
    return { postgres, redis };
  }
}

async function probe(check: () => Promise<unknown>): Promise<'up' | 'down'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return 'up';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}
