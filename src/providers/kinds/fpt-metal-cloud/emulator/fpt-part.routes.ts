import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Readable } from 'node:stream';
import { PART_ROUTE_PREFIX, type LocalFptPartStore } from './fpt-local-part-store';

const MAX_PART_NUMBER = 10_000;

/**
 * `PUT /_emulator/parts/{key}?partNumber&uploadId&X-Amz-…`: where the presigned
 * URLs of LocalFptPartStore point, answering like S3 UploadPart (200, empty
 * body, `ETag: "<md5>"`; XML errors). Authenticated by the URL's signature, not
 * by bearer token, and outside fault injection (`/_emulator/`). Registered in
 * its own scope so only this route takes raw bodies of any content type.
 */
export function registerFptPartRoutes(app: FastifyInstance, store: LocalFptPartStore): void {
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

    scope.put<{ Params: { '*': string }; Querystring: Record<string, string | undefined> }>(
      `${PART_ROUTE_PREFIX}*`,
      async (request, reply) => {
        const key = request.params['*'];
        const verdict = store.verifyPartUrl(key, request.query);
        if (!verdict.ok) return sendS3Error(reply, 403, verdict.code, verdict.message);
        const uploadId = request.query.uploadId as string;
        if (store.uploadKey(uploadId) !== key) {
          return sendS3Error(reply, 404, 'NoSuchUpload', 'The specified multipart upload does not exist.');
        }
        const partNumber = Number(request.query.partNumber);
        if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PART_NUMBER) {
          return sendS3Error(
            reply,
            400,
            'InvalidArgument',
            `Part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive`,
          );
        }
        const body = (request.body as Readable | undefined) ?? request.raw;
        const part = await store.putPart(uploadId, partNumber, body);
        return reply.code(200).header('ETag', part.etag).send();
      },
    );
  });
}

function sendS3Error(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${Date.now().toString(16)}</RequestId></Error>`;
  return reply.code(status).type('application/xml').send(body);
}
