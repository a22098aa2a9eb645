import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { GlanceConnection } from '../../connections/provider-connection.types';
import type {
  CreateImageSpec,
  ImageBytesSource,
  UploadCheckpoint,
  UploadContext,
} from '../../port/provider-writes';
import {
  IntegrityError,
  ProviderNotFoundError,
  ProviderRejectedError,
  ProviderUnavailableError,
} from '../../../platform/errors/provider.errors';
import { createGlanceEmulator, type GlanceEmulator } from './emulator/glance.emulator';
import type { GlanceImageInit } from './emulator/glance.types';
import { GlanceAdapter } from './glance.adapter';

const OWNER = 'bab7d5c60cd041a0a36f7c4b6e1dd978';
const PARTNER = '8989447062e04a818baf9e073fd04fa7';
const OWNER_TOKEN = 'owner-token';
const PARTNER_TOKEN = 'partner-token';
const MiB = 1024 * 1024;

type Dialect = GlanceConnection['dialect'];

interface Glance {
  emulator: GlanceEmulator;
  /** The adapter acting for our tenant (the image owner). */
  adapter: GlanceAdapter;
  /** The adapter acting for the tenant images are shared with. */
  partner: GlanceAdapter;
}

const running: GlanceEmulator[] = [];
afterAll(async () => {
  await Promise.all(running.map((emulator) => emulator.close()));
});

async function startGlance(dialect: Dialect): Promise<Glance> {
  const emulator = createGlanceEmulator({
    dialect,
    owner: OWNER,
    tokens: [OWNER_TOKEN],
    projectTokens: { [PARTNER_TOKEN]: PARTNER },
  });
  running.push(emulator);
  const url = await emulator.listen(0);
  const adapterAs = (token: string) =>
    new GlanceAdapter(
      {
        name: `${dialect}-glance`,
        kind: 'openstack-glance',
        dialect,
        endpoint: url,
        region: 'kr1',
        auth: { type: 'token', token },
      },
      {
        http: { sleep: async () => undefined },
        uploadSettle: { timeoutMs: 1_000, sleep: async () => undefined },
      },
    );
  return { emulator, adapter: adapterAs(OWNER_TOKEN), partner: adapterAs(PARTNER_TOKEN) };
}

function spec(overrides: Partial<CreateImageSpec> = {}): CreateImageSpec {
  return {
    name: 'ml-base',
    region: 'kr1',
    diskFormat: 'qcow2',
    containerFormat: 'bare',
    visibility: null,
    minDiskGiB: null,
    minRamMiB: null,
    protected: null,
    tags: [],
    properties: {},
    os: { type: 'linux', distro: 'ubuntu', version: '22.04', architecture: 'x86_64' },
    sizeBytes: null,
    sha256: null,
    ...overrides,
  };
}

/** An image record of our tenant, straight into the emulator's store. */
function seedImage(glance: Glance, overrides: Partial<GlanceImageInit> = {}): string {
  const id = overrides.id ?? crypto.randomUUID();
  glance.emulator.store.add({ name: `img-${id.slice(0, 4)}`, owner: OWNER, visibility: 'private', ...overrides, id });
  return id;
}

// ---- staged bytes -------------------------------------------------------------------------------

const CHUNK = 64 * 1024;

/** Chunk `i` of a generated image: patterned bytes, different for each seed. */
function chunkOf(seed: number, index: number, sizeBytes: number): Buffer {
  const length = Math.min(CHUNK, sizeBytes - index * CHUNK);
  const chunk = Buffer.alloc(length);
  for (let offset = 0; offset < length; offset += 256) chunk[offset] = (seed * 31 + index + offset / 256) & 0xff;
  chunk.fill((seed * 7 + index) & 0xff, 1, Math.min(length, 128));
  return chunk;
}

function digestOf(seed: number, sizeBytes: number) {
  const sha256 = createHash('sha256');
  const sha512 = createHash('sha512');
  const md5 = createHash('md5');
  for (let i = 0; i * CHUNK < sizeBytes; i++) {
    const chunk = chunkOf(seed, i, sizeBytes);
    for (const hash of [sha256, sha512, md5]) hash.update(chunk);
  }
  return { sizeBytes, sha256: sha256.digest('hex'), sha512: sha512.digest('hex'), md5: md5.digest('hex') };
}

