import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequireScope } from '../platform/auth/auth.decorators';
import type { Principal } from '../platform/auth/api-key.service';
import { ApiProblemResponses } from '../platform/errors/problem-responses.decorator';
import { PageQuery } from '../platform/pagination/page.query';
import {
  CreateWebhookRequestDto,
  CreatedWebhookDto,
  WebhookDeliveryListDto,
  WebhookDto,
  WebhookListDto,
} from './dto/webhook.dto';
import { WebhookDeliveriesReader } from './webhook-deliveries.reader';
import { type StoredWebhook, WebhookStore } from './webhook-store';

@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('v1/webhooks')
@RequireScope('admin')
export class WebhooksController {
  constructor(
    private readonly webhooks: WebhookStore,
    private readonly deliveryLog: WebhookDeliveriesReader,
  ) {}

  @Post()
  @ApiOperation({
    operationId: 'createWebhook',
    summary: 'Register a URL for events',
    description:
      'Deliveries are POSTed as Standard Webhooks (`webhook-id` is the event id, `webhook-timestamp`, ' +
      '`webhook-signature`), at least once and in order per ordering key, retried with backoff for 24 hours. ' +
      'The URL passes the import address guard (IMPORT_ALLOWED_ADDRESSES). The secret is returned only here. ' +
      'Events of transactions that end after the registration are delivered.',
  })
  @ApiBody({ type: CreateWebhookRequestDto })
  @ApiCreatedResponse({ type: CreatedWebhookDto, description: 'The webhook with its secret; `Location` points at it' })
  @ApiProblemResponses(400, 401, 403, 422, 503)
  async create(
    @Body() body: CreateWebhookRequestDto,
    @Req() request: FastifyRequest & { principal?: Principal },
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CreatedWebhookDto> {
    const { webhook, secret } = await this.webhooks.create(body, request.principal?.keyId ?? 'unknown');
    void reply.header('Location', `/v1/webhooks/${webhook.id}`);
    return { ...present(webhook), secret };
  }

  @Get()
  @ApiOperation({ operationId: 'listWebhooks', summary: 'Registered webhooks', description: 'Without secrets.' })
  @ApiOkResponse({ type: WebhookListDto })
  @ApiProblemResponses(401, 403)
  async list(): Promise<WebhookListDto> {
    return { items: (await this.webhooks.list()).map(present) };
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getWebhook', summary: 'One webhook', description: 'Without its secret.' })
  @ApiOkResponse({ type: WebhookDto })
  @ApiProblemResponses(401, 403, 404)
  async get(@Param('id') id: string): Promise<WebhookDto> {
    return present(await this.webhooks.get(id));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    operationId: 'deleteWebhook',
    summary: 'Stop delivering to a URL',
    description: 'Its pending deliveries and their history go with it.',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblemResponses(401, 403, 404)
  async delete(@Param('id') id: string): Promise<void> {
    await this.webhooks.delete(id);
  }

  @Get(':id/deliveries')
  @ApiOperation({
    operationId: 'listWebhookDeliveries',
    summary: "A webhook's deliveries, newest first",
    description: 'Each with its event, state, next attempt and every attempt made (status code or error).',
  })
  @ApiOkResponse({ type: WebhookDeliveryListDto })
  @ApiProblemResponses(400, 401, 403, 404)
  async deliveries(@Param('id') id: string, @Query() query: PageQuery): Promise<WebhookDeliveryListDto> {
    await this.webhooks.get(id);
    return this.deliveryLog.page(id, query.cursor, query.limit ?? 50);
  }
}

function present(webhook: StoredWebhook): WebhookDto {
  return {
    id: webhook.id,
    url: webhook.url,
    events: webhook.events,
    createdAt: webhook.createdAt.toISOString(),
    createdBy: webhook.createdBy,
  };
}
