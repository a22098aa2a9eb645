import type { FastifyInstance } from 'fastify';
import { badRequest, notFound } from './fpt-errors';
import type { FptImageStore, FptImageUpload } from './fpt-image.store';
import { sha256OfStream } from './fpt-object-digest';
import { FptInvalidPartError, FptNoSuchUploadError, type FptPartStore } from './fpt-part-store';
import { parseCompleteRequest, parsePresignRequest } from './fpt-request.validation';
import { HPC, objectKey, origin, type FptRouteContext, type VpcParams } from './fpt-route.context';
import type { FptCustomImageRecord } from './fpt.types';

const MAX_PARTS = 10_000;

interface FileShaParams extends VpcParams {
  file_sha: string;
}

/** getPresignedUrls and completeImageUpload of the seed: S3 multipart behind FPT's own API. */
export function registerFptUploadRoutes(app: FastifyInstance, ctx: FptRouteContext): void {
  const { store, parts } = ctx;

  /**
   * 200 {data: [url, …]}: one presigned PUT per part, in part order. The image is
   * found by the sha256 it was registered with. Asking again while uploading
   * re-signs the same upload, so an interrupted upload can resume.
   */
  app.post<{ Params: VpcParams }>(`${HPC}/images/presign-urls/`, async (request) => {
    const sha256 = parsePresignRequest(request.body);
    const image = store.customImageBySha(sha256);
    if (!image)
      throw badRequest('No image is registered with this sha256.', {
        sha256: ['No image is registered with this sha256.'],
      });
    if (image.status !== 'pending' && image.status !== 'uploading') {
      throw badRequest(`The image is ${image.status}; presigned URLs are only given for pending or uploading images.`);
    }
    const upload = store.upload(image.id) ?? (await openUpload(store, parts, image, ctx.partSizeBytes));
    const base = origin(request);
    const urls: string[] = [];
    for (let partNumber = 1; partNumber <= upload.partCount; partNumber++) {
      urls.push(await parts.presignPart(upload.uploadId, partNumber, base));
    }
    return { data: urls };
  });

  /**
   * 200 {message}: completes the multipart upload with the caller's ETags, then
   * checks the assembled object's size and SHA-256 against the registration.
   * A bad part list is a 400 that leaves the upload open (S3 InvalidPart); a
   * size or checksum mismatch marks the image failed and answers 400.
   */
  app.put<{ Params: FileShaParams }>(`${HPC}/images/:file_sha/`, async (request) => {
    const { parts: partList, name } = parseCompleteRequest(request.body);
    const image = store.customImageBySha(request.params.file_sha.toLowerCase());
    if (!image) throw notFound('Not found.');
    const upload = store.upload(image.id);
    if (image.status !== 'uploading' || !upload) {
      throw badRequest(`The image is ${image.status}; request presigned URLs and upload its parts first.`);
    }

    store.updateCustom(image.id, { status: 'processing', ...(name === null ? {} : { name }) });
    let size: number;
    try {
      ({ size } = await parts.completeUpload(upload.uploadId, partList));
    } catch (error) {
      store.updateCustom(image.id, { status: 'uploading' });
      if (error instanceof FptInvalidPartError) throw badRequest(error.message, { parts: [error.message] });
      if (error instanceof FptNoSuchUploadError) store.setUpload(image.id, undefined);
      throw error;
    }
    store.setUpload(image.id, undefined);

    const failure = await verifyObject(parts, upload.key, image, size);
    if (failure !== null) {
      store.updateCustom(image.id, { status: 'failed', error_message: failure });
      await parts.deleteObject(upload.key);
      throw badRequest(failure);
    }
    store.updateCustom(image.id, { status: 'active', error_message: null });
    return { message: 'Image upload completed successfully.' };
  });
}

async function openUpload(
  store: FptImageStore,
  parts: FptPartStore,
  image: FptCustomImageRecord,
  partSizeBytes: number,
): Promise<FptImageUpload> {
  const key = objectKey(store.vpcId, image.id);
  const partSize = Math.max(partSizeBytes, Math.ceil(image.size / MAX_PARTS));
  const upload = {
    uploadId: await parts.createUpload(key),
    key,
    partCount: Math.max(1, Math.ceil(image.size / partSize)),
  };
  store.setUpload(image.id, upload);
  store.updateCustom(image.id, { status: 'uploading' });
  return upload;
}

/** null when the object is what was registered; else why not. Size first: it is free, hashing is not. */
async function verifyObject(
  parts: FptPartStore,
  key: string,
  image: FptCustomImageRecord,
  size: number,
): Promise<string | null> {
  if (size !== image.size) {
    return `The uploaded file is ${size} bytes but the image was registered with ${image.size} bytes.`;
  }
  const actual = await sha256OfStream(parts.readObject(key));
  if (actual !== image.sha256) {
    return `SHA256 mismatch: the uploaded file hashes to ${actual} but the image was registered with ${image.sha256}.`;
  }
  return null;
}
