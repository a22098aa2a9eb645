import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BullBoardFastifyAdapter } from '@bull-board/fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { ApiKeyService } from '../../platform/auth/api-key.service';
import { QUEUES } from '../../jobs/job-types';
import { JobQueue } from '../../jobs/queue/job-queue';
import { adminOnly } from './admin-basic-auth';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

/**
 * The BullMQ dashboard (bull-board) at /admin/queues, for API keys with the
 * admin scope only. It is a Fastify plugin beside the Nest routes, in its own
 * encapsulated context, so the auth hook guards every page, asset and call.
 */
export async function installQueueDashboard(app: NestFastifyApplication): Promise<void> {
  const queue = app.get(JobQueue);
  const keys = app.get(ApiKeyService);
  const board = new BullBoardFastifyAdapter();
  board.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({
    queues: [...new Set(Object.values(QUEUES))].map((name) => new BullMQAdapter(queue.queue(name))),
    serverAdapter: board,
    options: { uiConfig: { boardTitle: 'image-broker queues' } },
  });
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  await fastify.register(
    async (scope) => {
      scope.addHook('onRequest', adminOnly(keys));
      await scope.register(board.registerPlugin());
    },
    { prefix: QUEUE_DASHBOARD_PATH },
  );
}
