import { request, type ClientRequest } from 'node:http';

/**
 * A PUT of `sizeBytes` to the broker's upload route whose body the test
 * writes itself, in pieces, slowly or not at all, to act as a client mid-upload.
 */
export function openUploadRequest(
  brokerUrl: string,
  imageId: string,
  secret: string,
  sizeBytes: number,
): ClientRequest {
  return request(`${brokerUrl}/v1/images/${imageId}/file`, {
    method: 'PUT',
    headers: {
      authorization: `Bearer ${secret}`,
      'content-type': 'application/octet-stream',
      'content-length': String(sizeBytes),
    },
  });
}