interface GeneratedSource extends ImageBytesSource {
  opens: number;
}

/**
 * Staged bytes generated on the fly (never held whole in memory). `streamSeed`
 * lets the stream carry other bytes than the digests claim; `beforeChunk` sees
 * how far the stream has been read.
 */
function generatedSource(
  seed: number,
  sizeBytes: number,
  options: { streamSeed?: number; beforeChunk?: (bytesProduced: number) => void } = {},
): GeneratedSource {
  const streamSeed = options.streamSeed ?? seed;
  const source: GeneratedSource = {
    ...digestOf(seed, sizeBytes),
    opens: 0,
    async open() {
      source.opens += 1;
      return Readable.from(
        (function* () {
          for (let i = 0; i * CHUNK < sizeBytes; i++) {
            options.beforeChunk?.(i * CHUNK);
            yield chunkOf(streamSeed, i, sizeBytes);
          }
        })(),
        { objectMode: false },
      );
    },
  };
  return source;
}

function uploadContext(): UploadContext & { reported: number[] } {
  const reported: number[] = [];
  const checkpoint: UploadCheckpoint = {
    state: async () => null,
    saveState: async () => undefined,
    parts: async () => new Map(),
    recordPart: async () => undefined,
  };
  return { signal: new AbortController().signal, progress: (bytes) => reported.push(bytes), checkpoint, reported };
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

async function waitFor(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

// ---- tests --------------------------------------------------------------------------------------

describe('GlanceAdapter writes against the Glance emulator', () => {
  let nhn: Glance;
  let standard: Glance;

  beforeAll(async () => {
    [nhn, standard] = await Promise.all([startGlance('nhn'), startGlance('standard')]);
  });

  describe('createImage', () => {
    it('registers an NHN image with os_type, os_architecture, properties and tags', async () => {
      const image = await nhn.adapter.createImage(
        spec({
          visibility: 'private',
          minDiskGiB: 20,
          minRamMiB: 1024,
          protected: false,
          tags: ['gpu', 'ml'],
          properties: { gpu_driver: '550.54.15', login_username: 'ubuntu' },
        }),
      );

      expect(image).toMatchObject({
        name: 'ml-base',
        region: 'kr1',
        status: 'pending',
        visibility: 'private',
        minDiskGiB: 20,
        minRamMiB: 1024,
        tags: ['gpu', 'ml'],
        os: { type: 'linux', distro: 'ubuntu', version: '22.04', architecture: 'x86_64' },
      });
      const record = nhn.emulator.store.get(image.nativeId);
      expect(record?.extra).toEqual({
        os_type: 'linux',
        os_distro: 'ubuntu',
        os_version: '22.04',
        os_architecture: 'amd64',
        gpu_driver: '550.54.15',
        login_username: 'ubuntu',
      });
    });

    it('refuses an NHN image without os.type before calling Glance, naming the field', async () => {
      const before = nhn.emulator.store.count();

      const error = await rejection(
        nhn.adapter.createImage(spec({ os: { type: null, distro: null, version: null, architecture: null } })),
      );

      expect(error).toBeInstanceOf(ProviderRejectedError);
      expect(error.message).toMatch(/os\.type/);
      expect(nhn.emulator.store.count()).toBe(before);
    });

    it('refuses visibility other than private or shared on NHN', async () => {
      await expect(nhn.adapter.createImage(spec({ visibility: 'public' }))).rejects.toBeInstanceOf(
        ProviderRejectedError,
      );
    });

    it('refuses a property named like a Glance attribute', async () => {
      await expect(nhn.adapter.createImage(spec({ properties: { status: 'active' } }))).rejects.toThrow(
        /'status' is a Glance image attribute/,
      );
    });

    it('registers a standard image with architecture and no os_type requirement', async () => {
      const image = await standard.adapter.createImage(
        spec({ os: { type: null, distro: 'rocky', version: '9.4', architecture: 'arm64' } }),
      );

      expect(image).toMatchObject({ status: 'pending', visibility: 'shared', os: { architecture: 'aarch64' } });
      expect(standard.emulator.store.get(image.nativeId)?.extra).toEqual({
        os_distro: 'rocky',
        os_version: '9.4',
        architecture: 'aarch64',
      });
    });

    it("maps Glance's 403 (making an image public) to ProviderRejectedError, not an auth error", async () => {
      const error = await rejection(standard.adapter.createImage(spec({ visibility: 'public' })));

      expect(error).toBeInstanceOf(ProviderRejectedError);
      expect(error).toMatchObject({ upstreamStatus: 403 });
      expect(error.message).toMatch(/publicize_image/);
    });
  });

  describe('createImage with a client-chosen id', () => {
    afterEach(() => standard.emulator.faults.clear());

    it('sends the id, so Glance names the image with it', async () => {
      const clientId = crypto.randomUUID();
      const image = await standard.adapter.createImage(spec({ clientId }));

      expect(image.nativeId).toBe(clientId);
    });

    it('retries the POST after a 5xx, 429 or dropped connection, and makes one image', async () => {
      const clientId = crypto.randomUUID();
      const before = standard.emulator.store.count();
      standard.emulator.faults.enqueue({ kind: 'error', status: 503 }, { kind: 'throttle' }, { kind: 'drop' });

      const image = await standard.adapter.createImage(spec({ clientId }));

      expect(image.nativeId).toBe(clientId);
      expect(standard.emulator.store.count()).toBe(before + 1);
    });

    it('adopts the image an earlier create made when its answer was lost (409 for that id)', async () => {
      const clientId = crypto.randomUUID();
      const before = standard.emulator.store.count();
      standard.emulator.faults.enqueue({ kind: 'lose' });

      const image = await standard.adapter.createImage(spec({ clientId }));

      expect(image).toMatchObject({ nativeId: clientId, name: 'ml-base' });
      expect(standard.emulator.store.count()).toBe(before + 1);
    });

    it('refuses to adopt an image with that id but another name', async () => {
      const clientId = seedImage(standard, { name: 'someone-else' });

      const error = await rejection(standard.adapter.createImage(spec({ clientId })));

      expect(error).toBeInstanceOf(ProviderRejectedError);
      expect(error).toMatchObject({ upstreamStatus: 409 });
    });
  });

  describe('uploadImage', () => {
    it('sends the data again, from byte 0, after a 5xx, a 429 and a dropped connection, and ends active', async () => {
      const created = await standard.adapter.createImage(spec());
      const source = generatedSource(21, 3 * MiB);
      // The image read before the PUT passes; then each PUT fails once in a different way.
      standard.emulator.faults.enqueue(
        { kind: 'pass' },
        { kind: 'error', status: 502 },
        { kind: 'pass' },
        { kind: 'throttle' },
        { kind: 'pass' },
        { kind: 'drop' },
      );
      try {
        const image = await standard.adapter.uploadImage(created.nativeId, source, uploadContext());

        expect(image).toMatchObject({ status: 'active', checksums: { sha512: source.sha512 } });
        expect(source.opens).toBe(4);
      } finally {
        standard.emulator.faults.clear();
      }
    });

    it('does not send the data again when the PUT got through but its answer was lost', async () => {
      const created = await standard.adapter.createImage(spec());
      const source = generatedSource(22, MiB);
      const lostBefore = standard.emulator.faults.stats().lostResponses;
      // The read before the PUT is answered; the PUT is handled, but its answer is lost.
      standard.emulator.faults.enqueue({ kind: 'pass' }, { kind: 'lose' });

      const image = await standard.adapter.uploadImage(created.nativeId, source, uploadContext());

      expect(standard.emulator.faults.stats().lostResponses).toBe(lostBefore + 1);
      expect(image).toMatchObject({ status: 'active', checksums: { sha512: source.sha512 } });
      expect(source.opens).toBe(1);
    });

    it('uploads a 20 MiB stream with bounded memory and ends active with matching sha512/md5, reporting progress', async () => {
      const created = await nhn.adapter.createImage(spec());
      const received = () =>
        readdirSync(nhn.emulator.dataDir)
          .filter((file) => file.startsWith(created.nativeId) && file.endsWith('.partial'))
          .reduce((sum, file) => sum + statSync(join(nhn.emulator.dataDir, file)).size, 0);
      let maxAhead = 0;
      const source = generatedSource(1, 20 * MiB, {
        beforeChunk: (produced) => (maxAhead = Math.max(maxAhead, produced - received())),
      });
      const context = uploadContext();

      const image = await nhn.adapter.uploadImage(created.nativeId, source, context);

      expect(image).toMatchObject({
        nativeId: created.nativeId,
        status: 'active',
        sizeBytes: 20 * MiB,
        checksums: { sha512: source.sha512, md5: source.md5 },
      });
      // Buffering the file would read all 20 MiB ahead; streaming stays within socket and stream buffers (~5 MiB here).
      expect(maxAhead).toBeLessThan(12 * MiB);
      expect(context.reported.length).toBeGreaterThan(10);
      expect(context.reported.at(-1)).toBe(20 * MiB);
      expect(context.reported).toEqual([...context.reported].sort((a, b) => a - b));
    });

    it('skips re-sending when the image is already active with the same hash', async () => {
      const created = await standard.adapter.createImage(spec());
      const first = generatedSource(2, 1 * MiB);
      await standard.adapter.uploadImage(created.nativeId, first, uploadContext());

      const again = generatedSource(2, 1 * MiB);
      const image = await standard.adapter.uploadImage(created.nativeId, again, uploadContext());

      expect(again.opens).toBe(0);
      expect(image).toMatchObject({ status: 'active', checksums: { sha512: again.sha512 } });
    });

    it('fails with IntegrityError when the emulator holds other bytes than the source says', async () => {
      const created = await nhn.adapter.createImage(spec());
      const lying = generatedSource(3, 1 * MiB, { streamSeed: 4 });

      const error = await rejection(nhn.adapter.uploadImage(created.nativeId, lying, uploadContext()));

      expect(error).toBeInstanceOf(IntegrityError);
      expect(error.message).toMatch(/sha512 is [0-9a-f]{128}, the upload has/);
      expect(error.message).toMatch(/md5 checksum/);
    });

    it('fails with IntegrityError when an active image already holds other data', async () => {
      const created = await nhn.adapter.createImage(spec());
      await nhn.adapter.uploadImage(created.nativeId, generatedSource(5, 256 * 1024), uploadContext());

      const other = generatedSource(6, 256 * 1024);
      const error = await rejection(nhn.adapter.uploadImage(created.nativeId, other, uploadContext()));

      expect(error).toBeInstanceOf(IntegrityError);
      expect(error.message).toMatch(/already active with other data/);
      expect(other.opens).toBe(0);
    });

    it('fails with IntegrityError, without sending, when Glance has killed the image', async () => {
      const id = seedImage(nhn, { status: 'killed' });
      const source = generatedSource(7, 1024);

      await expect(nhn.adapter.uploadImage(id, source, uploadContext())).rejects.toBeInstanceOf(IntegrityError);
      expect(source.opens).toBe(0);
    });

    it('answers ProviderRejectedError 409 when Glance refuses the data (another upload is running)', async () => {
      const id = seedImage(standard, { status: 'saving' });
      const source = generatedSource(8, 1024);

      const error = await rejection(standard.adapter.uploadImage(id, source, uploadContext()));

      expect(error).toBeInstanceOf(ProviderRejectedError);
      expect(error).toMatchObject({ upstreamStatus: 409 });
      expect(error.message).toMatch(/not queued/);
    });

    it('gives up transiently when the image stays saving after its data was sent', async () => {
      const created = await standard.adapter.createImage(spec());
      const { store } = standard.emulator;
      const update = store.update.bind(store);
      // Glance took the data, but its store is still busy whenever we look.
      const busy = jest.spyOn(store, 'update').mockImplementation((id, mutate) =>
        update(id, (record) => {
          mutate(record);
          if (id === created.nativeId && record.status === 'active') record.status = 'saving';
        }),
      );

      try {
        const error = await rejection(
          standard.adapter.uploadImage(created.nativeId, generatedSource(9, 1024), uploadContext()),
        );
        expect(error).toBeInstanceOf(ProviderUnavailableError);
        expect(error.message).toMatch(/still 'saving' 1 s after its data was sent/);
      } finally {
        busy.mockRestore();
      }
    });

    it('stops reading the source when the job is cancelled mid-upload; Glance puts the image back to queued', async () => {
      const created = await nhn.adapter.createImage(spec());
      const controller = new AbortController();
      const source = generatedSource(11, 20 * MiB);
      let opened: Readable | undefined;
      const watched: ImageBytesSource = { ...source, open: async () => (opened = await source.open()) };
      const context = {
        ...uploadContext(),
        signal: controller.signal,
        progress: (bytes: number) => {
          if (bytes >= 2 * MiB) controller.abort(new Error('job cancelled'));
        },
      };

      await expect(nhn.adapter.uploadImage(created.nativeId, watched, context)).rejects.toThrow('job cancelled');

      expect(opened?.destroyed).toBe(true);
      await waitFor(() => nhn.emulator.store.get(created.nativeId)?.status === 'queued');
    });

    it('has nothing to release on abort', async () => {
      await expect(nhn.adapter.abortUpload('any', uploadContext().checkpoint)).resolves.toBeNull();
    });
  });

  describe('downloadImage', () => {
    let imageId: string;
    const source = generatedSource(10, 3 * MiB + 17);

    beforeAll(async () => {
      imageId = (await nhn.adapter.createImage(spec())).nativeId;
      await nhn.adapter.uploadImage(imageId, source, uploadContext());
    });

    it('downloads the whole image with its length and md5', async () => {
      const download = await nhn.adapter.downloadImage(imageId, null);

      expect(download).toMatchObject({
        status: 200,
        contentLength: source.sizeBytes,
        contentRange: null,
        contentType: 'application/octet-stream',
        md5: source.md5,
      });
      const bytes = await readAll(download.stream);
      expect(createHash('sha512').update(bytes).digest('hex')).toBe(source.sha512);
    });

    it('downloads a Range as 206 with Content-Range', async () => {
      const download = await nhn.adapter.downloadImage(imageId, { start: CHUNK - 2, end: CHUNK + 1 });

      expect(download).toMatchObject({
        status: 206,
        contentLength: 4,
        contentRange: `bytes ${CHUNK - 2}-${CHUNK + 1}/${source.sizeBytes}`,
      });
      const expected = Buffer.concat([chunkOf(10, 0, source.sizeBytes), chunkOf(10, 1, source.sizeBytes)]).subarray(
        CHUNK - 2,
        CHUNK + 2,
      );
      expect(await readAll(download.stream)).toEqual(expected);
    });

    it('downloads an open-ended Range to the end', async () => {
      const download = await nhn.adapter.downloadImage(imageId, { start: source.sizeBytes - 5 });

      expect(download.status).toBe(206);
      expect((await readAll(download.stream)).length).toBe(5);
    });

    it('answers ProviderNotFoundError when Glance has no data for the image (204)', async () => {
      const empty = (await nhn.adapter.createImage(spec())).nativeId;

      const error = await rejection(nhn.adapter.downloadImage(empty, null));

      expect(error).toBeInstanceOf(ProviderNotFoundError);
      expect(error.message).toMatch(/no data/);
    });

    it('answers ProviderRejectedError for a range past the end (416)', async () => {
      const error = await rejection(nhn.adapter.downloadImage(imageId, { start: source.sizeBytes + 10 }));

      expect(error).toBeInstanceOf(ProviderRejectedError);
      expect(error).toMatchObject({ upstreamStatus: 416 });
      expect(error.message).toContain(`holds ${source.sizeBytes} bytes`);
    });

    it('answers ProviderNotFoundError for an unknown image', async () => {
      await expect(nhn.adapter.downloadImage(crypto.randomUUID(), null)).rejects.toBeInstanceOf(ProviderNotFoundError);
    });
  });

  describe('updateImage', () => {
    it('turns a merge patch into JSON patch: name, tags, visibility, and properties added and removed', async () => {
      const id = seedImage(nhn, { tags: ['old'], extra: { os_type: 'linux', stale: 'x', keep: 'k' } });

      const image = await nhn.adapter.updateImage(id, {
        name: 'renamed',
        tags: ['a', 'b'],
        visibility: 'shared',
        minDiskGiB: 30,
        protected: true,
        properties: { stale: null, never_there: null, keep: 'k2', added: 'v' },
      });

      expect(image).toMatchObject({
        name: 'renamed',
        tags: ['a', 'b'],
        visibility: 'shared',
        minDiskGiB: 30,
        protected: true,
      });
      expect(nhn.emulator.store.get(id)?.extra).toEqual({ os_type: 'linux', keep: 'k2', added: 'v' });
    });

    it('sends nothing when the patch changes nothing', async () => {
      const id = seedImage(standard, { name: 'same' });

      const touch = jest.spyOn(standard.emulator.store, 'touch');

      try {
        const image = await standard.adapter.updateImage(id, { properties: { absent: null } });
        expect(image.name).toBe('same');
        expect(touch).not.toHaveBeenCalled();
      } finally {
        touch.mockRestore();
      }
    });

    it("maps Glance's 403 on a read-only attribute to ProviderRejectedError with Glance's message", async () => {
      const id = seedImage(nhn, { extra: { os_type: 'linux' } });

      const error = await rejection(nhn.adapter.updateImage(id, { properties: { properties: 'x' } }));

      expect(error).toBeInstanceOf(ProviderRejectedError);
      expect(error).toMatchObject({ upstreamStatus: 403 });
      expect(error.message).toMatch(/Attribute 'properties' is read-only/);
    });

    it('answers ProviderNotFoundError for an unknown image', async () => {
      await expect(standard.adapter.updateImage(crypto.randomUUID(), { name: 'x' })).rejects.toBeInstanceOf(
        ProviderNotFoundError,
      );
    });
  });

  describe('deleteImage', () => {
    it('deletes an own image', async () => {
      const id = seedImage(standard);

      await standard.adapter.deleteImage(id);

      expect(standard.emulator.store.has(id)).toBe(false);
    });

    it('refuses a protected image with ProviderRejectedError 409 saying it is protected', async () => {
      const id = seedImage(standard, { protected: true });

      const error = await rejection(standard.adapter.deleteImage(id));

      expect(error).toBeInstanceOf(ProviderRejectedError);
      expect(error).toMatchObject({ upstreamStatus: 409 });
      expect(error.message).toMatch(/is protected and cannot be deleted/);
      expect(standard.emulator.store.has(id)).toBe(true);
    });

    it('refuses an NHN public image as protected (409)', async () => {
      const id = seedImage(nhn, { visibility: 'public', owner: 'c289b99209ca4e189095cdecebbd092d' });

      await expect(nhn.adapter.deleteImage(id)).rejects.toMatchObject({
        constructor: ProviderRejectedError,
        upstreamStatus: 409,
      });
    });

    it('answers ProviderNotFoundError for an unknown image', async () => {
      await expect(standard.adapter.deleteImage(crypto.randomUUID())).rejects.toBeInstanceOf(ProviderNotFoundError);
    });
  });

  describe('tags', () => {
    it('adds and removes tags, url-encoding them', async () => {
      const id = seedImage(nhn);

      await nhn.adapter.addTag(id, 'cuda 12.4');
      await nhn.adapter.addTag(id, 'ml/train');
      expect(nhn.emulator.store.get(id)?.tags).toEqual(['cuda 12.4', 'ml/train']);

      await nhn.adapter.removeTag(id, 'cuda 12.4');
      expect(nhn.emulator.store.get(id)?.tags).toEqual(['ml/train']);
    });

    it("refuses NHN tags starting with '_' with Glance's message", async () => {
      const id = seedImage(nhn);

      const error = await rejection(nhn.adapter.addTag(id, '_internal'));

      expect(error).toBeInstanceOf(ProviderRejectedError);
      expect(error).toMatchObject({ upstreamStatus: 400 });
      expect(error.message).toMatch(/may not start with '_'/);
    });

    it("accepts '_' tags on standard Glance", async () => {
      const id = seedImage(standard);

      await standard.adapter.addTag(id, '_internal');

      expect(standard.emulator.store.get(id)?.tags).toEqual(['_internal']);
    });

    it('maps a tag change on a foreign image (403) to ProviderRejectedError', async () => {
      const id = seedImage(standard, { visibility: 'public', owner: 'someone-else' });

      await expect(standard.adapter.addTag(id, 'x')).rejects.toMatchObject({
        constructor: ProviderRejectedError,
        upstreamStatus: 403,
      });
    });
  });

  describe('members', () => {
    it.each(['nhn', 'standard'] as const)(
      '%s: adds a member, lists it, lets the member accept, then removes it',
      async (dialect) => {
        const glance = dialect === 'nhn' ? nhn : standard;
        const id = seedImage(glance, { visibility: 'shared', extra: { os_type: 'linux' } });

        const added = await glance.adapter.addMember(id, PARTNER);
        expect(added).toMatchObject({ memberId: PARTNER, status: 'pending' });
        expect(added.createdAt).toBeInstanceOf(Date);

        expect(await glance.adapter.listMembers(id)).toEqual([added]);

        const accepted = await glance.partner.updateMember(id, PARTNER, 'accepted');
        expect(accepted).toMatchObject({ memberId: PARTNER, status: 'accepted' });
        expect((await glance.adapter.listMembers(id)).map((m) => m.status)).toEqual(['accepted']);

        await glance.adapter.removeMember(id, PARTNER);
        expect(await glance.adapter.listMembers(id)).toEqual([]);
      },
    );

    it('refuses a duplicate member with ProviderRejectedError 409', async () => {
      const id = seedImage(nhn, { visibility: 'shared' });
      await nhn.adapter.addMember(id, PARTNER);

      await expect(nhn.adapter.addMember(id, PARTNER)).rejects.toMatchObject({
        constructor: ProviderRejectedError,
        upstreamStatus: 409,
      });
    });

    it('refuses members of an image that is not shared, and status changes by the owner, as ProviderRejectedError', async () => {
      const privateId = seedImage(nhn, { visibility: 'private' });
      const privateError = await rejection(nhn.adapter.addMember(privateId, PARTNER));
      expect(privateError).toBeInstanceOf(ProviderRejectedError);
      expect(privateError.message).toMatch(/Only shared images have members/);
      await expect(nhn.adapter.listMembers(privateId)).rejects.toBeInstanceOf(ProviderRejectedError);

      const sharedId = seedImage(nhn, { visibility: 'shared' });
      await nhn.adapter.addMember(sharedId, PARTNER);
      await expect(nhn.adapter.updateMember(sharedId, PARTNER, 'accepted')).rejects.toMatchObject({
        constructor: ProviderRejectedError,
        upstreamStatus: 403,
      });
    });

    it('gets one member: the owner sees it, the member sees itself, an unknown one is ProviderNotFoundError', async () => {
      const id = seedImage(standard, { visibility: 'shared' });
      const added = await standard.adapter.addMember(id, PARTNER);

      expect(await standard.adapter.getMember(id, PARTNER)).toEqual(added);
      expect(await standard.partner.getMember(id, PARTNER)).toMatchObject({ memberId: PARTNER, status: 'pending' });
      await expect(standard.adapter.getMember(id, 'c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0')).rejects.toBeInstanceOf(
        ProviderNotFoundError,
      );
      const privateId = seedImage(standard, { visibility: 'private' });
      await expect(standard.adapter.getMember(privateId, PARTNER)).rejects.toBeInstanceOf(ProviderRejectedError);
    });

    it('answers ProviderNotFoundError when removing a member the image does not have', async () => {
      const id = seedImage(standard, { visibility: 'shared' });

      await expect(standard.adapter.removeMember(id, PARTNER)).rejects.toBeInstanceOf(ProviderNotFoundError);
    });
  });
});
