import type { FastifyInstance } from 'fastify';
import { badRequest, FptHttpError, forbidden, notFound } from './fpt-errors';
import type { FptImageStore } from './fpt-image.store';
import { parseRegistration } from './fpt-request.validation';
import { HPC, objectKey, type FptRouteContext, type VpcParams } from './fpt-route.context';
import { type FptCustomImageRecord, fptTimestamp } from './fpt.types';

interface FileIdParams extends VpcParams {
  hpc_file_id: string;
}

/** registerImage, deleteImage and syncImage of the seed. */
export function registerFptCustomImageRoutes(app: FastifyInstance, ctx: FptRouteContext): void {
  const { store, parts } = ctx;

  // 201 {message, data: {image_id, name, description, created_at}}, exactly the seed's response schema.
  app.post<{ Params: VpcParams }>(`${HPC}/images/`, async (request, reply) => {
    const registration = parseRegistration(request.body, request.params.vpc_id);
    const existing = store.customImageBySha(registration.sha256);
    if (existing && existing.status !== 'failed') {
      const message = `An image with this sha256 already exists in this VPC (${existing.id}).`;
      throw badRequest(message, { sha256: [message] });
    }
    const image = store.register(registration);
    return reply.code(201).send({
      message: 'Image registered successfully.',
      data: { image_id: image.id, name: image.name, description: image.description, created_at: image.created_at },
    });
  });

  // Permanent: the open multipart upload and the stored object go with the record.
  app.delete<{ Params: FileIdParams }>(`${HPC}/images/:hpc_file_id/`, async (request) => {
    const image = customImageOr404(store, request.params.hpc_file_id);
    if (image.status === 'processing') {
      throw badRequest('The image is being pushed to the image repository; delete it once that has finished.');
    }
    const upload = store.upload(image.id);
    if (upload) await parts.abortUpload(upload.uploadId);
    await parts.deleteObject(objectKey(store.vpcId, image.id));
    store.deleteCustom(image.id);
    return { message: 'Image deleted successfully.' };
  });

  // Publishes the repository image to the FPT Cloud console; only a finished image has anything to publish.
  app.post<{ Params: FileIdParams }>(`${HPC}/images/:hpc_file_id/sync/`, async (request) => {
    const image = customImageOr404(store, request.params.hpc_file_id);
    if (ctx.portal.status !== null) {
      ctx.portal.refused++;
      throw new FptHttpError(ctx.portal.status, 'The image could not be synchronised with the portal.');
    }
    if (image.status !== 'active') {
      throw badRequest(`Only active images can be synced to the portal; this one is ${image.status}.`);
    }
    store.updateCustom(image.id, { synced_at: fptTimestamp(ctx.now()) });
    return { message: 'Image synced successfully.' };
  });
}

/** Public images share the id space but are FPT's: touching one is forbidden rather than missing. */
function customImageOr404(store: FptImageStore, id: string): FptCustomImageRecord {
  const image = store.customImage(id);
  if (image) return image;
  if (store.publicImage(id)) throw forbidden('Public images cannot be modified or deleted.');
  throw notFound('Not found.');
}
