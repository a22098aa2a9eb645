import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type BrokerProcess, WRITER_SECRET } from '../harness/broker-process';

const run = promisify(execFile);

/**
 * PUT a file with curl, streamed with -T: `--data-binary @file` reads the whole
 * file into memory and refuses a 1 GiB file here. Resolves to the answer's body.
 */
export async function curlPut(url: string, file: string, headers: Record<string, string>): Promise<string> {
  const headerArgs = Object.entries({ 'content-type': 'application/octet-stream', ...headers }).flatMap(
    ([name, value]) => ['-H', `${name}: ${value}`],
  );
  const { stdout } = await run('curl', ['-sS', '--fail', '-X', 'PUT', '-T', file, ...headerArgs, url], {
    maxBuffer: 1024 * 1024,
  });
  return stdout;
}

/** A client's upload through the broker, PUT /v1/images/{id}/file; resolves to the upload job's id. */
export async function curlPutImageFile(api: BrokerProcess, imageId: string, file: string): Promise<string> {
  const answer = await curlPut(`${api.url}/v1/images/${imageId}/file`, file, {
    authorization: `Bearer ${WRITER_SECRET}`,
  });
  return (JSON.parse(answer) as { id: string }).id;
}

/** The baseline's hop: register an image straight on a Glance (emulator) and PUT its file there. */
export async function curlPutToGlance(glanceUrl: string, token: string, file: string, name: string): Promise<void> {
  const created = await fetch(`${glanceUrl}/v2/images`, {
    method: 'POST',
    headers: { 'x-auth-token': token, 'content-type': 'application/json' },
    body: JSON.stringify({ name, disk_format: 'raw', container_format: 'bare' }),
  });
  const { id } = (await created.json()) as { id: string };
  await curlPut(`${glanceUrl}/v2/images/${id}/file`, file, { 'x-auth-token': token });
}
