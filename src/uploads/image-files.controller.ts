import { BrokerMetrics } from '../platform/metrics/broker-metrics';
import { meteredStream } from '../platform/metrics/metered-stream';
import { Body, Controller, Get, Header, Headers, HttpCode, Param, Post, Put, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiBody,
  ApiHeader,
  ApiResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { RequireScope } from '../platform/auth/auth.decorators';
import { AcceptsBody, OCTET_STREAM_MEDIA_TYPE } from '../platform/request-parsing/body-media-types';
import { ImageChangesService } from '../catalogue/image-changes.service';
import { ReplayedBy } from '../platform/idempotency/replayed-by';
import { BadRequestError, RequestTimeoutError, UnsupportedMediaTypeError } from '../platform/errors/app.errors';
import { JobDto } from '../jobs/dto/job.dto';
import { presentJob } from '../jobs/job.presenter';
import { ApiProblemResponses } from '../platform/errors/problem-responses.decorator';
import { operation } from '../providers/port/provider.port';
import type { DownloadRange } from '../providers/port/provider-writes';
import { ImportRequestDto } from './import/import-request.dto';
import { drainAbandonedBody } from '../platform/request-parsing/abandoned-body';
import { ImportService } from './import/import.service';
import { UploadIntakeService } from './upload-intake.service';
import {
  CompleteUploadSessionDto,
  CreateUploadSessionDto,
  UploadSessionDto,
  UploadSessionListDto,
  UploadSessionStatusDto,
} from './upload-session.dto';
import { UploadSessionsService } from './upload-sessions.service';

@ApiTags('images')
@ApiBearerAuth()
@Controller('v1/images')
export class ImageFilesController {
  constructor(
    private readonly intake: UploadIntakeService,
    private readonly images: ImageChangesService,
    private readonly sessions: UploadSessionsService,
    private readonly imports: ImportService,
    private readonly metrics: BrokerMetrics,
  ) {}

  @Put(':id/file')
  @HttpCode(202)
  @RequireScope('images:write')
  @AcceptsBody(OCTET_STREAM_MEDIA_TYPE)
  @ApiOperation({
    operationId: 'uploadImageFile',
    summary: "Upload an image's bytes",
    description:
      'Streams the body (any size) into the staging bucket while hashing it (sha256, sha512, md5) and checks it against ' +
      'the registered sizeBytes and sha256 (422 and nothing kept when they differ). A body of known size (registered, ' +
      'or its Content-Length) is pushed to the provider while it arrives: its upload job starts with the body and ' +
      'sends each staged segment, the last one only after the checks passed; a refused body stops that push and the ' +
      'image is pending again before the 422 is sent. A second upload of an image already uploading is a 409 before ' +
      'any byte is read; a push that ends while the body is still arriving stops it: 409 when its job was cancelled, ' +
      "502 with the job's error when its push failed; a cancel answers at once, not at the next segment. A body that " +
      'sends nothing for UPLOAD_IDLE_TIMEOUT_SECONDS is cut off with 408 and its job fails as upload_interrupted. ' +
      'The answer comes after the last byte: 202 with the upload job, which may be running already (it starts ' +
      'once its first segment is staged).',
  })
  @ApiBody({
    description: "The image's bytes, as they are",
    required: true,
    schema: { type: 'string', format: 'binary' },
  })
  @ApiHeader({
    name: 'Content-Length',
    required: false,
    description:
      'The size of the body in bytes. With it (or a registered sizeBytes) the push to the provider starts while the ' +
      'body arrives; a chunked body without it is staged whole first.',
    schema: { type: 'integer', format: 'int64', minimum: 0 },
  })
  @ApiAcceptedResponse({ type: JobDto, description: 'The upload job; `Location` points at it' })
  @ApiProblemResponses(401, 403, 404, 408, 409, 415, 422, 501, 502, 503)
  async upload(
    @Param('id') id: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<JobDto> {
    if (!(request.body instanceof Readable)) {
      throw new UnsupportedMediaTypeError('Send the bytes as application/octet-stream');
    }
    const length = request.headers['content-length'];
    try {
      const job = await this.intake.receive(id, request.body, length === undefined ? null : Number(length));
      void reply.header('Location', `/v1/jobs/${job.id}`);
      return presentJob(job);
    } catch (error) {
      // A silent client would keep the connection (and its unread body) open for nothing.
      if (error instanceof RequestTimeoutError) void reply.header('connection', 'close');
      drainAbandonedBody(request.raw);
      throw error;
    }
  }

  @Post(':id/upload-sessions')
  @RequireScope('images:write')
  @ReplayedBy(UploadSessionsService)
  @ApiOperation({
    operationId: 'createUploadSession',
    summary: 'Start a direct upload',
    description:
      'Answers presigned multipart URLs on the staging bucket: PUT each part to its URL (the bytes never pass ' +
      'through the broker), then complete the session with the parts and their ETags. The URLs last an hour; ' +
      'GET …/upload-sessions/{uploadId} resumes the session (after a crash, or once they expired) with fresh URLs ' +
      'for only the parts the staging store does not hold yet.',
  })
  @ApiCreatedResponse({ type: UploadSessionDto })
  @ApiProblemResponses(400, 401, 403, 404, 409, 422, 501, 503)
  async openSession(
    @Param('id') id: string,
    @Body() body: CreateUploadSessionDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UploadSessionDto> {
    const session = await this.sessions.open(id, body);
    void reply.header('Location', `/v1/images/${id}/upload-sessions/${session.uploadId}`);
    return session;
  }

  @Get(':id/upload-sessions')
  @RequireScope('images:write')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    operationId: 'listUploadSessions',
    summary: "An image's open direct uploads",
    description:
      'The sessions still receiving parts, newest first (at most 100), without URLs, with how many parts the ' +
      'staging store holds (`stagedPartCount`, absent where it cannot list them): a client that lost its own ' +
      'record of a session finds the one to resume here, then GETs it for the missing parts. 404 for an unknown image.',
  })
  @ApiOkResponse({ type: UploadSessionListDto })
  @ApiProblemResponses(401, 403, 404)
  listSessions(@Param('id') id: string): Promise<UploadSessionListDto> {
    return this.sessions.list(id);
  }

  @Get(':id/upload-sessions/:uploadId')
  @RequireScope('images:write')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    operationId: 'getUploadSession',
    summary: 'Resume a direct upload',
    description:
      'What the staging store already holds (`stagedParts`, listed with S3 ListParts: each part at its expected ' +
      'size, with its ETag) and presigned URLs, signed afresh, for only the parts still missing (`parts`; a part of ' +
      'another size is among them, to be sent again). Works after the first URLs expired: PUT the missing parts, ' +
      'then complete with every part. Scope images:write, because it answers presigned URLs; never cached. 404 for ' +
      'an unknown session or one of another image; 409 for a session no longer receiving parts (completed: its ' +
      'upload job is listed under GET /v1/jobs?imageId=…; or failed) or gone from the staging store; 501 ' +
      '`staging-listing-unsupported` where the staging store cannot list parts; 503 when it could not be asked.',
  })
  @ApiOkResponse({ type: UploadSessionStatusDto })
  @ApiProblemResponses(401, 403, 404, 409, 501, 503)
  getSession(@Param('id') id: string, @Param('uploadId') uploadId: string): Promise<UploadSessionStatusDto> {
    return this.sessions.status(id, uploadId);
  }

  @Post(':id/upload-sessions/:uploadId/complete')
  @HttpCode(202)
  @RequireScope('images:write')
  @ApiOperation({
    operationId: 'completeUploadSession',
    summary: 'Finish a direct upload',
    description:
      "Checks every part's ETag, assembles the object, verifies its size and sha256 against the registration " +
      '(422 and nothing kept when they differ), then queues the same upload job as PUT …/file.',
  })
  @ApiAcceptedResponse({ type: JobDto, description: 'The upload job; `Location` points at it' })
  @ApiProblemResponses(400, 401, 403, 404, 409, 422, 501, 503)
  async completeSession(
    @Param('id') id: string,
    @Param('uploadId') uploadId: string,
    @Body() body: CompleteUploadSessionDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<JobDto> {
    const job = await this.sessions.complete(id, uploadId, body);
    void reply.header('Location', `/v1/jobs/${job.id}`);
    return presentJob(job);
  }

  @Post(':id/import')
  @HttpCode(202)
  @RequireScope('images:write')
  @ApiOperation({
    operationId: 'importImage',
    summary: "Fetch an image's bytes from a URL",
    description:
      'A worker fetches the URL (redirects limited, size capped, timeouts), verifies the sha256 given or registered, ' +
      'and queues the upload job. 202 with the import job. A URL whose host is or resolves to a loopback, private, ' +
      'link-local, metadata, documentation, benchmarking, multicast, broadcast or reserved address, or IPv6 that ' +
      'carries one (compatible, mapped, NAT64, 6to4, Teredo), site-local or unique-local, is refused with 422 naming ' +
      'url, unless IMPORT_ALLOWED_ADDRESSES allows it on that port; the worker checks every redirect again.',
  })
  @ApiAcceptedResponse({ type: JobDto, description: 'The import job; `Location` points at it' })
  @ApiProblemResponses(400, 401, 403, 404, 409, 422, 501)
  async importFromUrl(
    @Param('id') id: string,
    @Body() body: ImportRequestDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<JobDto> {
    const job = await this.imports.start(id, body);
    void reply.header('Location', `/v1/jobs/${job.id}`);
    return presentJob(job);
  }

  @Get(':id/file')
  @RequireScope('images:read')
  @ApiOperation({
    operationId: 'downloadImageFile',
    summary: "Download an image's bytes",
    description:
      'Streamed from the provider; a single `Range: bytes=a-b` is passed through (206). 501 where the provider has no download.',
  })
  @ApiHeader({
    name: 'Range',
    required: false,
    description: 'One byte range, `bytes=start-end` or `bytes=start-`; any other form is a 400',
    schema: { type: 'string', pattern: '^bytes=\\d+-\\d*$', maxLength: 64, example: 'bytes=0-1048575' },
  })
  @ApiResponse({
    status: 200,
    description: 'The whole image',
    headers: {
      'Content-Length': {
        description: 'The size in bytes, when the provider gives it',
        schema: { type: 'integer', format: 'int64' },
      },
      'Accept-Ranges': { description: 'Ranges are taken', schema: { type: 'string', enum: ['bytes'] } },
      'Content-MD5': { description: "The provider's MD5 of the bytes, when it gives one", schema: { type: 'string' } },
    },
    content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiResponse({
    status: 206,
    description: 'The range asked for in `Range`',
    headers: {
      'Content-Range': {
        description: 'The range sent and the whole size',
        schema: { type: 'string', example: 'bytes 0-1048575/4194304' },
      },
      'Content-Length': { description: 'The size of the range in bytes', schema: { type: 'integer', format: 'int64' } },
      'Accept-Ranges': { description: 'Ranges are taken', schema: { type: 'string', enum: ['bytes'] } },
    },
    content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiProblemResponses(400, 401, 403, 404, 422, 501)
  async download(
    @Param('id') id: string,
    @Headers('range') range: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { row, adapter } = await this.images.target(id);
    const download = operation(adapter, 'download', 'downloadImage');
    const file = await download(row.nativeId, parseRange(range));
    void reply.status(file.status).header('content-type', file.contentType);
    if (file.contentLength !== null) void reply.header('content-length', String(file.contentLength));
    if (file.contentRange) void reply.header('content-range', file.contentRange);
    if (file.md5) void reply.header('content-md5', file.md5);
    void reply.header('accept-ranges', 'bytes');
    await reply.send(
      meteredStream(file.stream, (bytes) => this.metrics.countTransfer('provider_to_client', row.providerName, bytes)),
    );
  }
}

function parseRange(header: string | undefined): DownloadRange | null {
  if (!header) return null;
  const match = /^bytes=(\d+)-(\d*)$/.exec(header.trim());
  if (!match) {
    throw new BadRequestError('Only a single byte range is supported: bytes=start-end', [
      { field: 'Range', message: 'must be bytes=start-end or bytes=start-' },
    ]);
  }
  return { start: Number(match[1]), end: match[2] ? Number(match[2]) : undefined };
}
