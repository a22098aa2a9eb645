import { createHash } from 'node:crypto';

const FAMILY = 'gpu-base';
const TARGETS = [{ provider: 'vietnix-hcm' }, { provider: 'nhn-kr1' }, { provider: 'fpt-hcm' }];
const VERSIONS = [
  { version: '2026.11', channel: 'stable' },
  { version: '2026.12', channel: 'beta' },
];
/** Small enough to place in seconds, big enough to take several FPT parts. */
const IMAGE_BYTES = 12 * 1024 * 1024;

interface Api {
  <T>(path: string, init?: { method?: string; body?: unknown; raw?: Buffer }): Promise<{ status: number; body: T }>;
}

/**
 * The sandbox's example family: `gpu-base`, two versions built here (a few MiB
 * of deterministic bytes each, uploaded through the broker to Vietnix), placed
 * on three emulated clouds, with `stable` on the older and `beta` on the newer.
 * Done through the public API, as a team would; skipped when the family is
 * already there with a copy left (a restarted sandbox keeps its database, but
 * its emulators start empty: a family whose copies all vanished is rebuilt).
 *
 * @param shownSecret the key as the printed command shows it.
 * @returns the resolve command to print.
 */
export async function seedExampleFamily(url: string, secret: string, shownSecret = secret): Promise<string> {
  const api: Api = async (path, init = {}) => {
    const res = await fetch(`${url}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${secret}`,
        ...(init.raw
          ? { 'content-type': 'application/octet-stream' }
          : init.body !== undefined
            ? { 'content-type': 'application/json' }
            : {}),
      },
      body: init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as never };
  };
  const command = `curl -H "Authorization: Bearer ${shownSecret}" "${url}/v1/families/${FAMILY}/resolve?channel=stable&provider=fpt-hcm"`;
  if ((await api(`/v1/families/${FAMILY}`)).status === 200) {
    // The emulators keep nothing across a restart, so the sync before this found every copy gone (drifted, and
    // with no image left to repair from). Such a family is built again; one with any copy left is the user's.
    const versions = await api<{ items: Array<{ placements: Array<{ status: string }> }> }>(
      `/v1/families/${FAMILY}/versions?limit=100`,
    );
    const active = versions.body.items.some((v) => v.placements.some((p) => p.status === 'active'));
    if (active) return command;
    const removed = await api(`/v1/families/${FAMILY}?deleteImages=false`, { method: 'DELETE' });
    if (removed.status !== 204) throw new Error(`DELETE the stale ${FAMILY}: HTTP ${removed.status}`);
  }

  const created = await api('/v1/families', {
    method: 'POST',
    body: {
      name: FAMILY,
      description: 'The sandbox example: Ubuntu 24.04 with the NVIDIA driver, on three clouds',
      os: { type: 'linux', distro: 'ubuntu', version: '24.04', architecture: 'x86_64' },
      gpu: { vendor: 'nvidia', driver: '560.35', models: ['H100'] },
      targets: TARGETS,
      onDrift: 'repair',
    },
  });
  if (created.status !== 201)
    throw new Error(`POST /v1/families: HTTP ${created.status} ${JSON.stringify(created.body)}`);

  for (const { version } of VERSIONS) {
    const bytes = imageBytes(version);
    const image = await api<{ id: string }>('/v1/images', {
      method: 'POST',
      body: {
        provider: 'vietnix-hcm',
        name: `${FAMILY}-${version}`,
        diskFormat: 'raw',
        containerFormat: 'bare',
        sizeBytes: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        os: { type: 'linux', distro: 'ubuntu', version: '24.04', architecture: 'x86_64' },
      },
    });
    if (image.status !== 201) throw new Error(`POST /v1/images: HTTP ${image.status} ${JSON.stringify(image.body)}`);
    const upload = await api<{ id: string }>(`/v1/images/${image.body.id}/file`, { method: 'PUT', raw: bytes });
    if (upload.status !== 202) throw new Error(`PUT file: HTTP ${upload.status} ${JSON.stringify(upload.body)}`);
    await waitFor(`the upload of ${version}`, async () => {
      const job = await api<{ state: string; error: { message: string } | null }>(`/v1/jobs/${upload.body.id}`);
      if (job.body.state === 'failed' || job.body.state === 'cancelled')
        throw new Error(`upload of ${version} ${job.body.state}: ${job.body.error?.message}`);
      return job.body.state === 'succeeded';
    });
    const published = await api(`/v1/families/${FAMILY}/versions`, {
      method: 'POST',
      body: { version, imageId: image.body.id },
    });
    if (published.status !== 202)
      throw new Error(`publish ${version}: HTTP ${published.status} ${JSON.stringify(published.body)}`);
  }

  for (const { version, channel } of VERSIONS) {
    await waitFor(`${version} on every target`, async () => {
      const got = await api<{
        placements: Array<{ status: string; provider: string; error: { message: string } | null }>;
      }>(`/v1/families/${FAMILY}/versions/${version}`);
      const failed = got.body.placements.find((p) => p.status === 'failed');
      if (failed) throw new Error(`${version} on ${failed.provider}: ${failed.error?.message}`);
      return got.body.placements.length === TARGETS.length && got.body.placements.every((p) => p.status === 'active');
    });
    const moved = await api(`/v1/families/${FAMILY}/channels/${channel}`, { method: 'PUT', body: { version } });
    if (moved.status !== 200) throw new Error(`channel ${channel}: HTTP ${moved.status} ${JSON.stringify(moved.body)}`);
  }
  return command;
}

/** Deterministic bytes per version, so a restarted sandbox builds the same versions. */
function imageBytes(version: string): Buffer {
  const out = Buffer.alloc(IMAGE_BYTES);
  let block = createHash('sha256').update(`sandbox ${FAMILY} ${version}`).digest();
  for (let offset = 0; offset < out.length; offset += block.length) {
    block.copy(out, offset);
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

async function waitFor(what: string, done: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`${what}: not done within 180 s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
